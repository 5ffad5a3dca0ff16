"""Attribution: a claim's source ("Nikkei reported", "according to X") dropped or replaced."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..cues import ATTRIBUTION, STOPWORDS, find_cues
from ..lang import base_language
from ..entities import (NOT_NAMES, Entity, entity_keys, find_entities, keys_match, lower_case_vocabulary)
from ..tokens import stem, tokenize
from ..types import Finding, Severity, Span
from .base import AlignedPair, sentence_span, side_language, side_ranges, token_span
from .registry import Configured, Traits, register


_CLAUSE_BREAK = re.compile(r"[,;:.!?\"“”«»()–—]")


@dataclass(frozen=True)
class AttributionConfig:
    window: int = 25  # characters between a cue and the source's name ("Nikkei Asia first reported")
    severity: Severity = Severity.MAJOR
    confidence: float = 0.7


def _sources(text: str, ranges, language: str, vocabulary: set[str], names: set[str],
             window: int) -> list[tuple[Span, list[Entity]]]:
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
            near = sorted((e for e in entities if e.end >= cue.start() - window and e.start <= cue.end() + window),
                          key=lambda e: min(abs(e.end - cue.start()), abs(e.start - cue.end())))
            out.append((Span(cue.start(), cue.end(), cue.group(0)), near))
    return out


def _keys(entities: list[Entity]) -> set[str]:
    return {k for e in entities for k in entity_keys(e)}


@register("attribution", config=AttributionConfig, traits=Traits(cue=True))
class AttributionDetector(Configured):
    """A claim's source ("Nikkei reported", "according to X") dropped."""

    config: AttributionConfig

    @staticmethod
    def _still_named(pair: AlignedPair, bead_index: int, who: Entity, names: list[Entity]) -> bool:
        if pair.same_language(bead_index):
            return keys_match(_keys([who]), _keys(names))
        if pair.encoder is None:
            return False
        matcher = pair.name_matcher(bead_index)
        return any(matcher.same(who, name) for name in names)

    def detect(self, pair: AlignedPair) -> list[Finding]:
        vocabulary = lower_case_vocabulary(pair.original.text, pair.rewrite.text)
        known = pair.capitalised_words()
        findings = []
        for bead_index, bead in pair.matched_beads():
            o_lang = side_language(pair.original, bead.original)
            r_lang = side_language(pair.rewrite, bead.rewrite)
            if base_language(o_lang) not in ATTRIBUTION or base_language(r_lang) not in ATTRIBUTION:
                continue
            if pair.parallel(bead_index):
                findings += self._parallel(pair, bead_index, o_lang)
                continue
            r_ranges = side_ranges(pair.rewrite, bead.rewrite)
            o_sources = [(cue, near) for cue, near in
                         _sources(pair.original.text, side_ranges(pair.original, bead.original), o_lang, vocabulary,
                                  known, self.config.window)
                         if near]
            if not o_sources:
                continue
            r_sources = _sources(pair.rewrite.text, r_ranges, r_lang, vocabulary, known, self.config.window)
            r_names = find_entities(pair.rewrite.text, r_ranges, vocabulary, known)
            if not r_sources:
                cue, near = o_sources[0]
                who = near[0]
                # A common noun capitalised at the sentence start ("Psychologist reports: ..."),
                # not a name: its words, not an entity, must be kept ("... – psychologist").
                common = who.text.lower() in vocabulary
                if len(o_sources) == 1 and (self._still_named(pair, bead_index, who, r_names) or (
                        common and pair.same_language(bead_index) and _source_kept(pair, bead_index, cue, o_lang))):
                    # The source is still named in the rewrite, e.g. "in an interview with CNN".
                    continue
                start, end = min(who.start, cue.start), max(who.end, cue.end)
                findings.append(_dropped(pair, bead_index, Span(start, end, pair.original.text[start:end]),
                                         self.config))
        return findings

    def _parallel(self, pair: AlignedPair, bead_index: int, language: str) -> list[Finding]:
        """A close rewrite: a reporting phrase ("it said", "according to eyewitnesses") that the word
        diff removed, with fewer reporting phrases left in the rewrite than in the original."""
        bead = pair.beads[bead_index]

        def cues(doc, ranges):
            return [m for s, e in ranges for m in find_cues(ATTRIBUTION, language, doc.text, s, e)]

        o_total = len(cues(pair.original, side_ranges(pair.original, bead.original)))
        r_total = len(cues(pair.rewrite, side_ranges(pair.rewrite, bead.rewrite)))
        if o_total <= r_total:
            return []
        for op in pair.word_diff(bead_index):
            if not op.original:
                continue
            span = token_span(pair.original.text, op.original)
            o_cues = cues(pair.original, [(span.start, span.end)])
            r_cues = cues(pair.rewrite, [(op.rewrite[0].start, op.rewrite[-1].end)]) if op.rewrite else []
            if len(o_cues) > len(r_cues) and not _renamed(pair, op, o_cues[0]) and not _source_kept(
                    pair, bead_index, Span(o_cues[0].start(), o_cues[0].end(), o_cues[0].group(0)), language):
                return [_dropped(pair, bead_index, span, self.config)]
        return []


_DETERMINERS = frozenset("the a an this that its their his her".split())


def _renamed(pair: AlignedPair, op, cue: re.Match) -> bool:
    """A source noun replaced by another one word for word ("As noted in the report" / "in the
    message"): the claim keeps a source, named otherwise."""
    if op.op != "replace" or op.original[0].start != cue.start():
        return False
    before = tokenize(pair.original.text, max(0, cue.start() - 20), cue.start())
    return bool(before) and before[-1].norm in _DETERMINERS


def _source_kept(pair: AlignedPair, bead_index: int, cue: Span, language: str) -> bool:
    """Does the rewrite still name who said it? The source is the content words next to the
    reporting phrase in its clause ('Meteorologists reported', 'reports The Hockey News', 'according
    to eyewitnesses'); a reworded verb with its source kept ('TASS reported' / 'TASS reports',
    'Psychologist reports: ...' / '... – psychologist') drops no attribution."""
    text = pair.original.text
    stopwords = STOPWORDS.get(base_language(language), frozenset())

    def content(tokens) -> set[str]:
        return {stem(t.norm) for t in tokens
                if t.norm not in stopwords and not find_cues(ATTRIBUTION, language, t.text)}

    clause_before = _CLAUSE_BREAK.split(text[max(0, cue.start - 60):cue.start])[-1]
    clause_after = _CLAUSE_BREAK.split(text[cue.end:cue.end + 60])[0]
    # The subject before the verb; after it only where nothing precedes in the clause ("…,
    # reports The Hockey News") or the phrase introduces its source ("according to", "citing").
    source = content(tokenize(text, cue.start - len(clause_before), cue.start)[-3:])
    if not source or cue.text.lower() in ("according to", "citing"):
        source = content(tokenize(text, cue.end, cue.end + len(clause_after))[:3])
    if not source:
        return False
    bead = pair.beads[bead_index]
    kept = {stem(t.norm) for s, e in side_ranges(pair.rewrite, bead.rewrite) for t in tokenize(pair.rewrite.text, s, e)}
    return bool(source & kept)


def _dropped(pair: AlignedPair, bead_index: int, source: Span, config: AttributionConfig) -> Finding:
    return Finding(
        "", "attribution_changed", config.severity, config.confidence, source,
        sentence_span(pair.rewrite, pair.beads[bead_index].rewrite),
        f"attribution dropped: '{source.text}' is gone; the rewrite states the claim without its source",
        bead_index)
