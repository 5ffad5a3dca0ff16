"""Token alignment features of one sentence pair, for the learned judge.

Each side's tokens are vectors in USE's multilingual space (``fidelity.models.use_tokens``): a token
with its n-gram context, read as a one-token sentence, lands near its translation ("cat" and
"Katze" 0.81, "house" and "Haus" 0.73). A token whose best match on the other side is weak was
dropped, added or changed; a run of them is a span. The sentence vectors average such a change
away, which is why the judge also reads these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

WEAK = (0.35, 0.5)  # best-match cosines below which a token counts as unmatched (two levels)
RUN_BELOW = 0.4  # a run of consecutive tokens below this is a candidate span (a feature)
POINT_BELOW = 0.45  # where the judge points: the run below this that falls shortest (weak_span)
QUANTILES = (0.1, 0.25)
# per side: mean, min, the quantiles, the two weak shares, the longest weak run (log1p tokens)
_PER_SIDE = 2 + len(QUANTILES) + len(WEAK) + 1
ALIGNMENT_COLUMNS = 2 * _PER_SIDE + 2  # both sides, the harmonic mean of the means, "no tokens"


def best_matches(src: np.ndarray, tgt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each source token's best cosine with a target token, and each target token's with a source
    token (rows L2-normalised)."""
    sim = src @ tgt.T
    return sim.max(axis=1), sim.max(axis=0)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The (start, end) index ranges of the runs of True in ``mask``, in order."""
    out = []
    start = None
    for i, flag in enumerate([*mask.tolist(), False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            out.append((start, i))
            start = None
    return out


def longest_run(mask: np.ndarray) -> tuple[int, int]:
    """(start, length) of the longest run of True in ``mask`` (the first of equals); (0, 0) for none."""
    found = runs(mask)
    if not found:
        return (0, 0)
    start, end = max(found, key=lambda run: run[1] - run[0])
    return (start, end - start)


def _side(best: np.ndarray) -> list[float]:
    return ([float(best.mean()), float(best.min())] + [float(np.quantile(best, q)) for q in QUANTILES]
            + [float(np.mean(best < w)) for w in WEAK] + [float(np.log1p(longest_run(best < RUN_BELOW)[1]))])


def alignment_features(src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """The pair's ``ALIGNMENT_COLUMNS`` features from the two sides' token vectors."""
    if len(src) == 0 or len(tgt) == 0:
        out = np.zeros(ALIGNMENT_COLUMNS, dtype=np.float32)
        out[-1] = 1.0
        return out
    s, t = best_matches(np.asarray(src, dtype=np.float32), np.asarray(tgt, dtype=np.float32))
    ms, mt = float(s.mean()), float(t.mean())
    harmonic = 2 * ms * mt / (ms + mt) if ms + mt > 0 else 0.0
    return np.array(_side(s) + _side(t) + [harmonic, 0.0], dtype=np.float32)


def weak_span(best: np.ndarray, offsets: list[tuple[int, int]], text: str) -> tuple[int, int] | None:
    """The character span of ``text`` where its tokens found the least on the other side (``best``:
    each token's best match; ``offsets``: its characters): of the runs of tokens below
    ``POINT_BELOW``, the one with the largest summed shortfall, widened to whole words; None where
    every token found a match."""
    if len(offsets) != len(best):
        return None
    shortfall = np.maximum(POINT_BELOW - best, 0.0)
    found = runs(shortfall > 0)
    if not found:
        return None
    chosen = max(found, key=lambda run: float(shortfall[run[0]:run[1]].sum()))
    begin, end = offsets[chosen[0]][0], offsets[chosen[1] - 1][1]
    while begin > 0 and text[begin - 1].isalnum():
        begin -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return (begin, end) if end > begin else None


@dataclass(frozen=True)
class PairAlignment:
    """One pair's alignment: its features, and where each side's tokens found least on the other
    (``weak_span``: (start, end) characters of that side's text, or None)."""

    features: np.ndarray
    src_span: tuple[int, int] | None
    tgt_span: tuple[int, int] | None


class TokenVectors(Protocol):
    """What aligning needs (``fidelity.models.use_tokens.UseTokenVectors``)."""

    def token_vectors(self, texts: list[str]) -> list[np.ndarray]: ...

    def token_offsets(self, text: str) -> list[tuple[int, int]]: ...


# Aligns (source, target) text pairs: ``align_pairs`` with its token vectors, or a cache in front of it.
Aligner = Callable[[Sequence[tuple[str, str]]], Sequence[PairAlignment]]


def align_pairs(pairs: Sequence[tuple[str, str]], tokens: TokenVectors) -> list[PairAlignment]:
    """Each (source, target) pair's alignment, from the two sides' token vectors."""
    src_tokens = tokens.token_vectors([src for src, _ in pairs])
    tgt_tokens = tokens.token_vectors([tgt for _, tgt in pairs])
    out = []
    for (src, tgt), a, b in zip(pairs, src_tokens, tgt_tokens):
        if not len(a) or not len(b):
            out.append(PairAlignment(alignment_features(a, b), None, None))
            continue
        src_best, tgt_best = best_matches(a, b)
        out.append(PairAlignment(alignment_features(a, b), weak_span(src_best, tokens.token_offsets(src), src),
                                 weak_span(tgt_best, tokens.token_offsets(tgt), tgt)))
    return out
