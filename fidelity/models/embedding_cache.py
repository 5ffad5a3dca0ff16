"""A disk cache of sentence embeddings (SQLite), shared by the runs of ``fidelity batch``.

Keyed by the encoder's identity (name, backend, dimension and, for transformers models, what
changes its vectors: path, pooling, prefix, maximum length) and the SHA-256 of the text; the
value is the normalised float32 vector exactly as the encoder returned it, so a check that reads
its embeddings from the cache reports what a check that computed them reports.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fidelity.errors import FidelityError

if TYPE_CHECKING:
    from fidelity.models.encoder_types import Encoder, SpanEncoder


def encoder_namespace(encoder: Encoder) -> str:
    """What identifies an encoder's vectors: two encoders with the same namespace embed alike."""
    settings = encoder.settings() if hasattr(encoder, "settings") else {"name": encoder.name}
    keep = ("name", "backend", "dim", "path", "pooling", "prefix", "max_length", "dense_layers", "precision")
    return json.dumps({k: settings.get(k) for k in keep if k in settings}, sort_keys=True)


def _text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class EmbeddingCache:
    """Embeddings on disk: ``DIR/embeddings.sqlite3`` (WAL, so several processes can share it)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / "embeddings.sqlite3"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Not tied to the opening thread: a Ray actor is built in one thread and called in
            # another (each call whole, never two at once), which sqlite3 refuses by default.
            self._db = sqlite3.connect(str(self.path), timeout=60, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS embedding (model TEXT NOT NULL, text_sha256 BLOB NOT NULL, "
                "vector BLOB NOT NULL, PRIMARY KEY (model, text_sha256)) WITHOUT ROWID")
        except (OSError, sqlite3.Error) as exc:
            raise FidelityError(f"cannot open the embedding cache {self.path}: {exc}") from None
        self.hits = 0
        self.misses = 0

    def get_many(self, model: str, texts: Sequence[str], dtype: type = np.float32) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        if not texts:
            return out
        keys = {_text_key(t): t for t in texts}
        found = list(keys)
        for start in range(0, len(found), 500):  # SQLite's variable limit
            chunk = found[start:start + 500]
            rows = self._db.execute(
                f"SELECT text_sha256, vector FROM embedding WHERE model = ? AND text_sha256 IN "
                f"({','.join('?' * len(chunk))})", [model, *chunk]).fetchall()
            for key, blob in rows:
                out[keys[key]] = np.frombuffer(blob, dtype=dtype)
        self.hits += len(out)
        self.misses += len(keys) - len(out)
        return out

    def put_many(self, model: str, items: dict[str, np.ndarray], dtype: type = np.float32) -> None:
        if not items:
            return
        rows = [(model, _text_key(t), np.ascontiguousarray(v, dtype=dtype).tobytes()) for t, v in items.items()]
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany("INSERT OR IGNORE INTO embedding VALUES (?, ?, ?)", rows)
        except sqlite3.Error:
            pass  # a full disk or a locked database costs speed, never a result

    def close(self) -> None:
        self._db.close()

    def wrap(self, encoder: Encoder) -> DiskCachedEncoder:
        """``encoder`` reading and writing its embeddings through this cache."""
        return DiskCachedEncoder(encoder, self)

    def wrap_aligner(self, aligner: Any) -> DiskCachedAligner:
        """The judge's token aligner reading and writing its pair alignments through this cache."""
        return DiskCachedAligner(aligner, self)

    def wrap_context(self, model: Any) -> DiskCachedContext | None:
        """The context model (``fidelity.models.context``) reading and writing its similarities
        through this cache; None for no model."""
        return None if model is None else DiskCachedContext(model, self)


class DiskCachedAligner:
    """The judge's token alignment (``fidelity.judge.alignment``) of text pairs from the disk cache
    when there: a warm batch never runs USE's token forward pass (five times the judge's other cost
    in a warm batch, issue 18). Keyed by the two texts; the value holds the features and the two
    pointed spans (-1 for none) as the aligner returned them."""

    def __init__(self, aligner: Any, cache: EmbeddingCache) -> None:
        from fidelity.judge.alignment import ALIGNMENT_COLUMNS

        self.inner = aligner
        self.cache = cache
        self.namespace = f"alignment:use-tokens:{ALIGNMENT_COLUMNS}"

    def __call__(self, pairs: Sequence[tuple[str, str]]) -> list[Any]:
        from fidelity.judge.alignment import PairAlignment

        keys = [json.dumps([src, tgt], ensure_ascii=False) for src, tgt in pairs]
        found = self.cache.get_many(self.namespace, keys, dtype=np.float64)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            computed = self.inner([pairs[i] for i in missing])
            new = {}
            for i, aligned in zip(missing, computed):
                spans = [*(aligned.src_span or (-1, -1)), *(aligned.tgt_span or (-1, -1))]
                found[keys[i]] = new[keys[i]] = np.concatenate([aligned.features.astype(np.float64), spans])
            self.cache.put_many(self.namespace, new, dtype=np.float64)
        out = []
        for key in keys:
            row = found[key]
            s0, s1, t0, t1 = (int(x) for x in row[-4:])
            out.append(PairAlignment(row[:-4].astype(np.float32), (s0, s1) if s0 >= 0 else None,
                                     (t0, t1) if t0 >= 0 else None))
        return out


