"""Quotation matching: trace one quotation to its source in the original.

:func:`match_quotation` compares a quotation with the original's quotations (and, failing
those, its plain sentences): ``verbatim`` when the words are the same after
normalisation (case, quote and apostrophe styles, English contractions, hyphens,
ellipses, editorial insertions in brackets such as “(have been)” or “[becomes]”; a
contiguous part of an original quotation is verbatim too, and so is an elision marked
with an ellipsis), ``altered`` (with a word-level diff, :mod:`.diff`) or ``not_found``.
Given the speakers (:mod:`.speakers`), an original quotation is the source of an altered
one only when it is the same utterance: the same speaker, or words that match closely
(encoder ``equivalent``, or ``lexical_min`` of the content words); another speaker's
quotation on the same topic is no source.

The steps: :func:`_query` reads the quotation's words; :func:`_match_quotations` ranks
the original's quotations; :func:`_match_text` looks for the words unquoted in an
original sentence; :func:`_verbatim` / :func:`_altered` build the result. Both searches ask
their tests only of the candidates that can pass them (:func:`_quotation_candidates`,
:func:`_text_candidates`), found in the original's quotations and sentences indexed once
(:class:`.sources.QuoteSources`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fidelity.checking.quotations.diff import WordDiff, content_words, diff_words, severity_of
from fidelity.checking.quotations.extract import Quotation, trim
from fidelity.checking.quotations.result import QuoteMatch
from fidelity.checking.quotations.settings import DEFAULT_SETTINGS, QuoteSettings
from fidelity.checking.quotations.sources import QuoteSources
from fidelity.checking.quotations.speakers import Speaker, same_speaker
from fidelity.models.encoder_types import Encoder, Thresholds
from fidelity.text.tokens import WordToken, quoted_words, script_of
from fidelity.types import Severity, Span

__all__ = ["match_quotation"]


@dataclass
class _Candidate:
    kind: str  # "quotation" | "text"
    parts: tuple[tuple[int, int], ...]
    quote: Quotation | None
    in_context: bool


@dataclass
class _Query:
    """One quotation's words, ready to be compared with candidate sources."""

    base: QuoteMatch  # the "not_found" answer
    compare: str  # the text the encoder compares (the quoted words, or the pivot)
    tokens: list[WordToken]
    elisions: set[int]
    core: list[WordToken]  # tokens that are not editorial insertions
    content: set[str]  # content words of the core
    cross_lingual: bool
    translated: bool
    original_text: str
    encoder: Encoder | None
    context: Sequence[tuple[int, int]]
    settings: QuoteSettings
    speaker: Speaker | None = None  # who the quotation's sentence says said it
    speakers: Sequence[Speaker | None] | None = None  # each original quotation's; None: speakers not read

    @property
    def thresholds(self) -> Thresholds | None:
        return self.encoder.thresholds if self.encoder is not None else None

    @property
    def short(self) -> bool:
        return len(self.core) <= self.settings.short_context_words

    def lexical(self, cand_tokens: list[WordToken]) -> float:
        """Share of the quotation's content words that occur in a candidate."""
        have = {t.norm for t in cand_tokens}
        return sum(1 for w in self.content if w in have) / len(self.content)

    def in_context(self, s: int, e: int) -> bool:
        return any(s < ce and cs < e for cs, ce in self.context)


def _cosines(encoder: Encoder | None, query: str, texts: list[str]) -> np.ndarray | None:
    if encoder is None or not texts:
        return None
    vectors = encoder.encode([query] + texts)
    cosines: np.ndarray = vectors[1:] @ vectors[0]
    return cosines


def _midpoint(thresholds: Thresholds) -> float:
    return (thresholds.related + thresholds.equivalent) / 2


