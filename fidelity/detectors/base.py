"""Deviation detectors: one module per kind, all behind the ``Detector`` protocol.

Each detector gets the aligned document pair and returns ``Finding``s with exact spans.
``judge`` sets each bead's sentence-level verdict first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol, Sequence

import numpy as np

from ..encoders import Encoder, Thresholds
from ..lang import base_language
from ..tokens import stem, tokenize
from ..types import Bead, Document, Finding, Span, Verdict

if TYPE_CHECKING:
    from ..entities import NameMatcher
    from .registry import Traits


@dataclass(frozen=True)
class AlignedPair:
    """What every detector sees: both documents and their alignment."""

    original: Document
    rewrite: Document
    beads: list[Bead]
    encoder: Encoder | None = None  # for detectors that measure how much a span moves similarity
    # Share of words two sentences must have in common (difflib ratio) to be diffed word by word.
    parallel_word_overlap: float = 0.5
    _clause_cache: dict = field(default_factory=dict, compare=False, repr=False)

    def cached(self, key: tuple, make):
        """``make()``, computed once per pair and shared by the detectors."""
        if key not in self._clause_cache:
            self._clause_cache[key] = make()
        return self._clause_cache[key]

    def capitalised_words(self) -> set[str]:
        """Words capitalised mid-sentence in either text: names, even where one starts a sentence."""
        from ..entities import mid_sentence_capitals

        def make() -> set[str]:
            return mid_sentence_capitals(self.original.text, [(s.start, s.end) for s in self.original.sentences]) | \
                mid_sentence_capitals(self.rewrite.text, [(s.start, s.end) for s in self.rewrite.sentences])

        return self.cached(("capitalised",), make)

    def word_diff(self, bead_index: int) -> list["DiffOp"]:
        """Word-level differences of a bead's two sides (same-language beads; computed once)."""
        key = ("diff", bead_index)
        if key not in self._clause_cache:
            self._clause_cache[key] = _word_diff(self, self.beads[bead_index])
        return self._clause_cache[key]

    def parallel(self, bead_index: int) -> bool:
        """Same language, equivalent by the encoder, and mostly the same words: a close rewrite
        whose differences show word by word. Looser paraphrases are compared clause by clause."""
        key = ("parallel", bead_index)
        if key not in self._clause_cache:
            import difflib

            bead = self.beads[bead_index]
            ok = (self.same_language(bead_index) and self.encoder is not None
                  and bead.score >= self.encoder.thresholds.equivalent)
            if ok:
                o = [t.norm for s, e in side_ranges(self.original, bead.original) for t in tokenize(self.original.text, s, e)]
                r = [t.norm for s, e in side_ranges(self.rewrite, bead.rewrite) for t in tokenize(self.rewrite.text, s, e)]
                ok = difflib.SequenceMatcher(a=o, b=r, autojunk=False).ratio() >= self.parallel_word_overlap
            self._clause_cache[key] = ok
        return self._clause_cache[key]

    def same_language(self, bead_index: int) -> bool:
        bead = self.beads[bead_index]
        return base_language(side_language(self.original, bead.original)) == base_language(
            side_language(self.rewrite, bead.rewrite))

    def clauses(self, bead_index: int) -> "BeadClauses":
        """Clauses of both sides of a bead and their similarity matrix (computed once, shared)."""
        if bead_index not in self._clause_cache:
            self._clause_cache[bead_index] = _bead_clauses(self, self.beads[bead_index])
        return self._clause_cache[bead_index]

    def name_matcher(self, bead_index: int) -> "NameMatcher":
        """Matches names across this bead's two languages (one per language pair, its
        similarities cached, shared by the detectors)."""
        from ..entities import NameMatcher

        bead = self.beads[bead_index]
        key = ("names", side_language(self.original, bead.original), side_language(self.rewrite, bead.rewrite))
        if key not in self._clause_cache:
            self._clause_cache[key] = NameMatcher(self.encoder, key[1], key[2])
        return self._clause_cache[key]

    def matched_beads(self) -> list[tuple[int, Bead]]:
        """(index, bead) for beads with sentences on both sides."""
        return [(i, b) for i, b in enumerate(self.beads) if b.original and b.rewrite]


