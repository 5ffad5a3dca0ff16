"""Sentence alignment: original sentences matched with rewrite sentences.

The aligner works in three passes, in the spirit of Bertalign / Vecalign:

1. **Anchors.** Every sentence is embedded once. For each original sentence the
   ``top_k`` most similar rewrite sentences (and vice versa) become candidate 1-1 pairs;
   the heaviest strictly monotone chain of candidates (a weighted longest increasing
   subsequence, ``O(c log c)`` in the number ``c`` of candidates) is the anchor path.
   No ``n x m`` table is filled.
2. **Banded many-to-many DP.** Around the anchor path (rectangles between consecutive
   anchors, widened by ``window`` sentences) a dynamic programme chooses beads of
   1..``max_merge`` sentences per side, plus single-sentence omissions/additions. A
   merged side is scored by embedding the *joined* sentences (``"s1 s2"``), so the
   score compares meanings, not averaged vectors. Each bead's value counts once per
   sentence it covers, is centred on the encoder's ``align_min`` (a pair below it costs
   more than leaving both sentences unmatched) and is damped by a length-ratio term.
3. **Reordering.** A monotone path turns a moved paragraph into an omission plus an
   addition. Leftover original and rewrite sentences are therefore re-matched out of
   order: the most similar leftover pair above ``move_min`` seeds a block, the runs of
   leftover sentences around both ends are aligned with the same banded DP (so a moved
   paragraph keeps its 2-1 / 1-2 beads), and the beads it yields are marked
   ``moved=True``. This repeats until no leftover pair is similar enough.

Output order: beads are sorted by the rewrite's order (smallest rewrite index of the
bead). A bead with an empty rewrite side (an omission) is placed directly after the
bead holding the closest preceding original sentence of the in-order (non-moved)
alignment, so omissions appear where the rewrite "should" have had them. Every original
and every rewrite index appears in exactly one bead. The result is deterministic.

Scores never hard-code a cosine: every cut-off comes from ``encoder.thresholds``.
"""

from __future__ import annotations

import math
import re
from typing import Iterable, Sequence

import numpy as np

from .encoders import Encoder
from .types import Bead, Verdict

__all__ = ["align", "bead_types"]

_NEG = -1e18


# --------------------------------------------------------------------------- helpers


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


_WORD = re.compile(r"\w+", re.UNICODE)


def _anchor_tokens(text: str) -> frozenset[str]:
    """Tokens that survive translation and paraphrase: numbers and names."""
    out = set()
    for word in _WORD.findall(text):
        if any(c.isdigit() for c in word) or (word[0].isupper() and len(word) >= 3):
            out.add(word.lower())
    return frozenset(out)


