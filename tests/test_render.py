"""The report formats (diff, brief, md, text) and the CLI's reviewer-facing options, on the seeds."""

import datetime
import json
import re
import subprocess
import sys
import time

import pytest

import fidelity
from fidelity.frontends.render import REGISTRY, RenderOptions, ReportKind, formats, render
from fidelity.frontends.render.common import line_col
from fidelity.frontends.render.markdown import escape
from fidelity.types import Severity

from .conftest import CNN, DEFNET, read_exact

DATE = "2023-05-10"


@pytest.fixture(scope="module")
def report():
    return fidelity.check(CNN, DEFNET, original_date=datetime.date.fromisoformat(DATE))


def _render(fmt: str, report, **options) -> str:
    return render(ReportKind.PAIR, fmt, report, RenderOptions(**options))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fidelity.frontends.cli", *args], capture_output=True, timeout=300)


def _ultimatum_bead(report) -> int:
    return next(n for n, b in enumerate(report.alignment)
                if any("ultimatum" in report.rewrite.sentences[j].text for j in b.rewrite))


def test_diff_shows_the_ultimatum_beads_word_changes(report):
    out = _render("diff", report)
    n = _ultimatum_bead(report)
    block = out.split(f" bead {n}: ")[1].split("\n@@")[0]
    removed = re.findall(r"\[-(.*?)-\]", block)
    added = re.findall(r"\{\+(.*?)\+\}", block)
    assert any("finalized yet" in r for r in removed), block
    assert any("have not yet reached the ultimatum" in a for a in added), block
    # the header gives both sides' line:col of the bead's start
    bead = report.alignment[n]
    o_start = report.original.sentences[bead.original[0]].start
    r_start = report.rewrite.sentences[bead.rewrite[0]].start
    (o_line, o_col), (r_line, r_col) = line_col(report.original.text, o_start), line_col(report.rewrite.text, r_start)
    assert f"@@ -{o_line}:{o_col} +{r_line}:{r_col} @@ bead {n}: " in out
    assert "# F" in block and "\x1b[" not in out  # findings annotated, no colour unless asked
    # only beads with findings by default; --all shows every bead
    assert out.count("\n@@ -") <= len(report.alignment)
    assert _render("diff", report, show_all=True).count("\n@@ -") == len(report.alignment)
    assert "\x1b[31m[-" in _render("diff", report, color=True)


def test_brief_positions_point_at_the_span(report):
    lines = _render("brief", report).splitlines()
    assert len(lines) == len(report.findings)
    files = {str(CNN): read_exact(CNN), str(DEFNET): read_exact(DEFNET)}
    spans = {(f.rewrite or f.original).text for f in report.findings}
    for line in lines:
        m = re.match(r"(.+?):(\d+):(\d+): (critical|major|minor) (\w+): (.+)$", line)
        assert m, line
        text = files[m.group(1)]
        row, col = int(m.group(2)), int(m.group(3))
        offset = sum(len(x) for x in text.split("\n")[: row - 1]) + (row - 1) + col - 1
        assert any(text.startswith(s, offset) for s in spans), line
    assert any(line.startswith(f"{DEFNET}:") and "have not yet reached the ultimatum" in line for line in lines)


def test_markdown_escapes_input_text(report):
    assert escape("a *b* | <script>alert(1)</script> [x](y) `c`") == (
        r"a \*b\* \| &lt;script&gt;alert(1)&lt;/script&gt; \[x\](y) \`c\`")
    original = "The minister said the *deal* | <script>alert(1)</script> was agreed on Monday in Tokyo."
    rewrite = "The minister said the deal | <script>alert(1)</script> was rejected on Friday in Paris."
    md = _render("md", fidelity.check(original, rewrite))
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\\*deal\\*" in md or "*deal*" not in md
    for line in md.splitlines():  # no quoted '|' opens a table cell
        assert "|" not in line.replace("\\|", "") or line.startswith("<sub>"), line
    md_seeds = _render("md", report)
    assert f"**Score: {report.score:.1f}/100**" in md_seeds and "### Bead" in md_seeds


def test_min_severity_filters_listings_and_json_counts_them(report):
    data = json.loads(_render("json", report, min_severity=Severity.MAJOR))
    minor = sum(1 for f in report.findings if f.severity is Severity.MINOR)
    assert minor and all(f["severity"] != "minor" for f in data["findings"])
    assert data["summary"]["filtered"]["findings"] == minor
    assert data["summary"]["counts"]["findings"] == len(report.findings)
    assert " minor " not in _render("brief", report, min_severity=Severity.MAJOR)
    diff = _render("diff", report, min_severity=Severity.MAJOR)
    assert "# F" in diff and " minor " not in diff.split("# fidelity")[0]
    assert "**minor**" not in _render("md", report, min_severity=Severity.MAJOR)


