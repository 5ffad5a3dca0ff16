"""Sentence alignment (fidelity.checking.align) on real text."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np
import pytest

from fidelity.checking.align import align, bead_types
from fidelity.models.encoders import UniversalSentenceEncoder, load_encoder
from fidelity.types import Bead, Verdict

from .conftest import ROOT, load_script

HEAD = Path(__file__).resolve().parent / "data" / "textberg_001_head"
CNN = ROOT / "seeds" / "001_77e8c4707eb41a8b.txt"
DEFNET = ROOT / "seeds" / "000_a2e2bae9bb3cb44c.txt"  # CNN retold in Russian, translated back


def _load_eval():
    return load_script("eval_alignment")


evaluation = _load_eval()


@pytest.fixture(scope="module")
def use():
    return load_encoder("use")


def check_partition(beads: list[Bead], n: int, m: int) -> None:
    """Every original and rewrite index in exactly one bead; empty sides carry their verdict."""
    originals = sorted(i for b in beads for i in b.original)
    rewrites = sorted(j for b in beads for j in b.rewrite)
    assert originals == list(range(n))
    assert rewrites == list(range(m))
    for b in beads:
        assert b.original or b.rewrite
        if not b.rewrite:
            assert b.verdict is Verdict.OMITTED and len(b.original) == 1
        elif not b.original:
            assert b.verdict is Verdict.ADDED and len(b.rewrite) == 1
        else:
            assert b.verdict is Verdict.EQUIVALENT
            assert list(b.original) == list(range(b.original[0], b.original[-1] + 1))
            assert list(b.rewrite) == list(range(b.rewrite[0], b.rewrite[-1] + 1))
    # ordered by the rewrite
    firsts = [b.rewrite[0] for b in beads if b.rewrite]
    assert firsts == sorted(firsts)


def sentences(path: Path) -> list[str]:
    """Body paragraphs (over 60 characters) split at sentence ends: a fixed, simple segmentation."""
    text = path.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n") if len(p.strip()) > 60]
    out: list[str] = []
    for p in paragraphs:
        out.extend(s for s in re.split(r"(?<=[.!?”\"])\s+(?=[“\"A-Z])", p) if s)
    return out


def cnn_sentences() -> list[str]:
    return sentences(CNN)


# --------------------------------------------------------------------------- real parallel text


def test_textberg_head_against_gold(use):
    src = evaluation.read_sentences(HEAD / "de")
    tgt = evaluation.read_sentences(HEAD / "fr")
    gold = evaluation.read_gold(HEAD / "gold")
    beads = align(src, tgt, use)
    check_partition(beads, len(src), len(tgt))
    res = evaluation.score([gold], [[(b.original, b.rewrite) for b in beads]])
    assert res["f1_strict"] >= 0.85, res
    assert res["f1_lax"] >= 0.95, res
    # the gold's 1-3 and 2-2 beads are found
    found = {(b.original, b.rewrite) for b in beads}
    assert ((4,), (5, 6, 7)) in found or ((4,), (5, 6)) in found
    assert ((6, 7), (9, 10)) in found
    # matched beads carry the cosine of the joined texts
    bead = next(b for b in beads if b.original == (6, 7))
    joined = use.encode(["Hi", " ".join(s.strip() for s in src[6:8]), " ".join(s.strip() for s in tgt[9:11])])
    assert bead.score == pytest.approx(float(joined[1] @ joined[2]), abs=1e-5)


def test_scorer_matches_reference_definition():
    gold = [((0,), (0,)), ((1, 2), (1,)), ((), (2,)), ((3,), (3,))]
    test = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((), (2,)), ((3,), (3,))]
    res = evaluation.score([gold], [test])
    # precision: 5 test beads; strict hits (0)-(0), ()-(2), (3)-(3); lax adds (1)-(1)
    assert res["precision_strict"] == pytest.approx(3 / 5)
    assert res["precision_lax"] == pytest.approx(4 / 5)
    # recall: gold without empty sides (3 beads) against test without empty sides
    assert res["recall_strict"] == pytest.approx(2 / 3)
    assert res["recall_lax"] == pytest.approx(1.0)


# --------------------------------------------------------------------------- reordering


@pytest.fixture(scope="module")
def reordered(use):
    sents = cnn_sentences()[:20]
    assert len(sents) == 20
    unrelated = "The recipe calls for two cups of flour, a pinch of salt and one egg."
    # rewrite: block 12-14 moved up after 2; 7 dropped; 4 and 5 merged; an unrelated addition
    rewrite = (
        sents[0:3]
        + sents[12:15]
        + [sents[3], sents[4] + " " + sents[5], sents[6], sents[8], unrelated]
        + sents[9:12]
        + sents[15:20]
    )
    return sents, rewrite, unrelated, align(sents, rewrite, use)


def test_reorder_moved_block(reordered):
    sents, rewrite, _unrelated, beads = reordered
    check_partition(beads, len(sents), len(rewrite))
    by_original = {i: b for b in beads for i in b.original}
    for i, j in zip((12, 13, 14), (3, 4, 5)):
        assert by_original[i].moved, by_original[i]
        assert j in by_original[i].rewrite
    moved = [b for b in beads if b.moved]
    assert {i for b in moved for i in b.original} == {12, 13, 14}
    assert all(b.score > 0.9 for b in moved)


def test_reorder_omission_addition_merge(reordered):
    sents, rewrite, unrelated, beads = reordered
    assert Bead((7,), (), verdict=Verdict.OMITTED) in beads
    added = rewrite.index(unrelated)
    assert Bead((), (added,), verdict=Verdict.ADDED) in beads
    merged = next(b for b in beads if 4 in b.original)
    assert merged.original == (4, 5) and merged.rewrite == (7,) and not merged.moved
    assert merged.score > 0.95
    # the omission sits where the rewrite would have had it: after sentence 6's bead
    k = beads.index(Bead((7,), (), verdict=Verdict.OMITTED))
    assert beads[k - 1].original == (6,)


def test_real_rewrite_via_russian(use):
    """CNN vs DEFNET: paraphrased through Russian, with a quotation moved down the article."""
    cnn, defnet = sentences(CNN), sentences(DEFNET)
    beads = align(cnn, defnet, use)
    check_partition(beads, len(cnn), len(defnet))

    def find(side: list[str], start: str) -> int:
        [k] = [k for k, s in enumerate(side) if s.startswith(start)]
        return k

    def bead_of(i: int) -> Bead:
        return next(b for b in beads if i in b.original)

    moved_pairs = [
        ("“Something happening in East Europe", '"What is happening now in Eastern Europe'),
        ("That’s why a cooperation", "As a result, it becomes even more important"),
        ("Hayashi specifically cited", "Hayashi emphasizes that the Russian invasion"),
    ]
    for o, r in moved_pairs:
        bead = bead_of(find(cnn, o))
        assert bead.moved and find(defnet, r) in bead.rewrite, bead
        assert bead.score >= use.thresholds.related
    # "Ukraine and Vienna" became "... i.e." + "Ukraine and Austria.": a 1-2 bead, in order
    bead = bead_of(find(cnn, "NATO has similar liaison offices"))
    assert bead.rewrite == (find(defnet, "NATO Liaison Offices are located"), find(defnet, "Ukraine and Austria"))
    assert not bead.moved
    # the known deviation is matched, and scores below "equivalent"
    bead = bead_of(find(cnn, "“We are already in discussions"))
    assert find(defnet, '"We\'re still discussing this"') in bead.rewrite
    assert bead.score < use.thresholds.equivalent
    # paragraphs the rewrite dropped are omissions
    for o in ("The Nikkei Asia first reported", "Russia’s invasion of Ukraine sent shockwaves"):
        assert bead_of(find(cnn, o)).verdict is Verdict.OMITTED


# --------------------------------------------------------------------------- small inputs


def test_single_pair_and_empty(use):
    assert align([], [], use) == []
    assert align(["Japan is in talks to open a NATO office."], [], use) == [
        Bead((0,), (), verdict=Verdict.OMITTED)
    ]
    assert align([], ["Japan will open a NATO office."], use) == [Bead((), (0,), verdict=Verdict.ADDED)]
    [bead] = align(
        ["Japan is in talks to open a NATO liaison office in Tokyo."],
        ["Japan verhandelt über die Eröffnung eines NATO-Verbindungsbüros in Tokio."],
        use,
    )
    assert bead.original == (0,) and bead.rewrite == (0,)
    assert bead.score >= use.thresholds.equivalent
    # one unrelated pair is not a match
    beads = align(["Japan is in talks to open a NATO office."], ["Mix two cups of flour with one egg."], use)
    assert beads == [Bead((0,), (), verdict=Verdict.OMITTED), Bead((), (0,), verdict=Verdict.ADDED)]


def test_deterministic(use):
    src = evaluation.read_sentences(HEAD / "de")[:25]
    tgt = evaluation.read_sentences(HEAD / "fr")[:25]
    first = align(src, tgt, use)
    assert align(src, tgt, use) == first
    assert align(list(src), list(tgt), use) == first


def test_bead_types():
    assert bead_types(3) == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (3, 1)]
    assert bead_types(2, 3) == [(1, 1), (1, 2), (2, 1)]


# --------------------------------------------------------------------------- scale


class HashingEncoder:
    """Bag-of-words hashing encoder: cheap stand-in to time the aligner's own work."""

    name = "hashing"
    languages = frozenset({"en"})
    thresholds = UniversalSentenceEncoder.thresholds

    def __init__(self):
        self.encoded = 0

    def encode(self, texts):
        self.encoded += len(texts)
        out = np.zeros((len(texts), 512), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode()) % 512] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def test_thousand_by_thousand_stays_sub_quadratic():
    rng = np.random.default_rng(7)
    vocab = sorted({w.lower() for s in cnn_sentences() for w in s.split()})
    src = [" ".join(rng.choice(vocab, size=12)) for _ in range(1000)]
    tgt = [s for k, s in enumerate(src) if k % 97 != 5]  # 10 omissions
    tgt.insert(500, "completely new words nobody used before anywhere")
    encoder = HashingEncoder()
    beads = align(src, tgt, encoder)
    check_partition(beads, len(src), len(tgt))
    omitted = {b.original[0] for b in beads if not b.rewrite}
    assert omitted == {k for k in range(1000) if k % 97 == 5}
    assert [b.rewrite for b in beads if not b.original] == [(500,)]
    # Merged spans are embedded only in a band around the path: linear in length, not n*m.
    assert encoder.encoded < 20 * (len(src) + len(tgt)), encoder.encoded
