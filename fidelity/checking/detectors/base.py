"""Deviation detectors: one module per kind, all behind the ``Detector`` protocol.

Each detector gets the aligned document pair and returns ``Finding``s with exact spans.
``judge`` sets each bead's sentence-level verdict first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

from fidelity.checking.detectors.registry import Scope
from fidelity.models.encoder_types import Encoder, Thresholds
from fidelity.text.lang import base_language
from fidelity.text.tokens import Token, stem, tokenize
from fidelity.types import Bead, Document, Finding, Span, Verdict

if TYPE_CHECKING:
    from fidelity.checking.detectors.registry import Traits
    from fidelity.text.clauses import Clause
    from fidelity.text.names import Entity, NameMatcher
    from fidelity.text.numbers import Quantity

T = TypeVar("T")


@dataclass(frozen=True)
class AlignedPair:
    """What every detector sees: both documents and their alignment.

    What the detectors derive from the pair (tokens, clauses, word diffs, names) is computed on
    first use and kept on the pair's bead views (``view``, ``views``), so each is computed once
    per check whichever detectors read it.
    """

    original: Document
    rewrite: Document
    beads: list[Bead]
    encoder: Encoder | None = None  # for detectors that measure how much a span moves similarity
    # Share of words two sentences must have in common (difflib ratio) to be diffed word by word.
    parallel_word_overlap: float = 0.5
    # One name matcher per language pair (its similarities cached), shared by every bead in that pair.
    _name_matchers: dict[tuple[str, str], NameMatcher] = field(default_factory=dict, init=False, repr=False,
                                                               compare=False)

    @cached_property
    def _views(self) -> tuple[BeadView, ...]:
        return tuple(BeadView(self, i) for i in range(len(self.beads)))

    def view(self, bead_index: int) -> BeadView:
        """One bead as the detectors see it (shared: whatever one detector derived, the next reuses)."""
        return self._views[bead_index]

    def views(self, scope: Scope = Scope.CROSS_LINGUAL, *, unmatched: bool = False) -> list[BeadView]:
        """The beads with sentences on both sides (all beads with ``unmatched``), in order; a
        same-language ``scope`` keeps only beads whose two sides are in one language."""
        return [v for v in self._views if (unmatched or v.matched)
                and (scope is Scope.CROSS_LINGUAL or v.same_language)]

    def same_language(self, bead_index: int) -> bool:
        return self.view(bead_index).same_language

    def require_encoder(self) -> Encoder:
        """The encoder, for a detector that cannot work without one (a check always gives one;
        a detector that may run without one tests ``encoder`` first)."""
        if self.encoder is None:
            raise ValueError("this detector needs the aligned pair's encoder")
        return self.encoder

    @cached_property
    def capitalised_words(self) -> set[str]:
        """Words capitalised mid-sentence in either text: names, even where one starts a sentence."""
        from fidelity.text.names import mid_sentence_capitals

        return mid_sentence_capitals(self.original.text, [(s.start, s.end) for s in self.original.sentences]) | \
            mid_sentence_capitals(self.rewrite.text, [(s.start, s.end) for s in self.rewrite.sentences])

    @cached_property
    def vocabulary(self) -> set[str]:
        """Words written in lower case somewhere in either text: capitalised elsewhere, no name."""
        from fidelity.text.names import lower_case_vocabulary

        return lower_case_vocabulary(self.original.text, self.rewrite.text)

    def name_matcher(self, original_language: str, rewrite_language: str) -> NameMatcher:
        """Matches names across two languages (one per language pair, its similarities cached)."""
        from fidelity.text.names import NameMatcher

        key = (original_language, rewrite_language)
        if key not in self._name_matchers:
            self._name_matchers[key] = NameMatcher(self.require_encoder(), original_language, rewrite_language)
        return self._name_matchers[key]


@dataclass(frozen=True, eq=False)
class BeadSide:
    """One side of a bead: its sentences in one document, and what is read from them (computed once)."""

    pair: AlignedPair = field(repr=False)
    doc: Document = field(repr=False)
    sentences: tuple[int, ...]  # sentence indices in ``doc``

    @property
    def text(self) -> str:
        """The whole document's text: every offset on this side points into it."""
        return self.doc.text

    @cached_property
    def language(self) -> str:
        return side_language(self.doc, self.sentences)

    @cached_property
    def ranges(self) -> list[tuple[int, int]]:
        """(start, end) of each sentence, in document order."""
        return side_ranges(self.doc, self.sentences)

    @cached_property
    def span(self) -> Span | None:
        """From the first to the last sentence (None for an empty side)."""
        return sentence_span(self.doc, self.sentences)

    @cached_property
    def tokens(self) -> tuple[Token, ...]:
        return tuple(t for s, e in self.ranges for t in tokenize(self.doc.text, s, e))

    @cached_property
    def entities(self) -> tuple[Entity, ...]:
        """Names in this side's sentences (read against both texts' vocabulary and capitals)."""
        from fidelity.text.names import find_entities

        return tuple(find_entities(self.doc.text, self.ranges, self.pair.vocabulary, self.pair.capitalised_words))

    @cached_property
    def quantities(self) -> tuple[Quantity, ...]:
        """Numbers, dates and times in this side's sentences, in order."""
        from fidelity.text.numbers import find_quantities

        return tuple(q for s, e in self.ranges for q in find_quantities(self.doc.text, s, e))

    def find(self, finder: Callable[[str, int, int], Sequence[T]]) -> list[T]:
        """What ``finder(text, start, end)`` (a cue finder) finds in each sentence, in order."""
        return [hit for s, e in self.ranges for hit in finder(self.doc.text, s, e)]


