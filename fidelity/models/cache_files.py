"""The user's cache directory, and the files derived into it once so that later processes read
them instead of deriving them again (issue 19: a check's start-up).

Light on purpose (standard library only): the embedding cache, USE's unpacked weights
(``fidelity/models/use_unpacked.py``) and text tables (``fidelity/text/names.py``) all import it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

# What reading back a marshal file that is not there, or not whole, or of another Python raises.
_UNREADABLE = (OSError, EOFError, ValueError, TypeError, KeyError)


def default_cache_dir() -> Path:
    """``$FIDELITY_CACHE_DIR``, else ``$XDG_CACHE_HOME/fidelity``, else ``~/.cache/fidelity``."""
    if os.environ.get("FIDELITY_CACHE_DIR"):
        return Path(os.environ["FIDELITY_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fidelity"


def unpacked_dir() -> Path:
    """``unpacked`` in the cache directory: files derived from installed packages."""
    return default_cache_dir() / "unpacked"


def key(*parts: str) -> str:
    """16 hex digits of what a derived file is made from, with Python's version (marshal's format)."""
    digest = hashlib.sha256(sys.version.split()[0].encode())
    for part in parts:
        digest.update(b"|" + part.encode())
    return digest.hexdigest()[:16]


def write_atomically(path: Path, write: Callable[[Any], None]) -> None:
    """``write(file)`` into a temporary file beside ``path``, renamed over it when whole (a reader
    never sees half a file), then the files of the same kind (the name up to its first "-") with
    another key removed. A failure is silent: this process already has what it needs, and the
    next one tries again."""
    kind = path.name.split("-", 1)[0]
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as handle:
            write(handle)
        os.replace(temporary, path)
        for old in path.parent.glob(f"{kind}-*{path.suffix}"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, ValueError):
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


def derived(kind: str, made_from: str, build: Callable[[], T]) -> T:
    """``build()``, read from ``unpacked/KIND-KEY.marshal`` when an earlier process wrote it for
    the same ``made_from`` (the versions and settings the value depends on), else built and
    written for the next one. The value must be marshal's: plain containers of str, int, float."""
    path = unpacked_dir() / f"{kind}-{key(kind, made_from)}.marshal"
    try:
        value: T = marshal.loads(path.read_bytes())
        return value
    except _UNREADABLE:
        pass
    value = build()
    write_atomically(path, lambda handle: handle.write(marshal.dumps(value)))  # type: ignore[arg-type]
    return value
