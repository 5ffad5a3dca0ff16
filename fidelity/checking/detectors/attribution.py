"""Attribution: a claim's source ("Nikkei reported", "according to X") dropped or replaced."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fidelity.checking.detectors.base import AlignedPair, BeadView, DiffOp, sentence_span, token_span
from fidelity.checking.detectors.registry import Configured, Traits, register
from fidelity.languages import language as language_of
from fidelity.text.cues import find_cues
from fidelity.text.names import NOT_NAMES, Entity, entity_keys, find_entities, keys_match
from fidelity.text.tokens import Token, stem, tokenize
from fidelity.types import Category, Document, Finding, Severity, Span

_CLAUSE_BREAK = re.compile(r"[,;:.!?\"“”«»()–—]")


@dataclass(frozen=True)
class AttributionConfig:
    window: int = 25  # characters between a cue and the source's name ("Nikkei Asia first reported")
    severity: Severity = Severity.MAJOR
    confidence: float = 0.7


def _sources(text: str, ranges: Sequence[tuple[int, int]], language: str, vocabulary: set[str], names: set[str],
             window: int) -> list[tuple[Span, list[Entity]]]:
    """Attribution cues with the names near them, per sentence."""
    out = []
    for start, end in ranges:
        entities = find_entities(text, [(start, end)], vocabulary, names)
        for cue in find_cues("attribution", language, text, start, end):
            # "Lungescu said": the word right before a reporting verb is its subject, even first in a sentence.
            before = tokenize(text, max(start, cue.start() - 40), cue.start())
            if before and before[-1].text[:1].isupper() and not text[before[-1].end : cue.start()].strip() \
                    and before[-1].norm not in NOT_NAMES and not any(e.start <= before[-1].start < e.end for e in entities):
                entities = entities + [Entity(before[-1].start, before[-1].end, before[-1].text)]
            near = sorted((e for e in entities if e.end >= cue.start() - window and e.start <= cue.end() + window),
                          key=lambda e: min(abs(e.end - cue.start()), abs(e.start - cue.end())))
            out.append((Span(cue.start(), cue.end(), cue.group(0)), near))
    return out


def _keys(entities: Sequence[Entity]) -> set[str]:
    return {k for e in entities for k in entity_keys(e)}


@register("attribution", config=AttributionConfig, categories=(Category.ATTRIBUTION_CHANGED,),
          traits=Traits(cue=True, cue_table="attribution"))
class AttributionDetector(Configured):
    """A claim's source ("Nikkei reported", "according to X") dropped."""

    config: AttributionConfig

    @staticmethod
    def _still_named(view: BeadView, who: Entity, names: Sequence[Entity]) -> bool:
        if view.same_language:
            return keys_match(_keys([who]), _keys(names))
        if view.pair.encoder is None:
            return False
        matcher = view.name_matcher
        return any(matcher.same(who, name) for name in names)

    def detect(self, pair: AlignedPair) -> list[Finding]:
        vocabulary = pair.vocabulary
        known = pair.capitalised_words
        findings = []
        for view in self.covered_views(pair):
            bead_index = view.index
            o_lang, r_lang = view.original.language, view.rewrite.language
            if view.parallel:
                findings += self._parallel(view, o_lang)
                continue
            o_sources = [(cue, near) for cue, near in
                         _sources(pair.original.text, view.original.ranges, o_lang, vocabulary, known,
                                  self.config.window)
                         if near]
            if not o_sources:
                continue
            r_sources = _sources(pair.rewrite.text, view.rewrite.ranges, r_lang, vocabulary, known, self.config.window)
            r_names = view.rewrite.entities
            if not r_sources:
                cue, near = o_sources[0]
                who = near[0]
                # A common noun capitalised at the sentence start ("Psychologist reports: ..."),
                # not a name: its words, not an entity, must be kept ("... – psychologist").
                common = who.text.lower() in vocabulary
                if len(o_sources) == 1 and (self._still_named(view, who, r_names) or (
                        common and view.same_language and _source_kept(view, cue, o_lang))):
                    # The source is still named in the rewrite, e.g. "in an interview with CNN".
                    continue
                start, end = min(who.start, cue.start), max(who.end, cue.end)
                findings.append(_dropped(pair, bead_index, Span(start, end, pair.original.text[start:end]),
                                         self.config))
        return findings

    def _parallel(self, view: BeadView, language: str) -> list[Finding]:
        """A close rewrite: a reporting phrase ("it said", "according to eyewitnesses") that the word
        diff removed, with fewer reporting phrases left in the rewrite than in the original."""
        pair, bead_index = view.pair, view.index

        def cues(doc: Document, ranges: Sequence[tuple[int, int]]) -> list[re.Match[str]]:
            return [m for s, e in ranges for m in find_cues("attribution", language, doc.text, s, e)]

        o_total = len(cues(pair.original, view.original.ranges))
        r_total = len(cues(pair.rewrite, view.rewrite.ranges))
        if o_total <= r_total:
            return []
        for op in view.word_diff:
            if not op.original:
                continue
            span = token_span(pair.original.text, op.original)
            o_cues = cues(pair.original, [(span.start, span.end)])
            r_cues = cues(pair.rewrite, [(op.rewrite[0].start, op.rewrite[-1].end)]) if op.rewrite else []
            if len(o_cues) > len(r_cues) and not _renamed(pair, op, o_cues[0]) and not _source_kept(
                    view, Span(o_cues[0].start(), o_cues[0].end(), o_cues[0].group(0)), language):
                return [_dropped(pair, bead_index, span, self.config)]
        return []




