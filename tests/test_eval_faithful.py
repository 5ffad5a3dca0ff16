"""The faithful-text evaluation's data loader (scripts/eval_faithful.py) reads the shared data sets.

The data lives outside the repository (../shared/eval, see its README); without it these tests
are skipped.
"""

from __future__ import annotations

import pytest

from .conftest import ROOT, load_script

WMT = (ROOT / ".." / "shared" / "eval" / "wmt21-ruen").resolve()
REFRESD = (ROOT / ".." / "shared" / "eval" / "refresd").resolve()


def _script():
    return load_script("eval_faithful")


@pytest.fixture(scope="module")
def ef():
    return _script()


@pytest.mark.skipif(not (WMT / "newstest2021-ru-en.jsonl").is_file(), reason=f"WMT21 ru-en data not at {WMT}")
def test_wmt_loader_reads_aligned_documents(ef):
    docs = ef.read_wmt(WMT)
    assert len(docs) == 107
    for d in docs:  # the three sides of each document are segment-aligned
        assert len(d.src_ru) == len(d.ref_a) == len(d.ref_b) > 0, d.doc
    segments = ef.wmt_segments(docs)
    assert len(segments) == sum(len(d.src_ru) for d in docs) == 1000
    sample = segments[:: ef.EVERY]
    assert len(sample) == 200
    seg_id, ru, a, b = sample[1]
    doc_id, index = seg_id.split("#")
    doc = next(d for d in docs if d.doc == doc_id)
    assert (ru, a, b) == (doc.src_ru[int(index)], doc.ref_a[int(index)], doc.ref_b[int(index)])
    assert any("а" <= ch <= "я" for ch in ru.lower())  # the Russian side is Russian


@pytest.mark.skipif(not (REFRESD / "REFreSD_sentence_labels").is_file(), reason=f"REFreSD data not at {REFRESD}")
def test_refresd_no_difference_pairs(ef):
    items = ef.read_refresd_no_difference(REFRESD)
    assert len(items) == 369
    assert all(i.original_lang == "en" and i.rewrite_lang == "fr" and i.original and i.rewrite for i in items)


def test_missing_data_is_one_line_error(ef, tmp_path):
    with pytest.raises(SystemExit) as info:
        ef.read_wmt(tmp_path / "nowhere")
    message = str(info.value)
    assert "\n" not in message and str(tmp_path / "nowhere") in message


def test_spread_and_detector_fallback(ef):
    assert ef.spread(list(range(10)), 3) == [0, 3, 6]
    assert ef.spread([1, 2], None) == [1, 2]

    class F:
        def __init__(self, category, message):
            self.category, self.message = category, message

    assert ef.detector_of(F("mistranslation", "meaning changed: similarity 0.70 is below the 0.80 equivalence threshold")) == "sentence"
    assert ef.detector_of(F("mistranslation", "wording changed: 'a' became 'b' (similarity 0.2)")) == "wording"
    assert ef.detector_of(F("entity_changed", "name changed: 'a' became 'b'")) == "wording"
    assert ef.detector_of(F("entity_changed", "entity changed: 'a' became 'b'")) == "entities"
    assert ef.detector_of(F("number_changed", "number changed: 1 became 2")) == "numbers"
    f = F("omission", "dropped: 'x' is not in the rewrite")
    f.detector = "clauses"
    assert ef.detector_of(f) == "clauses"
