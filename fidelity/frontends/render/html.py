"""``--format html``: one self-contained page (inline CSS and JS, nothing fetched) with the aligned beads
side by side, every finding highlighted where its span lies on each side, word changes marked inside the
beads, filters by severity and category. The markup is the Jinja2 template ``templates/report.html.j2``
(autoescaped: input text is never marked safe); this module only lays the text out as a tree.

Each highlight is a ``<mark data-finding=ID data-side=... data-start data-end>`` whose text is exactly
``text[data-start:data-end]`` of that side. A finding's span is one such element, split into parts
(``data-part``) only where it crosses another finding's span or leaves the bead's text."""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from fidelity.checking.report import Report
from fidelity.frontends.bilingual import BilingualReport
from fidelity.frontends.render.common import (
    baseline_line,
    by_severity,
    display_path,
    grouped,
    score_text,
    whole_message,
)
from fidelity.frontends.render.diff import pieces, word_changes
from fidelity.frontends.render.registry import RenderOptions
from fidelity.types import SEVERITY_ORDER, Document, Finding, Severity


@dataclass
class TextRun:
    """Input text with no finding boundary inside; ``change`` is its word-diff mark, if any."""

    text: str
    change: str | None = None  # "del": removed from the original; "ins": added in the rewrite
    kind: str = "text"


@dataclass
class SentenceStart:
    """An empty anchor where a sentence starts (a link target; adds no text)."""

    side: str
    index: int
    kind: str = "anchor"


@dataclass
class Skip:
    """Between two sentences of one bead that are not neighbours in the text (adds no text)."""

    kind: str = "skip"


@dataclass
class Highlight:
    finding: Finding
    side: str
    start: int
    goal: int  # where the span ends; ``end`` is where this element ends (earlier for a part)
    end: int = -1
    children: list[Node] = field(default_factory=list)
    part: int = 1
    parts: int = 1
    kind: str = "mark"


Node = TextRun | SentenceStart | Skip | Highlight


@dataclass
class SideView:
    side: str
    language: str
    nodes: list[Node]
    back_translations: list[tuple[int, str]]


@dataclass
class Row:
    number: int
    verdict: str
    similarity: str
    moved: bool
    original: SideView
    rewrite: SideView
    findings: list[Finding]
    kind: str = "bead"


@dataclass
class MovedFrom:
    """Where a moved bead's original sentences stood: a row linking to the bead the rewrite moved them into."""

    number: int
    sentences: tuple[int, ...]
    kind: str = "moved"