def match_quotation(
    q: Quotation,
    original_quotes: Sequence[Quotation],
    original_text: str,
    encoder: Encoder | None,
    *,
    rewrite_text: str | None = None,
    context: Sequence[tuple[int, int]] = (),
    sentences: Sequence[tuple[int, int]] | None = None,
    cross_lingual: bool | None = None,
    pivot: str | None = None,
    settings: QuoteSettings = DEFAULT_SETTINGS,
    speaker: Speaker | None = None,
    original_speakers: Sequence[Speaker | None] | None = None,
    sources: QuoteSources | None = None,
) -> QuoteMatch:
    """Trace quotation ``q`` to the original.

    ``rewrite_text`` is the text ``q``'s offsets point into (default: ``q.text`` is used,
    so multi-paragraph quotations keep their re-opening marks as punctuation).
    ``context`` lists original regions (the aligned bead's sentences) whose quotations are
    preferred; ``sentences`` the original's sentence spans searched when no quotation
    matches (default: its paragraphs).  ``cross_lingual`` says whether the two sides are in
    different languages (default: decided by the writing systems of the quotation and the
    original).  ``pivot`` is the quotation rendered in the original's language (taken
    from a back-translation): when given, words are compared through it.  With
    ``encoder=None`` the matcher is purely lexical.  ``speaker`` and ``original_speakers``
    (one per original quotation, :func:`.speakers.attribute`) restrict altered matches to
    the same speaker or a close match; without ``original_speakers`` speakers are not
    compared. ``sources``: ``original_quotes``, ``original_text``, ``encoder`` and ``sentences``
    (the same objects) indexed once for many quotations (a long text's); made here otherwise.
    """
    if sources is None or not sources.serves(original_quotes, original_text, encoder, sentences):
        sources = QuoteSources(original_quotes, original_text, encoder, sentences)
    query = _query(q, sources, rewrite_text, context, cross_lingual, pivot, settings)
    query.speaker, query.speakers = speaker, original_speakers
    if not query.core:
        return query.base
    found = _match_quotations(query, sources)
    if found is not None:
        return found
    return _match_text(query, sources)


def compared_words(q: Quotation, rewrite_text: str | None, pivot: str | None) -> tuple[str, list[WordToken], Any]:
    """What quotation ``q`` is compared by: its pivot where given, else its words (in
    ``rewrite_text``, else its own text); with their tokens and elisions (``quoted_words``).
    A quotation without tokens is compared by nothing (``match_quotation`` returns at once)."""
    if pivot is not None:
        return (pivot, *quoted_words(pivot, [(0, len(pivot))]))
    if rewrite_text is not None:
        return (q.words(rewrite_text), *quoted_words(rewrite_text, q.parts))
    return (q.text, *quoted_words(q.text, [(0, len(q.text))]))


def _query(q: Quotation, sources: QuoteSources, rewrite_text: str | None, context: Sequence[tuple[int, int]],
           cross_lingual: bool | None, pivot: str | None, settings: QuoteSettings) -> _Query:
    original_text, encoder = sources.text, sources.encoder
    words = q.words(rewrite_text) if rewrite_text is not None else q.text
    compare, tokens, elisions = compared_words(q, rewrite_text, pivot)
    if pivot is not None:
        cross_lingual = False
    elif cross_lingual is None:
        cross_lingual = script_of(words) != sources.script
    core = [t for t in tokens if not t.editorial] or tokens
    norms = [t.norm for t in core]
    return _Query(QuoteMatch("not_found", q, words, pivot=pivot), compare, tokens, elisions, core,
                  set(content_words(norms)) or set(norms), cross_lingual, cross_lingual or pivot is not None,
                  original_text, encoder, context, settings)


def _quotation_candidates(query: _Query, sources: QuoteSources, sims: np.ndarray | None) -> list[int]:
    """The original quotations that may be verbatim or pass ``_judge_quotation``, in order; the
    others are neither. Verbatim (a diff without changes): every word of the quotation that is no
    editorial insertion lies in the diff's equal blocks (in any other block it is a change), so the
    source holds them all; a quotation of editorial words only may be verbatim anywhere. Passing:
    in the aligned context, anything may; outside it across languages, only at the midpoint of the
    encoder's cosines; in one language at ``equivalent``, or by words (``lexical_support`` with
    ``related``, or ``lexical_min``), so holding that share of the content words."""
    words = sources.quote_words
    found = {n for start, end in query.context for n in sources.quote_spans.overlapping(start, end)}
    thresholds = query.thresholds
    if sims is not None and thresholds is not None:
        cut = _midpoint(thresholds) if query.cross_lingual else thresholds.equivalent
        found.update(np.flatnonzero(sims.astype(np.float64) >= cut).tolist())
    if not query.cross_lingual:
        plain = {t.norm for t in query.tokens if not t.editorial}
        found.update(words.holding_all(plain) if plain else range(words.count))
        settings = query.settings
        found.update(words.holding_share(query.content, min(settings.lexical_min, settings.lexical_support)))
    return sorted(found)


