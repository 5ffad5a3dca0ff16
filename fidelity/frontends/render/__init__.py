"""Renderers: one registry keyed by (report kind, format) (``registry.py``), each renderer a function
``(subject, RenderOptions) -> str``. Importing this package loads no renderer; ``render`` loads the one asked for."""

from __future__ import annotations

from fidelity.frontends.render.registry import (
    REGISTRY,
    RenderOptions,
    ReportKind,
    format_choices,
    formats,
    render,
    renderer,
)

__all__ = ["REGISTRY", "RenderOptions", "ReportKind", "format_choices", "formats", "render", "renderer"]
