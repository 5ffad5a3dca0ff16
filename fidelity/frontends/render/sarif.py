"""``--format sarif``: SARIF 2.1.0 for code-scanning tools (GitHub code scanning, IDE viewers).

One rule per finding category, described by its ``Category.description``; one result per finding,
located in the rewrite file (in the original for a finding with no rewrite span) by 1-based line and
column in code points (``columnKind`` ``unicodeCodePoints``; ``endColumn`` is the column after the
span's last character). Critical and major findings are errors, minor ones warnings. Findings accepted in a baseline are results with an
external suppression, never dropped; ``partialFingerprints`` carries the baseline fingerprint.
A bilingual file's report is one run whose results are located in that file at their unit (a logical
location named by the unit's id; the unit's line where XLIFF and TMX give it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fidelity import __version__
from fidelity.checking.report import Report
from fidelity.frontends.baseline import fingerprint
from fidelity.frontends.bilingual import BilingualReport, UnitReport
from fidelity.frontends.render.common import LineIndex, whole_message
from fidelity.frontends.render.registry import RenderOptions
from fidelity.types import Category, Document, Finding, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.CRITICAL: "error", Severity.MAJOR: "error", Severity.MINOR: "warning"}


def _uri(doc: Document) -> str:
    if doc.path is None or doc.path == "-":
        return "stdin" if doc.path == "-" else "text"
    path = Path(doc.path)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def _result(report: Report, f: Finding, rules: list[Category], index: dict[str, LineIndex], suppressed: bool
            ) -> dict[str, Any]:
    side, span = ("rewrite", f.rewrite) if f.rewrite is not None else ("original", f.original)
    doc = report.rewrite if side == "rewrite" else report.original
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(doc)}}
    if span is not None:
        (line, col), (end_line, end_col) = index[side](span.start), index[side](span.end)
        location["region"] = {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col,
                              "snippet": {"text": span.text}}
    result = {"ruleId": f.category.value, "ruleIndex": rules.index(f.category), "level": LEVEL[f.severity],
              "message": {"text": whole_message(f)}, "locations": [{"physicalLocation": location}],
              "partialFingerprints": {"fidelity/v1": fingerprint(f, report.original.sentences, report.rewrite.sentences)},
              "properties": {"id": f.id, "severity": f.severity.value, "confidence": round(f.confidence, 3),
                             "detector": f.detector, "bead": f.bead}}
    if suppressed:
        result["suppressions"] = [{"kind": "external", "justification": "accepted in the baseline (fidelity accept)"}]
    return result


def _rule(category: Category) -> dict[str, Any]:
    return {"id": category.value, "name": category.value, "shortDescription": {"text": category.description}}


def render_sarif(report: Report, options: RenderOptions = RenderOptions()) -> str:
    listed, accepted = report.listed_findings(options.min_severity), report.suppressed or []
    rules = sorted({f.category for f in listed + accepted})
    index = {"original": LineIndex(report.original.text), "rewrite": LineIndex(report.rewrite.text)}
    run = {
        "tool": {"driver": {"name": "fidelity", "version": __version__, "semanticVersion": __version__,
                            "rules": [_rule(c) for c in rules]}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(report, f, rules, index, False) for f in listed]
                   + [_result(report, f, rules, index, True) for f in accepted],
        "properties": {"score": report.score, "signature": report.settings.get("signature")},
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, ensure_ascii=False, indent=2) + "\n"


def _unit_line(report: BilingualReport, index: int) -> int | None:
    """The line where unit ``index`` (1-based, the PO header left out) starts in the file: an XLIFF or TMX
    unit's element knows it; a PO unit does not (None)."""
    if report.store is None:
        return None
    units = [u for u in report.store.units if not u.isheader()]
    element = getattr(units[index - 1], "xmlelement", None) if 0 < index <= len(units) else None
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def _unit_result(report: BilingualReport, unit: UnitReport, f: Finding, rules: list[Category], suppressed: bool
                 ) -> dict[str, Any]:
    """A result located in the bilingual file: at its unit (by id, and by line where the format gives one),
    the span's offsets into the unit's source or target in the properties."""
    side, span = ("target", f.rewrite) if f.rewrite is not None else ("source", f.original)
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri_of(report.path)}}
    line = _unit_line(report, unit.unit.index)
    if line is not None:
        location["region"] = {"startLine": line}
    result = {"ruleId": f.category.value, "ruleIndex": rules.index(f.category), "level": LEVEL[f.severity],
              "message": {"text": f"unit {unit.unit.id}: {whole_message(f)}"},
              "locations": [{"physicalLocation": location,
                             "logicalLocations": [{"name": unit.unit.id, "kind": "element"}]}],
              "partialFingerprints": {"fidelity/v1": fingerprint(f, unit.report.original.sentences,
                                                                 unit.report.rewrite.sentences)},
              "properties": {"id": f.id, "unit": unit.unit.id, "severity": f.severity.value,
                             "confidence": round(f.confidence, 3), "detector": f.detector,
                             **({"side": side, "start": span.start, "end": span.end, "snippet": span.text}
                                if span is not None else {})}}
    if suppressed:
        result["suppressions"] = [{"kind": "external", "justification": "accepted in the baseline (fidelity accept)"}]
    return result


def _uri_of(path: str) -> str:
    p = Path(path)
    return p.as_uri() if p.is_absolute() else p.as_posix()


def render_bilingual_sarif(report: BilingualReport, options: RenderOptions = RenderOptions()) -> str:
    """One run for the whole file: a result per listed (and per accepted) finding of every unit."""
    listed = [(u, f) for u in report.units for f in u.report.listed_findings(options.min_severity)]
    accepted = [(u, f) for u in report.units for f in u.report.suppressed or []]
    rules = sorted({f.category for _u, f in listed + accepted})
    run = {
        "tool": {"driver": {"name": "fidelity", "version": __version__, "semanticVersion": __version__,
                            "rules": [_rule(c) for c in rules]}},
        "results": [_unit_result(report, u, f, rules, False) for u, f in listed]
                   + [_unit_result(report, u, f, rules, True) for u, f in accepted],
        "properties": {"score": report.score, "format": report.format, "signature": report.settings.get("signature")},
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, ensure_ascii=False, indent=2) + "\n"
