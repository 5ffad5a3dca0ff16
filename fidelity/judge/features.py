"""The judge's features of one sentence pair: a pure function of the two sentences, their
languages, the encoder's vectors of both sides and (optionally) the detectors' evidence.

``scripts/train_judge.py`` trains on exactly these features; ``fidelity.judge.model`` computes them
the same way at check time. Changing anything here changes the model's input: retrain.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

from fidelity.text.cues import cue_covered, find_cues

# Language pairs the training data holds (original-rewrite); any other pair is "other".
LANGUAGE_PAIRS = ("en-de", "en-ja", "en-zh", "en-cs", "en-ru", "ru-en", "en-en", "de-de", "ru-ru", "zh-zh")
# The detectors whose findings are evidence (fidelity.checking.detectors' registered names), and severities.
DETECTORS = ("sentence", "quotes", "clauses", "wording", "negation", "certainty", "numbers", "entities",
             "attribution", "loaded_language", "tone", "nli")
SEVERITIES = ("critical", "major", "minor")

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\w+")


def _numbers(text: str) -> set[str]:
    return {re.sub(r"[.,]", "", m.group()).lstrip("0") or "0" for m in _NUMBER.finditer(text)}


def _length(text: str, lang: str) -> int:
    """Words, or characters / 2 for scripts written without spaces (so that the ratio of a
    Chinese sentence to its English original is near 1)."""
    if lang in ("zh", "ja"):
        return max(1, len(text.replace(" ", "")) // 2)
    return max(1, len(_WORD.findall(text)))


_NAME_LIKE = re.compile(r"(?<=\w[\s,;:])([A-Z][\w-]+)")


def _negations(text: str, lang: str) -> int | None:
    """The number of negation cues (the project's per-language tables, ``fidelity.text.cues``), or
    None for a language without a table: a sentence vector barely moves when a "not" comes or goes."""
    return len(find_cues("negation", lang, text)) if cue_covered("negation", lang) else None


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def cue_features(src: str, tgt: str, src_lang: str, tgt_lang: str) -> np.ndarray:
    """Negation counts, shared words (same language only) and name-like words: cheap cues to the
    small changes that move a sentence vector little."""
    na, nb = _negations(src, src_lang), _negations(tgt, tgt_lang)
    neg = [0.0, 0.0, 0.0] if na is None or nb is None else [1.0, float((na > 0) != (nb > 0)), float(abs(na - nb))]
    same = src_lang == tgt_lang
    wa, wb = _words(src), _words(tgt)
    overlap = len(wa & wb) / max(1, len(wa | wb)) if same else 0.0
    only = math.log1p(len(wa ^ wb)) if same else 0.0
    # names keep their spelling across Latin-script languages: one in one side only may be a swap
    latin = src_lang not in ("ru", "zh", "ja") and tgt_lang not in ("ru", "zh", "ja")
    names_a, names_b = set(_NAME_LIKE.findall(src)), set(_NAME_LIKE.findall(tgt))
    names_only = float(len(names_a ^ names_b)) if latin else 0.0
    return np.array(neg + [overlap, only, math.log1p(names_only), float(latin)], dtype=np.float32)


def surface_features(src: str, tgt: str, src_lang: str, tgt_lang: str) -> np.ndarray:
    """Lengths, digits, cues and the language pair: what the vectors do not say."""
    a, b = _numbers(src), _numbers(tgt)
    only = len(a ^ b)
    length_ratio = math.log(_length(tgt, tgt_lang) / _length(src, src_lang))
    char_ratio = math.log(max(1, len(tgt)) / max(1, len(src)))
    pair = f"{src_lang}-{tgt_lang}"
    one_hot = [float(pair == p) for p in LANGUAGE_PAIRS] + [float(pair not in LANGUAGE_PAIRS)]
    return np.concatenate([np.array([length_ratio, abs(length_ratio), char_ratio, math.log1p(_length(src, src_lang)),
                                     float(bool(a or b)), float(only > 0), math.log1p(only),
                                     float(src_lang == tgt_lang)] + one_hot, dtype=np.float32),
                           cue_features(src, tgt, src_lang, tgt_lang)])


def evidence_features(evidence: Iterable[tuple[str, str]] | None) -> np.ndarray:
    """Counts of the detectors' findings per detector × severity (log1p), plus a flag saying
    whether evidence was given at all. ``evidence``: (detector, severity) per finding."""
    counts = np.zeros(len(DETECTORS) * len(SEVERITIES) + 1, dtype=np.float32)
    if evidence is None:
        return counts
    counts[-1] = 1.0
    for detector, severity in evidence:
        if detector in DETECTORS and severity in SEVERITIES:
            counts[DETECTORS.index(detector) * len(SEVERITIES) + SEVERITIES.index(severity)] += 1
    counts[:-1] = np.log1p(counts[:-1])
    return counts


def pair_features(src: str, tgt: str, src_lang: str, tgt_lang: str, u: np.ndarray, v: np.ndarray,
                  evidence: Iterable[tuple[str, str]] | None = None, *, vectors: bool = True,
                  alignment: np.ndarray | None = None) -> np.ndarray:
    """One pair's feature row: ``u, v, |u−v|, u⊙v`` (when ``vectors``), the token alignment
    features (``fidelity.judge.alignment``, when given), the cosine, the surface features and the
    detectors' evidence. ``u`` and ``v`` are L2-normalised sentence vectors."""
    u = np.asarray(u, dtype=np.float32)
    v = np.asarray(v, dtype=np.float32)
    parts: list[np.ndarray] = [np.concatenate([u, v, np.abs(u - v), u * v])] if vectors else []
    if alignment is not None:
        parts.append(np.asarray(alignment, dtype=np.float32))
    parts += [np.array([float(u @ v)], dtype=np.float32), surface_features(src, tgt, src_lang, tgt_lang),
              evidence_features(evidence)]
    return np.concatenate(parts)


def feature_matrix(pairs: Sequence[tuple[str, str, str, str]], u: np.ndarray, v: np.ndarray,
                   evidence: Sequence[Iterable[tuple[str, str]] | None] | None = None, *,
                   vectors: bool = True) -> np.ndarray:
    """``pair_features`` for each (src, tgt, src_lang, tgt_lang), stacked."""
    rows = [pair_features(s, t, ls, lt, u[i], v[i], evidence[i] if evidence is not None else None, vectors=vectors)
            for i, (s, t, ls, lt) in enumerate(pairs)]
    return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


# The language groups the judge has a head for (``row_groups``): the four WMT21 critical-error pairs,
# English-Russian either way, and same-language pairs; any other pair is "other" (the pooled heads).
GROUPS = ("de", "ja", "zh", "cs", "ru", "same", "other")
_GROUP_OF_PAIR = {"en-de": "de", "en-ja": "ja", "en-zh": "zh", "en-cs": "cs", "en-ru": "ru", "ru-en": "ru",
                  "en-en": "same", "de-de": "same", "ru-ru": "same", "zh-zh": "same"}
_EVIDENCE_COLUMNS = len(DETECTORS) * len(SEVERITIES) + 1
_SURFACE_COLUMNS = 8 + len(LANGUAGE_PAIRS) + 1 + 7  # surface_features: 8 numbers, the pair one-hot, the cues


def row_groups(x: np.ndarray) -> np.ndarray:
    """The language group of each feature row (``pair_features``'s layout, with or without vectors),
    read from its language-pair one-hot and its same-language flag."""
    surface = x[:, x.shape[1] - _EVIDENCE_COLUMNS - _SURFACE_COLUMNS:x.shape[1] - _EVIDENCE_COLUMNS]
    one_hot = surface[:, 8:8 + len(LANGUAGE_PAIRS) + 1]
    names = [_GROUP_OF_PAIR[p] for p in LANGUAGE_PAIRS] + ["other"]
    groups = np.array([names[i] for i in np.argmax(one_hot, axis=1)], dtype=object)
    groups[(groups == "other") & (surface[:, 7] > 0.5)] = "same"
    return groups