class Detector(Protocol):
    name: str
    traits: "Traits"

    def detect(self, pair: AlignedPair) -> list[Finding]: ...

    def settings(self) -> dict: ...


def sentence_span(doc: Document, indices: Sequence[int]) -> Span | None:
    """The span from the first to the last sentence of a bead side (exact file offsets)."""
    if not indices:
        return None
    start = doc.sentences[min(indices)].start
    end = doc.sentences[max(indices)].end
    return Span(start, end, doc.text[start:end])


def judge(beads: list[Bead], thresholds: Thresholds) -> list[Bead]:
    """Set each matched bead's verdict from its similarity score and the encoder's thresholds.

    In a multi-sentence document an unrelated bead is no real match: it is split into
    omitted and added sentences. A lone sentence pair keeps the verdict 'unrelated'.
    """
    judged = []
    single_pair = len(beads) == 1
    for bead in beads:
        if bead.original and bead.rewrite and bead.score < thresholds.related and not single_pair:
            judged += [Bead((i,), (), 0.0, Verdict.OMITTED) for i in bead.original]
            judged += [Bead((), (j,), 0.0, Verdict.ADDED) for j in bead.rewrite]
            continue
        if not bead.rewrite:
            verdict = Verdict.OMITTED
        elif not bead.original:
            verdict = Verdict.ADDED
        elif bead.score >= thresholds.equivalent:
            verdict = Verdict.EQUIVALENT
        elif bead.score >= thresholds.related:
            verdict = Verdict.CHANGED
        else:
            verdict = Verdict.UNRELATED
        judged.append(replace(bead, verdict=verdict))
    return judged


def side_ranges(doc: Document, indices: Sequence[int]) -> list[tuple[int, int]]:
    """(start, end) of each sentence on one side of a bead, in document order."""
    return [(doc.sentences[i].start, doc.sentences[i].end) for i in sorted(indices)]


def side_language(doc: Document, indices: Sequence[int]) -> str:
    return doc.sentences[min(indices)].language if indices else doc.language


def inside(position: int, regions: Sequence[tuple[int, int]]) -> bool:
    return any(s <= position < e for s, e in regions)


@dataclass(frozen=True)
class BeadClauses:
    original: list  # list[Clause]
    rewrite: list  # list[Clause]
    sims: np.ndarray  # rewrite x original cosine similarities

    def best_original(self, r: int) -> tuple[int, float]:
        o = int(self.sims[r].argmax())
        return o, float(self.sims[r, o])

    def best_rewrite(self, o: int) -> tuple[int, float]:
        r = int(self.sims[:, o].argmax())
        return r, float(self.sims[r, o])


def _bead_clauses(pair: AlignedPair, bead: Bead) -> BeadClauses:
    from ..clauses import split_clauses

    o = [c for s, e in side_ranges(pair.original, bead.original) for c in split_clauses(pair.original.text, s, e)]
    r = [c for s, e in side_ranges(pair.rewrite, bead.rewrite) for c in split_clauses(pair.rewrite.text, s, e)]
    if pair.encoder is None or not o or not r:
        return BeadClauses(o, r, np.ones((len(r), len(o)), dtype=np.float32))
    sims = pair.encoder.encode([c.text for c in r]) @ pair.encoder.encode([c.text for c in o]).T
    return BeadClauses(o, r, sims)


def clause_of(clauses: list, position: int) -> int | None:
    """Index of the clause that holds a character position, if any."""
    for i, c in enumerate(clauses):
        if c.start <= position < c.end:
            return i
    return None


