"""Attribution: a claim's source ("Nikkei reported", "according to X") dropped or replaced."""

from __future__ import annotations

from ..cues import ATTRIBUTION, base_language, find_cues
from ..entities import NOT_NAMES, Entity, entity_keys, find_entities, keys_match, lower_case_vocabulary, mid_sentence_capitals
from ..tokens import tokenize
from ..types import Finding, Severity, Span
from .base import AlignedPair, sentence_span, side_language, side_ranges
from .entities import _script

_WINDOW = 25  # characters between a cue and the source's name ("Nikkei Asia first reported")


def _sources(text: str, ranges, language: str, vocabulary: set[str], names: set[str]) -> list[tuple[Span, list[Entity]]]:
    """Attribution cues with the names near them, per sentence."""
    out = []
    for start, end in ranges:
        entities = find_entities(text, [(start, end)], vocabulary, names)
        for cue in find_cues(ATTRIBUTION, language, text, start, end):
            # "Lungescu said": the word right before a reporting verb is its subject, even first in a sentence.
            before = tokenize(text, max(start, cue.start() - 40), cue.start())
            if before and before[-1].text[:1].isupper() and not text[before[-1].end : cue.start()].strip() \
                    and before[-1].norm not in NOT_NAMES and not any(e.start <= before[-1].start < e.end for e in entities):
                entities = entities + [Entity(before[-1].start, before[-1].end, before[-1].text)]
            near = sorted((e for e in entities if e.end >= cue.start() - _WINDOW and e.start <= cue.end() + _WINDOW),
                          key=lambda e: min(abs(e.end - cue.start()), abs(e.start - cue.end())))
            out.append((Span(cue.start(), cue.end(), cue.group(0)), near))
    return out


def _keys(entities: list[Entity]) -> set[str]:
    return {k for e in entities for k in entity_keys(e)}


class AttributionDetector:
    name = "attribution"

    def detect(self, pair: AlignedPair) -> list[Finding]:
        vocabulary = lower_case_vocabulary(pair.original.text, pair.rewrite.text)
        same_script = _script(pair.original.text) == _script(pair.rewrite.text)
        names = mid_sentence_capitals(pair.original.text, [(s.start, s.end) for s in pair.original.sentences])
        names |= mid_sentence_capitals(pair.rewrite.text, [(s.start, s.end) for s in pair.rewrite.sentences])
        findings = []
        for bead_index, bead in pair.matched_beads():
            o_lang = side_language(pair.original, bead.original)
            r_lang = side_language(pair.rewrite, bead.rewrite)
            if base_language(o_lang) not in ATTRIBUTION or base_language(r_lang) not in ATTRIBUTION:
                continue
            r_ranges = side_ranges(pair.rewrite, bead.rewrite)
            o_sources = [(cue, names) for cue, names in
                         _sources(pair.original.text, side_ranges(pair.original, bead.original), o_lang, vocabulary, names)
                         if names]
            if not o_sources:
                continue
            r_sources = _sources(pair.rewrite.text, r_ranges, r_lang, vocabulary, names)
            r_names = find_entities(pair.rewrite.text, r_ranges, vocabulary, names)
            if not r_sources:
                cue, names = o_sources[0]
                who = names[0]
                if same_script and keys_match(_keys(names), _keys(r_names)) and len(o_sources) == 1:
                    # The source is still named in the rewrite, e.g. "in an interview with CNN".
                    continue
                start, end = min(who.start, cue.start), max(who.end, cue.end)
                findings.append(Finding(
                    "", "attribution_changed", Severity.MAJOR, 0.7,
                    Span(start, end, pair.original.text[start:end]), sentence_span(pair.rewrite, bead.rewrite),
                    f"attribution dropped: '{pair.original.text[start:end]}' is gone; the rewrite states the "
                    "claim without its source", bead_index))
        return findings