@dataclass(frozen=True, eq=False)
class BeadView:
    """One bead as the detectors see it: its two sides and what is derived from both (clauses,
    word diff, whether it is a close rewrite), each computed on first use and shared."""

    pair: AlignedPair = field(repr=False)
    index: int

    @property
    def bead(self) -> Bead:
        return self.pair.beads[self.index]

    @property
    def matched(self) -> bool:
        """Sentences on both sides."""
        return bool(self.bead.original and self.bead.rewrite)

    @cached_property
    def original(self) -> BeadSide:
        return BeadSide(self.pair, self.pair.original, self.bead.original)

    @cached_property
    def rewrite(self) -> BeadSide:
        return BeadSide(self.pair, self.pair.rewrite, self.bead.rewrite)

    @cached_property
    def same_language(self) -> bool:
        return base_language(self.original.language) == base_language(self.rewrite.language)

    @cached_property
    def clauses(self) -> BeadClauses:
        """Clauses of both sides and their similarity matrix."""
        return _bead_clauses(self)

    @cached_property
    def word_diff(self) -> list[DiffOp]:
        """Word-level differences of the two sides (read on same-language beads)."""
        return _word_diff(self)

    @cached_property
    def parallel(self) -> bool:
        """Same language, equivalent by the encoder, and mostly the same words: a close rewrite
        whose differences show word by word. Looser paraphrases are compared clause by clause."""
        import difflib

        encoder = self.pair.encoder
        if not (self.same_language and encoder is not None and self.bead.score >= encoder.thresholds.equivalent):
            return False
        o = [t.norm for t in self.original.tokens]
        r = [t.norm for t in self.rewrite.tokens]
        return difflib.SequenceMatcher(a=o, b=r, autojunk=False).ratio() >= self.pair.parallel_word_overlap

    @property
    def name_matcher(self) -> NameMatcher:
        """Matches names across this bead's two languages (shared by every bead of the language pair)."""
        return self.pair.name_matcher(self.original.language, self.rewrite.language)


