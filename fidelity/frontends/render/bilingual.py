"""A bilingual file's report (``fidelity check FILE.xlf``): one line per unit, with its id, and the
findings of each flagged unit under it; JSON: ``BilingualReport.to_dict()``."""

from __future__ import annotations

import io
import json

from rich.console import Console
from rich.text import Text

from fidelity.frontends.bilingual import BilingualReport
from fidelity.frontends.render.common import by_severity, whole_message
from fidelity.frontends.render.registry import RenderOptions
from fidelity.frontends.render.text import SEVERITY_STYLE, VERDICT_STYLE, wrap_signature
from fidelity.text.tokens import one_line


def render_bilingual_text(report: BilingualReport, options: RenderOptions = RenderOptions()) -> str:
    buffer = io.StringIO()
    color = options.color
    console = Console(file=buffer, width=options.width or 160, force_terminal=color, no_color=not color,
                      highlight=False)
    summary = report.summary(options.min_severity)
    units = summary["units"]
    console.print(Text(f"{report.path} ({report.format}, {report.source_language or '?'} → "
                       f"{report.target_language or '?'}): {units['total']} unit{'' if units['total'] == 1 else 's'}, "
                       f"{units['checked']} checked, "
                       f"{units['skipped']} skipped", style="bold"))
    for signature_line in wrap_signature(report.settings.get("signature", ""), console.width):
        console.print(Text(signature_line, style="dim"), no_wrap=True, overflow="ignore", crop=False)
    for u in report.units:
        rep = u.report
        head = Text(f"unit {u.unit.id}", style="bold cyan")
        head.append(": ")
        if rep.alignment:
            bead = rep.alignment[0]
            head.append(bead.verdict.value, style=VERDICT_STYLE[bead.verdict])
            if bead.original and bead.rewrite:
                head.append(f" {bead.score:.2f}", style="dim")
        listed = by_severity(rep.listed_findings(options.min_severity))
        head.append(f" · {len(listed)} finding{'' if len(listed) == 1 else 's'}" if listed else " · no findings")
        console.print(head)
        if not listed:
            continue
        console.print(Text(f"  source: {one_line(u.unit.source)}"))
        console.print(Text(f"  target: {one_line(u.unit.target)}"))
        for f in listed:
            line = Text(f"  {f.id} ")
            line.append(f"{f.severity.value:<8}", style=SEVERITY_STYLE[f.severity])
            line.append(f" {f.category:<16} {whole_message(f)}")
            spans = [f"{side} {s.start}-{s.end}" for side, s in (("source", f.original), ("target", f.rewrite)) if s]
            line.append(f"  [{', '.join(spans)}; confidence {f.confidence:.2f}]", style="dim")
            console.print(line)
    if report.skipped:
        console.print(Text(f"Skipped ({len(report.skipped)}): " + ", ".join(
            f"{s.unit.id} ({s.reason})" for s in report.skipped), style="dim"))
    sev = summary["counts"]["severity"]
    tail = (f"Fidelity score {summary['score']:.1f}/100" if summary["score"] is not None else "Fidelity score: none") + (
        f" · {sev['critical']} critical, {sev['major']} major, {sev['minor']} minor · "
        f"{units['with_findings']} of {units['checked']} units with findings")
    if "filtered" in summary:
        tail += f" · {summary['filtered']['findings']} below {summary['filtered']['min_severity']} not listed"
    if "suppressed" in summary:
        n = summary["suppressed"]["findings"]
        tail += f" · {n} finding{'' if n == 1 else 's'} accepted in baseline"
    console.print(Text(tail, style="bold"))
    return buffer.getvalue()


def render_bilingual_json(report: BilingualReport, options: RenderOptions = RenderOptions()) -> str:
    return json.dumps(report.to_dict(options.min_severity), ensure_ascii=False, indent=2) + "\n"
