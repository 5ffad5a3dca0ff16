"""The one renderer registry, keyed by (report kind, format), and the display options every renderer takes.

A renderer is a function ``(subject, options) -> str``; the subject is the kind's report (a ``Report``, a
``BilingualReport``, a batch ``Summary``, a list of quotation traces). Entries name their function as
``module:function`` and are imported on first use, so that the CLI can build its ``--format`` choices from
this table without loading every renderer (rich, Jinja2, the quotation tracer) at start.

Display options live here, never on the report: a report is what was found; which findings are listed,
colour and width are how it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from importlib import import_module
from typing import Any

from fidelity.types import Severity


class ReportKind(StrEnum):
    PAIR = "pair"  # fidelity.checking.report.Report: one original and one rewrite
    BILINGUAL = "bilingual"  # fidelity.frontends.bilingual.BilingualReport: a bilingual file, unit by unit
    SUMMARY = "summary"  # fidelity.frontends.summary.Summary: a batch's results
    QUOTES = "quotes"  # a list of fidelity.checking.quotations.trace.QuoteTrace: `fidelity quotes`


@dataclass(frozen=True)
class RenderOptions:
    """How a report is shown. ``min_severity``: list only findings at least this severe (the score and the
    counts keep every finding, and the summary says how many were left out); ``links``: a batch summary's
    link from each pair id to its own report file (relative to where the summary is written)."""

    min_severity: Severity | None = None
    color: bool = False
    width: int | None = None
    show_all: bool = False
    links: Mapping[str, str] | None = None


Renderer = Callable[[Any, RenderOptions], str]


@dataclass(frozen=True)
class Entry:
    target: str  # "module:function"
    # The CLI flag that selects this format when it is not a ``--format`` choice (``--brief``).
    flag: str | None = None

    def load(self) -> Renderer:
        module, _, name = self.target.partition(":")
        renderer: Renderer = getattr(import_module(module), name)
        return renderer


# In each kind, the order is the order of the CLI's --format choices.
REGISTRY: dict[tuple[ReportKind, str], Entry] = {
    (ReportKind.PAIR, "text"): Entry("fidelity.frontends.render.text:render_text"),
    (ReportKind.PAIR, "json"): Entry("fidelity.frontends.render.json:render_json"),
    (ReportKind.PAIR, "diff"): Entry("fidelity.frontends.render.diff:render_diff"),
    (ReportKind.PAIR, "md"): Entry("fidelity.frontends.render.markdown:render_markdown"),
    (ReportKind.PAIR, "brief"): Entry("fidelity.frontends.render.brief:render_brief", flag="--brief"),
    (ReportKind.PAIR, "html"): Entry("fidelity.frontends.render.html:render_html"),
    (ReportKind.PAIR, "sarif"): Entry("fidelity.frontends.render.sarif:render_sarif"),
    (ReportKind.BILINGUAL, "text"): Entry("fidelity.frontends.render.bilingual:render_bilingual_text"),
    (ReportKind.BILINGUAL, "json"): Entry("fidelity.frontends.render.bilingual:render_bilingual_json"),
    (ReportKind.BILINGUAL, "diff"): Entry("fidelity.frontends.render.bilingual:render_bilingual_diff"),
    (ReportKind.BILINGUAL, "md"): Entry("fidelity.frontends.render.bilingual:render_bilingual_markdown"),
    (ReportKind.BILINGUAL, "brief"): Entry("fidelity.frontends.render.bilingual:render_bilingual_brief", flag="--brief"),
    (ReportKind.BILINGUAL, "html"): Entry("fidelity.frontends.render.html:render_bilingual_html"),
    (ReportKind.BILINGUAL, "sarif"): Entry("fidelity.frontends.render.sarif:render_bilingual_sarif"),
    (ReportKind.SUMMARY, "html"): Entry("fidelity.frontends.summary:render_html"),
    (ReportKind.SUMMARY, "md"): Entry("fidelity.frontends.summary:render_md"),
    (ReportKind.SUMMARY, "csv"): Entry("fidelity.frontends.summary:render_csv"),
    (ReportKind.SUMMARY, "json"): Entry("fidelity.frontends.summary:render_json"),
    (ReportKind.QUOTES, "text"): Entry("fidelity.frontends.render.quotes:render_quote_traces"),
    (ReportKind.QUOTES, "json"): Entry("fidelity.frontends.render.quotes:render_quote_traces_json"),
}


def formats(kind: ReportKind, *, flagged: bool = True) -> list[str]:
    """The formats registered for ``kind``; ``flagged=False`` leaves out those a flag of their own selects."""
    return [fmt for (k, fmt), entry in REGISTRY.items() if k is kind and (flagged or entry.flag is None)]


def renderer(kind: ReportKind, format: str) -> Renderer:
    try:
        entry = REGISTRY[(kind, format)]
    except KeyError:
        raise KeyError(f"no {kind.value} renderer for format {format!r} (one of: {', '.join(formats(kind))})") from None
    return entry.load()


def render(kind: ReportKind, format: str, subject: Any, options: RenderOptions = RenderOptions()) -> str:
    return renderer(kind, format)(subject, options)


def format_choices(kind: ReportKind, name: str) -> type[Enum]:
    """A str-valued enum of ``kind``'s ``--format`` choices, for a typer option."""
    return Enum(name, {fmt: fmt for fmt in formats(kind, flagged=False)}, type=str)  # type: ignore[return-value]
