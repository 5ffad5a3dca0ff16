"""USE's forward pass on a pool of threads (fidelity/models/use_parallel.py) gives the package's
vectors bit for bit, on real text, whatever the number of threads."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fidelity.checking.pipeline import prepare
from fidelity.models.encoders import UniversalSentenceEncoder
from fidelity.models.use_parallel import CALL, ParallelUse

from .conftest import ROOT, SEEDS

MULTIREF = ROOT.parent / "shared" / "eval" / "wmt21-multiref" / "newstest2021-en-zh.jsonl"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The seeds' sentences (English, and the Russian and German rewrites) and Chinese news: short
    and long sentences, so that calls hold several micro-batches and some hold one long text."""
    out = [s.text for path in sorted(SEEDS.glob("0*.txt")) for s in prepare(path, "original").sentences]
    with MULTIREF.open(encoding="utf-8") as handle:
        for line in list(handle)[:120]:
            row = json.loads(line)
            out += [value for value in row.values() if isinstance(value, str) and len(value) > 20][:2]
    return out + [" ".join(out[:40])]  # one text longer than a micro-batch


@pytest.fixture(scope="module")
def backend():
    return UniversalSentenceEncoder(threads=1)._model._model


def _package(backend, texts: list[str]) -> np.ndarray:
    """The package's own path: its ``encode`` on each call of CALL texts."""
    return np.concatenate([backend.encode(texts[i : i + CALL]) for i in range(0, len(texts), CALL)])


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_the_vectors_are_the_packages_bit_for_bit(backend, texts, threads):
    assert len(texts) > 4 * CALL
    expected = _package(backend, texts)
    got = ParallelUse(backend, threads).encode(texts)
    assert got.dtype == np.float32 and got.shape == expected.shape
    assert np.array_equal(got, expected)
    # and for calls that end mid-run, or hold one text
    for part in (texts[:1], texts[5:70], texts[-3:]):
        assert np.array_equal(ParallelUse(backend, threads).encode(part), _package(backend, part))


def test_the_encoder_gives_the_same_vectors_with_one_thread_or_two(texts):
    one, two = UniversalSentenceEncoder(threads=1), UniversalSentenceEncoder(threads=2)
    assert np.array_equal(one.encode(texts), two.encode(texts))
    assert one.threads == 1 and two.threads == 2


def test_merged_spans_on_the_threads_are_the_same_vectors(texts):
    """The aligner's merged spans (fidelity/models/use_spans.py) computed on the encoder's threads."""
    from fidelity.models.use_spans import UseSpans

    encoder = UniversalSentenceEncoder(threads=2)
    sentences = texts[:300]
    spans = [(i, i + k) for k in (2, 3) for i in range(len(sentences) - k)]
    alone = UseSpans(encoder._model._model, sentences, encoder.encode).encode(spans)
    pooled = UseSpans(encoder._model._model, sentences, encoder.encode, map_groups=encoder._on_cores().map).encode(spans)
    assert np.array_equal(alone, pooled)


@pytest.mark.parametrize("threads", [1, 2])
def test_texts_embedded_ahead_each_alone_are_the_vectors_of_calls_of_one_text(texts, threads):
    """``encode_each`` (the quotation matcher's queries, ahead of time) caches what ``encode([t])``
    would: texts already cached keep their vectors."""
    ahead, one_by_one = UniversalSentenceEncoder(threads=threads), UniversalSentenceEncoder(threads=1)
    some = texts[:150]
    batched = ahead.encode(some[:10])  # cached from a batch: left as they are
    ahead.encode_each(some)
    assert np.array_equal(ahead.encode(some[:10]), batched)
    alone = np.stack([one_by_one.encode([t])[0] for t in some[10:]])
    assert np.array_equal(ahead.encode(some[10:]), alone)


def test_a_warm_batch_check_embeds_no_quotation_ahead(tmp_path, monkeypatch):
    """With the batch's disk cache, the queries embedded ahead are read from disk on a warm run:
    the warm check never runs USE's forward pass, and reports what the cold one did."""
    from fidelity.checking.checker import Checker, RunConfig
    from fidelity.models.store import STORE

    from .conftest import CNN, DEFNET

    forward = {"batch": 0, "each": 0}
    batch, each = UniversalSentenceEncoder._encode_batch, UniversalSentenceEncoder._encode_each

    def counted_batch(self, texts):
        forward["batch"] += 1
        return batch(self, texts)

    def counted_each(self, texts):
        forward["each"] += 1
        return each(self, texts)

    monkeypatch.setattr(UniversalSentenceEncoder, "_encode_batch", counted_batch)
    monkeypatch.setattr(UniversalSentenceEncoder, "_encode_each", counted_each)
    run = RunConfig(encoder="use", device="cpu", cache_dir=tmp_path)
    reports, counts = [], []
    for _ in ("cold", "warm"):
        STORE.clear()  # as a new process: no model, no vector in memory
        forward.update(batch=0, each=0)
        reports.append(Checker.open(run).check(CNN, DEFNET).to_dict())
        counts.append(dict(forward))
    assert counts[0]["each"] >= 1  # the cold check embedded its quotation queries ahead
    assert counts[1] == {"batch": 0, "each": 0}
    for report in reports:
        report.pop("settings")
    assert reports[1] == reports[0]


_FORKED: dict[str, object] = {}  # what a forked child finds in its copy of this module


def _encode_in_child(texts: list[str]) -> np.ndarray:
    return _FORKED["encoder"].encode(texts)  # type: ignore[attr-defined, no-any-return]


def test_a_forked_process_embeds_on_threads_of_its_own(texts):
    """A process forked after the pool started (a library user's own worker) would wait forever on
    the parent's threads: it starts its own pool, and gets the same vectors."""
    import multiprocessing

    encoder = UniversalSentenceEncoder(threads=2)
    expected = encoder.encode(texts[:200])  # the pool runs in this process
    encoder._cache.clear()
    _FORKED["encoder"] = encoder
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            got = pool.apply_async(_encode_in_child, (texts[:200],)).get(timeout=120)
    finally:
        _FORKED.clear()
    assert np.array_equal(got, expected)
