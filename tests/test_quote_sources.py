"""Quotations traced through the original's indexed quotations and sentences (issue 19) find what
comparing every candidate finds: on the seed texts that quote CNN and, where ../shared/eval is
there, on WMT21 ru-en documents (two English translations, and English against Russian), every
trace is the same with the candidates narrowed as with all of them; each quotation's back-translated
words are those of ``back_translated_quote``."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from fidelity.checking.pipeline import prepare
from fidelity.checking.quotations import (
    back_translated_quote,
    document_quotations,
    extract_quotations,
    match,
    trace_quotes,
)
from fidelity.checking.quotations.sources import QuoteSources
from fidelity.checking.quotations.speakers import document_speakers
from fidelity.checking.quotations.trace import BackTranslatedQuotes
from fidelity.text.spans import SpanIndex
from fidelity.types import Document

from .conftest import CNN, FIRSTPOST, INSIDER, SPUTNIK, read_exact

WMT = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "wmt21-ruen" / "newstest2021-ru-en.jsonl"
needs_wmt = pytest.mark.skipif(not WMT.exists(), reason="../shared/eval/wmt21-ruen is not beside the checkout")


def _wmt(field: str, language: str) -> Document:
    """All 107 documents in one text: 1,000 sentences, a hundred quotations in English, 300 in Russian."""
    rows = [json.loads(line) for line in WMT.open(encoding="utf-8")]
    return prepare("\n\n".join("\n".join(row[field]) for row in rows) + "\n", "rewrite", language)


@pytest.fixture(scope="module")
def encoder():
    from fidelity.models.encoders import load_encoder

    return load_encoder("use")


def _both_ways(trace, monkeypatch) -> tuple[list, list, Counter]:
    """``trace()`` as the matcher makes it, and with every candidate asked; how many candidates each asked."""
    asked: Counter[str] = Counter()
    narrowed_quotes, narrowed_text = match._quotation_candidates, match._text_candidates

    def quotation_candidates(query, sources, sims):
        found = narrowed_quotes(query, sources, sims)
        asked["narrowed"] += len(found)
        asked["all"] += len(sources.quotes)
        return found

    def text_candidates(query, sources, sims):
        found = narrowed_text(query, sources, sims)
        asked["narrowed"] += len(found)
        asked["all"] += len(sources.spans)
        return found

    monkeypatch.setattr(match, "_quotation_candidates", quotation_candidates)
    monkeypatch.setattr(match, "_text_candidates", text_candidates)
    narrowed = trace()
    monkeypatch.setattr(match, "_quotation_candidates", lambda query, sources, sims: list(range(len(sources.quotes))))
    monkeypatch.setattr(match, "_text_candidates", lambda query, sources, sims: list(range(len(sources.spans))))
    every = trace()
    return narrowed, every, asked


@pytest.mark.parametrize("other", [SPUTNIK, FIRSTPOST, INSIDER], ids=["sputnik", "firstpost", "insider"])
def test_seed_quotations_traced_as_with_every_candidate(other, encoder, monkeypatch):
    original, rewrite = prepare(read_exact(CNN), "original"), prepare(read_exact(other), "rewrite")
    narrowed, every, _ = _both_ways(lambda: [t.to_dict() for t in trace_quotes(original, [rewrite], encoder)],
                                    monkeypatch)
    assert narrowed == every
    assert len({t["status"] for t in every}) >= 2


@pytest.fixture(scope="module")
def wmt_english() -> Document:
    if not WMT.exists():
        pytest.skip("../shared/eval/wmt21-ruen is not beside the checkout")
    return _wmt("ref_a_en", "en")


@needs_wmt
@pytest.mark.parametrize("field, language", [("ref_b_en", "en"), ("src_ru", "ru")], ids=["english", "russian"])
def test_long_text_quotations_traced_as_with_every_candidate(field, language, wmt_english, encoder, monkeypatch):
    """Every quotation of a second translation (or of the Russian source) matched against the
    first translation's 98 quotations and 1,014 sentences; as context, the original sentences at the
    same place in the text (no alignment needed, and every quotation has some)."""
    original, rewrite = wmt_english, _wmt(field, language)
    quotes, original_quotes = document_quotations(rewrite), document_quotations(original)
    spans = [(s.start, s.end) for s in original.sentences]
    rewrite_spans = SpanIndex([(s.start, s.end) for s in rewrite.sentences])
    speakers, original_speakers = document_speakers(rewrite, quotes), document_speakers(original, original_quotes)
    sources = QuoteSources(original_quotes, original.text, encoder, spans)

    def context(q) -> list[tuple[int, int]]:
        near = [round(k * len(spans) / len(rewrite.sentences)) for k in rewrite_spans.overlapping(q.start, q.end)]
        return [spans[j] for k in near for j in range(max(0, k - 1), min(len(spans), k + 2))]

    def trace() -> list[dict]:
        return [match.match_quotation(q, original_quotes, original.text, encoder, rewrite_text=rewrite.text,
                                      context=context(q), sentences=spans, cross_lingual=language != "en",
                                      speaker=speakers[k] if speakers else None,
                                      original_speakers=original_speakers if speakers else None,
                                      sources=sources).to_dict()
                for k, q in enumerate(quotes)]

    narrowed, every, asked = _both_ways(trace, monkeypatch)
    assert narrowed == every
    assert len(every) >= 90 and len({t["status"] for t in every}) >= 2
    assert asked["narrowed"] < 0.1 * asked["all"], asked  # an index: a few candidates a quotation


def test_overlapping_quotations_as_by_scanning():
    """Which quotations overlap a stretch of text (quotations nest: one inside another, and the
    stretch may lie after the inner one, still inside the outer one), against a scan of them all."""
    texts = [read_exact(FIRSTPOST)] + ([_wmt("src_ru", "ru").text] if WMT.exists() else [])
    for text in texts:
        spans = [(q.start, q.end) for q in extract_quotations(text)]
        assert any(a < c and d < b for a, b in spans for c, d in spans)  # nested ones
        overlaps = SpanIndex(spans)
        assert not overlaps.ordered
        for start in range(0, len(text), 5):
            for end in (start, start + 1, start + 40):
                assert overlaps.overlapping(start, end) == [k for k, (s, e) in enumerate(spans)
                                                             if s < end and start < e], (start, end)


@needs_wmt
def test_back_translated_quotations_as_by_scanning(monkeypatch):
    doc = _wmt("src_ru", "ru")
    # A back-translation of each sentence, in three kinds: its own words (its quotations pair up
    # one to one), the words without their quotation marks (no pair), none.
    sentences = [replace(s, back_translation=(s.text if s.index % 3 == 0 else
                                              s.text.replace("«", "").replace("»", "") if s.index % 3 == 1 else None))
                 for s in doc.sentences]
    doc = replace(doc, sentences=sentences)
    quotes = document_quotations(doc)
    indexed = BackTranslatedQuotes(doc, quotes)
    answers = [indexed.of(q) for q in quotes]
    assert answers == [_back_translated_by_scanning(q, doc, quotes) for q in quotes]
    assert [back_translated_quote(q, doc, quotes) for q in quotes[:50]] == answers[:50]
    assert sum(a is not None for a in answers) >= 20 and sum(a is None for a in answers) >= 20


def _back_translated_by_scanning(q, doc, quotes):
    """The pairing rule read plainly: the k-th quotation of the one sentence holding ``q`` is the
    k-th quotation (same depth) of its back-translation, when both have as many."""
    holders = [s for s in doc.sentences if s.start <= q.start and q.end <= s.end]
    if len(holders) != 1 or not holders[0].back_translation:
        return None
    sentence, back_translation = holders[0], holders[0].back_translation
    mine = [x for x in quotes if x.depth == q.depth and sentence.start <= x.start and x.end <= sentence.end]
    theirs = [x for x in extract_quotations(back_translation) if x.depth == q.depth]
    if len(mine) != len(theirs) or q not in mine:
        return None
    return theirs[mine.index(q)].words(back_translation)
