"""Renderers: one per output format, each a function ``Report -> str``."""

from __future__ import annotations

from typing import Callable

from ..report import Report
from .json import render_json
from .text import render_text

RENDERERS: dict[str, Callable[..., str]] = {"text": render_text, "json": render_json}

__all__ = ["RENDERERS", "render_json", "render_text", "Report"]
