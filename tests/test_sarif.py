"""--format sarif on the seed pair: SARIF 2.1.0's required structure, and regions that point at the spans."""

import datetime
import json

import pytest

import fidelity
from fidelity.frontends.baseline import apply_baseline, fingerprint
from fidelity.frontends.render import RenderOptions, ReportKind, render
from fidelity.types import Category, Severity

from .conftest import CNN, DEFNET, read_exact


@pytest.fixture(scope="module")
def report():
    return fidelity.check(CNN, DEFNET, original_date=datetime.date(2023, 5, 10))


def _offset(text: str, line: int, column: int) -> int:
    """The code-point offset of a 1-based SARIF line and column."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return starts[line - 1] + column - 1


def test_sarif_has_the_required_structure_and_exact_regions(report):
    sarif = json.loads(render(ReportKind.PAIR, "sarif", report))
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    [run] = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "fidelity" and run["columnKind"] == "unicodeCodePoints"
    rules = [r["id"] for r in driver["rules"]]
    assert rules == sorted({f.category for f in report.findings})  # one rule per category
    assert len(run["results"]) == len(report.findings)
    texts = {"original": read_exact(CNN), "rewrite": read_exact(DEFNET)}
    for result, finding in zip(run["results"], report.findings):
        assert result["ruleId"] == finding.category == rules[result["ruleIndex"]]
        assert result["level"] == ("warning" if finding.severity.value == "minor" else "error")
        assert result["message"]["text"]
        [location] = result["locations"]
        physical = location["physicalLocation"]
        side, span = ("rewrite", finding.rewrite) if finding.rewrite else ("original", finding.original)
        assert physical["artifactLocation"]["uri"].endswith((DEFNET if side == "rewrite" else CNN).name)
        region = physical["region"]
        start = _offset(texts[side], region["startLine"], region["startColumn"])
        end = _offset(texts[side], region["endLine"], region["endColumn"])
        assert texts[side][start:end] == span.text == region["snippet"]["text"]
        assert "suppressions" not in result


def test_sarif_keeps_baseline_findings_as_suppressed_results(report):
    accepted = [{"fingerprint": fingerprint(f, report.original.sentences, report.rewrite.sentences)}
                for f in report.findings[:5]]
    run = json.loads(render(ReportKind.PAIR, "sarif", apply_baseline(report, accepted)))["runs"][0]
    suppressed = [r for r in run["results"] if r.get("suppressions")]
    assert len(run["results"]) == len(report.findings) and len(suppressed) == 5
    assert {r["partialFingerprints"]["fidelity/v1"] for r in suppressed} == {e["fingerprint"] for e in accepted}
    assert all(s["kind"] == "external" for r in suppressed for s in r["suppressions"])


def test_sarif_rules_are_described_by_their_category(report):
    """Each rule's description is its Category's one line (not its name respelled); a rule is listed
    only for the categories the listed findings carry."""
    driver = json.loads(render(ReportKind.PAIR, "sarif", report))["runs"][0]["tool"]["driver"]
    described = {r["id"]: r["shortDescription"]["text"] for r in driver["rules"]}
    assert described["quote_altered"] == Category.QUOTE_ALTERED.description
    assert described == {c: Category(c).description for c in described}
    assert all(text != rule.replace("_", " ") for rule, text in described.items())
    critical = json.loads(render(ReportKind.PAIR, "sarif", report, RenderOptions(min_severity=Severity.CRITICAL)))
    listed = {f.category for f in report.findings if f.severity is Severity.CRITICAL}
    assert {r["id"] for r in critical["runs"][0]["tool"]["driver"]["rules"]} == listed
