"""Dismissed stays dismissed: `fidelity accept` + `check --baseline` on the seed pair (CNN → DEFNET)."""

import datetime
import json

import pytest
from typer.testing import CliRunner

import fidelity
from fidelity.frontends.baseline import BaselineError, apply_baseline, fingerprint, read_baseline, write_baseline
from fidelity.frontends.cli import app
from fidelity.types import Category, Finding, Sentence, Severity, Span

from .conftest import CNN, DEFNET, read_exact

DATE = datetime.date(2023, 5, 10)
runner = CliRunner()


@pytest.fixture(scope="module")
def accepted(tmp_path_factory):
    """The seed report, its JSON, and a baseline made from it with `fidelity accept --all`."""
    folder = tmp_path_factory.mktemp("baseline")
    report = fidelity.check(CNN, DEFNET, original_date=DATE)
    (folder / "report.json").write_text(report.to_json(), encoding="utf-8")
    result = runner.invoke(app, ["accept", str(folder / "report.json"), "--all", "--baseline", str(folder / "b.jsonl")])
    assert result.exit_code == 0, result.output
    return report, folder / "b.jsonl"


def _recheck(rewrite: str, baseline):
    return apply_baseline(fidelity.check(read_exact(CNN), rewrite, original_date=DATE), read_baseline(baseline))


def test_rerun_with_the_baseline_lists_no_finding_and_counts_them(accepted):
    report, baseline = accepted
    lines = baseline.read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == len({e["fingerprint"] for e in entries}) == len(report.findings)  # one entry a finding
    keys = [(e["category"], e["rewrite"] or "", e["original"] or "", e["fingerprint"]) for e in entries]
    assert keys == sorted(keys)
    result = runner.invoke(app, ["check", str(CNN), str(DEFNET), "--original-date", "2023-05-10", "--format", "json",
                                 "--baseline", str(baseline), "--fail-on", "minor"])
    assert result.exit_code == 0  # suppressed findings do not count toward --fail-on
    data = json.loads(result.stdout)
    assert data["findings"] == [] and data["summary"]["counts"]["findings"] == 0
    assert data["summary"]["suppressed"]["findings"] == len(data["suppressed"]) == len(report.findings)
    assert data["summary"]["suppressed"]["score_without_baseline"] == report.score
    assert data["summary"]["score"] > report.score  # the accepted findings no longer lower it


def test_an_edited_span_brings_back_exactly_that_finding(accepted):
    report, baseline = accepted
    old = "Moreover, China"
    target = next(f for f in report.findings if f.rewrite and old in f.rewrite.text)
    edited = _recheck(read_exact(DEFNET).replace(old, "Furthermore, China"), baseline)
    assert len(edited.findings) == 1
    back = edited.findings[0]
    assert (back.category, back.severity) == (target.category, target.severity)
    assert back.rewrite.text == target.rewrite.text.replace(old, "Furthermore, China")
    assert len(edited.suppressed) == len(report.findings) - 1


def test_edits_elsewhere_that_shift_offsets_keep_the_suppression(accepted):
    report, baseline = accepted
    text = read_exact(DEFNET)
    at = text.index("Moreover, China")
    added = "The ministry published the figures on its website.\n"
    shifted = "\n\n" + text[:at] + added + text[at:]  # every offset moves; a paragraph far from most beads
    edited = _recheck(shifted, baseline)
    assert len(edited.suppressed) == len(report.findings)
    start = 2 + at
    assert all(start <= f.rewrite.start and f.rewrite.end <= start + len(added) for f in edited.findings)
    assert {f.rewrite.start for f in edited.suppressed if f.rewrite} != {f.rewrite.start for f in report.findings
                                                                         if f.rewrite}


# --- pure functions, no model ---

def _finding(category: str, original: Span | None, rewrite: Span | None) -> Finding:
    return Finding(id="F001", category=Category(category), severity=Severity.MAJOR, confidence=0.9, original=original,
                   rewrite=rewrite, message="msg")


def test_fingerprint_ignores_offsets_and_line_breaks_but_not_text_or_context():
    o = [Sentence(0, 0, 38, "Japan is in talks to open an office.")]
    r = [Sentence(0, 0, 44, "Japan will open an office in Tokyo next week.")]
    base = fingerprint(_finding("certainty_shift", Span(9, 17, "in talks"), Span(6, 15, "will open")), o, r)
    moved = [Sentence(0, 100, 145, "Japan will open an\noffice in Tokyo next week.")]
    assert fingerprint(_finding("certainty_shift", Span(9, 17, "in talks"), Span(106, 115, "will open")),
                       o, moved) == base
    assert fingerprint(_finding("certainty_shift", Span(9, 17, "in talks"), Span(6, 15, "will shut")), o, r) != base
    assert fingerprint(_finding("negation", Span(9, 17, "in talks"), Span(6, 15, "will open")), o, r) != base
    near = [Sentence(0, 0, 45, "Japan will open an outpost in Tokyo next week.")]
    assert fingerprint(_finding("certainty_shift", Span(9, 17, "in talks"), Span(6, 15, "will open")),
                       o, near) != base  # a word right after the span is part of its context


def test_baseline_file_errors_are_one_line(tmp_path):
    path = tmp_path / "b.jsonl"
    with pytest.raises(BaselineError, match="no such file"):
        read_baseline(path, must_exist=True)
    assert read_baseline(path) == []
    path.write_text('{"fingerprint": "ab"}\nnot json\n', encoding="utf-8")
    with pytest.raises(BaselineError, match="line 2"):
        read_baseline(path)


def test_rewriting_keeps_fields_a_person_added(tmp_path):
    path = tmp_path / "b.jsonl"
    write_baseline(path, [{"fingerprint": "bb", "category": "omission", "reason": "house style"},
                          {"fingerprint": "aa", "category": "addition"}])
    assert [e["fingerprint"] for e in read_baseline(path)] == ["aa", "bb"]
    assert read_baseline(path)[1]["reason"] == "house style"


def test_accept_needs_ids_or_all_and_known_ids(accepted, tmp_path):
    _report, baseline = accepted
    report_json = baseline.parent / "report.json"
    for args, message in ((["--baseline", str(tmp_path / "x.jsonl")], "--ids"),
                          (["--ids", "F999", "--baseline", str(tmp_path / "x.jsonl")], "F999")):
        result = runner.invoke(app, ["accept", str(report_json), *args])
        assert result.exit_code == 2 and message in result.output
    result = runner.invoke(app, ["accept", str(report_json), "--ids", "F001,F003", "--baseline", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 0 and len(read_baseline(tmp_path / "x.jsonl")) == 2