def _match_quotations(query: _Query, sources: QuoteSources) -> QuoteMatch | None:
    """The best-ranked original quotation the quotation comes from, if any."""
    text, original_quotes = query.original_text, sources.quotes
    sims = sources.quote_cosines(query.compare)
    scored: list[tuple[float, int, list[WordToken], WordDiff | None]] = []
    candidates: dict[int, _Candidate] = {}
    for n in _quotation_candidates(query, sources, sims):
        oq = original_quotes[n]
        cand = candidates[n] = _Candidate("quotation", oq.parts, oq, query.in_context(oq.start, oq.end))
        a_tokens, _ = quoted_words(text, cand.parts)
        if not a_tokens:
            continue
        sim = float(sims[n]) if sims is not None else None
        lex = 0.0 if query.cross_lingual else query.lexical(a_tokens)
        diff = None if query.cross_lingual else diff_words(a_tokens, query.tokens, query.elisions, query.settings)
        if diff is not None and not diff.changes and (
            len(query.core) >= 2 or cand.in_context or diff.window == (0, len(a_tokens))
        ):
            return _verbatim(query, cand, a_tokens, diff, sim)
        ok, score = _judge_quotation(query, cand, sim, lex, diff)
        if ok and query.speakers is not None:
            same = same_speaker(query.speaker, query.speakers[n])
            # Another speaker: only a close match. An unknown one: the quotation of the aligned
            # sentence, or a close match elsewhere.
            if same is False or (same is None and not cand.in_context):
                ok = _close(query, sim, lex, diff)
        if ok:
            scored.append((score, n, a_tokens, diff))
    if not scored:
        return None
    _, n, a_tokens, diff = max(scored, key=lambda x: (x[0], -x[1]))
    return _altered(query, candidates[n], a_tokens, diff)


def _judge_quotation(query: _Query, cand: _Candidate, sim: float | None, lex: float,
                     diff: WordDiff | None) -> tuple[bool, float]:
    """Whether an original quotation may be the source, and its rank."""
    settings = query.settings
    bonus = settings.context_bonus if cand.in_context else 0.0
    lexical_ok = lex >= settings.lexical_min and diff is not None and diff.matched >= 2
    if sim is None:
        return lexical_ok, lex + bonus
    thresholds = query.thresholds
    assert thresholds is not None
    short_in_context = cand.in_context and query.short and sim >= thresholds.align_min
    if query.cross_lingual:
        # No words to compare: inside the aligned context ``related`` is enough, outside
        # it (where everything in one story is topically related) the midpoint is needed.
        ok = sim >= (thresholds.related if cand.in_context else _midpoint(thresholds)) or short_in_context
    else:
        # In the aligned sentence a second translation of the quotation shares few words
        # ("Currently ... out of the question" / "At the moment ... cannot talk about"):
        # ``related`` is enough there, as across languages.
        ok = (
            sim >= thresholds.equivalent
            or (sim >= thresholds.related and (lex >= settings.lexical_support or cand.in_context))
            or short_in_context
            or lexical_ok
        )
    return ok, sim + settings.lexical_weight * lex + bonus


def _close(query: _Query, sim: float | None, lex: float, diff: WordDiff | None) -> bool:
    """Words so close that the quotation is the same utterance, whoever is named as saying it."""
    thresholds = query.thresholds
    if sim is not None and thresholds is not None and sim >= thresholds.equivalent:
        return True
    return not query.cross_lingual and lex >= query.settings.lexical_min and diff is not None and diff.matched >= 2


def _text_candidates(query: _Query, sources: QuoteSources, sent_sims: np.ndarray | None) -> list[int]:
    """The spans ``_match_text`` may take, in order. Across languages, those at ``equivalent``; in
    one language, those holding ``text_min`` of the quotation's content words (its share is at
    most ``lexical``'s)."""
    if query.cross_lingual:
        thresholds = query.thresholds
        if sent_sims is None or thresholds is None:
            return []
        return np.flatnonzero(sent_sims.astype(np.float64) >= thresholds.equivalent).tolist()
    return sorted(set(sources.span_words.holding_share(query.content, query.settings.text_min)))


