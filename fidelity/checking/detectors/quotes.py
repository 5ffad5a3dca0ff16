"""Quotation findings: a quotation in the rewrite that is altered or has no source.

Every quotation in the rewrite's sentences is traced to the original with
:func:`fidelity.checking.quotations.match.match_quotation`. Candidates in the original sentences of the
aligned bead (and the nearest original sentences) are preferred, so a quotation of a few
words that was translated ("hard and heavy") still finds its source (“more and more
severe, and also complex”).

An original quotation is a source only when it is the same utterance: the same attributed
speaker (:mod:`fidelity.checking.quotations.speakers`) or words that match closely; another
speaker's quotation on the same topic is none.

* verbatim → no finding;
* altered → ``quote_altered``; severity from the diff (negation or number changed, or
  content words substituted/dropped with the meaning moved: critical; wording changed
  but meaning kept, or words reordered: major; function words or inflection only: minor);
* not found → ``addition`` ("quotation has no source in the original"), major, or minor
  for a quotation of one or two words (scare quotes, a term).
"""

from __future__ import annotations

from fidelity.checking.detectors.base import AlignedPair
from fidelity.checking.detectors.registry import Configured, register
from fidelity.checking.quotations import (
    QuoteMatch,
    QuoteSettings,
    compared_words,
    document_quotations,
    match_quotation,
    sentence_context,
)
from fidelity.checking.quotations.sources import QuoteSources
from fidelity.checking.quotations.speakers import document_speakers
from fidelity.checking.quotations.trace import BackTranslatedQuotes
from fidelity.text.lang import languages_differ
from fidelity.text.spans import SpanIndex
from fidelity.types import Category, Finding, Severity, Span


@register("quotes", config=QuoteSettings, categories=(Category.QUOTE_ALTERED, Category.ADDITION))
class QuoteDetector(Configured):
    """Quotations altered or invented by the rewrite."""

    config: QuoteSettings

    def matches(self, pair: AlignedPair) -> list[tuple[QuoteMatch, int | None]]:
        """Each rewrite quotation's match, with the index of the bead holding it."""
        encoder = pair.encoder
        original, rewrite = pair.original, pair.rewrite
        original_quotes = document_quotations(original)
        sentence_spans = [(s.start, s.end) for s in original.sentences] or None
        bead_of: dict[int, int] = {}
        for b, bead in enumerate(pair.beads):
            for r in bead.rewrite:
                bead_of[r] = b
        context_of = sentence_context(original, rewrite, encoder, beads=pair.beads, settings=self.config)
        cross = languages_differ(original.language, rewrite.language)
        out: list[tuple[QuoteMatch, int | None]] = []
        quotes = document_quotations(rewrite)
        speakers = document_speakers(rewrite, quotes)
        original_speakers = document_speakers(original, original_quotes) if speakers is not None else None
        rewrite_spans = SpanIndex([(s.start, s.end) for s in rewrite.sentences])
        # The original's quotations and sentences indexed once, each rewrite quotation compared with
        # those it may match (issue 19: every one with every one was quadratic in a long text).
        sources = QuoteSources(original_quotes, original.text, encoder, sentence_spans)
        back_translations = BackTranslatedQuotes(rewrite, quotes) if cross is not False else None
        pivots = [back_translations.of(q) if back_translations is not None else None for q in quotes]
        # Each quotation is compared with the original's quotations by the encoder's cosines: the
        # texts it will be asked for, embedded ahead (each alone, as when asked).
        compared = (compared_words(q, rewrite.text, pivot) for q, pivot in zip(quotes, pivots))
        sources.quote_cosines.expect([text for text, tokens, _ in compared if tokens])
        for k, q in enumerate(quotes):
            touched = rewrite_spans.overlapping(q.start, q.end)
            bead_index = next((bead_of[i] for i in touched if i in bead_of), None)
            context_idx = [j for i in touched for j in context_of[i]]
            context = [(original.sentences[j].start, original.sentences[j].end) for j in dict.fromkeys(context_idx)]
            pivot = pivots[k]
            m = match_quotation(q, original_quotes, original.text, encoder, rewrite_text=rewrite.text,
                                context=context, sentences=sentence_spans, cross_lingual=cross, pivot=pivot,
                                settings=self.config, speaker=speakers[k] if speakers is not None else None,
                                original_speakers=original_speakers, sources=sources)
            out.append((m, bead_index))
        return out

    def detect(self, pair: AlignedPair) -> list[Finding]:
        findings: list[Finding] = []
        for m, bead_index in self.matches(pair):
            q = m.quotation
            rewrite_span = Span.of(q)
            if m.status == "verbatim":
                continue
            if m.status == "not_found":
                short_quote = q.word_count <= self.config.short_words
                findings.append(
                    Finding(category=Category.ADDITION, severity=Severity.MINOR if short_quote else Severity.MAJOR,
                            confidence=0.5 if short_quote else 0.7, original=None, rewrite=rewrite_span,
                            message=m.message(), bead=bead_index)
                )
                continue
            assert m.severity is not None
            findings.append(
                Finding(category=Category.QUOTE_ALTERED, severity=m.severity,
                        confidence=_confidence(m, pair, self.config), original=m.source, rewrite=rewrite_span,
                        message=m.message(), bead=bead_index)
            )
        return findings


def _confidence(m: QuoteMatch, pair: AlignedPair, settings: QuoteSettings) -> float:
    """How sure the source is the right one and that the words really differ."""
    evidence = 0.45
    if m.in_context:
        evidence += 0.25
    if m.translated:
        evidence += 0.1
    else:
        evidence += 0.25 * min(1.0, m.overlap / settings.diff_min)
    encoder = pair.encoder
    if m.similarity is not None and encoder is not None and m.similarity >= encoder.thresholds.related:
        evidence += 0.1
    return round(min(0.95, evidence), 3)
