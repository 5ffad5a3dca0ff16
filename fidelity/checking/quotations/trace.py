"""Tracing: every quotation of other texts traced to its source in the original (``fidelity quotes``).

Besides :func:`trace_quotes`, the helpers that place a quotation: which original sentences
it most likely quotes (:func:`sentence_context`, the one step that runs the aligner when
no alignment is given) and how it reads in a back-translation (:func:`back_translated_quote`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fidelity.checking.quotations.extract import Quotation, document_quotations, extract_quotations
from fidelity.checking.quotations.match import match_quotation
from fidelity.checking.quotations.result import QuoteMatch
from fidelity.checking.quotations.settings import DEFAULT_SETTINGS, QuoteSettings
from fidelity.checking.quotations.sources import QuoteSources
from fidelity.checking.quotations.speakers import document_speakers
from fidelity.models.encoder_types import Encoder
from fidelity.text.lang import languages_differ
from fidelity.text.spans import SpanIndex
from fidelity.types import Bead, Document

__all__ = ["QuoteTrace", "trace_quotes", "nearest_context", "sentence_context", "back_translated_quote",
           "BackTranslatedQuotes"]


def nearest_context(
    rewrite_sentences: Sequence[str], original_sentences: Sequence[str], encoder: Encoder | None,
    settings: QuoteSettings = DEFAULT_SETTINGS,
) -> list[list[int]]:
    """For each rewrite sentence, the original sentences most similar to it (at or above ``related``)."""
    if encoder is None or not rewrite_sentences or not original_sentences:
        return [[] for _ in rewrite_sentences]
    r = encoder.encode(list(rewrite_sentences))
    o = encoder.encode(list(original_sentences))
    sims = r @ o.T
    out = []
    for row in sims:
        order = np.argsort(-row, kind="stable")[: settings.context_neighbours]
        out.append([int(j) for j in order if row[j] >= encoder.thresholds.related])
    return out


def sentence_context(
    original: Document, rewrite: Document, encoder: Encoder | None, beads: Sequence[Bead] | None = None,
    settings: QuoteSettings = DEFAULT_SETTINGS,
) -> list[list[int]]:
    """For each rewrite sentence, the original sentences whose quotations it most likely quotes.

    Those of its aligned bead (when the bead scores at least ``related``) and its nearest
    original sentences. With ``beads=None`` and an encoder, the project aligner is run.
    """
    if encoder is None or not rewrite.sentences or not original.sentences:
        return [[] for _ in rewrite.sentences]
    original_texts = [s.text for s in original.sentences]
    rewrite_texts = [s.text for s in rewrite.sentences]
    if beads is None:
        from fidelity.checking.align import align

        beads = align(original_texts, rewrite_texts, encoder)
    out = nearest_context(rewrite_texts, original_texts, encoder, settings)
    for bead in beads:
        if bead.original and bead.rewrite and bead.score >= encoder.thresholds.related:
            for r in bead.rewrite:
                out[r] = list(dict.fromkeys(list(bead.original) + out[r]))
    return out


def back_translated_quote(q: Quotation, doc: Document, quotes: Sequence[Quotation]) -> str | None:
    """``q`` as it reads in its sentence's back-translation, if the translate stage made one.

    The k-th quotation of the sentence is paired with the k-th quotation (same nesting
    depth) of the back-translation, and only when both have the same number of them.
    """
    return BackTranslatedQuotes(doc, quotes).of(q)


class BackTranslatedQuotes:
    """``back_translated_quote(q, doc, quotes)`` for each of ``quotes`` (``of``), with the sentences
    that hold each quotation found once by bisection (``SpanIndex``) instead of a scan of every
    sentence and every quotation per quotation, and each back-translation's quotations extracted once."""

    def __init__(self, doc: Document, quotes: Sequence[Quotation]) -> None:
        self.doc, self.quotes = doc, quotes
        self._sentences = SpanIndex([(s.start, s.end) for s in doc.sentences])
        self._held: dict[int, list[Quotation]] = {}  # sentence index -> the quotations inside it, in order
        for x in quotes:
            for k in self._holders(x):
                self._held.setdefault(k, []).append(x)
        self._theirs: dict[int, list[Quotation]] = {}

    def _holders(self, q: Quotation) -> list[int]:
        """The sentences that hold ``q`` whole, in order (a sentence that holds a quotation of some
        words overlaps it; an empty one is looked for in every sentence)."""
        sentences = self.doc.sentences
        near = self._sentences.overlapping(q.start, q.end) if q.start < q.end else range(len(sentences))
        return [k for k in near if sentences[k].start <= q.start and q.end <= sentences[k].end]

    def of(self, q: Quotation) -> str | None:
        holders = self._holders(q)
        if len(holders) != 1:
            return None
        k = holders[0]
        back_translation = self.doc.sentences[k].back_translation
        if not back_translation:
            return None
        mine = [x for x in self._held.get(k, ()) if x.depth == q.depth]
        if k not in self._theirs:
            self._theirs[k] = extract_quotations(back_translation)
        theirs = [x for x in self._theirs[k] if x.depth == q.depth]
        if len(mine) != len(theirs) or q not in mine:
            return None
        return theirs[mine.index(q)].words(back_translation)


@dataclass(frozen=True)
class QuoteTrace:
    """One quotation of another text traced to the original."""

    path: str | None
    match: QuoteMatch

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.path, **self.match.to_dict()}


def trace_quotes(
    original: Document, others: Sequence[Document], encoder: Encoder | None,
    settings: QuoteSettings = DEFAULT_SETTINGS,
) -> list[QuoteTrace]:
    """Every quotation in ``others`` traced to its source in ``original`` (verbatim, altered or not found)."""
    original_quotes = document_quotations(original)
    original_speakers = document_speakers(original, original_quotes)
    sentence_spans = [(s.start, s.end) for s in original.sentences] or None
    sources = QuoteSources(original_quotes, original.text, encoder, sentence_spans)
    traces: list[QuoteTrace] = []
    for doc in others:
        context_of = sentence_context(original, doc, encoder, beads=None, settings=settings)
        cross = languages_differ(original.language, doc.language)
        quotes = document_quotations(doc)
        back_translations = BackTranslatedQuotes(doc, quotes) if cross is not False else None
        speakers = document_speakers(doc, quotes)
        compared = original_speakers if speakers is not None else None
        doc_spans = SpanIndex([(s.start, s.end) for s in doc.sentences])
        for k, q in enumerate(quotes):
            context = [
                (original.sentences[j].start, original.sentences[j].end)
                for i in doc_spans.overlapping(q.start, q.end) for j in context_of[i]
            ]
            pivot = back_translations.of(q) if back_translations is not None else None
            m = match_quotation(q, original_quotes, original.text, encoder, rewrite_text=doc.text, context=context,
                                sentences=sentence_spans, cross_lingual=cross, pivot=pivot, settings=settings,
                                speaker=speakers[k] if speakers is not None else None, original_speakers=compared,
                                sources=sources)
            traces.append(QuoteTrace(doc.path, m))
    return traces