def _finding_lines(text_report: str) -> list[str]:
    return [line for line in text_report.splitlines() if re.match(r"  F\d{3} ", line)]


def test_min_severity_is_applied_when_rendering_and_never_changes_the_report(report):
    """The filter is the renderer's option: the Report a caller holds stays as it was, and the filtered JSON and
    text are the unfiltered ones less the minor findings, with the summary saying how many were left out."""
    before = report.to_dict()
    filtered = json.loads(_render("json", report, min_severity=Severity.MAJOR))
    text_all = _render("text", report, width=160)
    text_major = _render("text", report, width=160, min_severity=Severity.MAJOR)
    for kind in ("brief", "diff", "md", "html", "sarif"):
        _render(kind, report, min_severity=Severity.CRITICAL)
    assert report.to_dict() == before and "filtered" not in report.summary()

    minor = [f for f in before["findings"] if f["severity"] == "minor"]
    listed = [f for f in before["findings"] if f["severity"] != "minor"]
    assert minor and listed
    left_out = {"min_severity": "major", "findings": len(minor),
                "severity": {"critical": 0, "major": 0, "minor": len(minor)}}
    assert filtered == {**before, "findings": listed, "summary": {**before["summary"], "filtered": left_out}}
    assert list(filtered["summary"])[-1] == "filtered"  # the JSON's key order: after the counts

    assert _finding_lines(text_major) == [line for line in _finding_lines(text_all) if line.split()[1] != "minor"]
    assert f"Findings ({len(listed)} of {len(before['findings'])}, at or above major)" in text_major
    assert f"Findings ({len(before['findings'])}), by bead" in text_all


def test_the_cli_format_choices_come_from_the_renderer_registry():
    from fidelity.frontends.cli import OutputFormat, QuoteFormat, SummaryFormat

    assert [f.value for f in OutputFormat] == ["text", "json", "diff", "md", "html", "sarif"]
    assert [f.value for f in OutputFormat] == formats(ReportKind.PAIR, flagged=False)  # --brief is a flag
    assert [f.value for f in QuoteFormat] == formats(ReportKind.QUOTES) == ["text", "json"]
    assert [f.value for f in SummaryFormat] == formats(ReportKind.SUMMARY) == ["html", "md", "csv", "json"]
    assert formats(ReportKind.BILINGUAL) == formats(ReportKind.PAIR)  # a bilingual file gets every pair format
    for kind, fmt in REGISTRY:  # every entry names a function that exists
        assert callable(REGISTRY[(kind, fmt)].load()), (kind, fmt)


def test_text_report_groups_by_bead_and_keeps_messages_whole(report):
    out = _render("text", report, width=80)
    flat = " ".join(out.split())
    assert "have not yet reached the ultimatum" in flat  # the message is wrapped, not cut
    assert "ultim…" not in flat
    assert re.search(r"^bead \d+$", out, re.M)
    signature = report.settings["signature"]
    sig_lines = [line for line in out.splitlines() if line and line in signature]
    assert "".join(sig_lines) == signature and all(line.endswith(("|", "+")) for line in sig_lines[:-1])


def test_cli_fail_on_names_the_limit():
    result = _cli("check", str(CNN), str(DEFNET), "--original-date", DATE, "--brief", "--fail-on", "major",
                  "--fail-under", "80")
    assert result.returncode == 1
    err = result.stderr.decode().strip().splitlines()
    assert len(err) == 1 and re.fullmatch(r"fidelity: \d+ findings at or above major \(--fail-on major\)", err[0])


def test_cli_bad_output_path_fails_before_checking(tmp_path):
    started = time.monotonic()
    result = _cli("check", str(CNN), str(DEFNET), "--output", str(tmp_path / "no" / "such" / "dir.json"))
    assert result.returncode == 2
    err = result.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0]
    assert time.monotonic() - started < 10  # no models were loaded


def test_utf16_with_bom_is_decoded(tmp_path):
    from fidelity.text.load import load

    text = "Japan is in talks to open a NATO office.\nNo details have been finalized yet."
    path = tmp_path / "u16.txt"
    path.write_bytes(text.encode("utf-16"))
    assert load(path).text == text


def test_latin1_hint_names_the_detected_encoding(tmp_path):
    from fidelity.errors import InputError
    from fidelity.text.load import load

    path = tmp_path / "latin1.txt"
    path.write_bytes("Le ministre a déclaré mercredi que les négociations n'étaient pas terminées, "
                     "a-t-il ajouté à Paris après la réunion.".encode("latin-1"))
    with pytest.raises(InputError) as exc:
        load(path)
    assert "cp1251" not in str(exc.value).lower() and "iconv -f" in str(exc.value)
