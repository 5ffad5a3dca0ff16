"""The one cache of loaded models in a process: each (kind, spec, device) is loaded once.

Checkers, the Ray and process workers and the scripts all load models through here, so a model
is never loaded twice in one process, and ``loads`` says how many real loads happened (a test
counts them).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

_MISSING = object()
_Model = TypeVar("_Model")


class ModelStore:
    """Loaded models by key; ``get`` loads on first use (one load at a time per process)."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, Hashable], Any] = {}
        self._lock = threading.RLock()
        self.loads: Counter[str] = Counter()  # real loads per kind ("encoder", "nli", ...)

    def get(self, kind: str, key: Hashable, load: Callable[[], _Model]) -> _Model:
        with self._lock:
            found = self._models.get((kind, key), _MISSING)
            if found is _MISSING:
                found = load()
                self.loads[kind] += 1
                self._models[(kind, key)] = found
            # Each kind is loaded at one place only (load_encoder, load_translator, ...), so a
            # (kind, key) always holds what that loader returns.
            return cast(_Model, found)

    def clear(self) -> None:
        """Forget every model (tests; a long-lived process that wants its memory back)."""
        with self._lock:
            self._models.clear()


STORE = ModelStore()
