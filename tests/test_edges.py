"""Edges a new user hit (issue 19): each bad input is one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fidelity.frontends.baseline import read_baseline, write_baseline
from fidelity.text.load import load, load_bytes

ROOT = Path(__file__).resolve().parent.parent
CNN = ROOT / "seeds" / "001_77e8c4707eb41a8b.txt"
DEFNET = ROOT / "seeds" / "000_a2e2bae9bb3cb44c.txt"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fidelity.frontends.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


def _one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fidelity: error: "), result.stderr
    assert all(w in lines[0] for w in words), lines[0]


def test_utf16_without_a_byte_order_mark_is_read_as_text(tmp_path):
    text = "Das Büro öffnet nächstes Jahr.\nМинистр сказал это в понедельник.\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        loaded = load(path)
        assert loaded.text == text  # offsets index the decoded text, as with a byte-order mark
    with pytest.raises(Exception, match="neither UTF-8 nor UTF-16"):
        load_bytes(bytes(range(256)) * 8, "noise.bin")


def test_a_script_no_encoder_reads_is_a_one_line_error(tmp_path):
    cherokee = tmp_path / "chr.txt"
    cherokee.write_text("ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ ᎠᏓᏅᏙ ᎤᏬᏚᎯ. ᎣᏏᏲ ᏙᎯᏧ ᎠᏂᏴᏫᏯ.\n", encoding="utf-8")
    report = tmp_path / "report.json"
    result = _cli("check", str(cherokee), str(cherokee), "--format", "json", "--output", str(report))
    _one_line_error(result, "Cherokee script")
    assert not report.exists()


def test_settings_out_of_range_are_refused_where_the_config_is_read(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[thresholds]\nequivalent = 5\n", encoding="utf-8")
    report = tmp_path / "report.json"
    result = _cli("check", str(CNN), str(DEFNET), "--config", str(config), "--output", str(report))
    _one_line_error(result, "thresholds.equivalent", "between 0 and 1")
    config.write_text("[clauses]\nlong_clause = -2\n", encoding="utf-8")
    _one_line_error(_cli("check", str(CNN), str(DEFNET), "--config", str(config)), "clauses.long_clause", "at least 0")
    _one_line_error(_cli("check", str(CNN), str(DEFNET), "--fail-under", "150"), "--fail-under 150", "0 to 100")
    assert not report.exists()


def test_the_baseline_functions_take_a_str_path(tmp_path):
    path = str(tmp_path / "accepted.jsonl")
    assert read_baseline(path) == []
    write_baseline(path, [{"fingerprint": "abc", "category": "omission"}])
    assert [e["fingerprint"] for e in read_baseline(path, must_exist=True)] == ["abc"]


def test_the_output_suffix_chooses_the_format_when_none_is_given(tmp_path):
    page, data = tmp_path / "report.html", tmp_path / "report.json"
    assert _cli("check", str(CNN), str(DEFNET), "--output", str(page)).returncode == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert _cli("check", str(CNN), str(DEFNET), "--output", str(data), "--format", "text").returncode == 0
    assert not data.read_text(encoding="utf-8").lstrip().startswith("{")  # an explicit --format wins


def test_a_rewrite_that_repeats_the_article_is_no_faithful_rewrite():
    import fidelity

    article = CNN.read_text(encoding="utf-8")
    repeated = "\n\n".join([article] * 3)
    report = fidelity.check(CNN, repeated, original_date=None)
    found = [f for f in report.findings if f.detector == "repetition"]
    assert len(found) == 1 and found[0].category == "addition" and found[0].severity.value == "major"
    f = found[0]
    assert repeated[f.rewrite.start:f.rewrite.end] == f.rewrite.text  # exact offsets into the rewrite
    assert f.rewrite.start > len(article) and f.rewrite.end <= len(repeated)
    assert report.score is not None and report.score < 50
    assert fidelity.check(CNN, article).score == 100.0  # the article once is the article
