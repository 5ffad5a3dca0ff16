"""Accepted findings that stay accepted: a baseline file and the fingerprints that match it.

A baseline is a JSON-lines file, one accepted finding a line, sorted, so that it diffs and merges
like code. Each entry is keyed by a content fingerprint: the category, the texts of both spans
(white space folded) and the few words around each span inside its sentence, never offsets. So a
dismissal survives edits elsewhere in the file and re-runs, and a finding whose span text (or the
words right around it) changed is a new finding, never suppressed.

    entries = read_baseline(path)                      # [] when the file does not exist
    report = apply_baseline(fidelity.check(a, b), entries)
    write_baseline(path, accept(report.to_dict(), ids=None, entries=entries))

An entry holds ``fingerprint`` (what matches), ``category``, ``severity``, ``original``,
``rewrite`` (the span texts) and ``message``, for the reader only; any other field a person adds
(``reason``...) is kept when the file is rewritten.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any

from fidelity.checking.report import Report
from fidelity.errors import FidelityError
from fidelity.types import Category, Finding, Sentence, Severity, Span

# Words on each side of a span that belong to its fingerprint: enough to tell two identical
# findings in different sentences apart, few enough that an edit nearby rarely touches them.
CONTEXT_WORDS = 3
_SCHEME = "fidelity-baseline-1"  # changes when the fingerprint's recipe does (old entries stop matching)


class BaselineError(FidelityError):
    """A baseline or report file that cannot be read or used."""


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _around(span: Span, sentences: Sequence[Sentence]) -> tuple[str, str]:
    """Up to CONTEXT_WORDS words before the span, inside the sentence where it starts, and after
    it, inside the sentence where it ends."""
    first = next((s for s in sentences if s.start <= span.start < s.end), None)
    last = next((s for s in sentences if s.start < span.end <= s.end), None)
    before = first.text[: span.start - first.start].split()[-CONTEXT_WORDS:] if first else []
    after = last.text[span.end - last.start:].split()[:CONTEXT_WORDS] if last else []
    return _norm(" ".join(before)), _norm(" ".join(after))


def fingerprint(finding: Finding, original: Sequence[Sentence], rewrite: Sequence[Sentence]) -> str:
    """The finding's content fingerprint (16 hex digits); ``original`` and ``rewrite`` are the
    two documents' sentences, where the context words are read."""
    parts: list[Any] = [_SCHEME, finding.category]
    for span, sentences in ((finding.original, original), (finding.rewrite, rewrite)):
        parts += [None, None, None] if span is None else [_norm(span.text), *_around(span, sentences)]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:16]


def apply_baseline(report: Report, entries: Iterable[dict[str, Any]]) -> Report:
    """A copy of ``report`` whose findings matching an entry are moved to ``suppressed``: the
    findings, the score and ``--fail-on``/``--fail-under`` then take only the rest; the summary
    counts the suppressed ones (and the score with them)."""
    accepted = {e["fingerprint"] for e in entries}
    o, r = report.original.sentences, report.rewrite.sentences
    keep: list[Finding] = []
    suppressed: list[Finding] = []
    for f in report.findings:
        (suppressed if fingerprint(f, o, r) in accepted else keep).append(f)
    return replace(report, findings=keep, suppressed=(report.suppressed or []) + suppressed)


# --- the report JSON that `fidelity accept` reads ---------------------------------------------

def _span(data: dict[str, Any] | None) -> Span | None:
    return None if data is None else Span(int(data["start"]), int(data["end"]), str(data["text"]))


def _finding(data: dict[str, Any]) -> Finding:
    # Category(value) looks a member up by value; mypy checks it as a call of the members' two-argument __new__.
    return Finding(id=data["id"], category=Category(data["category"]),  # type: ignore[call-arg]
                   severity=Severity(data["severity"]),
                   confidence=float(data.get("confidence", 0.0)), original=_span(data.get("original")),
                   rewrite=_span(data.get("rewrite")), message=data.get("message", ""), bead=data.get("bead"),
                   detector=data.get("detector", ""))


def _sentences(side: dict[str, Any]) -> list[Sentence]:
    return [Sentence(int(s["index"]), int(s["start"]), int(s["end"]), s["text"]) for s in side["sentences"]]


def report_findings(data: dict[str, Any]) -> list[tuple[str, Finding, str]]:
    """``(id, finding, fingerprint)`` for each finding listed in a report's JSON (``check --format
    json``); a bilingual file's report names each finding ``UNIT:ID`` (its unit's id)."""
    reports = [(f"{u['id']}:", u["report"]) for u in data["units"]] if "units" in data else [("", data)]
    out = []
    for prefix, rep in reports:
        o, r = _sentences(rep["original"]), _sentences(rep["rewrite"])
        for item in rep["findings"]:
            f = _finding(item)
            out.append((prefix + f.id, f, fingerprint(f, o, r)))
    return out


def entry(finding: Finding, fp: str) -> dict[str, Any]:
    return {"fingerprint": fp, "category": finding.category, "severity": finding.severity.value,
            "original": finding.original.text if finding.original else None,
            "rewrite": finding.rewrite.text if finding.rewrite else None, "message": finding.message}


def accept(data: dict[str, Any], ids: Sequence[str] | None, entries: Sequence[dict[str, Any]]
           ) -> tuple[list[dict[str, Any]], int]:
    """``entries`` plus the report's findings named in ``ids`` (all when None), and how many were new.
    An id the report does not list is an error."""
    try:
        found = report_findings(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise BaselineError(f"not a fidelity JSON report: a finding or sentence lacks {exc}") from None
    if ids is not None:
        known = {name for name, _f, _fp in found}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise BaselineError(f"the report lists no finding {', '.join(unknown)} "
                                f"(it lists {len(known)}: {', '.join(sorted(known)[:5])}{'...' if len(known) > 5 else ''})")
        found = [item for item in found if item[0] in set(ids)]
    merged = {e["fingerprint"]: e for e in entries}
    before = len(merged)
    for _name, f, fp in found:
        merged.setdefault(fp, entry(f, fp))
    return sorted_entries(merged.values()), len(merged) - before


def sorted_entries(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda e: (e.get("category") or "", e.get("rewrite") or "", e.get("original") or "",
                                          e["fingerprint"]))


# --- the file -----------------------------------------------------------------------------------

def read_baseline(path: str | PathLike[str], *, must_exist: bool = False) -> list[dict[str, Any]]:
    """The entries of a baseline file ([] for a missing one unless ``must_exist``); a line that is
    not a JSON object with a ``fingerprint`` is a one-line error naming it."""
    path = Path(path)
    if not path.exists():
        if must_exist:
            raise BaselineError(f"baseline {path}: no such file (make one with `fidelity accept REPORT.json --all "
                                f"--baseline {path}`)")
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"baseline {path}: cannot read it ({exc})") from None
    entries = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BaselineError(f"baseline {path}, line {n}: not JSON ({exc.msg})") from None
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise BaselineError(f"baseline {path}, line {n}: an entry needs a \"fingerprint\"")
        entries.append(item)
    return entries


def write_baseline(path: str | PathLike[str], entries: Iterable[dict[str, Any]]) -> None:
    """One entry a line, sorted, keys in a fixed order (diffable); written whole, then renamed."""
    path = Path(path)
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in sorted_entries(entries))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def read_report(path: str | PathLike[str]) -> dict[str, Any]:
    """A report written by ``fidelity check --format json``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a JSON report ({exc})") from None
    if not isinstance(data, dict) or not ("findings" in data or "units" in data):
        raise BaselineError(f"{path}: not a fidelity JSON report (write one with `fidelity check ... --format json`)")
    return data
