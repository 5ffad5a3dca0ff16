"""Terminal renderer: aligned sentences side by side, findings, set-aside text and a summary."""

from __future__ import annotations

import io
import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fidelity.checking.report import Report
from fidelity.frontends.render.common import baseline_line, grouped, whole_message
from fidelity.frontends.render.registry import RenderOptions
from fidelity.types import Severity, Verdict

VERDICT_STYLE = {
    Verdict.EQUIVALENT: "green",
    Verdict.CHANGED: "yellow",
    Verdict.UNRELATED: "red",
    Verdict.OMITTED: "red",
    Verdict.ADDED: "magenta",
}
SEVERITY_STYLE = {Severity.CRITICAL: "bold red", Severity.MAJOR: "red", Severity.MINOR: "yellow"}


def _side_text(report: Report, side: str, indices: tuple[int, ...]) -> Text:
    doc = report.original if side == "original" else report.rewrite
    text = Text()
    for n, i in enumerate(indices):
        sentence = doc.sentences[i]
        if n:
            text.append("\n")
        text.append(f"[{i}] ", style="dim")
        text.append(" ".join(sentence.text.split()))
        if sentence.back_translation:
            text.append(f"\n  ⇢ {sentence.back_translation}", style="italic cyan")
    return text


def wrap_signature(signature: str, width: int) -> list[str]:
    """The signature in lines of at most ``width`` characters, broken only after a '|' (or, inside a
    field longer than a line, after a '+'), never inside a name."""
    lines = [""]
    for piece in re.split(r"(?<=\|)", signature):
        parts = [piece] if len(piece) <= width else re.split(r"(?<=\+)", piece)
        for part in parts:
            if lines[-1] and len(lines[-1]) + len(part) > width:
                lines.append("")
            lines[-1] += part
    return lines


def render_text(report: Report, options: RenderOptions = RenderOptions()) -> str:
    buffer = io.StringIO()
    color, min_severity = options.color, options.min_severity
    console = Console(file=buffer, width=options.width or 160, force_terminal=color, no_color=not color,
                      highlight=False)
    o, r = report.original, report.rewrite
    for label, doc in (("original:", o), ("rewrite: ", r)):
        dated = f", dated {doc.date.day.isoformat()} ({doc.date.source})" if doc.date else ""
        console.print(Text(f"{label} {doc.path or '<text>'} ({doc.language}, {len(doc.sentences)} sentences{dated})",
                           style="bold"))
    # The signature wraps only at its '|' separators, never inside a field.
    for signature_line in wrap_signature(report.settings.get("signature", ""), console.width):
        console.print(Text(signature_line, style="dim"), no_wrap=True, overflow="ignore", crop=False)

    table = Table(show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("original", ratio=1)
    table.add_column("rewrite", ratio=1)
    table.add_column("verdict", no_wrap=True)
    for n, bead in enumerate(report.alignment):
        verdict = Text(bead.verdict.value, style=VERDICT_STYLE[bead.verdict])
        if bead.original and bead.rewrite:
            verdict.append(f"\n{bead.score:.2f}", style="dim")
        if bead.moved:
            verdict.append("\nmoved", style="cyan")
        table.add_row(str(n), _side_text(report, "original", bead.original),
                      _side_text(report, "rewrite", bead.rewrite), verdict)
    console.print(table)

    listed = report.listed_findings(min_severity)
    if listed:
        console.print(Text(f"Findings ({len(listed)}" + (f" of {len(report.findings)}, at or above "
                                                         f"{min_severity.value}" if min_severity
                                                         and len(listed) < len(report.findings) else "")
                           + "), by bead (the table's #), most severe first", style="bold"))
        for bead_index, findings in grouped(listed):
            console.print(Text(f"bead {bead_index}" if bead_index is not None else "not tied to a bead",
                               style="bold cyan"))
            for f in findings:
                line = Text(f"  {f.id} ")
                line.append(f"{f.severity.value:<8}", style=SEVERITY_STYLE[f.severity])
                line.append(f" {f.category:<16} ")
                line.append(whole_message(f))
                spans = []
                if f.original:
                    spans.append(f"original {f.original.start}-{f.original.end}")
                if f.rewrite:
                    spans.append(f"rewrite {f.rewrite.start}-{f.rewrite.end}")
                line.append(f"  [{', '.join(spans)}; confidence {f.confidence:.2f}]", style="dim")
                console.print(line)
    elif report.findings:
        assert min_severity is not None  # findings, none listed: the severity filter left them all out
        console.print(Text(f"No findings at or above {min_severity.value} "
                           f"({len(report.findings)} less severe not listed).", style="green"))
    else:
        console.print(Text("No deviations found" + (" outside the baseline." if report.suppressed else "."), style="green"))
    baseline = baseline_line(report)
    if baseline:
        console.print(Text(baseline, style="dim"))

    if report.set_aside:
        console.print(Text(f"Set aside, not compared ({len(report.set_aside)})", style="bold"))
        for s in report.set_aside:
            snippet = " ".join(s.text.split())
            snippet = snippet if len(snippet) <= 70 else snippet[:69] + "…"
            console.print(Text(f"  {s.side:<8} {s.start}-{s.end} {s.reason}: {snippet}", style="dim"))

    summary = report.summary()
    sev = summary["counts"]["severity"]
    beads = summary["beads"]
    console.print(
        Text(
            (f"Fidelity score {summary['score']:.1f}/100" if summary["score"] is not None
             else "Fidelity score: none (nothing was compared)") + f" · {sev['critical']} critical, {sev['major']} major, "
            f"{sev['minor']} minor · {beads['equivalent']} equivalent, {beads['changed']} changed, "
            f"{beads['unrelated']} unrelated, {beads['omitted']} omitted, {beads['added']} added, "
            f"{beads['moved']} moved",
            style="bold",
        )
    )
    return buffer.getvalue()