def _runs(indices: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The sentence indices in runs of neighbours: (3, 4, 7) -> (3, 4), (7,)."""
    out: list[list[int]] = []
    for i in indices:
        if out and out[-1][-1] + 1 == i:
            out[-1].append(i)
        else:
            out.append([i])
    return [tuple(r) for r in out]


def _layout(text: str, side: str, lo: int, hi: int, spans: list[tuple[int, int, Finding]],
            changes: list[tuple[int, int]], change: str, anchors: dict[int, int]) -> list[Node]:
    """``text[lo:hi]`` as a tree: each finding's span a Highlight (nested inside longer ones; closed and
    reopened as a next part only where two spans cross), the word changes marked on the runs inside,
    sentence anchors at their offsets."""
    spans = sorted(((max(s, lo), min(e, hi), f) for s, e, f in spans if s < hi and e > lo and s < e),
                   key=lambda x: (x[0], -x[1], SEVERITY_ORDER[x[2].severity], x[2].id))
    cuts = sorted({lo, hi} | {p for s, e, _ in spans for p in (s, e)}
                  | {p for c in changes for p in c if lo < p < hi} | {p for p in anchors if lo <= p < hi})
    root: list[Node] = []
    stack: list[Highlight] = []
    k = 0

    def push(h: Highlight) -> None:
        (stack[-1].children if stack else root).append(h)
        stack.append(h)

    for n, at in enumerate(cuts):
        ending = [i for i, h in enumerate(stack) if h.goal == at]
        if ending:
            closed = stack[ending[0]:]
            del stack[ending[0]:]
            for h in closed:
                h.end = at
            for h in closed:
                if h.goal > at:  # crossed the span that ended here: goes on as a next part
                    push(Highlight(h.finding, side, at, h.goal))
        if at in anchors:
            (stack[-1].children if stack else root).append(SentenceStart(side, anchors[at]))
        while k < len(spans) and spans[k][0] == at:
            push(Highlight(spans[k][2], side, at, spans[k][1]))
            k += 1
        if n + 1 < len(cuts):
            nxt = cuts[n + 1]
            marked = any(a <= at and nxt <= b for a, b in changes)
            (stack[-1].children if stack else root).append(TextRun(text[at:nxt], change if marked else None))
    return root


def _highlights(nodes: list[Node]) -> Iterator[Highlight]:
    for node in nodes:
        if isinstance(node, Highlight):
            yield node
            yield from _highlights(node.children)


def _side_view(report: Report, side: str, indices: tuple[int, ...], spans: list[tuple[int, int, Finding]],
               changes: list[tuple[int, int]]) -> SideView:
    doc: Document = getattr(report, side)
    nodes: list[Node] = []
    for run in _runs(indices):
        if nodes:
            nodes.append(Skip())
        first, last = doc.sentences[run[0]], doc.sentences[run[-1]]
        anchors = {doc.sentences[i].start: i for i in run}
        nodes += _layout(doc.text, side, first.start, last.end, spans, changes,
                         "del" if side == "original" else "ins", anchors)
    bts = [(i, bt) for i in indices if (bt := doc.sentences[i].back_translation)]
    return SideView(side, doc.language, nodes, bts)


def _pieces(doc: Document, indices: tuple[int, ...]) -> list[tuple[int, int, str]]:
    return [p for run in _runs(indices)
            for p in pieces(doc.text, doc.sentences[run[0]].start, doc.sentences[run[-1]].end)]


def _insert_moved_from(report: Report, rows: list[Row | MovedFrom]) -> None:
    """Give each moved bead's original sentences a row where they stood: before the first in-place bead
    that comes after them in the original (the rows follow the rewrite's order)."""
    def starts_after(row: Row | MovedFrom, first: int) -> bool:
        if not isinstance(row, Row):
            return False
        bead = report.alignment[row.number]
        return not bead.moved and bool(bead.original) and bead.original[0] > first

    moved = [n for n, b in enumerate(report.alignment) if b.moved and b.original]
    for n in sorted(moved, key=lambda n: report.alignment[n].original[0], reverse=True):
        first = report.alignment[n].original[0]
        at = next((k for k, row in enumerate(rows) if starts_after(row, first)), len(rows))
        rows.insert(at, MovedFrom(n, report.alignment[n].original))


def _number_parts(rows: list[Row | MovedFrom]) -> None:
    """A span split into parts (crossing another span, or over two beads) numbers them in text order."""
    parts: dict[tuple[str, str], list[Highlight]] = {}
    for row in rows:
        if isinstance(row, Row):
            for view in (row.original, row.rewrite):
                for h in _highlights(view.nodes):
                    parts.setdefault((view.side, h.finding.id), []).append(h)
    for hs in parts.values():
        for i, h in enumerate(sorted(hs, key=lambda h: h.start), 1):
            h.part, h.parts = i, len(hs)


def _rows(report: Report, findings: list[Finding]) -> list[Row | MovedFrom]:
    o, r = report.original, report.rewrite
    spans = {side: [(getattr(f, side).start, getattr(f, side).end, f) for f in findings if getattr(f, side)]
             for side in ("original", "rewrite")}
    groups = dict(grouped(findings))
    rows: list[Row | MovedFrom] = []
    for n, bead in enumerate(report.alignment):
        both = bool(bead.original and bead.rewrite)
        # Word changes only within one language: across two, every word differs.
        removed, added = (word_changes(_pieces(o, bead.original), _pieces(r, bead.rewrite))
                          if both and o.language == r.language else ([], []))
        rows.append(Row(n, bead.verdict.value, f"{bead.score:.2f}" if both else "", bead.moved,
                        _side_view(report, "original", bead.original, spans["original"], removed),
                        _side_view(report, "rewrite", bead.rewrite, spans["rewrite"], added), groups.get(n, [])))
    _insert_moved_from(report, rows)
    _number_parts(rows)
    return rows


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("fidelity.frontends.render", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["message"] = whole_message
    return env


def _asset(name: str) -> tuple[Markup, str]:
    """Our own stylesheet or script (never input text), inlined, with its CSP hash."""
    text = (files("fidelity.frontends.render") / "templates" / name).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Markup(text), f"'sha256-{digest}'"


def render_html(report: Report, options: RenderOptions = RenderOptions()) -> str:
    findings = report.listed_findings(options.min_severity)
    rows = _rows(report, findings)
    style, style_hash = _asset("report.css")
    script, script_hash = _asset("report.js")
    settings = report.settings
    translator = (settings.get("translator") or {}).get("name", "none")
    return _environment().get_template("report.html.j2").render(
        report=report, rows=rows, unplaced=by_severity(f for f in findings if f.bead is None),
        summary=report.summary(options.min_severity), score=score_text(report),
        severities=[(s.value, sum(1 for f in findings if f.severity is s)) for s in Severity],
        categories=sorted(Counter(f.category for f in findings).items()), listed=len(findings),
        paths={"original": display_path(report.original.path), "rewrite": display_path(report.rewrite.path)},
        models={"encoder": settings.get("encoder", "?"), "translator": translator,
                "back-translation": settings.get("back_translation", "none"),
                "NLI": (settings.get("nli") or {}).get("name", "none")},
        signature=settings.get("signature", ""), baseline=baseline_line(report),
        style=style, script=script, style_hash=style_hash, script_hash=script_hash)


@dataclass
class UnitView:
    """One unit of a bilingual file on its report's page: its beads (one, the unit) and its listed findings."""

    id: str
    index: int
    prefix: str  # keeps the element ids of this unit's findings apart from the other units'
    verdict: str
    similarity: str
    rows: list[Row | MovedFrom]
    unplaced: list[Finding]
    listed: int
    language: str


def render_bilingual_html(report: BilingualReport, options: RenderOptions = RenderOptions()) -> str:
    """A bilingual file's report as one page: the file's summary and the filters at the top, then a section per
    unit with listed findings, laid out as the pair report lays out a bead."""
    units: list[UnitView] = []
    listed_all: list[Finding] = []
    for u in report.units:
        findings = u.report.listed_findings(options.min_severity)
        listed_all += findings
        if not findings:
            continue
        bead = u.report.alignment[0] if u.report.alignment else None
        units.append(UnitView(
            u.unit.id, u.unit.index, f"u{u.unit.index}-", bead.verdict.value if bead else "",
            f"{bead.score:.2f}" if bead and bead.original and bead.rewrite else "", _rows(u.report, findings),
            by_severity(f for f in findings if f.bead is None), len(findings), u.report.original.language))
    summary = report.summary(options.min_severity)
    accepted = summary.get("suppressed", {}).get("findings")
    settings = report.settings
    style, style_hash = _asset("report.css")
    script, script_hash = _asset("report.js")
    return _environment().get_template("bilingual.html.j2").render(
        report=report, units=units, summary=summary,
        score=f"{report.score:.1f}" if report.score is not None else "none",
        severities=[(s.value, sum(1 for f in listed_all if f.severity is s)) for s in Severity],
        categories=sorted(Counter(f.category for f in listed_all).items()), listed=len(listed_all),
        baseline=None if accepted is None else f"{accepted} finding{'' if accepted == 1 else 's'} accepted in baseline (not listed)",
        models={"encoder": settings.get("encoder", "?"), "translator": (settings.get("translator") or {}).get("name", "none"),
                "NLI": (settings.get("nli") or {}).get("name", "none")},
        signature=settings.get("signature", ""),
        style=style, script=script, style_hash=style_hash, script_hash=script_hash)
