"""JSON renderer: the machine-readable contract."""

from __future__ import annotations

from fidelity.checking.report import Report
from fidelity.frontends.render.registry import RenderOptions


def render_json(report: Report, options: RenderOptions = RenderOptions()) -> str:
    return report.to_json(indent=2, min_severity=options.min_severity) + "\n"
