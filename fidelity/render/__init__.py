"""Renderers: one per output format, each a function ``Report -> str``; ``fidelity quotes``
has its own, each a function ``traces -> str``."""

from __future__ import annotations

from typing import Callable

from ..report import Report
from .json import render_json
from .quotes import render_quote_traces, render_quote_traces_json
from .text import render_text

RENDERERS: dict[str, Callable[..., str]] = {"text": render_text, "json": render_json}
QUOTE_RENDERERS: dict[str, Callable[..., str]] = {"text": render_quote_traces, "json": render_quote_traces_json}

__all__ = ["QUOTE_RENDERERS", "RENDERERS", "render_json", "render_quote_traces", "render_quote_traces_json",
           "render_text", "Report"]
