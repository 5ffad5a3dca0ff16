"""Sentence alignment: original sentences matched with rewrite sentences.

The aligner works in three passes, in the spirit of Bertalign / Vecalign:

1. **Anchors.** Every sentence is embedded once. For each original sentence the
   ``top_k`` most similar rewrite sentences (and vice versa) become candidate 1-1 pairs;
   the heaviest strictly monotone chain of candidates (a weighted longest increasing
   subsequence, ``O(c log c)`` in the number ``c`` of candidates) is the anchor path.
   No ``n x m`` DP table is filled.
2. **Banded many-to-many DP.** Around the anchor path (the rectangles between
   consecutive anchors, widened by ``window`` sentences) a dynamic programme chooses
   beads of 1..``max_merge`` sentences per side, and single-sentence omissions and
   additions. A merged side is scored by the vector of the *joined* sentences (``"s1 s2"``;
   ``encoder_types.span_encoder``), so the score compares meanings, not averaged
   vectors. A bead is worth its cosine on a
   per-document scale (0 at the median cosine of all sentence pairs, 1 at the median
   best-counterpart cosine; see ``_calibrate``) minus ``bias`` and a length-ratio
   penalty; each unmatched sentence costs ``skip``. In-order beads whose cosine is below
   ``match_min`` (default ``thresholds.align_min``) are not kept, except a 1-1 bead
   wedged between two kept beads (an in-place rewording: kept with its low score).
3. **Reordering.** A monotone path turns a moved paragraph into an omission plus an
   addition. So pairs at or above ``move_min`` (default halfway between
   ``thresholds.related`` and ``thresholds.equivalent``), most similar first, are
   re-matched out of order among sentences that are leftovers, held by a weak in-order
   bead (below ``related``; a weak positional match must not hide a strong moved one) or
   dead weight at the edge of a merged bead. Each such pair frees its sentences, and the
   leftover runs around both are aligned by the same banded DP (so a moved paragraph
   keeps its 2-1 / 1-2 beads); beads reaching ``related`` are kept. A bead from this
   pass that does not fit the in-order chain gets ``moved=True``.

Output order: beads are sorted by the rewrite's order (smallest rewrite index of the
bead). A bead with an empty rewrite side (an omission) comes right after the bead
holding the closest preceding original sentence that is not moved, i.e. where the
rewrite "should" have had it. Every original and every rewrite index appears in exactly
one bead; matched beads carry the cosine of the joined original text with the joined
rewrite text as ``score``. Ties are broken by index: the result is deterministic.

No cosine is hard-coded: cut-offs come from ``encoder.thresholds`` and the DP's scale
from the documents themselves.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from fidelity.models.encoder_types import Encoder, Thresholds, span_encoder
from fidelity.types import Bead, Verdict

__all__ = ["AlignOptions", "align", "bead_types", "one_bead"]

_NEG = -1e18
_BLOCK = 256  # rows per similarity block: memory stays linear in document length
# A rewrite this many times longer (in sentences) than its original, and longer than
# ``_LONG_REWRITE_MIN`` sentences, is mostly text with no counterpart (a 4 KB original against a
# 5 MB rewrite): there a merged rewrite span is embedded and tried only near a sentence that some
# original sentence ranks among its ``top_k``. Embedding every joined span of two and three
# sentences costs five times the embedding of the sentences themselves. Documents of comparable
# length (every ordinary pair) try every span.
_LONG_REWRITE = 4
_LONG_REWRITE_MIN = 512


@dataclass(frozen=True)
class AlignOptions:
    """The aligner's options (see ``align``); a check's config carries one."""

    max_merge: int = 3
    max_total: int | None = None
    top_k: int = 3
    window: int = 5
    bias: float = field(default=-0.2, metadata={"range": (-1.0, 1.0)})  # a config's range (config.py)
    skip: float = 0.15
    length_weight: float = 0.8
    match_min: float | None = None  # default: thresholds.align_min
    move_min: float | None = None  # default: halfway between thresholds.related and .equivalent
    reorder: bool = True
    keep_in_place: bool = True
    calibrate: bool = True
    move_reach: int = 16  # sentences either side of a moved pair that its block DP may take in
    # A mutually-best pair out of order breaks up an in-order bead that scores this much lower:
    # a strong moved match must not be hidden by a weak positional one.
    move_margin: float = 0.2

Pair = tuple[tuple[int, ...], tuple[int, ...]]


def bead_types(max_merge: int, max_total: int | None = None) -> list[tuple[int, int]]:
    """The (original, rewrite) sizes a matched bead may take, 1-1 first."""
    if max_total is None:
        max_total = max_merge + 1
    out = [(1, 1)]
    for a in range(1, max_merge + 1):
        for b in range(1, max_merge + 1):
            if (a, b) != (1, 1) and a + b <= max_total:
                out.append((a, b))
    return out


@dataclass(frozen=True)
class _Params:
    types: tuple[tuple[int, int], ...]
    top_k: int
    window: int
    bias: float
    skip: float
    length_weight: float
    move_reach: int
    move_margin: float
    thresholds: Thresholds
    zero: float  # cosine worth 0 in the DP
    unit: float  # cosine distance from ``zero`` worth 1

    def rescale(self, cos: np.ndarray | float) -> np.ndarray | float:
        return (cos - self.zero) / self.unit


def _calibrate(src: _Side, tgt: _Side, th: Thresholds, adaptive: bool) -> tuple[float, float]:
    """The DP's cosine scale for this document pair: (zero, unit).

    Adaptive: 0 at the median cosine of all sentence pairs (what unrelated sentences
    of these two documents score) and 1 at the median of each original sentence's best
    cosine (what a typical counterpart scores). This absorbs both the encoder's own
    range (USE spreads pairs over 0..1, e5 squeezes them into 0.75..1) and the
    documents' (same-topic news sentences are closer than those of a novel). Small
    inputs, or ``adaptive=False``, use the encoder thresholds: 0 at ``align_min``, 1 at
    ``equivalent``.
    """
    fallback = (th.align_min, max(th.equivalent - th.align_min, 1e-6))
    n, m = len(src), len(tgt)
    if not adaptive or n < 4 or m < 4:
        return fallback
    rows = sorted(set(np.linspace(0, n - 1, min(n, _BLOCK)).round().astype(int).tolist()))
    sims = src.singles(rows) @ tgt.singles(range(m)).T
    zero = float(np.median(sims))
    top = float(np.median(sims.max(axis=1)))
    return zero, max(top - zero, 0.25 * fallback[1])


class _Side:
    """Sentences of one document with embeddings of their contiguous spans, built on demand."""

    def __init__(self, sentences: Sequence[str], encoder: Encoder) -> None:
        self.sentences = list(sentences)
        self.encoder = encoder
        self.vectors: dict[tuple[int, int], np.ndarray] = {}
        if self.sentences:
            base = np.asarray(encoder.encode(self.sentences), dtype=np.float32)
            for i, vector in enumerate(base):
                self.vectors[(i, i + 1)] = vector
        lengths = [max(len(s.strip()), 1) for s in self.sentences]
        self.cum = np.concatenate([[0.0], np.cumsum(lengths, dtype=np.float64)])
        # A merged span is the vector of its sentences joined by a space (USE builds it from the
        # sentences' token features instead of encoding the joined text again).
        self.spans = span_encoder(encoder, [s.strip() for s in self.sentences])

    def __len__(self) -> int:
        return len(self.sentences)

    def length(self, start: int, end: int) -> float:
        return float(self.cum[end] - self.cum[start])

    def ensure(self, spans: Iterable[tuple[int, int]]) -> None:
        missing = sorted({s for s in spans if s not in self.vectors})
        if missing:
            vectors = self.spans.encode(missing)
            for span, vector in zip(missing, vectors):
                self.vectors[span] = np.asarray(vector, dtype=np.float32)

    def matrix(self, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        return np.stack([self.vectors[s] for s in spans])

    def singles(self, ids: Sequence[int]) -> np.ndarray:
        return self.matrix([(i, i + 1) for i in ids])


def _cos(src: _Side, tgt: _Side, s_side: tuple[int, ...], t_side: tuple[int, ...]) -> float:
    s, t = (s_side[0], s_side[-1] + 1), (t_side[0], t_side[-1] + 1)
    src.ensure([s])
    tgt.ensure([t])
    return float(np.clip(np.dot(src.vectors[s], tgt.vectors[t]), -1.0, 1.0))


# --------------------------------------------------------------------------- pass 1: anchors


def _candidates(es: np.ndarray, et: np.ndarray, k: int) -> dict[tuple[int, int], float]:
    """Top-k pairs per row of ``es`` and per row of ``et``: (i, j) -> cosine."""
    out: dict[tuple[int, int], float] = {}
    for a, b, flip in ((es, et, False), (et, es, True)):
        kk = min(k, len(b))
        for start in range(0, len(a), _BLOCK):
            block = a[start : start + _BLOCK] @ b.T
            for r, row in enumerate(_top_k(block, kk)):
                for c in row:
                    key = (int(c), start + r) if flip else (start + r, int(c))
                    out[key] = float(block[r, c])
    return out


def _top_k(block: np.ndarray, k: int) -> list[np.ndarray]:
    """Per row of ``block``, the columns of its ``k`` highest values, highest first, ties to the
    smaller column: what a stable sort of each whole row gives, in linear time per row (a full
    sort of every row made the anchor pass O(n m log m))."""
    m = block.shape[1]
    if k >= m:
        return list(np.argsort(-block, axis=1, kind="stable")[:, :k])
    kth = np.partition(block, m - k, axis=1)[:, m - k]  # each row's k-th highest value
    out: list[np.ndarray] = []
    for row, floor in zip(block, kth):
        cols = np.flatnonzero(row >= floor)  # ascending: every value tied at the floor is kept
        out.append(cols[np.argsort(-row[cols], kind="stable")][:k])
    return out


def _anchor_chain(points: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """Heaviest chain of weighted points strictly increasing in both coordinates.

    A Fenwick tree over the second coordinate holds prefix maxima of (weight, point id).
    """
    if not points:
        return []
    points = sorted(points)
    size = max(p[1] for p in points) + 1
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)

    def query(j: int) -> tuple[float, int]:  # best chain ending at a column < j
        best = (0.0, -1)
        while j > 0:
            if tree[j][0] > best[0]:
                best = tree[j]
            j -= j & -j
        return best

    def update(j: int, value: tuple[float, int]) -> None:
        j += 1
        while j <= size:
            if value[0] > tree[j][0]:
                tree[j] = value
            j += j & -j

    total = [0.0] * len(points)
    back = [-1] * len(points)
    start = 0
    while start < len(points):
        end = start
        while end < len(points) and points[end][0] == points[start][0]:
            end += 1
        for p in range(start, end):  # one row is queried before any of it is stored
            prev_total, back[p] = query(points[p][1])
            total[p] = prev_total + points[p][2]
        for p in range(start, end):
            update(points[p][1], (total[p], p))
        start = end
    p = max(range(len(points)), key=lambda q: (total[q], -q))
    chain = []
    while p >= 0:
        chain.append(points[p][:2])
        p = back[p]
    return chain[::-1]


# --------------------------------------------------------------------------- pass 2: banded DP


def _band(anchors: list[tuple[int, int]], n: int, m: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """For each DP row 0..n, the inclusive column range searched.

    Anchor (i, j) is DP cell (i + 1, j + 1); the path from (0, 0) to (n, m) may use the
    rectangles between consecutive anchor cells, widened by ``window`` columns.
    """
    cells = [(0, 0)] + [(i + 1, j + 1) for i, j in anchors] + [(n, m)]
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for (pi, pj), (ci, cj) in zip(cells, cells[1:]):
        lo[pi : ci + 1] = np.minimum(lo[pi : ci + 1], max(0, pj - window))
        hi[pi : ci + 1] = np.maximum(hi[pi : ci + 1], min(m, cj + window))
    return lo, hi


def _banded_dp(
    src: _Side, tgt: _Side, s0: int, n: int, t0: int, m: int, lo: np.ndarray, hi: np.ndarray, p: _Params,
    merge_cols: np.ndarray | None = None,
) -> list[Pair]:
    """Best monotone segmentation of sentences s0..s0+n x t0..t0+m inside the band. ``merge_cols``
    (a mask over DP columns 0..m), when given, says where a bead may merge rewrite sentences."""
    max_a = max(a for a, _ in p.types)
    max_b = max(b for _, b in p.types)
    # Embed every joined span the band can use, one batch per side.
    src.ensure((s0 + i - a, s0 + i) for i in range(1, n + 1) for a in range(2, min(max_a, i) + 1))
    cols: set[int] = set()
    for i in range(n + 1):
        cols.update(range(max(int(lo[i]), 1), int(hi[i]) + 1))
    if merge_cols is not None:
        cols = {j for j in cols if merge_cols[j]}
    tgt.ensure((t0 + j - b, t0 + j) for j in cols for b in range(2, min(max_b, j) + 1))
    char_ratio = src.length(s0, s0 + n) / max(tgt.length(t0, t0 + m), 1.0)

    ins_code, del_code = len(p.types), len(p.types) + 1
    cost: list[np.ndarray] = []
    ptr: list[np.ndarray] = []
    for i in range(n + 1):
        width = int(hi[i] - lo[i] + 1)
        row = np.full(width, _NEG)
        prow = np.full(width, -1, dtype=np.int64)
        js = np.arange(lo[i], hi[i] + 1)
        if i == 0:
            row[0] = 0.0  # lo[0] == 0: the origin
        else:
            # omission of original sentence i-1: from (i-1, j)
            ok = (js >= lo[i - 1]) & (js <= hi[i - 1])
            if ok.any():
                cand = np.full(width, _NEG)
                cand[ok] = cost[i - 1][js[ok] - lo[i - 1]] - p.skip
                better = cand > row
                row[better], prow[better] = cand[better], del_code
            for code, (a, b) in enumerate(p.types):
                if a > i:
                    continue
                q = i - a
                pj = js - b
                ok = (pj >= lo[q]) & (pj <= hi[q])
                if b > 1 and merge_cols is not None:
                    ok &= merge_cols[js]
                if not ok.any():
                    continue
                prev = np.full(width, _NEG)
                prev[ok] = cost[q][pj[ok] - lo[q]]
                ok &= prev > _NEG / 2
                if not ok.any():
                    continue
                s_span = (s0 + i - a, s0 + i)
                t_spans = [(t0 + j - b, t0 + j) for j in js[ok]]
                value = p.rescale(tgt.matrix(t_spans) @ src.vectors[s_span]) - p.bias
                if p.length_weight:
                    ls = src.length(*s_span)
                    ends = t0 + js[ok]
                    lt = (tgt.cum[ends] - tgt.cum[ends - b]) * char_ratio  # each span's length, vectorised
                    ratio = np.minimum(ls, lt) / np.maximum(ls, lt)
                    value = value - p.length_weight * (1.0 - np.log2(1.0 + ratio))
                cand = np.full(width, _NEG)
                cand[ok] = prev[ok] + value
                better = cand > row
                row[better], prow[better] = cand[better], code
        # addition of rewrite sentence j-1: from (i, j-1), sequential along the row
        for x in range(1, width):
            if row[x - 1] - p.skip > row[x]:
                row[x], prow[x] = row[x - 1] - p.skip, ins_code
        cost.append(row)
        ptr.append(prow)

    pairs: list[Pair] = []
    i, j = n, m
    while i > 0 or j > 0:
        code = int(ptr[i][j - lo[i]])
        a, b = (0, 1) if code == ins_code else (1, 0) if code == del_code else p.types[code]
        pairs.append((tuple(range(s0 + i - a, s0 + i)), tuple(range(t0 + j - b, t0 + j))))
        i, j = i - a, j - b
    return pairs[::-1]


def _monotone(src: _Side, tgt: _Side, s0: int, n: int, t0: int, m: int, p: _Params) -> list[Pair]:
    """Monotone many-to-many alignment of sentences s0..s0+n with t0..t0+m."""
    if n == 0 or m == 0:
        return [((s0 + i,), ()) for i in range(n)] + [((), (t0 + j,)) for j in range(m)]
    es = src.singles(range(s0, s0 + n))
    et = tgt.singles(range(t0, t0 + m))
    floor = p.thresholds.align_min
    points = [(i, j, c - floor) for (i, j), c in _candidates(es, et, p.top_k).items() if c > floor]
    lo, hi = _band(_anchor_chain(points), n, m, p.window)
    merge_cols = None
    if m > max(_LONG_REWRITE * n, _LONG_REWRITE_MIN):
        merge_cols = _near_row_candidates(es, et, p.top_k, p.window + max(b for _, b in p.types))
    return _banded_dp(src, tgt, s0, n, t0, m, lo, hi, p, merge_cols)


def _near_row_candidates(es: np.ndarray, et: np.ndarray, k: int, reach: int) -> np.ndarray:
    """A mask over DP columns 0..m: True within ``reach`` of a rewrite sentence that some original
    sentence ranks among its ``k`` most similar (where a merged bead can plausibly win)."""
    m = len(et)
    near = np.zeros(m + 2, dtype=np.int64)
    kk = min(k, m)
    for start in range(0, len(es), _BLOCK):
        block = es[start : start + _BLOCK] @ et.T
        for c in np.argpartition(-block, kk - 1, axis=1)[:, :kk].ravel():
            col = int(c) + 1  # sentence c ends at DP column c + 1
            near[max(0, col - reach)] += 1
            near[min(m, col + reach) + 1] -= 1
    return np.cumsum(near)[: m + 1] > 0


# --------------------------------------------------------------------------- pass 3: reordering


def _run_around(left: set[int], k: int) -> tuple[int, int]:
    """The maximal run of consecutive leftover indices containing k, as (start, length)."""
    a = b = k
    while a - 1 in left:
        a -= 1
    while b + 1 in left:
        b += 1
    return a, b - a + 1


def _clip_run(start: int, length: int, k: int, reach: int) -> tuple[int, int]:
    """At most ``reach`` sentences either side of k: bounds the work per seed."""
    lo, hi = max(start, k - reach), min(start + length, k + reach + 1)
    return lo, hi - lo


# --------------------------------------------------------------------------- driver


def align(
    original: Sequence[str],
    rewrite: Sequence[str],
    encoder: Encoder,
    options: AlignOptions | None = None,
    **overrides: Any,
) -> list[Bead]:
    """Align ``original`` sentences with ``rewrite`` sentences (see the module docstring).

    Options (``AlignOptions``, or any of its fields as keywords):

    - ``max_merge``: most sentences on one side of a bead; ``max_total``: most on both
      sides together (default ``max_merge + 1``; for 3: 1-1, 1-2, 2-1, 1-3, 2-2, 3-1).
    - ``top_k``: candidates per sentence in the anchor pass; ``window``: half-width, in
      sentences, of the band searched around the anchor path.
    - ``bias``, ``skip``, ``length_weight``: a bead is worth ``scaled cosine - bias -
      length_weight * (1 - log2(1 + length ratio))``; an unmatched sentence costs
      ``skip``. ``calibrate=False`` scales cosines by the encoder thresholds instead of
      the documents (0 at ``align_min``, 1 at ``equivalent``).
    - ``match_min``: in-order beads with a lower cosine are not kept (default
      ``thresholds.align_min``); ``keep_in_place`` keeps wedged weak 1-1 beads anyway.
    - ``move_min``: cosine a pair needs to be re-matched out of order; ``reorder=False``
      skips that pass; ``move_reach``, ``move_margin``: see ``AlignOptions``.
    """
    o = replace(options or AlignOptions(), **overrides)
    th = encoder.thresholds
    match_min = th.align_min if o.match_min is None else o.match_min
    move_min = (th.related + th.equivalent) / 2.0 if o.move_min is None else o.move_min
    keep_in_place = o.keep_in_place
    src, tgt = _Side(original, encoder), _Side(rewrite, encoder)
    zero, unit = _calibrate(src, tgt, th, o.calibrate)
    p = _Params(
        types=tuple(bead_types(o.max_merge, o.max_total)), top_k=o.top_k, window=o.window, bias=o.bias,
        skip=o.skip, length_weight=o.length_weight, move_reach=o.move_reach, move_margin=o.move_margin,
        thresholds=th, zero=zero, unit=unit,
    )
    n, m = len(src), len(tgt)

    state = _State(src, tgt)
    pairs = _monotone(src, tgt, 0, n, 0, m, p)
    good = [bool(s and t) and state.cos(s, t) >= match_min for s, t in pairs]
    for k, (s_side, t_side) in enumerate(pairs):
        if s_side and t_side:
            # A weak 1-1 bead wedged between kept beads (or one kept bead and a document
            # edge) is an in-place rewording or replacement, not an omission: keep it,
            # low score and all.
            first, last = k == 0, k == len(pairs) - 1
            wedged = (
                keep_in_place and len(s_side) == len(t_side) == 1 and not (first and last)
                and (first or good[k - 1]) and (last or good[k + 1])
            )
            if good[k] or wedged:
                state.add(s_side, t_side, in_order=True)
                continue
        state.release(s_side, t_side)

    if o.reorder:
        _reorder(state, p, move_min, th.related)
    return state.beads()


def one_bead(original: Sequence[str], rewrite: Sequence[str], encoder: Encoder,
             options: AlignOptions | None = None) -> list[Bead]:
    """Segments aligned already (a bilingual file's unit): every sentence in one bead, scored as
    ``align`` scores a merged bead (the joined texts' cosine). ``options`` is unused: nothing is aligned."""
    s_side, t_side = tuple(range(len(original))), tuple(range(len(rewrite)))
    if not (s_side and t_side):
        return [Bead(s_side, t_side)] if s_side or t_side else []
    return [Bead(s_side, t_side, score=_cos(_Side(original, encoder), _Side(rewrite, encoder), s_side, t_side))]


def _trim(state: _State, pair: Pair, slack: float) -> list[Pair]:
    """Drop edge sentences of a merged bead that do not raise its cosine.

    A merge must earn its keep: a sentence whose removal leaves the cosine at least as
    high (within ``slack``) is dead weight (an omission, an addition, or a sentence that
    belongs elsewhere) and is split off as its own unmatched bead.
    """
    s_side, t_side = pair
    if not s_side or not t_side:
        return [pair]
    out: list[Pair] = []
    current = state.cos(s_side, t_side)
    while len(s_side) + len(t_side) > 2:
        options: list[tuple[tuple[int, ...], tuple[int, ...], Pair]] = []
        if len(s_side) > 1:
            options += [(s_side[1:], t_side, ((s_side[0],), ())), (s_side[:-1], t_side, ((s_side[-1],), ()))]
        if len(t_side) > 1:
            options += [(s_side, t_side[1:], ((), (t_side[0],))), (s_side, t_side[:-1], ((), (t_side[-1],)))]
        scored = [(state.cos(s, t), -k, s, t, cut) for k, (s, t, cut) in enumerate(options)]
        best, _k, s, t, cut = max(scored)
        if best < current - slack:
            break
        out.append(cut)
        s_side, t_side, current = s, t, best
    return out + [(s_side, t_side)]


class _State:
    """Beads found so far, which bead owns each sentence, and the leftovers."""

    def __init__(self, src: _Side, tgt: _Side) -> None:
        self.src, self.tgt = src, tgt
        self.found: dict[int, tuple[tuple[int, ...], tuple[int, ...], float, bool]] = {}
        self.owner_s: dict[int, int] = {}
        self.owner_t: dict[int, int] = {}
        self.left_s: set[int] = set(range(len(src)))
        self.left_t: set[int] = set(range(len(tgt)))
        self._next = 0

    def cos(self, s_side: tuple[int, ...], t_side: tuple[int, ...]) -> float:
        return _cos(self.src, self.tgt, s_side, t_side)

    def add(self, s_side: tuple[int, ...], t_side: tuple[int, ...], in_order: bool, score: float | None = None) -> None:
        score = self.cos(s_side, t_side) if score is None else score
        key = self._next
        self._next += 1
        self.found[key] = (tuple(s_side), tuple(t_side), score, in_order)
        for i in s_side:
            self.owner_s[i] = key
        for j in t_side:
            self.owner_t[j] = key
        self.left_s.difference_update(s_side)
        self.left_t.difference_update(t_side)

    def release(self, s_side: Iterable[int], t_side: Iterable[int]) -> None:
        self.left_s.update(s_side)
        self.left_t.update(t_side)

    def dissolve(self, key: int) -> None:
        s_side, t_side, _score, _in_order = self.found.pop(key)
        for i in s_side:
            del self.owner_s[i]
        for j in t_side:
            del self.owner_t[j]
        self.release(s_side, t_side)

    def trim(self, key: int, side: str, k: int) -> None:
        """Take sentence k off the edge of bead ``key``; the bead keeps its place."""
        s_side, t_side, _score, in_order = self.found.pop(key)
        if side == "s":
            s_side = tuple(x for x in s_side if x != k)
            del self.owner_s[k]
            self.left_s.add(k)
        else:
            t_side = tuple(x for x in t_side if x != k)
            del self.owner_t[k]
            self.left_t.add(k)
        self.found[key] = (s_side, t_side, self.cos(s_side, t_side), in_order)

    def beads(self) -> list[Bead]:
        """Final beads in rewrite order; beads out of the in-order chain are ``moved``."""
        chain = sorted((s[0], s[-1], t[0], t[-1]) for s, t, _sc, in_order in self.found.values() if in_order)
        firsts = [c[0] for c in chain]

        def fits(s_side: tuple[int, ...], t_side: tuple[int, ...]) -> bool:
            k = bisect.bisect_left(firsts, s_side[0])
            before_ok = k == 0 or chain[k - 1][3] < t_side[0]
            after_ok = k == len(chain) or t_side[-1] < chain[k][2]
            return before_ok and after_ok

        keyed: list[tuple[tuple[int, int, int], Bead]] = []
        last_rewrite: dict[int, int] = {}
        for s_side, t_side, score, in_order in self.found.values():
            moved = not in_order and not fits(s_side, t_side)
            keyed.append(((t_side[0], 0, s_side[0]), Bead(s_side, t_side, score=score, moved=moved)))
            if not moved:
                last_rewrite.update((i, t_side[-1]) for i in s_side)
        for j in self.left_t:
            keyed.append(((j, 0, -1), Bead((), (j,), verdict=Verdict.ADDED)))
        # An omission follows the bead of the closest preceding original sentence that
        # is not moved: where the rewrite would have had it.
        last = -1
        for i in range(len(self.src)):
            last = last_rewrite.get(i, last)
            if i in self.left_s:
                keyed.append(((last, 1, i), Bead((i,), (), verdict=Verdict.OMITTED)))
        keyed.sort(key=lambda kb: kb[0])
        return [bead for _key, bead in keyed]


def _reorder(state: _State, p: _Params, move_min: float, related: float) -> None:
    """Re-match sentences out of order: moved paragraphs.

    Candidates are leftover sentences, sentences held by weak in-order beads (cosine
    below ``related``, or ``move_margin`` below a pair of sentences that are each
    other's best match: a weak positional match must not hide a strong moved one) and
    dead-weight edge sentences of merged beads (the bead scores as well without them).
    Each candidate pair at or above ``move_min``, most similar first, frees its two
    sentences (dissolving the weak bead / trimming the merged one), then the runs of
    leftover sentences around both are aligned by the banded DP; beads reaching
    ``related`` are kept.
    """
    src, tgt = state.src, state.tgt

    def free_action(side: str, k: int, cos: float, mutual: bool = False) -> tuple[str, int | None] | None:
        """How to free sentence k for a pair of cosine ``cos``: None if it cannot be."""
        owner = state.owner_s if side == "s" else state.owner_t
        key = owner.get(k)
        if key is None:
            return ("left", None)
        s_side, t_side, score, _in_order = state.found[key]
        if (score < related and cos > score) or (mutual and cos >= score + p.move_margin):
            return ("dissolve", key)
        mine = s_side if side == "s" else t_side
        if len(mine) > 1 and k in (mine[0], mine[-1]):
            rest = tuple(x for x in mine if x != k)
            trimmed = (rest, t_side) if side == "s" else (s_side, rest)
            if state.cos(*trimmed) >= score:
                return ("trim", key)
        return None

    n, m = len(src), len(tgt)
    if not n or not m:
        return
    es, et = src.singles(list(range(n))), tgt.singles(list(range(m)))
    row_best, col_best = np.full(n, -1), np.full(m, -1)
    col_max = np.full(m, -np.inf)
    seeds: list[tuple[float, int, int]] = []
    for start in range(0, n, _BLOCK):
        block = es[start : start + _BLOCK] @ et.T
        row_best[start : start + len(block)] = block.argmax(axis=1)
        better = block.max(axis=0) > col_max
        col_best[better] = start + block.argmax(axis=0)[better]
        col_max = np.maximum(col_max, block.max(axis=0))
        for r, c in zip(*np.nonzero(block >= move_min)):
            seeds.append((-float(block[r, c]), start + int(r), int(c)))  # plain ints: beads go to JSON
    for neg, i, j in sorted(seeds):
        cos = -neg
        mutual = row_best[i] == j and col_best[j] == i
        act_s, act_t = free_action("s", i, cos, mutual), free_action("t", j, cos, mutual)
        if act_s is None or act_t is None:
            continue
        if act_s[1] is not None and act_s[1] == act_t[1]:
            continue  # both in one bead already
        for (kind, key), side, k in ((act_s, "s", i), (act_t, "t", j)):
            if kind == "dissolve" and key in state.found:
                state.dissolve(key)
            elif kind == "trim" and key in state.found:
                state.trim(key, side, k)
        (a, na), (b, nb) = _run_around(state.left_s, i), _run_around(state.left_t, j)
        a, na = _clip_run(a, na, i, p.move_reach)
        b, nb = _clip_run(b, nb, j, p.move_reach)
        pairs = _monotone(src, tgt, a, na, b, nb, p)
        for s_side, t_side in (q for pair in pairs for q in _trim(state, pair, 0.0)):
            if s_side and t_side and state.cos(s_side, t_side) >= related:
                state.add(s_side, t_side, in_order=False)
        if i in state.left_s and j in state.left_t:  # the block DP passed the seed by
            state.add((i,), (j,), in_order=False, score=cos)
