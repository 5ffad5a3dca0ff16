"""``--format md``: Markdown for tickets and pull requests. Every piece of input text is escaped, so no
input can break the Markdown structure (nor inject HTML)."""

from __future__ import annotations

import re

from fidelity.checking.report import Report
from fidelity.frontends.render.common import LineIndex, baseline_line, display_path, grouped, score_text, whole_message
from fidelity.frontends.render.registry import RenderOptions
from fidelity.text.tokens import one_line
from fidelity.types import Document

# Input text is never at a line's start here (so '#', '-', '+', '1.' are safe); these are what can
# open emphasis, code, links, tables or strike-through anywhere in a line.
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """``text`` on one line as literal Markdown text: HTML's ``&<>`` as entities, the other Markdown
    punctuation backslash-escaped."""
    text = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def _doc_line(label: str, doc: Document) -> str:
    dated = f", dated {doc.date.day.isoformat()}" if doc.date else ""
    return f"**{label}:** {escape(display_path(doc.path))} ({escape(doc.language)}, {len(doc.sentences)} sentences{dated})"


def render_markdown(report: Report, options: RenderOptions = RenderOptions()) -> str:
    o, r = report.original, report.rewrite
    idx = {"original": LineIndex(o.text), "rewrite": LineIndex(r.text)}
    summary = report.summary(options.min_severity)
    sev, beads = summary["counts"]["severity"], summary["beads"]
    out = ["## Fidelity report", "", _doc_line("Original", o) + "  ", _doc_line("Rewrite", r), "",
           f"**Score: {score_text(report)}/100** · {sev['critical']} critical, {sev['major']} major, "
           f"{sev['minor']} minor · {beads['equivalent']} equivalent, {beads['changed']} changed, "
           f"{beads['unrelated']} unrelated, {beads['omitted']} omitted, {beads['added']} added, "
           f"{beads['moved']} moved beads", ""]
    if "filtered" in summary:
        out += [f"{summary['filtered']['findings']} findings below {summary['filtered']['min_severity']} not listed.", ""]
    baseline = baseline_line(report)
    if baseline:
        out += [baseline + ".", ""]
    signature = report.settings.get("signature")
    if signature:
        out += [f"<sub>{escape(signature)}</sub>", ""]
    groups = grouped(report.listed_findings(options.min_severity))
    if not groups:
        out += ["No deviations found" + (" outside the baseline." if report.suppressed else "."), ""]
    for bead_index, findings in groups:
        if bead_index is None:
            out += ["### Not tied to a bead", ""]
        else:
            bead = report.alignment[bead_index]
            similarity = f" {bead.score:.2f}" if bead.original and bead.rewrite else ""
            out += [f"### Bead {bead_index}: {bead.verdict.value}{similarity}{', moved' if bead.moved else ''}", ""]
            for side, doc, indices in (("original", o, bead.original), ("rewrite", r, bead.rewrite)):
                if indices:
                    line, col = idx[side](doc.sentences[indices[0]].start)
                    text = " ".join(doc.sentences[i].text for i in indices)
                    out.append(f"> **{side}** ({line}:{col}): {escape(text)}  ")
            out.append("")
        for f in findings:
            out.append(f"- **{f.severity.value}** {escape(f.category)} ({f.id}): {escape(whole_message(f))}")
            for side, span in (("original", f.original), ("rewrite", f.rewrite)):
                if span is not None:
                    line, col = idx[side](span.start)
                    out.append(f"  - {side} {line}:{col}: “{escape(span.text)}”")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