def _lexical(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


class _Spans:
    """Embeddings and lengths of the contiguous spans of one side, built on demand."""

    def __init__(self, sentences: Sequence[str], base: np.ndarray, encoder: Encoder) -> None:
        self.sentences = list(sentences)
        self.encoder = encoder
        self.base = np.asarray(base, dtype=np.float32)
        self.mean = self.base.mean(axis=0) if len(self.base) else np.zeros(self.base.shape[1:], np.float32)
        self.vectors: dict[tuple[int, int], np.ndarray] = {}
        for i in range(len(self.sentences)):
            self.vectors[(i, i + 1)] = base[i]
        self.lengths = np.array([max(len(s), 1) for s in self.sentences], dtype=np.float64)
        self.cum = np.concatenate([[0.0], np.cumsum(self.lengths)])
        self._sentence_tokens = [_anchor_tokens(s) for s in self.sentences]
        self._tokens: dict[tuple[int, int], frozenset[str]] = {}

    def tokens(self, start: int, end: int) -> frozenset[str]:
        key = (start, end)
        found = self._tokens.get(key)
        if found is None:
            found = frozenset().union(*(self._sentence_tokens[i] for i in range(start, end)))
            self._tokens[key] = found
        return found

    def text(self, start: int, end: int) -> str:
        return " ".join(s.strip() for s in self.sentences[start:end])

    def length(self, start: int, end: int) -> float:
        return float(self.cum[end] - self.cum[start])

    def ensure(self, spans: Iterable[tuple[int, int]]) -> None:
        missing = sorted({s for s in spans if s not in self.vectors})
        if not missing:
            return
        vectors = self.encoder.encode([self.text(a, b) for a, b in missing])
        for span, vector in zip(missing, vectors):
            self.vectors[span] = np.asarray(vector, dtype=np.float32)

    def matrix(self, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        return np.stack([self.vectors[s] for s in spans])


def _cos(src: _Spans, tgt: _Spans, s: tuple[int, int], t: tuple[int, int]) -> float:
    src.ensure([s])
    tgt.ensure([t])
    return float(np.dot(src.vectors[s], tgt.vectors[t]))


# --------------------------------------------------------------------------- pass 1


def _top_k_candidates(sim_rows: np.ndarray, k: int) -> list[tuple[int, int]]:
    """Indices of the k largest entries in each row (ties broken by index)."""
    out: list[tuple[int, int]] = []
    if sim_rows.size == 0:
        return out
    k = min(k, sim_rows.shape[1])
    for i, row in enumerate(sim_rows):
        order = np.lexsort((np.arange(row.size), -row))[:k]
        out.extend((i, int(j)) for j in order)
    return out


def _anchor_chain(points: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """Heaviest chain of points strictly increasing in both coordinates.

    Fenwick tree over the second coordinate holding (best weight, point id) prefix maxima.
    """
    if not points:
        return []
    points = sorted(points)
    size = max(p[1] for p in points) + 2
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)

    def query(pos: int) -> tuple[float, int]:  # max over j in [0, pos)
        best = (0.0, -1)
        while pos > 0:
            if tree[pos][0] > best[0]:
                best = tree[pos]
            pos -= pos & -pos
        return best

    def update(pos: int, value: tuple[float, int]) -> None:  # position j -> index j+1
        pos += 1
        while pos <= size:
            if value[0] > tree[pos][0]:
                tree[pos] = value
            pos += pos & -pos

    best_total = [0.0] * len(points)
    back = [-1] * len(points)
    idx = 0
    while idx < len(points):
        row_end = idx
        while row_end < len(points) and points[row_end][0] == points[idx][0]:
            row_end += 1
        for p in range(idx, row_end):  # query the whole row before updating it
            prev_total, prev_id = query(points[p][1])
            best_total[p] = prev_total + points[p][2]
            back[p] = prev_id
        for p in range(idx, row_end):
            update(points[p][1], (best_total[p], p))
        idx = row_end
    end = max(range(len(points)), key=lambda p: (best_total[p], -p))
    chain = []
    while end >= 0:
        chain.append((points[end][0], points[end][1]))
        end = back[end]
    return chain[::-1]


# --------------------------------------------------------------------------- pass 2


def _neighbour_sim(src: _Spans, tgt: _Spans, s_span, t_spans, t_mat: np.ndarray) -> np.ndarray:
    """Mean similarity of each bead side with the sentences just outside the other side."""
    v = src.vectors[s_span]
    nt = len(tgt.sentences)
    left = np.array([t[0] - 1 for t in t_spans])
    right = np.array([t[1] for t in t_spans])
    to_t = tgt.base @ v if nt else np.zeros(0)
    ok_l, ok_r = left >= 0, right < nt
    sl = np.where(ok_l, to_t[np.clip(left, 0, max(nt - 1, 0))], 0.0)
    sr = np.where(ok_r, to_t[np.clip(right, 0, max(nt - 1, 0))], 0.0)
    from_t = (sl + sr) / np.maximum(ok_l.astype(float) + ok_r, 1.0)
    ns = len(src.sentences)
    outside = [k for k in (s_span[0] - 1, s_span[1]) if 0 <= k < ns]
    if outside:
        from_s = (t_mat @ src.base[outside].T).mean(axis=1)
    else:
        from_s = np.zeros(len(t_spans))
    return (from_t + from_s) / 2.0



def _band(anchors: list[tuple[int, int]], n: int, m: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Per DP row 0..n, the inclusive column range [lo, hi] searched."""
    # Anchor (i, j) (0-based sentence pair) is DP cell (i + 1, j + 1); the path runs
    # from (0, 0) to (n, m) through rectangles between consecutive anchor cells.
    cells = [(0, 0)] + [(i + 1, j + 1) for i, j in anchors] + [(n, m)]
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for (pi, pj), (ci, cj) in zip(cells, cells[1:]):
        a, b = max(0, pj - window), min(m, cj + window)
        lo[pi : ci + 1] = np.minimum(lo[pi : ci + 1], a)
        hi[pi : ci + 1] = np.maximum(hi[pi : ci + 1], b)
    return lo, hi


def _banded_dp(
    src: _Spans,
    tgt: _Spans,
    src_ids: Sequence[int],
    tgt_ids: Sequence[int],
    lo: np.ndarray,
    hi: np.ndarray,
    types: list[tuple[int, int]],
    *,
    bias: float,
    skip: float,
    char_ratio: float,
    length_weight: float,
    coverage: float,
    merge_cost: float,
    margin: bool,
    centre: float,
    lexical: float,
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Best monotone segmentation of ``src_ids`` x ``tgt_ids`` inside the band.

    ``src_ids``/``tgt_ids`` are increasing, contiguous index lists into ``src``/``tgt``
    (spans are only formed from neighbours in the document). Returns beads as tuples of
    document indices; one side may be empty.
    """
    n, m = len(src_ids), len(tgt_ids)
    s0, t0 = (src_ids[0] if n else 0), (tgt_ids[0] if m else 0)

    # Embed every joined span the band can use, in one batch per side.
    need_s: set[tuple[int, int]] = set()
    need_t: set[tuple[int, int]] = set()
    max_a = max(a for a, _ in types)
    max_b = max(b for _, b in types)
    for i in range(1, n + 1):
        if lo[i] > hi[i]:
            continue
        for a in range(2, min(max_a, i) + 1):
            need_s.add((s0 + i - a, s0 + i))
    cols = set()
    for i in range(n + 1):
        cols.update(range(max(lo[i], 1), hi[i] + 1))
    for j in cols:
        for b in range(2, min(max_b, j) + 1):
            need_t.add((t0 + j - b, t0 + j))
    src.ensure(need_s)
    tgt.ensure(need_t)

    cost: list[np.ndarray] = []
    ptr: list[np.ndarray] = []
    skip_type = len(types)  # pointer codes: index into types, or skip codes below
    ins_code, del_code = skip_type, skip_type + 1
    for i in range(n + 1):
        width = int(hi[i] - lo[i] + 1)
        row = np.full(max(width, 0), _NEG)
        prow = np.full(max(width, 0), -1, dtype=np.int64)
        if width <= 0:
            cost.append(row)
            ptr.append(prow)
            continue
        js = np.arange(lo[i], hi[i] + 1)
        if i == 0:
            pass
        else:
            # deletion (1, 0): from (i-1, j)
            prev_lo, prev_hi = lo[i - 1], hi[i - 1]
            ok = (js >= prev_lo) & (js <= prev_hi)
            if ok.any():
                cand = np.full(width, _NEG)
                cand[ok] = cost[i - 1][js[ok] - prev_lo] - skip
                better = cand > row
                row[better] = cand[better]
                prow[better] = del_code
            # matched beads (a, b)
            for code, (a, b) in enumerate(types):
                if a > i:
                    continue
                pi = i - a
                prev_lo, prev_hi = lo[pi], hi[pi]
                pj = js - b
                ok = (pj >= prev_lo) & (pj <= prev_hi) & (pj >= 0)
                if not ok.any():
                    continue
                prev = np.full(width, _NEG)
                prev[ok] = cost[pi][pj[ok] - prev_lo]
                ok &= prev > _NEG / 2
                if not ok.any():
                    continue
                s_span = (s0 + i - a, s0 + i)
                t_spans = [(t0 + j - b, t0 + j) for j in js[ok]]
                t_mat = tgt.matrix(t_spans)
                sims = t_mat @ src.vectors[s_span]
                if margin:
                    sims = sims - _neighbour_sim(src, tgt, s_span, t_spans, t_mat)
                if lexical:
                    sa = src.tokens(*s_span)
                    sims = sims + lexical * np.array([_lexical(sa, tgt.tokens(*t)) for t in t_spans])
                if centre:
                    sims = sims - centre * 0.5 * (float(src.vectors[s_span] @ tgt.mean) + t_mat @ src.mean)
                if length_weight:
                    ls = src.length(*s_span)
                    lt = np.array([tgt.length(*t) for t in t_spans]) * char_ratio
                    ratio = np.minimum(ls, lt) / np.maximum(ls, lt)
                    sims = sims * np.log2(1.0 + ratio) ** length_weight
                weight = ((a + b) / 2.0) ** float(coverage)
                value = weight * (sims - bias) - merge_cost * (a + b - 2)
                cand = np.full(width, _NEG)
                cand[ok] = prev[ok] + value
                better = cand > row
                row[better] = cand[better]
                prow[better] = code
        # insertion (0, 1): from (i, j-1), sequential within the row
        if i == 0 and lo[0] == 0:
            row[0] = 0.0
        for x in range(1, width):
            if row[x - 1] > _NEG / 2 and row[x - 1] - skip > row[x]:
                row[x] = row[x - 1] - skip
                prow[x] = ins_code
        cost.append(row)
        ptr.append(prow)

    beads: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    i, j = n, m
    while i > 0 or j > 0:
        code = int(ptr[i][j - lo[i]])
        if code == ins_code:
            a, b = 0, 1
        elif code == del_code:
            a, b = 1, 0
        else:
            a, b = types[code]
        beads.append(
            (tuple(range(s0 + i - a, s0 + i)), tuple(range(t0 + j - b, t0 + j)))
        )
        i, j = i - a, j - b
    return beads[::-1]


# --------------------------------------------------------------------------- driver


def _monotone(
    src: _Spans,
    tgt: _Spans,
    src_ids: list[int],
    tgt_ids: list[int],
    encoder: Encoder,
    *,
    types: list[tuple[int, int]],
    top_k: int,
    window: int,
    bias: float,
    skip: float,
    length_weight: float,
    anchor_min: float,
    coverage: float,
    merge_cost: float,
    margin: bool,
    centre: float,
    lexical: float,
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Monotone many-to-many alignment of two contiguous index runs."""
    n, m = len(src_ids), len(tgt_ids)
    if n == 0 or m == 0:
        return [((i,), ()) for i in src_ids] + [((), (j,)) for j in tgt_ids]
    es = src.matrix([(i, i + 1) for i in src_ids])
    et = tgt.matrix([(j, j + 1) for j in tgt_ids])
    points: dict[tuple[int, int], float] = {}
    for start in range(0, n, 256):  # blocks keep memory linear for long documents
        block = es[start : start + 256] @ et.T
        for i, j in _top_k_candidates(block, top_k):
            points[(start + i, j)] = float(block[i, j])
    for start in range(0, m, 256):
        block = et[start : start + 256] @ es.T
        for j, i in _top_k_candidates(block, top_k):
            points[(i, start + j)] = float(block[j, i])
    weighted = [(i, j, s - anchor_min) for (i, j), s in points.items() if s > anchor_min]
    anchors = _anchor_chain(weighted)
    lo, hi = _band(anchors, n, m, window)
    char_ratio = src.length(src_ids[0], src_ids[-1] + 1) / max(tgt.length(tgt_ids[0], tgt_ids[-1] + 1), 1.0)
    return _banded_dp(
        src, tgt, src_ids, tgt_ids, lo, hi, types,
        bias=bias, skip=skip, char_ratio=char_ratio, length_weight=length_weight,
        coverage=coverage, merge_cost=merge_cost, margin=margin, centre=centre, lexical=lexical,
    )


def _runs(ids: Iterable[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def align(
    original: Sequence[str],
    rewrite: Sequence[str],
    encoder: Encoder,
    *,
    max_merge: int = 3,
    max_total: int | None = None,
    top_k: int = 3,
    window: int = 5,
    bias: float | None = None,
    skip: float = 0.0,
    length_weight: float = 1.0,
    match_min: float | None = None,
    move_min: float | None = None,
    reorder: bool = True,
    coverage: float = 0.0,
    merge_cost: float = 0.0,
    margin: bool = False,
    centre: float = 0.0,
    lexical: float = 0.0,
) -> list[Bead]:
    """Align ``original`` sentences with ``rewrite`` sentences; see the module docstring.

    Options (cosine values default from ``encoder.thresholds``):

    - ``max_merge``: most sentences on one side of a bead; ``max_total``: most on both
      sides together (default ``max_merge + 1``: 1-1, 1-2, 2-1, 1-3, 2-2, 3-1 for 3).
    - ``top_k``: candidates per sentence for the anchor pass; ``window``: band half-width
      (sentences) around the anchor path for the many-to-many pass.
    - ``bias``: cosine at which a bead is worth as much as leaving its sentences
      unmatched (default ``align_min``); ``skip``: extra cost per unmatched sentence;
      ``length_weight``: exponent of the length-ratio damping (0 switches it off).
    - ``match_min``: an in-order bead whose cosine is below it is split into
      unmatched sentences (default ``align_min``).
    - ``move_min``: a leftover pair must reach this cosine to seed a moved block
      (default halfway between ``related`` and ``equivalent``); ``reorder=False``
      skips the reordering pass.
    """
    th = encoder.thresholds
    bias = th.align_min if bias is None else bias
    match_min = th.align_min if match_min is None else match_min
    move_min = (th.related + th.equivalent) / 2.0 if move_min is None else move_min
    types = bead_types(max_merge, max_total)
    n, m = len(original), len(rewrite)

    src = _Spans(original, encoder.encode(list(original)) if n else np.zeros((0, 1)), encoder)
    tgt = _Spans(rewrite, encoder.encode(list(rewrite)) if m else np.zeros((0, 1)), encoder)
    params = dict(
        types=types, top_k=top_k, window=window, bias=bias, skip=skip,
        length_weight=length_weight, anchor_min=th.align_min,
        coverage=coverage, merge_cost=merge_cost, margin=margin, centre=centre, lexical=lexical,
    )

    matched: list[tuple[tuple[int, ...], tuple[int, ...], float, bool]] = []

    def keep(pairs, floor: float, moved: bool) -> tuple[set[int], set[int]]:
        """Record beads scoring at least ``floor``; return the sentences left over."""
        left_s: set[int] = set()
        left_t: set[int] = set()
        for s_side, t_side in pairs:
            if s_side and t_side:
                score = _cos(src, tgt, (s_side[0], s_side[-1] + 1), (t_side[0], t_side[-1] + 1))
                if score >= floor:
                    matched.append((s_side, t_side, score, moved))
                    continue
            left_s.update(s_side)
            left_t.update(t_side)
        return left_s, left_t

    left_s, left_t = keep(
        _monotone(src, tgt, list(range(n)), list(range(m)), encoder, **params), match_min, False
    )

    if reorder:
        left_s, left_t = _reorder(src, tgt, left_s, left_t, encoder, keep, move_min, params)

    return _assemble(matched, left_s, left_t)


def _reorder(src, tgt, left_s, left_t, encoder, keep, move_min, params):
    """Re-match leftover sentences out of order (moved paragraphs)."""
    tried: set[tuple[int, int]] = set()
    while left_s and left_t:
        ls, lt = sorted(left_s), sorted(left_t)
        sims = src.matrix([(i, i + 1) for i in ls]) @ tgt.matrix([(j, j + 1) for j in lt]).T
        order = np.lexsort((np.arange(sims.size), -sims.ravel()))
        seed = None
        for flat in order:
            r, c = divmod(int(flat), len(lt))
            if sims[r, c] < move_min:
                break
            if (ls[r], lt[c]) not in tried:
                seed = (ls[r], lt[c])
                break
        if seed is None:
            break
        tried.add(seed)
        run_s = next(run for run in _runs(left_s) if seed[0] in run)
        run_t = next(run for run in _runs(left_t) if seed[1] in run)
        pairs = _monotone(src, tgt, run_s, run_t, encoder, **params)
        # Inside a moved block only clearly related beads count; others stay leftover.
        floor = encoder.thresholds.related
        new_s, new_t = keep(pairs, floor, True)
        if seed[0] in new_s and seed[1] in new_t:
            # The DP preferred something else for the seed; keep the seed pair itself.
            keep([((seed[0],), (seed[1],))], move_min, True)
            new_s.discard(seed[0])
            new_t.discard(seed[1])
        left_s = (left_s - set(run_s)) | new_s
        left_t = (left_t - set(run_t)) | new_t
    return left_s, left_t


def _assemble(matched, left_s: set[int], left_t: set[int]) -> list[Bead]:
    beads: list[tuple[tuple, Bead]] = []
    for s_side, t_side, score, moved in matched:
        beads.append(((t_side[0], 0, s_side[0]), Bead(s_side, t_side, score=score, moved=moved)))
    for j in left_t:
        beads.append(((j, 0, -1), Bead((), (j,), score=0.0, verdict=Verdict.ADDED)))
    # An omission follows the bead of the closest preceding original sentence that sits
    # in the in-order alignment (a moved bead's position says nothing about it).
    anchor_of: dict[int, int] = {}
    for s_side, t_side, _score, moved in matched:
        if not moved:
            for i in s_side:
                anchor_of[i] = t_side[-1]
    last = -1
    upto = max([i for s, _t, _sc, _m in matched for i in s] + list(left_s) + [-1])
    position: dict[int, int] = {}
    for i in range(upto + 1):
        if i in anchor_of:
            last = anchor_of[i]
        position[i] = last
    for i in left_s:
        beads.append(((position[i], 1, i), Bead((i,), (), score=0.0, verdict=Verdict.OMITTED)))
    beads.sort(key=lambda kb: kb[0])
    return [b for _k, b in beads]
