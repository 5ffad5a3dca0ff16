"""Renderers for ``fidelity quotes``: one per output format, each a function ``traces -> str``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from fidelity.checking.quotations.trace import QuoteTrace
from fidelity.frontends.render.registry import RenderOptions
from fidelity.text.tokens import one_line


def render_quote_traces(traces: Sequence[QuoteTrace], options: RenderOptions = RenderOptions()) -> str:
    """Plain text, one block per quotation."""
    if not traces:
        return "no quotations found\n"
    blocks = []
    for t in traces:
        m = t.match
        q = m.quotation
        status = m.status.replace("_", " ")
        if m.severity is not None:
            status += f" ({m.severity.value})"
        if m.translated:
            status += " [translated]"
        lines = [f"{t.path or '<text>'} {q.start}-{q.end}: {status}", f"  quoted:  {one_line(m.quotation_words)}"]
        if m.source is not None:
            where = "original quotation" if m.source_kind == "quotation" else "original text (unquoted)"
            lines.append(f"  source:  {one_line(m.source.text)}  [{where} {m.source.start}-{m.source.end}]")
        if m.status == "altered":
            lines.append(f"  {m.message()}")
        blocks.append("\n".join(lines))
    counts: dict[str, int] = {}
    for t in traces:
        counts[t.match.status] = counts.get(t.match.status, 0) + 1
    summary = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(counts.items()))
    return "\n\n".join(blocks) + f"\n\n{len(traces)} quotations: {summary}\n"


def render_quote_traces_json(traces: Sequence[QuoteTrace], options: RenderOptions = RenderOptions()) -> str:
    """The traces as a JSON list, one object per quotation."""
    return json.dumps([t.to_dict() for t in traces], ensure_ascii=False, indent=2) + "\n"
