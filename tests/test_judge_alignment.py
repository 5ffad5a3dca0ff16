"""Token alignment features of the learned judge (fidelity/judge/alignment.py) on real text:
WMT21 newstest2021 en-de segment 4, its English source and professional translation A, and the
same translation with a phrase dropped."""

from __future__ import annotations

import numpy as np
import pytest

from fidelity.judge.alignment import ALIGNMENT_COLUMNS, alignment_features, best_matches, longest_run

SRC = ("Ash O'Brien and husband Jarett Kelley say they were grabbing a bite to eat at Dusty Rhodes dog park "
       "in San Diego on Thursday, with their three-month-old pug in tow.")
DE = ("Ash O'Brien und ihr Mann Jarett Kelley sagen, dass sie an jenem Donnerstag mit ihrem drei Monate alten "
      "Mops in den Hundepark Dusty Rhodes in San Diego gingen und einen Snack mitbrachten.")
DROPPED = DE.replace("mit ihrem drei Monate alten Mops ", "")


@pytest.fixture(scope="module")
def tokens():
    from fidelity.models.use_tokens import load_token_vectors

    encoder = load_token_vectors()
    pieces = [SRC[start:end] for start, end in encoder.token_offsets(SRC)]
    src, de, dropped = encoder.token_vectors([SRC, DE, DROPPED])
    return pieces, src, de, dropped


def test_a_translation_s_tokens_find_their_counterparts(tokens):
    pieces, src, de, _ = tokens
    assert len(pieces) == len(src)
    assert np.allclose(np.linalg.norm(src, axis=1), 1.0, atol=1e-4)
    best, _ = best_matches(src, de)
    for name in ("Kelley", "Rhodes", "Diego"):
        assert best[pieces.index(name)] > 0.9
    assert best[pieces.index("three")] > 0.6  # "drei"


def test_a_dropped_phrase_leaves_its_source_tokens_unmatched(tokens):
    pieces, src, de, dropped = tokens
    kept, _ = best_matches(src, de)
    lost, _ = best_matches(src, dropped)
    for word in ("three", "month"):
        assert kept[pieces.index(word)] - lost[pieces.index(word)] > 0.3
    assert lost[pieces.index("Kelley")] > 0.9  # the rest still aligns
    faithful, omitted = alignment_features(src, de), alignment_features(src, dropped)
    assert faithful.shape == omitted.shape == (ALIGNMENT_COLUMNS,)
    assert omitted[0] < faithful[0]  # mean source-side best match


def test_longest_run_and_empty_sides():
    assert longest_run(np.array([False, True, True, False, True])) == (1, 2)
    assert longest_run(np.array([False, False])) == (0, 0)
    empty = alignment_features(np.zeros((0, 512), dtype=np.float32), np.ones((3, 512), dtype=np.float32))
    assert empty[-1] == 1.0 and not empty[:-1].any()


def test_the_judge_points_at_the_dropped_phrase():
    from fidelity.judge.alignment import align_pairs
    from fidelity.models.use_tokens import load_token_vectors

    (aligned,) = align_pairs([(SRC, DROPPED)], load_token_vectors())
    assert aligned.src_span is not None
    assert "three-month-old pug" in SRC[aligned.src_span[0]:aligned.src_span[1]]


def test_a_pointed_span_maps_onto_the_document_exactly():
    from fidelity.judge.grade import pointed_span
    from fidelity.text.segment import segment
    from fidelity.types import Document

    text = f"First line here.  {SRC} Last one."
    doc = Document(text, None, "en", segment(text, [(0, len(text))], "en"))
    k = next(i for i, s in enumerate(doc.sentences) if s.text.startswith("Ash"))
    joined = " ".join(doc.sentences[i].text for i in (k - 1, k))
    at = joined.index("three-month-old pug")
    span = pointed_span(doc, [k - 1, k], (at, at + len("three-month-old pug")))
    assert span is not None and text[span.start:span.end] == "three-month-old pug" == span.text
    assert pointed_span(doc, [k - 1, k], (0, len(joined))) is None  # across a sentence boundary


def test_the_disk_cache_gives_back_the_alignment_it_was_given(tmp_path):
    from fidelity.judge.alignment import align_pairs
    from fidelity.models.embedding_cache import EmbeddingCache
    from fidelity.models.use_tokens import load_token_vectors

    calls = []

    def aligner(pairs):
        calls.append(len(pairs))
        return align_pairs(pairs, load_token_vectors())

    pairs = [(SRC, DE), (SRC, DROPPED), ("", DE)]
    direct = align_pairs(pairs, load_token_vectors())
    cached = EmbeddingCache(tmp_path).wrap_aligner(aligner)
    first, again = cached(pairs), cached(pairs)
    assert calls == [3]  # the second call read every pair from disk
    for d, a, b in zip(direct, first, again):
        assert np.array_equal(d.features, a.features) and np.array_equal(a.features, b.features)
        assert d.src_span == a.src_span == b.src_span and d.tgt_span == a.tgt_span == b.tgt_span
    assert direct[1].src_span is not None and direct[2].src_span is None


def test_a_bead_only_the_judge_flags_names_the_unmatched_words_at_exact_offsets():
    # WMT21 critical-error dev, en-de item 5088 (labelled ERR): "smelly" became a non-word.
    import re

    import fidelity

    src = "Do you think I care? Get out of here you smelly Kroll!"
    mt = "Glaubst du, dass es mir egal ist? Geh von hier heraus, du riechige Kroll!"
    report = fidelity.check(src, mt, original_lang="en", rewrite_lang="de", judge="builtin")
    (judged,) = [f for f in report.findings if f.detector == "judge"]
    pointed = {side: (words, int(start), int(end))
               for side, words, start, end in re.findall(r"(original|rewrite) '([^']*)' at (\d+)-(\d+)", judged.message)}
    assert set(pointed) == {"original", "rewrite"}
    for side, text in (("original", src), ("rewrite", mt)):
        words, start, end = pointed[side]
        assert text[start:end] == words
    assert "smelly" in pointed["original"][0] and "riechige" in pointed["rewrite"][0]
