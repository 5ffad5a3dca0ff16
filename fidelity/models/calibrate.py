"""Thresholds for a new encoder by quantile matching against USE, the reference scale.

Cosine scales differ between encoders (USE spreads pairs over 0..1, multilingual-e5 squeezes them
into 0.75..1), so a threshold cannot be copied from one encoder to another. Instead both encoders
embed the same reference pairs, and each USE threshold ``t`` is mapped to the target encoder's
similarity at the same quantile: ``t' = Q_target(F_USE(t))``, where ``F_USE`` is the share of
reference pairs USE scores below ``t``. The mapping keeps the order of the thresholds and, for
pairs the two encoders rank alike, puts the same pairs on the same side of each threshold.

The reference pairs come from ``fidelity/data/perturbations.tsv`` (package data: faithful
controls, perturbed minimal pairs) plus pairs built from it so that every part of the scale is
populated: a sentence against its own first or second half (partial overlap), its first half
against its second (same topic, different content), a sentence against another sentence of the
set (same domain, different content) and against a shuffled rewrite (unrelated).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np

from fidelity.data import resource
from fidelity.models.encoder_types import Encoder, Thresholds

REFERENCE_TSV = resource("perturbations.tsv")  # package data: found in a wheel as in a checkout
KINDS = ("control", "perturbed", "half", "halves", "same_set", "unrelated")


def reference_pairs(path: Path | Traversable = REFERENCE_TSV, languages: Sequence[str] | None = None,
                    per_kind: int | None = None, seed: int = 13) -> list[tuple[str, str, str]]:
    """``(kind, a, b)`` pairs in a fixed order (seeded), ``per_kind`` at most of each kind."""
    # Decoded whole and read with newline="" (a Traversable's open takes no newline): csv sees
    # the line ends as written, as it does through open(newline="").
    text = path.read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"))
    if languages is not None:
        wanted = set(languages)
        rows = [r for r in rows if r["lang"] in wanted]
    rng = random.Random(seed)
    pairs: dict[str, list[tuple[str, str]]] = {k: [] for k in KINDS}
    for r in rows:
        pairs["control" if r["is_control"] == "1" else "perturbed"].append((r["original"], r["rewrite"]))
    originals = list(dict.fromkeys(r["original"] for r in rows))
    for text in originals:
        words = text.split()
        if len(words) >= 8:
            cut = len(words) // 2
            first, second = " ".join(words[:cut]), " ".join(words[cut:])
            pairs["half"].append((text, first if rng.random() < 0.5 else second))
            pairs["halves"].append((first, second))
    by_lang: dict[str, list[str]] = {}
    for r in rows:
        by_lang.setdefault(r["lang"], []).append(r["original"])
    for texts in by_lang.values():
        texts = list(dict.fromkeys(texts))
        for i, text in enumerate(texts):
            other = texts[(i + 1 + rng.randrange(max(1, len(texts) - 1))) % len(texts)]
            if other != text:
                pairs["same_set"].append((text, other))
    rewrites = [(r["lang"], r["original"], r["rewrite"]) for r in rows]
    shuffled = rewrites[:]
    rng.shuffle(shuffled)
    for (lang, original, _), (lang2, other_original, rewrite) in zip(rewrites, shuffled):
        if lang == lang2 and other_original != original:
            pairs["unrelated"].append((original, rewrite))
    out: list[tuple[str, str, str]] = []
    for kind in KINDS:
        chosen = pairs[kind]
        if per_kind is not None and len(chosen) > per_kind:
            chosen = rng.sample(chosen, per_kind)
        out.extend((kind, a, b) for a, b in chosen)
    return out


def similarities(encoder: Encoder, pairs: Sequence[tuple[str, str, str]]) -> np.ndarray:
    """Cosine of each pair under ``encoder`` (its vectors are L2-normalised)."""
    a = encoder.encode([p[1] for p in pairs])
    b = encoder.encode([p[2] for p in pairs])
    cosines: np.ndarray = np.sum(a * b, axis=1)
    return cosines


def map_thresholds(reference: np.ndarray, target: np.ndarray, thresholds: Thresholds, digits: int = 3) -> Thresholds:
    """Each reference threshold moved to the target's similarity at the same quantile."""
    reference = np.sort(np.asarray(reference, dtype=np.float64))
    target = np.asarray(target, dtype=np.float64)

    def move(t: float) -> float:
        share = float(np.searchsorted(reference, t, side="left")) / len(reference)
        return round(float(np.quantile(target, min(max(share, 0.0), 1.0))), digits)

    return Thresholds(**{k: move(v) for k, v in asdict(thresholds).items()})


