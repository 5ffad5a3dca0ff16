"""Helpers the renderers share: positions, whole messages, findings grouped by bead."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from fidelity.checking.report import Report
from fidelity.text.tokens import one_line
from fidelity.types import SEVERITY_ORDER, Finding, Span


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` (a code-point index into ``text``), lines split at ``\\n``
    (a ``\\r`` before it counts as the previous line's last column)."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


class LineIndex:
    """``line_col`` for many offsets into one text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def __call__(self, offset: int) -> tuple[int, int]:
        n = bisect.bisect_right(self.starts, offset) - 1
        return n + 1, offset - self.starts[n] + 1


def whole_message(finding: Finding) -> str:
    """The finding's message with any quote the detector shortened ("…ultim…") put back whole from its spans,
    so that no changed word is cut."""
    message = finding.message
    if "…" not in message:
        return message
    for span in (finding.original, finding.rewrite):
        if span is None:
            continue
        full = one_line(span.text)
        for k in range(len(full) - 1, 3, -1):
            cut = full[:k].rstrip() + "…"
            if cut in message:
                message = message.replace(cut, full, 1)
                break
    # A shortened quote of a part of a span (a clause inside a sentence span) is left as given.
    return message


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.id))


def grouped(findings: list[Finding]) -> list[tuple[int | None, list[Finding]]]:
    """The listed findings by bead (in alignment order, then those with no bead), each group sorted by severity."""
    groups: dict[int | None, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.bead, []).append(f)
    order = sorted(b for b in groups if b is not None) + ([None] if None in groups else [])
    return [(b, by_severity(groups[b])) for b in order]


def display_path(path: str | None) -> str:
    """A document's path as positions name it: ``-`` for stdin, ``text`` for a string."""
    if path is None:
        return "text"
    return path


def score_text(report: Report) -> str:
    return f"{report.score:.1f}" if report.score is not None else "none"


def span_label(span: Span | None) -> str:
    return "" if span is None else f"{span.start}-{span.end}"


def baseline_line(report: Report) -> str | None:
    """What a baseline suppressed, never silently: "73 findings accepted in baseline ..."; None without one."""
    if report.suppressed is None:
        return None
    n, before = len(report.suppressed), report.summary()["suppressed"]["score_without_baseline"]
    return (f"{n} finding{'' if n == 1 else 's'} accepted in baseline (not listed; score with them: "
            f"{'none' if before is None else f'{before:.1f}'})")
