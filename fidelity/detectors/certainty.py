"""Certainty shift: hedging or modality added, removed or changed ("in talks to open" → "to open")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..cues import HEDGE_COUNTERPARTS, HEDGES, compile_cues, find_cues
from ..lang import base_language
from ..types import Finding, Severity, Span
from .base import AlignedPair, Cue, CueChange, cue_changes, sentence_span, side_language, side_ranges, token_span
from .registry import Configured, Traits, register


# Reported speech shifts tenses: "he said the rise would continue" reports "the rise will
# continue"; that "would" is a future seen from the past, not a hedge.
_REPORTED_SPEECH = {"en": re.compile(
    r"\b(?:said|says|say|added|adds|noted|notes|reported|reports|announced|announces|stated|states|told|tells|"
    r"explained|promised|warned|expected|confirmed|declared|wrote|believed|thought|knew|decided|agreed)\b[^.!?;]*$",
    re.I)}


# A narrative's future seen from the past: "Pacelli, who would become Pope six years later",
# "would later", "would go on to", "in six years' time". A time that the clause names makes it
# a fact told in order, not a possibility.
_FUTURE_IN_PAST = {"en": re.compile(
    r"^\s+(?:later|eventually|go on to|soon)\b|^[^.!?;]{0,60}?\b(?:(?:years?|months?|weeks?|days?|decades?) later|"
    r"in \w+ (?:years?|months?|weeks?|days?|decades?)['’]? time)\b", re.I)}


def _backshifted(text: str, cue: re.Match[str], language: str) -> bool:
    """Is this 'would' the future of reported speech ('added that ... would continue') or of a
    narrative ('who would become Pope six years later')?"""
    if not cue.group(0).lower().startswith("would"):
        return False
    reporting = _REPORTED_SPEECH.get(language)
    narrative = _FUTURE_IN_PAST.get(language)
    return bool((reporting is not None and reporting.search(text, max(0, cue.start() - 200), cue.start()))
                or (narrative is not None and narrative.search(text[cue.end():cue.end() + 100])))


def hedge_cues(language: str):
    """A cue finder for one language: hedges, each labelled with its kind (negotiating, planning...)."""
    language = base_language(language)
    lexicon = HEDGES.get(language, {})

    def find(text: str, start: int, end: int) -> list[Cue]:
        return [Cue(m.start(), m.end(), m.group(0), kind)
                for kind, patterns in lexicon.items()
                for m in compile_cues(tuple(patterns)).finditer(text, start, end)
                if not (kind == "possibility" and _backshifted(text, m, language))]

    return find




def _counterpart_said(text: str, start: int, end: int, language: str) -> bool:
    """Does ``text[start:end]`` hold a word that cancels a hedge said on the other side (``HEDGE_COUNTERPARTS``)?"""
    return bool(find_cues(HEDGE_COUNTERPARTS, language, text, start, end))


def _bead_kinds(pair: AlignedPair, bead_index: int, find_original, find_rewrite) -> tuple[list[str], list[str]]:
    """The kinds of every hedge on each side of a bead, one entry per hedge."""
    bead = pair.beads[bead_index]
    return ([c.kind for s, e in side_ranges(pair.original, bead.original) for c in find_original(pair.original.text, s, e)],
            [c.kind for s, e in side_ranges(pair.rewrite, bead.rewrite) for c in find_rewrite(pair.rewrite.text, s, e)])


def moved_only(change: CueChange, o_kinds: list[str], r_kinds: list[str]) -> bool:
    """A hedge 'added' where the original has as many of its kind elsewhere in the sentence (or
    'removed' where the rewrite keeps as many) only moved: a paraphrase reorders clauses, so
    'stated ... supposedly' / 'claimed ... according to her' hedges the same claim."""
    kind = change.cue.kind
    if change.change == "added":
        return r_kinds.count(kind) <= o_kinds.count(kind)
    return o_kinds.count(kind) <= r_kinds.count(kind)


def clause_changes(pair: AlignedPair, bead_index: int, find_original, find_rewrite) -> list[CueChange]:
    """Paraphrased or cross-lingual beads: hedges compared clause by clause, minus those that only moved."""
    o_kinds, r_kinds = _bead_kinds(pair, bead_index, find_original, find_rewrite)
    return [change for change in cue_changes(pair, bead_index, find_original, find_rewrite)
            if not moved_only(change, o_kinds, r_kinds)]


def diff_changes(pair: AlignedPair, bead_index: int, find) -> list[CueChange]:
    """Same-language beads: hedges inside the changed stretches of the word diff, minus hedges that
    only moved (the same kind appears the same number of times on both sides overall)."""
    bead = pair.beads[bead_index]
    o_kinds, r_kinds = _bead_kinds(pair, bead_index, find, find)
    changes = []
    for op in pair.word_diff(bead_index):
        o_cues = find(pair.original.text, op.original[0].start, op.original[-1].end) if op.original else []
        r_cues = find(pair.rewrite.text, op.rewrite[0].start, op.rewrite[-1].end) if op.rewrite else []
        # The counterpart lies on the other side: the changed stretch there, or the whole sentence.
        o_context = token_span(pair.original.text, op.original) if op.original else sentence_span(
            pair.original, bead.original)
        r_context = token_span(pair.rewrite.text, op.rewrite) if op.rewrite else sentence_span(
            pair.rewrite, bead.rewrite)
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


@register("certainty", config=CertaintyConfig, traits=Traits(cue=True))
class CertaintyShiftDetector(Configured):
    """Hedging or modality added, removed or changed ("in talks to open" → "to open")."""

    config: CertaintyConfig

    def detect(self, pair: AlignedPair) -> list[Finding]:
        c = self.config
        findings = []
        for bead_index, bead in pair.matched_beads():
            o_lang = side_language(pair.original, bead.original)
            r_lang = side_language(pair.rewrite, bead.rewrite)
            if base_language(o_lang) not in HEDGES or base_language(r_lang) not in HEDGES:
                continue
            o_find, r_find = hedge_cues(o_lang), hedge_cues(r_lang)
            reported: set[tuple[int, int]] = set()  # one finding per clause pair
            changes = (diff_changes(pair, bead_index, r_find) if pair.parallel(bead_index)
                       else clause_changes(pair, bead_index, o_find, r_find))
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
                        "", "certainty_shift", c.severity if strong else c.modality_severity, c.modality_confidence,
                        # Both sides' hedges are known here: point at the words themselves.
                        Span.of(before),
                        Span.of(after),
                        f"modality changed: '{before.text}' ({before.kind}) became '{after.text}' ({after.kind})",
                        bead_index))
                elif _counterpart_said((pair.original if change.change == "added" else pair.rewrite).text,
                                       other.start, other.end, o_lang if change.change == "added" else r_lang):
                    continue  # said without a hedge word ("may" / "can", "wants to" / "his wishes")
                elif change.change == "dropped":
                    findings.append(Finding(
                        "", "certainty_shift", c.severity, c.removed_confidence, cue, other,
                        f"hedge removed: the original says '{cue.text}' ({change.cue.kind}); the rewrite states it "
                        "as certain", bead_index))
                else:
                    findings.append(Finding(
                        "", "certainty_shift", c.severity, c.added_confidence, other, cue,
                        f"hedge added: the rewrite says '{cue.text}' ({change.cue.kind}) where the original is "
                        "certain", bead_index))
        return findings
