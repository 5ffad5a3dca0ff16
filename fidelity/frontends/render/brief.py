"""``--brief``: one finding a line, ``FILE:LINE:COL: severity category: message``, for editors, grep and CI logs."""

from __future__ import annotations

from fidelity.checking.report import Report
from fidelity.frontends.render.common import LineIndex, display_path, whole_message
from fidelity.frontends.render.registry import RenderOptions
from fidelity.text.tokens import one_line
from fidelity.types import SEVERITY_ORDER, Finding


def render_brief(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """FILE is the rewrite's path when the finding has a rewrite span, else the original's; LINE and COL
    are 1-based, counted in code points of the decoded text (the offsets' unit), lines split at ``\\n``."""
    indexes = {"original": LineIndex(report.original.text), "rewrite": LineIndex(report.rewrite.text)}
    lines = []
    listed = report.listed_findings(options.min_severity)
    for f in sorted(listed, key=lambda f: (f.rewrite is None, _start(f), SEVERITY_ORDER[f.severity])):
        side, span = ("rewrite", f.rewrite) if f.rewrite is not None else ("original", f.original)
        if span is None:
            where = display_path(report.rewrite.path)
            line, col = 1, 1
        else:
            doc = report.rewrite if side == "rewrite" else report.original
            where = display_path(doc.path)
            line, col = indexes[side](span.start)
        lines.append(f"{where}:{line}:{col}: {f.severity.value} {f.category}: {one_line(whole_message(f))}")
    return "".join(line + "\n" for line in lines)


def _start(f: Finding) -> int:
    span = f.rewrite if f.rewrite is not None else f.original
    return span.start if span is not None else 0