def counterpart_threshold(pair: AlignedPair) -> float:
    """Clause similarity above which two clauses say (roughly) the same thing."""
    return pair.encoder.thresholds.counterpart if pair.encoder is not None else 0.0


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True)
class CueChange:
    """A cue present on one side of a clause pair and absent from its counterpart."""

    change: str  # "added" (only in the rewrite) or "dropped" (only in the original)
    cue: Cue
    counterpart: Span  # the clause on the other side that lacks the cue
    similarity: float
    # Cues of the same family found in the counterpart itself (a hedge of another kind), when known.
    other_cues: tuple = ()


def cue_changes(pair: AlignedPair, bead_index: int, find_original, find_rewrite) -> list[CueChange]:
    """Compare cues clause by clause: each clause against its most similar counterpart in the bead.

    ``find_original(text, start, end)`` and ``find_rewrite`` return the ``Cue``s in a range.
    Clauses without a counterpart (below the encoder's 'related' threshold) are left to the
    omission and addition detectors.
    """
    clauses = pair.clauses(bead_index)
    if not clauses.original or not clauses.rewrite:
        return []
    threshold = counterpart_threshold(pair)
    o_text, r_text = pair.original.text, pair.rewrite.text
    o_cues = [find_original(o_text, c.start, c.end) for c in clauses.original]
    r_cues = [find_rewrite(r_text, c.start, c.end) for c in clauses.rewrite]
    changes: list[CueChange] = []
    # Each side's clauses against their best counterpart on the other side.
    for change, cues_here, cues_there, clauses_there, best in (
        ("added", r_cues, o_cues, clauses.original, clauses.best_original),
        ("dropped", o_cues, r_cues, clauses.rewrite, clauses.best_rewrite),
    ):
        for index, cues in enumerate(cues_here):
            other_index, sim = best(index)
            if sim < threshold:
                continue
            kinds = {c.kind for c in cues_there[other_index]}
            other = clauses_there[other_index]
            for cue in cues:
                if cue.kind not in kinds:
                    kinds.add(cue.kind)
                    changes.append(CueChange(change, cue, Span.of(other), sim))
    return changes


@dataclass(frozen=True)
class DiffOp:
    """One non-equal stretch of a word diff; ``only_*`` are its words that occur nowhere on the
    other side (the rest only moved)."""

    op: str  # replace | delete | insert
    original: list  # list[Token]
    rewrite: list  # list[Token]
    only_original: list
    only_rewrite: list


def _parts(word: str) -> list[str]:
    return [p for p in re.split(r"[-‐‑]", word) if p]


def _word_diff(pair: AlignedPair, bead: Bead) -> list[DiffOp]:
    import difflib

    o_tokens = [t for s, e in side_ranges(pair.original, bead.original) for t in tokenize(pair.original.text, s, e)]
    r_tokens = [t for s, e in side_ranges(pair.rewrite, bead.rewrite) for t in tokenize(pair.rewrite.text, s, e)]
    o_stems = [stem(t.text) for t in o_tokens]
    r_stems = [stem(t.text) for t in r_tokens]
    # A compound's parts count as its words: 'Baroque era' / 'Baroque-era' is a spelling, not a change.
    o_set = set(o_stems) | {stem(p) for t in o_tokens for p in _parts(t.text)}
    r_set = set(r_stems) | {stem(p) for t in r_tokens for p in _parts(t.text)}

    def elsewhere(token, token_stem: str, other: set[str]) -> bool:
        parts = _parts(token.text)
        return token_stem in other or (len(parts) > 1 and all(stem(p) in other for p in parts))

    ops = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=o_stems, b=r_stems, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        ops.append(DiffOp(
            op, o_tokens[i1:i2], r_tokens[j1:j2],
            [t for t, st in zip(o_tokens[i1:i2], o_stems[i1:i2]) if not elsewhere(t, st, r_set)],
            [t for t, st in zip(r_tokens[j1:j2], r_stems[j1:j2]) if not elsewhere(t, st, o_set)],
        ))
    return ops


def token_span(text: str, tokens: list) -> Span:
    return Span(tokens[0].start, tokens[-1].end, text[tokens[0].start : tokens[-1].end])