def _match_text(query: _Query, sources: QuoteSources) -> QuoteMatch:
    """No original quotation: the words may stand unquoted in an original sentence."""
    text, settings, b_tokens, spans = query.original_text, query.settings, query.tokens, sources.spans
    best: tuple[float, _Candidate, list[WordToken], WordDiff | None] | None = None
    sent_sims = sources.span_cosines(query.compare) if query.cross_lingual else None
    for n in _text_candidates(query, sources, sent_sims):
        s, e = spans[n]
        cand = _Candidate("text", ((s, e),), None, query.in_context(s, e))
        a_tokens, _ = quoted_words(text, cand.parts)
        if not a_tokens:
            continue
        if query.cross_lingual:
            sim = float(sent_sims[n]) if sent_sims is not None else 0.0
            thresholds = query.thresholds
            if thresholds is not None and sim >= thresholds.equivalent and (best is None or sim > best[0]):
                best = (sim, cand, a_tokens, None)
            continue
        diff = diff_words(a_tokens, b_tokens, query.elisions, settings)
        share = min(diff.matched / len(b_tokens), query.lexical(a_tokens))
        enough = diff.matched >= 2 or (len(b_tokens) == 1 and diff.matched == 1 and cand.in_context)
        if enough and share >= settings.text_min and (best is None or share > best[0]):
            best = (share, cand, a_tokens, diff)
    if best is None:
        return query.base
    _, cand, a_tokens, best_diff = best
    if best_diff is not None and not best_diff.changes:
        return _verbatim(query, cand, a_tokens, best_diff, None)
    return _altered(query, cand, a_tokens, best_diff)


def _window_span(text: str, cand: _Candidate, a_tokens: list[WordToken], window: tuple[int, int]) -> tuple[Span, bool]:
    ws, we = window
    full = (ws, we) == (0, len(a_tokens))
    if full and cand.quote is not None:
        return cand.quote.span, False
    if full or we <= ws:
        s, e = cand.parts[0][0], cand.parts[-1][1]
        s, e = trim(text, s, e, last=False)
        return Span(s, e, text[s:e]), False
    s, e = a_tokens[ws].start, a_tokens[we - 1].end
    return Span(s, e, text[s:e]), True


def _verbatim(query: _Query, cand: _Candidate, a_tokens: list[WordToken], diff: WordDiff,
              sim: float | None) -> QuoteMatch:
    base = query.base
    span, partial = _window_span(query.original_text, cand, a_tokens, diff.window)
    return QuoteMatch("verbatim", base.quotation, base.quotation_words, span, cand.quote, cand.kind, sim,
                      1.0, (), None, "same words", partial, query.translated, cand.in_context, base.pivot)


def _altered(query: _Query, cand: _Candidate, a_tokens: list[WordToken], diff: WordDiff | None) -> QuoteMatch:
    base, encoder, text = query.base, query.encoder, query.original_text
    if diff is None:  # across languages without a back-translation: only the encoder can judge
        span, partial = _window_span(text, cand, a_tokens, (0, len(a_tokens)))
        cosines = _cosines(encoder, query.compare, [span.text])  # None without an encoder
        sim = float(cosines[0]) if cosines is not None else 0.0
        th = encoder.thresholds if encoder is not None else None
        if th is not None and sim >= th.related:
            return QuoteMatch("verbatim", base.quotation, base.quotation_words, span, cand.quote, cand.kind, sim,
                              0.0, (), None, "translated; same meaning as far as the encoder can tell", partial,
                              True, cand.in_context)
        return QuoteMatch("altered", base.quotation, base.quotation_words, span, cand.quote, cand.kind, sim, 0.0,
                          (), Severity.MAJOR, "translated quotation differs in meaning", partial, True,
                          cand.in_context)
    span, partial = _window_span(text, cand, a_tokens, diff.window)
    similarity: float | None = None
    cosines = _cosines(encoder, query.compare, [span.text])  # None without an encoder
    if cosines is not None:
        similarity = float(cosines[0])
    a_window = [t.norm for t in a_tokens[diff.window[0]:diff.window[1]] if not t.editorial]
    b_words = [t.norm for t in query.tokens if not t.editorial]
    severity, reason = severity_of(diff, a_window, b_words, similarity, query.thresholds, query.settings)
    return QuoteMatch("altered", base.quotation, base.quotation_words, span, cand.quote, cand.kind, similarity,
                      diff.ratio, tuple(diff.changes), severity, reason, partial, query.translated, cand.in_context,
                      base.pivot)