def _renamed(pair: AlignedPair, op: DiffOp, cue: re.Match[str]) -> bool:
    """A source noun replaced by another one word for word ("As noted in the report" / "in the
    message"): the claim keeps a source, named otherwise."""
    if op.op != "replace" or op.original[0].start != cue.start():
        return False
    before = tokenize(pair.original.text, max(0, cue.start() - 20), cue.start())
    return bool(before) and before[-1].norm in language_of("en").determiners


def _source_kept(view: BeadView, cue: Span, language: str) -> bool:
    """Does the rewrite still name who said it? The source is the content words next to the
    reporting phrase in its clause ('Meteorologists reported', 'reports The Hockey News', 'according
    to eyewitnesses'); a reworded verb with its source kept ('TASS reported' / 'TASS reports',
    'Psychologist reports: ...' / '... – psychologist') drops no attribution."""
    text = view.original.text
    stopwords = language_of(language).stopwords

    def content(tokens: Sequence[Token]) -> set[str]:
        return {stem(t.norm) for t in tokens
                if t.norm not in stopwords and not find_cues("attribution", language, t.text)}

    clause_before = _CLAUSE_BREAK.split(text[max(0, cue.start - 60):cue.start])[-1]
    clause_after = _CLAUSE_BREAK.split(text[cue.end:cue.end + 60])[0]
    # The subject before the verb; after it only where nothing precedes in the clause ("…,
    # reports The Hockey News") or the phrase introduces its source ("according to", "citing").
    source = content(tokenize(text, cue.start - len(clause_before), cue.start)[-3:])
    if not source or cue.text.lower() in ("according to", "citing"):
        source = content(tokenize(text, cue.end, cue.end + len(clause_after))[:3])
    if not source:
        return False
    kept = {stem(t.norm) for t in view.rewrite.tokens}
    return bool(source & kept)


def _dropped(pair: AlignedPair, bead_index: int, source: Span, config: AttributionConfig) -> Finding:
    return Finding(
        category=Category.ATTRIBUTION_CHANGED, severity=config.severity, confidence=config.confidence,
        original=source, rewrite=sentence_span(pair.rewrite, pair.beads[bead_index].rewrite),
        message=f"attribution dropped: '{source.text}' is gone; the rewrite states the claim without its source",
        bead=bead_index)
