"""The WMT21 critical-error loader of scripts/eval_ced.py reads each shared dev file whole."""

from __future__ import annotations

import pytest

from .conftest import ROOT, load_script

DATA = (ROOT / ".." / "shared" / "eval" / "wmt21-ced").resolve()
EXPECTED_ERR = {"de": 281, "ja": 96, "zh": 141, "cs": 160}


def _script():
    return load_script("eval_ced")


@pytest.mark.parametrize("pair", sorted(EXPECTED_ERR))
def test_loader_reads_each_file(pair):
    if not DATA.is_dir():
        pytest.skip(f"WMT21 critical-error data not found at {DATA} (the shared eval folder is absent)")
    ced = _script()
    items = ced.read_items(ced.data_file(DATA, pair), pair)
    assert len(items) == 1000
    assert sum(i.err for i in items) == EXPECTED_ERR[pair]
    assert len({i.id for i in items}) == 1000
    assert all(i.src.strip() and i.mt.strip() for i in items)


def test_detokenise_and_mcc():
    ced = _script()
    assert ced.detokenise("Vielen Dank , Alison . ( ja ) ! !", "de") == "Vielen Dank, Alison. (ja)!!"
    assert ced.detokenise("私 は POV が 好き で す 。", "ja") == "私はPOVが好きです。"
    assert ced.detokenise("Alonzo Harris ! 你 好", "zh") == "Alonzo Harris!你好"
    from _common import at_false_alarm_rate, best_threshold, mcc

    assert mcc(5, 0, 0, 5) == 1.0 and mcc(0, 5, 5, 0) == -1.0 and mcc(0, 0, 5, 5) == 0.0
    t, s = best_threshold([0.1, 0.2, 0.3, 0.9, 0.8], [True, True, False, False, False])
    assert t == 0.3 and s["mcc"] == 1.0
    # at the tool's false-alarm rate: one of the four negatives may be flagged, the lowest (0.25)
    cosines, gold = [0.1, 0.5, 0.25, 0.3, 0.9, 0.8], [True, True, False, False, False, False]
    t, s = at_false_alarm_rate(cosines, gold, 0.25)
    assert t == 0.3 and (s["tp"], s["fp"]) == (1, 1) and s["false_alarms"] == 0.25
    assert at_false_alarm_rate(cosines, gold, 0.0)[1]["fp"] == 0
