"""JSON renderer: the machine-readable contract."""

from __future__ import annotations

from ..report import Report


def render_json(report: Report, **_: object) -> str:
    return report.to_json(indent=2) + "\n"
