"""A bilingual file's report (``fidelity check FILE.xlf``): one line per unit, with its id, and the
findings of each flagged unit under it; JSON: ``BilingualReport.to_dict()``; and the pair report's other
formats (md, diff, brief) unit by unit. HTML is in ``html.py``, SARIF in ``sarif.py``."""

from __future__ import annotations

import io
import json

from rich.console import Console
from rich.text import Text

from fidelity.frontends.bilingual import BilingualReport, UnitReport
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


# --- the pair report's other formats, unit by unit ---------------------------------------------------

def _unit_head(u: UnitReport, label: str = "unit") -> str:
    """"unit ID: verdict 0.71" (the unit's one bead)."""
    if not u.report.alignment:
        return f"{label} {u.unit.id}"
    bead = u.report.alignment[0]
    similarity = f" {bead.score:.2f}" if bead.original and bead.rewrite else ""
    return f"{label} {u.unit.id}: {bead.verdict.value}{similarity}"


def _tail(report: BilingualReport, options: RenderOptions) -> str:
    """Score, counts, what --min-severity left out and what a baseline accepted, on one line."""
    summary = report.summary(options.min_severity)
    sev, units = summary["counts"]["severity"], summary["units"]
    score = f"{summary['score']:.1f}" if summary["score"] is not None else "none"
    tail = (f"fidelity score {score} · {sev['critical']} critical, {sev['major']} major, {sev['minor']} minor · "
            f"{units['with_findings']} of {units['checked']} units with findings, {units['skipped']} skipped")
    if "filtered" in summary:
        tail += f" · {summary['filtered']['findings']} below {summary['filtered']['min_severity']} not listed"
    if "suppressed" in summary:
        n = summary["suppressed"]["findings"]
        tail += f" · {n} finding{'' if n == 1 else 's'} accepted in baseline"
    return tail


def render_bilingual_brief(report: BilingualReport, options: RenderOptions = RenderOptions()) -> str:
    """``--brief``: one finding a line, ``FILE:UNIT-ID: severity category: message``, units in file order and
    each unit's findings by severity."""
    return "".join(f"{report.path}:{u.unit.id}: {f.severity.value} {f.category}: {one_line(whole_message(f))}\n"
                   for u in report.units for f in by_severity(u.report.listed_findings(options.min_severity)))


def render_bilingual_diff(report: BilingualReport, options: RenderOptions = RenderOptions()) -> str:
    """``--format diff``: a word diff (``[-removed-]{+added+}``) of each unit with findings (every unit with
    ``--all``), its findings annotated under it."""
    from fidelity.frontends.render.diff import _annotation, word_diff

    color = options.color
    lines = [f"diff --fidelity {report.path} ({report.format}, {report.source_language or '?'} → "
             f"{report.target_language or '?'})"]
    for u in report.units:
        findings = by_severity(u.report.listed_findings(options.min_severity))
        if not findings and not options.show_all:
            continue
        header = f"@@ {_unit_head(u)} @@"
        lines.append(f"\x1b[36m{header}\x1b[0m" if color else header)
        lines.append(word_diff(u.unit.source, u.unit.target, color))
        lines += [_annotation(f, color) for f in findings]
    tail = f"# {_tail(report, options)}"
    lines.append(f"\x1b[2m{tail}\x1b[0m" if color else tail)
    return "\n".join(lines) + "\n"


def render_bilingual_markdown(report: BilingualReport, options: RenderOptions = RenderOptions()) -> str:
    """``--format md``: the file's summary, then a section per unit with findings: its source and target
    quoted, its findings listed with their positions in the unit's text (line:column)."""
    from fidelity.frontends.render.common import LineIndex
    from fidelity.frontends.render.markdown import escape

    out = ["## Fidelity report", "",
           f"**File:** {escape(report.path)} ({report.format.upper()}, {escape(report.source_language or '?')} → "
           f"{escape(report.target_language or '?')})", "", f"**{escape(_tail(report, options))}**", ""]
    signature = report.settings.get("signature")
    if signature:
        out += [f"<sub>{escape(signature)}</sub>", ""]
    listed = [(u, by_severity(u.report.listed_findings(options.min_severity))) for u in report.units]
    if not any(findings for _u, findings in listed):
        out += ["No deviations found" + (" outside the baseline." if "suppressed" in report.summary() else "."), ""]
    for u, findings in listed:
        if not findings:
            continue
        index = {"original": LineIndex(u.unit.source), "rewrite": LineIndex(u.unit.target)}
        out += [f"### {escape(_unit_head(u, 'Unit'))}", "",
                f"> **source:** {escape(u.unit.source)}  ", f"> **target:** {escape(u.unit.target)}", ""]
        for f in findings:
            out.append(f"- **{f.severity.value}** {escape(f.category)} ({f.id}): {escape(whole_message(f))}")
            for side, name, span in (("original", "source", f.original), ("rewrite", "target", f.rewrite)):
                if span is not None:
                    line, col = index[side](span.start)
                    out.append(f"  - {name} {line}:{col}: “{escape(span.text)}”")
        out.append("")
    if report.skipped:
        out += ["Skipped: " + ", ".join(f"{escape(s.unit.id)} ({escape(s.reason)})" for s in report.skipped) + ".", ""]
    return "\n".join(out).rstrip("\n") + "\n"
