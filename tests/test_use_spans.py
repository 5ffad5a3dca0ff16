"""USE vectors of joined sentence spans built from the sentences' token features
(fidelity/models/use_spans.py), against the package's vectors of the joined texts, on real text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fidelity.checking.align import align
from fidelity.checking.pipeline import prepare
from fidelity.models.embedding_cache import EmbeddingCache, encoder_namespace
from fidelity.models.encoder_types import JoinedTexts, span_encoder
from fidelity.models.encoders import load_encoder
from fidelity.models.use_spans import REACH, UseSpans

from .conftest import CNN, DEFNET, FIRSTPOST, INSIDER, ROOT, SEEDS

EVAL = ROOT.parent / "shared" / "eval"
TEXTBERG = EVAL / "textberg"
MULTIREF = EVAL / "wmt21-multiref" / "newstest2021-en-zh.jsonl"
RUEN = EVAL / "wmt21-ruen" / "newstest2021-ru-en.jsonl"
HEAD = Path(__file__).resolve().parent / "data" / "textberg_001_head"
# A span's vector differs from the package's vector of its joined text only by float32 rounding
# (the token rows are summed in another order): 1 - cosine at most 1.3e-7 on 15,008 spans (the seeds;
# German, French, English, Russian, Chinese, Japanese and Czech evaluation text; bench_scale.py's
# 250 KB sides), no component off by more than 4.6e-7 on the 6,266 of the seeds and evaluation text.
# Joins recomputed one token short of the windows' reach put 150 of seed 002's 155 spans below the
# bound (1 - cosine up to 2.1e-3).
MIN_COSINE = 0.99999
BLANK = "\u200b"  # a line of one zero-width space (scraped pages have them): alone an <unk>, joined nothing


@pytest.fixture(scope="module")
def use():
    return load_encoder("use")


class PlainUse:
    """The USE encoder without its span encoder: merged spans are joined texts, encoded whole."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def __getattr__(self, name: str):
        if name == "span_encoder":
            raise AttributeError(name)
        return getattr(self.inner, name)


def seed_sentences(path: Path) -> list[str]:
    return [s.text.strip() for s in prepare(path.read_text(encoding="utf-8"), "original", None).sentences]


def real_texts() -> dict[str, list[str]]:
    """Runs of real sentences: every seed, and, where ../shared/eval is there, German and French
    (Text+Berg), Chinese (a WMT21 reference) and Russian (WMT21 sources)."""
    out = {path.name: seed_sentences(path) for path in sorted(SEEDS.glob("*.txt"))}
    if TEXTBERG.exists():
        for lang in ("de", "fr"):
            out[f"textberg-{lang}"] = (TEXTBERG / lang / "001").read_text(encoding="utf-8").splitlines()[:150]
    if MULTIREF.exists():
        out["wmt21-zh"] = [json.loads(line)["ref_a_zh"] for line in MULTIREF.open(encoding="utf-8")][:120]
    if RUEN.exists():
        out["wmt21-ru"] = [s for line in RUEN.open(encoding="utf-8") for s in json.loads(line)["src_ru"]][:120]
    return out


@pytest.mark.parametrize("name", sorted(real_texts()))
def test_span_vectors_are_the_joined_texts_vectors(use, name):
    sentences = [s.strip() for s in real_texts()[name] if s.strip()]
    blank = min(5, len(sentences) - 2)
    sentences.insert(blank, BLANK)
    spans = [(a, a + k) for k in (2, 3) for a in range(len(sentences) - k + 1)]
    made = span_encoder(use, sentences)
    assert isinstance(made, UseSpans)
    vectors = made.encode(spans)
    expected = use.encode([" ".join(sentences[a:b]) for a, b in spans])
    cosines = np.einsum("ij,ij->i", vectors.astype(np.float64), expected.astype(np.float64))
    assert cosines.min() >= MIN_COSINE, (name, 1 - cosines.min())
    assert np.abs(vectors - expected).max() < 1e-5
    # encoded whole exactly where the tokens do not join: the spans holding the blank line
    assert made.whole == sum(a <= blank < b for a, b in spans) > 0
    assert np.array_equal(vectors[[k for k, (a, b) in enumerate(spans) if a <= blank < b]],
                          expected[[k for k, (a, b) in enumerate(spans) if a <= blank < b]])


def test_short_sentences_are_joined_whole_runs(use):
    """Sentences shorter than a join's reach: their rows are recomputed with both joins at once."""
    sentences = [s for s in seed_sentences(FIRSTPOST) if s]  # its questions as subheadings
    tokens = [use._model._model.sp.encode(s, out_type=int, add_bos=True, add_eos=True) for s in sentences]
    short = [i for i in range(1, len(sentences) - 1) if len(tokens[i]) - 2 < 2 * REACH]
    assert len(short) >= 5, short
    spans = [(i - 1, i + 2) for i in short] + [(i - 1, i + 1) for i in short]
    made = span_encoder(use, sentences)
    expected = use.encode([" ".join(sentences[a:b]) for a, b in spans])
    cosines = np.einsum("ij,ij->i", made.encode(spans), expected)
    assert cosines.min() >= MIN_COSINE and made.whole == 0


@pytest.mark.parametrize("rewrite", [DEFNET, INSIDER, None], ids=["defnet", "insider", "textberg-head"])
def test_alignment_is_that_of_the_joined_texts(use, rewrite):
    """The beads are those of encoding every joined span whole; the scores within float32 rounding."""
    if rewrite is None:
        src = (HEAD / "de").read_text(encoding="utf-8").splitlines()
        tgt = (HEAD / "fr").read_text(encoding="utf-8").splitlines()
    else:
        src, tgt = seed_sentences(CNN), seed_sentences(rewrite)
    assert isinstance(span_encoder(PlainUse(use), src), JoinedTexts)
    fast, plain = align(src, tgt, use), align(src, tgt, PlainUse(use))
    assert [(b.original, b.rewrite, b.verdict, b.moved) for b in fast] == [
        (b.original, b.rewrite, b.verdict, b.moved) for b in plain]
    assert any(len(b.original) > 1 or len(b.rewrite) > 1 for b in fast)
    assert max(abs(a.score - b.score) for a, b in zip(fast, plain)) < 1e-6


def test_disk_cache_keeps_span_vectors_apart(use, tmp_path, monkeypatch):
    """A warm cache gives the span vectors a cold run computed, without computing one; they are kept
    apart from the texts' own vectors (which they equal only to float32 rounding)."""
    src, tgt = seed_sentences(CNN), seed_sentences(DEFNET)
    cold = align(src, tgt, EmbeddingCache(tmp_path).wrap(use))
    merged = next(b for b in cold if len(b.original) > 1)
    joined = " ".join(src[i] for i in merged.original)
    cache = EmbeddingCache(tmp_path)
    namespace = encoder_namespace(use)
    assert joined in cache.get_many("spans:" + namespace, [joined])
    assert joined not in cache.get_many(namespace, [joined])

    def no_computing(self, spans):
        raise AssertionError(f"span vectors computed with a warm cache: {spans[:3]}")

    monkeypatch.setattr(UseSpans, "encode", no_computing)
    warm = align(src, tgt, cache.wrap(use))
    assert warm == cold