class DiskCachedEncoder:
    """An encoder whose embeddings come from the disk cache when there; the loaded encoder (shared,
    cached per process) is wrapped, never changed (as ``WithThresholds`` does)."""

    def __init__(self, encoder: Encoder, cache: EmbeddingCache) -> None:
        self.inner = encoder
        self.cache = cache
        self.namespace = encoder_namespace(encoder)
        self._read: dict[str, np.ndarray] = {}  # read from disk during this check (one wrapper per check)

    def __getattr__(self, name: str) -> Any:  # name, languages, thresholds, dim, settings...
        return getattr(self.inner, name)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return self.inner.encode(texts)
        unique = list(dict.fromkeys(texts))
        in_memory = getattr(self.inner, "_cache", {})
        found = {t: self._read[t] for t in unique if t in self._read}
        wanted = [t for t in unique if t not in in_memory and t not in found]
        from_disk = self.cache.get_many(self.namespace, wanted)
        self._read.update(from_disk)
        found.update(from_disk)
        missing = [t for t in unique if t not in found]
        if missing:
            vectors = self.inner.encode(missing)
            new = {t: v for t, v in zip(missing, vectors) if t in wanted}
            self.cache.put_many(self.namespace, new)
            found.update(zip(missing, vectors))
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def encode_each(self, texts: Sequence[str]) -> None:
        """The inner encoder's ``encode_each`` for the texts neither in memory nor on disk, written
        to disk at once (``encode`` writes only what it computes, and these it then finds in
        memory); those on disk are read into this check's, so a warm batch computes none of them."""
        ahead = getattr(self.inner, "encode_each", None)
        if ahead is None:
            return
        unique = list(dict.fromkeys(texts))
        in_memory = getattr(self.inner, "_cache", {})
        wanted = [t for t in unique if t not in in_memory and t not in self._read]
        self._read.update(self.cache.get_many(self.namespace, wanted))
        missing = [t for t in wanted if t not in self._read]
        if missing:
            ahead(missing)
            self.cache.put_many(self.namespace, dict(zip(missing, self.inner.encode(missing))))

    def span_encoder(self, sentences: Sequence[str]) -> DiskCachedSpans | None:
        """The inner encoder's span encoder (``encoder_types.span_encoder``) with its vectors in this
        cache, apart from the texts' own (USE's span vectors differ from its vectors of the joined
        texts in the last bits); None where the inner encoder has none: the joined texts then go
        through ``encode``, so through this cache."""
        own = getattr(self.inner, "span_encoder", None)
        made: SpanEncoder | None = own(sentences) if own is not None else None
        return None if made is None else DiskCachedSpans(made, self.cache, "spans:" + self.namespace)


class DiskCachedSpans:
    """A span encoder whose vectors come from the disk cache when there, keyed by the joined text:
    a warm batch computes no span (its sentences' token features would cost a forward pass)."""

    def __init__(self, spans: SpanEncoder, cache: EmbeddingCache, namespace: str) -> None:
        self.inner = spans
        self.cache = cache
        self.namespace = namespace

    def text(self, start: int, end: int) -> str:
        return self.inner.text(start, end)

    def encode(self, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        if not spans:
            return self.inner.encode(spans)
        texts = [self.inner.text(a, b) for a, b in spans]
        found = self.cache.get_many(self.namespace, texts)
        missing = [k for k, text in enumerate(texts) if text not in found]
        if missing:
            vectors = self.inner.encode([spans[k] for k in missing])
            new = {texts[k]: vector for k, vector in zip(missing, vectors)}
            self.cache.put_many(self.namespace, new)
            found.update(new)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)


class DiskCachedContext:
    """The context model whose span similarities come from the disk cache when there: a warm batch
    never runs it (its forward pass was most of a warm same-language pair's time, issue 19). Keyed
    by the two sentences and spans; the value is the float the model returned (float64; NaN for
    None), so the findings are those of a run that computed it."""

    def __init__(self, model: Any, cache: EmbeddingCache) -> None:
        self.inner = model
        self.cache = cache
        self.namespace = "context:" + json.dumps({"model": model.settings(), "device": model.device,
                                                  "backend": model.backend}, sort_keys=True)

    def __getattr__(self, name: str) -> Any:  # name, languages, settings...
        return getattr(self.inner, name)

    def ahead(self, sentences: Sequence[str]) -> None:
        """Nothing: the similarities a warm batch asks for are on disk, and a cold one computes the
        states it needs as it goes (the spans, part of the key, are not known ahead)."""

    def similarity(self, a: str, a_span: tuple[int, int], b: str, b_span: tuple[int, int]) -> float | None:
        key = json.dumps([a, list(a_span), b, list(b_span)], ensure_ascii=False)
        found = self.cache.get_many(self.namespace, [key], dtype=np.float64).get(key)
        if found is not None:
            value = float(found[0])
            return None if np.isnan(value) else value
        similarity: float | None = self.inner.similarity(a, a_span, b, b_span)
        stored = np.array([np.nan if similarity is None else similarity], dtype=np.float64)
        self.cache.put_many(self.namespace, {key: stored}, dtype=np.float64)
        return similarity