class Detector(Protocol):
    name: str
    traits: Traits

    def detect(self, pair: AlignedPair) -> list[Finding]: ...

    def settings(self) -> dict[str, Any]: ...


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
    original: list[Clause]
    rewrite: list[Clause]
    sims: np.ndarray  # rewrite x original cosine similarities

    def best_original(self, r: int) -> tuple[int, float]:
        o = int(self.sims[r].argmax())
        return o, float(self.sims[r, o])

    def best_rewrite(self, o: int) -> tuple[int, float]:
        r = int(self.sims[:, o].argmax())
        return r, float(self.sims[r, o])


def _bead_clauses(view: BeadView) -> BeadClauses:
    from fidelity.text.clauses import split_clauses

    o = view.original.find(split_clauses)
    r = view.rewrite.find(split_clauses)
    encoder = view.pair.encoder
    if encoder is None or not o or not r:
        return BeadClauses(o, r, np.ones((len(r), len(o)), dtype=np.float32))
    sims = encoder.encode([c.text for c in r]) @ encoder.encode([c.text for c in o]).T
    return BeadClauses(o, r, sims)


def clause_of(clauses: Sequence[Clause], position: int) -> int | None:
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


# ``finder(text, start, end)``: the cues in a range of a text.
CueFinder = Callable[[str, int, int], Sequence[Cue]]


@dataclass(frozen=True)
class CueChange:
    """A cue present on one side of a clause pair and absent from its counterpart."""

    change: str  # "added" (only in the rewrite) or "dropped" (only in the original)
    cue: Cue
    counterpart: Span  # the clause on the other side that lacks the cue
    similarity: float
    # Cues of the same family found in the counterpart itself (a hedge of another kind), when known.
    other_cues: tuple[Cue, ...] = ()


def cue_changes(view: BeadView, find_original: CueFinder, find_rewrite: CueFinder) -> list[CueChange]:
    """Compare cues clause by clause: each clause against its most similar counterpart in the bead.

    ``find_original(text, start, end)`` and ``find_rewrite`` return the ``Cue``s in a range.
    Clauses without a counterpart (below the encoder's 'related' threshold) are left to the
    omission and addition detectors.
    """
    clauses = view.clauses
    if not clauses.original or not clauses.rewrite:
        return []
    threshold = counterpart_threshold(view.pair)
    o_text, r_text = view.original.text, view.rewrite.text
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
    original: list[Token]
    rewrite: list[Token]
    only_original: list[Token]
    only_rewrite: list[Token]


def _parts(word: str) -> list[str]:
    return [p for p in re.split(r"[-‐‑]", word) if p]


def _word_diff(view: BeadView) -> list[DiffOp]:
    import difflib

    o_tokens = list(view.original.tokens)
    r_tokens = list(view.rewrite.tokens)
    o_stems = [stem(t.text) for t in o_tokens]
    r_stems = [stem(t.text) for t in r_tokens]
    # A compound's parts count as its words: 'Baroque era' / 'Baroque-era' is a spelling, not a change.
    o_set = set(o_stems) | {stem(p) for t in o_tokens for p in _parts(t.text)}
    r_set = set(r_stems) | {stem(p) for t in r_tokens for p in _parts(t.text)}

    def elsewhere(token: Token, token_stem: str, other: set[str]) -> bool:
        parts = _parts(token.text)
        return token_stem in other or (len(parts) > 1 and all(stem(p) in other for p in parts))

    ops: list[DiffOp] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=o_stems, b=r_stems, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        ops.append(DiffOp(
            op, o_tokens[i1:i2], r_tokens[j1:j2],
            [t for t, st in zip(o_tokens[i1:i2], o_stems[i1:i2]) if not elsewhere(t, st, r_set)],
            [t for t, st in zip(r_tokens[j1:j2], r_stems[j1:j2]) if not elsewhere(t, st, o_set)],
        ))
    return ops


def token_span(text: str, tokens: Sequence[Token]) -> Span:
    return Span(tokens[0].start, tokens[-1].end, text[tokens[0].start : tokens[-1].end])
