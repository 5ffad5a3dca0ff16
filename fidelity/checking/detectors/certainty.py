"""Certainty shift: hedging or modality added, removed or changed ("in talks to open" → "to open")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from fidelity.checking.detectors.base import (
    AlignedPair,
    BeadView,
    Cue,
    CueChange,
    CueFinder,
    cue_changes,
    sentence_span,
    token_span,
)
from fidelity.checking.detectors.registry import Configured, Traits, register
from fidelity.languages import language as language_of
from fidelity.text.cues import compile_cues, find_cues
from fidelity.text.numbers import is_month
from fidelity.types import Category, Finding, Severity, Span


@cache
def _pattern(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern, re.I) if pattern else None


def _backshifted(text: str, cue: re.Match[str], language: str) -> bool:
    """Is this 'would' the future of reported speech ('added that ... would continue') or of a
    narrative ('who would become Pope six years later')?"""
    if not cue.group(0).lower().startswith("would"):
        return False
    # Reported speech shifts tenses ("he said the rise would continue"); a narrative tells a
    # future seen from the past ("who would become Pope six years later"): no hedge either way.
    lang = language_of(language)
    reporting = _pattern(lang.reported_speech_before)
    narrative = _pattern(lang.future_in_past_after)
    return bool((reporting is not None and reporting.search(text, max(0, cue.start() - 200), cue.start()))
                or (narrative is not None and narrative.search(text[cue.end():cue.end() + 100])))


def hedge_cues(language: str) -> CueFinder:
    """A cue finder for one language: hedges, each labelled with its kind (negotiating, planning...)."""
    lexicon = language_of(language).hedges

    def find(text: str, start: int, end: int) -> list[Cue]:
        return [Cue(m.start(), m.end(), m.group(0), kind)
                for kind, patterns in lexicon.items()
                for m in compile_cues(tuple(patterns)).finditer(text, start, end)
                if not (kind == "possibility" and (_backshifted(text, m, language) or is_month(text, m.start(), m.end())))]

    return find




def _counterpart_said(text: str, start: int, end: int, language: str) -> bool:
    """Does ``text[start:end]`` hold a word that cancels a hedge said on the other side (``Language.hedge_counterparts``)?"""
    return bool(find_cues("hedge_counterparts", language, text, start, end))


def _bead_kinds(view: BeadView, find_original: CueFinder, find_rewrite: CueFinder) -> tuple[list[str], list[str]]:
    """The kinds of every hedge on each side of a bead, one entry per hedge."""
    return [c.kind for c in view.original.find(find_original)], [c.kind for c in view.rewrite.find(find_rewrite)]


def moved_only(change: CueChange, o_kinds: list[str], r_kinds: list[str]) -> bool:
    """A hedge 'added' where the original has as many of its kind elsewhere in the sentence (or
    'removed' where the rewrite keeps as many) only moved: a paraphrase reorders clauses, so
    'stated ... supposedly' / 'claimed ... according to her' hedges the same claim."""
    kind = change.cue.kind
    if change.change == "added":
        return r_kinds.count(kind) <= o_kinds.count(kind)
    return o_kinds.count(kind) <= r_kinds.count(kind)


def clause_changes(view: BeadView, find_original: CueFinder, find_rewrite: CueFinder) -> list[CueChange]:
    """Paraphrased or cross-lingual beads: hedges compared clause by clause, minus those that only moved."""
    o_kinds, r_kinds = _bead_kinds(view, find_original, find_rewrite)
    return [change for change in cue_changes(view, find_original, find_rewrite)
            if not moved_only(change, o_kinds, r_kinds)]


def diff_changes(view: BeadView, find: CueFinder) -> list[CueChange]:
    """Same-language beads: hedges inside the changed stretches of the word diff, minus hedges that
    only moved (the same kind appears the same number of times on both sides overall)."""
    pair, bead = view.pair, view.bead
    o_kinds, r_kinds = _bead_kinds(view, find, find)
    changes = []
    for op in view.word_diff:
        o_cues = find(pair.original.text, op.original[0].start, op.original[-1].end) if op.original else []
        r_cues = find(pair.rewrite.text, op.rewrite[0].start, op.rewrite[-1].end) if op.rewrite else []
        # The counterpart lies on the other side: the changed stretch there, or the whole sentence.
        o_context = token_span(pair.original.text, op.original) if op.original else sentence_span(
            pair.original, bead.original)
        r_context = token_span(pair.rewrite.text, op.rewrite) if op.rewrite else sentence_span(
            pair.rewrite, bead.rewrite)
        # A parallel bead has sentences on both sides, so neither side's span is None.
        assert o_context is not None and r_context is not None
        for cue in r_cues:
            if not any(c.kind == cue.kind for c in o_cues):
                changes.append(CueChange("added", cue, o_context, 1.0, tuple(o_cues)))
        for cue in o_cues:
            if not any(c.kind == cue.kind for c in r_cues):
                changes.append(CueChange("dropped", cue, r_context, 1.0, tuple(r_cues)))
    return [change for change in changes if not moved_only(change, o_kinds, r_kinds)]


@dataclass(frozen=True)
class CertaintyConfig:
    # Changing to or from these kinds of hedge changes what the reader is told happened; the
    # others are nuance.
    strong_kinds: frozenset[str] = frozenset({"negotiating", "reported", "wanting"})
    severity: Severity = Severity.MAJOR  # a hedge removed or added, a strong modality changed
    modality_severity: Severity = Severity.MINOR  # one hedge of a weak kind became another
    removed_confidence: float = 0.7
    added_confidence: float = 0.6
    modality_confidence: float = 0.5


@register("certainty", config=CertaintyConfig, categories=(Category.CERTAINTY_SHIFT,),
          traits=Traits(cue=True, cue_table="hedges"))
class CertaintyShiftDetector(Configured):
    """Hedging or modality added, removed or changed ("in talks to open" → "to open")."""

    config: CertaintyConfig

    def detect(self, pair: AlignedPair) -> list[Finding]:
        c = self.config
        findings = []
        for view in self.covered_views(pair):
            bead_index = view.index
            o_lang, r_lang = view.original.language, view.rewrite.language
            o_find, r_find = hedge_cues(o_lang), hedge_cues(r_lang)
            reported: set[tuple[int, int]] = set()  # one finding per clause pair
            changes = (diff_changes(view, r_find) if view.parallel else clause_changes(view, o_find, r_find))
            for change in changes:
                cue = Span.of(change.cue)
                other = change.counterpart
                if (other.start, other.end) in reported or (cue.start, cue.end) in reported:
                    continue
                reported |= {(other.start, other.end), (cue.start, cue.end)}
                # A hedge of another kind on the other side is a change of modality, not certainty.
                other_side = list(change.other_cues) if change.similarity == 1.0 else (
                    o_find if change.change == "added" else r_find)(
                    (pair.original if change.change == "added" else pair.rewrite).text, other.start, other.end)
                if other_side:
                    before, after = (other_side[0], change.cue) if change.change == "added" else (change.cue, other_side[0])
                    strong = {before.kind, after.kind} & c.strong_kinds
                    findings.append(Finding(
                        category=Category.CERTAINTY_SHIFT, severity=c.severity if strong else c.modality_severity,
                        confidence=c.modality_confidence,
                        # Both sides' hedges are known here: point at the words themselves.
                        original=Span.of(before), rewrite=Span.of(after),
                        message=f"modality changed: '{before.text}' ({before.kind}) became '{after.text}' "
                        f"({after.kind})",
                        bead=bead_index))
                elif _counterpart_said((pair.original if change.change == "added" else pair.rewrite).text,
                                       other.start, other.end, o_lang if change.change == "added" else r_lang):
                    continue  # said without a hedge word ("may" / "can", "wants to" / "his wishes")
                elif change.change == "dropped":
                    findings.append(Finding(
                        category=Category.CERTAINTY_SHIFT, severity=c.severity, confidence=c.removed_confidence,
                        original=cue, rewrite=other,
                        message=f"hedge removed: the original says '{cue.text}' ({change.cue.kind}); the rewrite "
                        "states it as certain", bead=bead_index))
                else:
                    findings.append(Finding(
                        category=Category.CERTAINTY_SHIFT, severity=c.severity, confidence=c.added_confidence,
                        original=other, rewrite=cue,
                        message=f"hedge added: the rewrite says '{cue.text}' ({change.cue.kind}) where the original "
                        "is certain", bead=bead_index))
        return findings