def calibrate(target: Encoder, reference: Encoder, *, languages: Sequence[str] | None = None,
              per_kind: int | None = None, path: Path | Traversable = REFERENCE_TSV) -> tuple[Thresholds, dict[str, Any]]:
    """Thresholds for ``target`` on the reference encoder's (USE's) scale, and a report of the fit.

    The reference is given (``load_encoder("use")``), never loaded here: the encoders use this
    module, which must not import them back."""
    if languages is None:
        languages = sorted(set(getattr(target, "languages", ())) & set(reference.languages)) or None
    pairs = reference_pairs(path, languages, per_kind)
    ref = similarities(reference, pairs)
    tgt = similarities(target, pairs)
    result = map_thresholds(ref, tgt, reference.thresholds)
    kinds = np.array([p[0] for p in pairs])
    report = {
        "pairs": len(pairs),
        "languages": sorted({lang for lang in (languages or [])}) or "all",
        "spearman": _spearman(ref, tgt),
        "by_kind": {k: {"n": int((kinds == k).sum()),
                        "reference_median": round(float(np.median(ref[kinds == k])), 3),
                        "target_median": round(float(np.median(tgt[kinds == k])), 3)}
                    for k in KINDS if (kinds == k).any()},
        "reference_thresholds": asdict(reference.thresholds),
        "thresholds": asdict(result),
        "agreement": _agreement(ref, tgt, reference.thresholds, result),
    }
    return result, report


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra = np.argsort(np.argsort(a))
    rb = np.argsort(np.argsort(b))
    return round(float(np.corrcoef(ra, rb)[0, 1]), 3)


def _agreement(ref: np.ndarray, tgt: np.ndarray, ref_t: Thresholds, tgt_t: Thresholds) -> dict[str, float]:
    """Share of pairs put on the same side of each threshold by both encoders."""
    return {k: round(float(np.mean((ref >= getattr(ref_t, k)) == (tgt >= getattr(tgt_t, k)))), 3)
            for k in asdict(ref_t)}


def calibration_dir() -> Path:
    base = os.environ.get("FIDELITY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "fidelity")
    return Path(base) / "calibration"


def _fingerprint(encoder: Encoder) -> str:
    path = Path(getattr(encoder, "path", ""))
    parts = [str(path.resolve()), getattr(encoder, "pooling", ""), getattr(encoder, "prefix", ""),
             str(getattr(encoder, "max_length", ""))]
    for f in sorted(path.glob("*")) if path.is_dir() else []:
        if f.is_file() and f.suffix in (".safetensors", ".bin", ".json"):
            stat = f.stat()
            parts.append(f"{f.name}:{stat.st_size}:{int(stat.st_mtime)}")
    parts.append(hashlib.sha1(REFERENCE_TSV.read_bytes()).hexdigest())
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def calibrated_thresholds(encoder: Encoder, reference: Callable[[], Encoder], per_kind: int = 60) -> tuple[Thresholds, str]:
    """Thresholds for an encoder the manifest has none for: calibrated once, then read from disk.

    ``reference`` loads the reference encoder (USE), called only when nothing is on disk yet.
    Returns ``(thresholds, where they came from)``.
    """
    cache = calibration_dir() / f"{_fingerprint(encoder)}.json"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        return Thresholds(**data["thresholds"]), f"calibrated against USE (cached {cache})"
    except (OSError, ValueError, KeyError, TypeError):
        pass
    thresholds, report = calibrate(encoder, reference(), per_kind=per_kind)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"encoder": encoder.name, **report}, indent=1), encoding="utf-8")
    except OSError:
        pass
    return thresholds, "calibrated against USE"
