"""On-disk caches of scripts/train_judge.py: sentence vectors per encoder, and the detectors'
evidence per pair, so that a rerun skips the slow parts (keyed by a hash of the text)."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


def text_key(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def cached_vectors(encoder_name: str, texts: Sequence[str], cache: Path, chunk: int = 2000) -> np.ndarray:
    """The encoder's vectors of ``texts`` (rows in order), from ``cache/<encoder>.npz`` where held;
    the missing ones are embedded and the file rewritten every ``chunk`` texts."""
    path = cache / f"vectors-{encoder_name}.npz"
    index: dict[str, np.ndarray] = {}
    if path.exists():
        held = np.load(path)
        index = dict(zip(held["keys"].tolist(), held["vectors"]))
    keys = [text_key(t) for t in texts]
    missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in index))
    if missing:
        from fidelity.models.encoders import load_encoder

        encoder = load_encoder(encoder_name)
        started = time.perf_counter()
        for i in range(0, len(missing), chunk):
            part = missing[i:i + chunk]
            for text, vector in zip(part, encoder.encode(part)):
                index[text_key(text)] = vector
            encoder._cache.clear() if hasattr(encoder, "_cache") else None
            _save(path, index)
            done = min(i + chunk, len(missing))
            print(f"  {encoder_name}: {done}/{len(missing)} texts embedded, {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)
    return np.stack([index[k] for k in keys]).astype(np.float32)


def _save(path: Path, index: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, keys=np.array(list(index)), vectors=np.stack(list(index.values())).astype(np.float32))
    tmp.replace(path)


Evidence = list[tuple[str, str]]


def cached_evidence(pairs: Sequence[tuple[str, str, str, str]], cache: Path,
                    run: Callable[[str, str, str, str], Evidence]) -> list[Evidence | None]:
    """The detectors' evidence for each (src, tgt, src_lang, tgt_lang), from ``cache/evidence.jsonl``
    where held; the rest computed with ``run`` and appended as it goes. A pair where ``run`` raised
    (the tree may be mid-change) gets None and is not cached, so that a rerun tries it again."""
    path = cache / "evidence.jsonl"
    held: dict[str, Evidence | None] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                held[row["key"]] = [tuple(x) for x in row["evidence"]] if row["evidence"] is not None else None
    keys = [text_key(*p) for p in pairs]
    todo = [(k, p) for k, p in dict(zip(keys, pairs)).items() if k not in held]
    if todo:
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        failed: dict[str, int] = {}
        with path.open("a", encoding="utf-8") as out:
            for n, (key, pair) in enumerate(todo, 1):
                try:
                    held[key] = run(*pair)
                    out.write(json.dumps({"key": key, "evidence": held[key]}) + "\n")
                except Exception as exc:
                    held[key] = None
                    message = f"{type(exc).__name__}: {exc}"[:200]
                    failed[message] = failed.get(message, 0) + 1
                if n % 200 == 0 or n == len(todo):
                    out.flush()
                    elapsed = time.perf_counter() - started
                    print(f"  evidence: {n}/{len(todo)} pairs, {elapsed:.0f} s ({elapsed / n:.3f} s/pair), "
                          f"{sum(failed.values())} raised", file=sys.stderr, flush=True)
        for message, count in failed.items():
            print(f"  evidence raised {count} x {message}", file=sys.stderr)
    return [held[k] for k in keys]


def cached_alignment(pairs: Sequence[tuple[str, str]], cache: Path, chunk: int = 1000) -> np.ndarray:
    """``fidelity.judge.alignment`` features of each (src, tgt), from ``cache/alignment-use.npz``
    where held; the rest from USE's token vectors, saved every ``chunk`` pairs."""
    from fidelity.judge.alignment import alignment_features

    path = cache / "alignment-use.npz"
    index: dict[str, np.ndarray] = {}
    if path.exists():
        held = np.load(path)
        index = dict(zip(held["keys"].tolist(), held["vectors"]))
    keys = [text_key(*p) for p in pairs]
    missing = list(dict.fromkeys((k, p) for k, p in zip(keys, pairs) if k not in index))
    if missing:
        from fidelity.models.use_tokens import load_token_vectors

        model = load_token_vectors()
        started = time.perf_counter()
        for i in range(0, len(missing), chunk):
            part = missing[i:i + chunk]
            src = model.token_vectors([p[0] for _, p in part])
            tgt = model.token_vectors([p[1] for _, p in part])
            for (key, _), s, t in zip(part, src, tgt):
                index[key] = alignment_features(s, t)
            _save(path, index)
            print(f"  alignment: {min(i + chunk, len(missing))}/{len(missing)} pairs, "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return np.stack([index[k] for k in keys]).astype(np.float32)
