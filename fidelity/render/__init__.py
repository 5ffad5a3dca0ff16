"""Renderers: one per output format, each a function ``Report -> str``; ``fidelity quotes``
has its own, each a function ``traces -> str``."""

from __future__ import annotations

from typing import Callable

from ..report import Report
from .bilingual import render_bilingual_json, render_bilingual_text
from .brief import render_brief
from .diff import render_diff
from .html import render_html
from .json import render_json
from .markdown import render_markdown
from .quotes import render_quote_traces, render_quote_traces_json
from .sarif import render_sarif
from .text import render_text

RENDERERS: dict[str, Callable[..., str]] = {"text": render_text, "json": render_json, "diff": render_diff,
                                             "md": render_markdown, "brief": render_brief, "html": render_html,
                                             "sarif": render_sarif}
# A bilingual file's report (``fidelity.bilingual.BilingualReport``): its units, each with its findings.
BILINGUAL_RENDERERS: dict[str, Callable[..., str]] = {"text": render_bilingual_text, "json": render_bilingual_json}
QUOTE_RENDERERS: dict[str, Callable[..., str]] = {"text": render_quote_traces, "json": render_quote_traces_json}

__all__ = ["BILINGUAL_RENDERERS", "QUOTE_RENDERERS", "RENDERERS", "render_brief", "render_diff", "render_html", "render_json", "render_markdown", "render_quote_traces", "render_quote_traces_json", "render_sarif",
           "render_text", "Report"]
