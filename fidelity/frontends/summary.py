"""``fidelity summarize``: one page over a batch's results file (``fidelity batch`` output).

The results are read line by line and each pair is cut down at once to the few fields the page
needs (``PairRow``), so a file of thousands of whole reports is never held in memory. Pairs are
ranked worst first: by their worst finding's severity, then the number of findings, then the
score. The later line for an id supersedes an earlier one (a pair checked again after an edit or
with ``--retry-errors``). Renderers: Markdown, CSV (one row per pair, ranked), JSON (the whole
summary) and one self-contained HTML page (a Jinja2 template with autoescaping: every id, outlet
and error is escaped). Links to the pairs' own reports (``batch --reports``) are relative to the
summary.

A story (one original checked against two rewrites or more) gets a table of its names: one row
per original name, one column per rewrite (its outlet, else its id), the rendering each rewrite
uses ('Beijing' / 'Peking'), read from the result lines' ``names`` (``batch`` finds them with the
check's own alignment and encoder).
"""

from __future__ import annotations

import csv
import io
import json
import os
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fidelity.errors import FidelityError
from fidelity.frontends.render.registry import RenderOptions, ReportKind, render

SEVERITIES = ("critical", "major", "minor")
_RANK: dict[str | None, int] = {s: n for n, s in enumerate(SEVERITIES)}  # a pair without findings: None
FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".csv": "csv", ".json": "json"}
HISTOGRAM_BINS = 10  # 0-10, 10-20, ... 90-100
NAMES_SHOWN = 25  # a story's names in the Markdown and HTML tables (the JSON has them all)


@dataclass(frozen=True)
class PairRow:
    """What the summary keeps of one result line."""

    id: str
    status: str  # ok or error
    error: str | None = None
    score: float | None = None
    severity: tuple[int, int, int] = (0, 0, 0)  # critical, major, minor findings
    categories: tuple[tuple[str, int], ...] = ()
    outlet: str | None = None
    languages: str | None = None  # "ru→en"
    report: str | None = None  # the pair's own report, relative to the results file's folder
    original: str | None = None  # the original's path: the pairs of one story share it
    # (original name, its rendering, other renderings, count); None for a line written without them
    names: tuple[tuple[str, str, tuple[str, ...], int], ...] | None = None

    @property
    def findings(self) -> int:
        return sum(self.severity)

    @property
    def worst(self) -> str | None:
        return next((s for s, n in zip(SEVERITIES, self.severity) if n), None)

    def rank_key(self) -> tuple[int, int, float, str]:
        score = self.score if self.score is not None else 101.0
        return (_RANK.get(self.worst, len(SEVERITIES)), -self.findings, score, self.id)


@dataclass(frozen=True)
class ScoreStats:
    count: int
    min: float
    q1: float
    median: float
    q3: float
    max: float


@dataclass(frozen=True)
class Group:
    """The pairs of one outlet or one language pair."""

    name: str
    pairs: int
    failed: int
    severity: tuple[int, int, int]  # findings by severity
    median_score: float | None

    @property
    def findings(self) -> int:
        return sum(self.severity)


@dataclass(frozen=True)
class NameRow:
    """One original name across a story's rewrites."""

    name: str
    renderings: tuple[str | None, ...]  # per rewrite (``NameTable.columns``): the one it uses most; None: no counterpart
    others: tuple[tuple[str, ...], ...]  # per rewrite: its other renderings
    differs: bool  # two rewrites render it differently (inflected forms aside)


@dataclass(frozen=True)
class NameTable:
    """How each rewrite of one original renders the original's names, the names most rendered first."""

    original: str
    columns: tuple[str, ...]  # one per rewrite: its outlet, else its pair id
    ids: tuple[str, ...]  # the pairs, in column order
    rows: tuple[NameRow, ...]

    @property
    def differing(self) -> int:
        return sum(1 for row in self.rows if row.differs)


@dataclass
class Summary:
    source: str
    ranked: list[PairRow]  # checked pairs, worst first
    failed: list[PairRow]  # in the file's order
    scores: ScoreStats | None
    histogram: list[tuple[str, int]]  # ("0–10", pairs) ...
    categories: list[tuple[str, int, int]]  # (category, findings, pairs), most findings first
    outlets: list[Group] = field(default_factory=list)
    language_pairs: list[Group] = field(default_factory=list)
    superseded: int = 0  # lines replaced by a later line for the same id
    unreadable: int = 0  # lines that are not a result (cut short, or not JSON)
    names: list[NameTable] = field(default_factory=list)  # one per story (an original with two rewrites or more)

    @property
    def total(self) -> int:
        return len(self.ranked) + len(self.failed)


# --- reading ---------------------------------------------------------------------------

def pair_row(record: dict[str, Any]) -> PairRow:
    """One result line cut down to what the summary needs."""
    outlet = record.get("outlet")
    pair_id, status = str(record["id"]), str(record["status"])
    outlet_name = str(outlet) if outlet not in (None, "") else None
    report = record.get("report") or None
    if record["status"] != "ok":
        return PairRow(pair_id, status, outlet=outlet_name, report=report, error=str(record.get("error") or "failed"))
    counts = (record.get("summary") or {}).get("counts") or {}
    severity = counts.get("severity") or {}
    languages = None
    if isinstance(record.get("original"), dict) and isinstance(record.get("rewrite"), dict):
        languages = f"{record['original'].get('language', 'und')}→{record['rewrite'].get('language', 'und')}"
    score = (record.get("summary") or {}).get("score")
    names = record.get("names")
    return PairRow(pair_id, status, outlet=outlet_name, report=report,
                   score=float(score) if score is not None else None,
                   severity=_by_severity(int(severity.get(s, 0)) for s in SEVERITIES),
                   categories=tuple(sorted((str(k), int(v)) for k, v in (counts.get("category") or {}).items())),
                   languages=languages, original=str(record.get("original_path") or "") or None,
                   names=None if names is None else tuple(
                       (str(n["name"]), str(n["rendering"]), tuple(str(o) for o in n.get("others") or ()),
                        int(n.get("count", 1))) for n in names))


def _by_severity(counts: Iterable[int]) -> tuple[int, int, int]:
    """Counts in ``SEVERITIES`` order (critical, major, minor) as a tuple of three."""
    critical, major, minor = counts
    return critical, major, minor


def _quartiles(scores: list[float]) -> ScoreStats:
    ordered = sorted(scores)
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive") if len(ordered) > 1 else ordered * 3
    return ScoreStats(len(ordered), ordered[0], round(q1, 1), round(median, 1), round(q3, 1), ordered[-1])


def _histogram(scores: list[float]) -> list[tuple[str, int]]:
    width = 100 // HISTOGRAM_BINS
    bins = Counter(min(int(s // width), HISTOGRAM_BINS - 1) for s in scores)
    return [(f"{n * width}–{(n + 1) * width}", bins.get(n, 0)) for n in range(HISTOGRAM_BINS)]


def _groups(rows: Iterable[PairRow], name: Callable[[PairRow], str | None]) -> list[Group]:
    members: dict[str, list[PairRow]] = {}
    for row in rows:
        key = name(row)
        if key is not None:
            members.setdefault(key, []).append(row)
    out = []
    for key, group in members.items():
        checked = [r for r in group if r.status == "ok"]
        scores = [r.score for r in checked if r.score is not None]
        out.append(Group(key, len(group), len(group) - len(checked),
                         _by_severity(sum(r.severity[i] for r in checked) for i in range(len(SEVERITIES))),
                         round(statistics.median(scores), 1) if scores else None))
    return sorted(out, key=lambda g: (-g.pairs, g.name))


def _name_tables(rows: Iterable[PairRow]) -> list[NameTable]:
    """A table of names for each original checked against two rewrites or more (whose lines
    carry ``names``), in the order the originals first come."""
    stories: dict[str, list[PairRow]] = {}
    for row in rows:
        if row.status == "ok" and row.original and row.names is not None:
            stories.setdefault(row.original, []).append(row)
    return [_name_table(original, pairs) for original, pairs in stories.items() if len(pairs) >= 2]


def _name_table(original: str, pairs: list[PairRow]) -> NameTable:
    outlets = Counter(p.outlet for p in pairs)
    columns = tuple(p.outlet if p.outlet and outlets[p.outlet] == 1 else
                    f"{p.outlet} ({p.id})" if p.outlet else p.id for p in pairs)
    found: dict[str, dict[int, tuple[str, tuple[str, ...], int]]] = {}
    for column, pair in enumerate(pairs):
        for name, rendering, others, count in pair.names or ():
            found.setdefault(name, {})[column] = (rendering, others, count)
    language = (pairs[0].languages or "").partition("→")[2] or "und"
    ordered = sorted(found, key=lambda n: (-len(found[n]), -sum(c for _, _, c in found[n].values()), n.casefold()))
    rows = []
    for name in ordered:
        by_column = found[name]
        renderings = tuple(by_column[k][0] if k in by_column else None for k in range(len(pairs)))
        rows.append(NameRow(name, renderings, tuple(by_column[k][1] if k in by_column else () for k in range(len(pairs))),
                            _differ([r for r in renderings if r is not None], language)))
    return NameTable(original, columns, tuple(p.id for p in pairs), tuple(rows))


def _differ(renderings: list[str], language: str) -> bool:
    """Whether two renderings are different words, not the same words inflected ('Nordkoreas' /
    'Nordkorea'; 'Asia' is not 'East Asia'), compared as the terminology detector matches terms."""
    distinct = sorted(set(renderings), key=len)
    if len(distinct) < 2:
        return False
    from fidelity.languages import registered
    from fidelity.text.terms import TermIndex

    code = language if language in {lang.code for lang in registered()} else "en"
    base = distinct[0]
    return not all(any((span.start, span.end) == (0, len(other)) for span in TermIndex(other, [(0, len(other))], code).find(base))
                   for other in distinct[1:])


def summarize(lines: Iterable[str | bytes], source: str = "results") -> Summary:
    """The summary of a results stream (one JSON result a line), read line by line."""
    latest: dict[str, PairRow] = {}
    superseded = unreadable = 0
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            row = pair_row(record)
        except (ValueError, KeyError, TypeError, AttributeError):
            unreadable += 1
            continue
        if row.id in latest:
            superseded += 1
            del latest[row.id]  # the later line takes the earlier one's place in file order
        latest[row.id] = row
    rows = list(latest.values())
    ranked = sorted((r for r in rows if r.status == "ok"), key=PairRow.rank_key)
    failed = [r for r in rows if r.status != "ok"]
    scores = [r.score for r in ranked if r.score is not None]
    findings: Counter[str] = Counter()
    affected: Counter[str] = Counter()
    for row in ranked:
        for category, n in row.categories:
            findings[category] += n
            affected[category] += 1
    categories = sorted(((c, n, affected[c]) for c, n in findings.items()), key=lambda t: (-t[1], t[0]))
    return Summary(source, ranked, failed, _quartiles(scores) if scores else None, _histogram(scores), categories,
                   _groups(rows, lambda r: r.outlet), _groups(rows, lambda r: r.languages), superseded, unreadable,
                   _name_tables(rows))


def load_summary(results: str | Path) -> Summary:
    results = Path(results)
    try:
        with results.open("rb") as handle:
            return summarize(handle, results.name)
    except FileNotFoundError:
        raise FidelityError(f"results file {results}: no such file") from None
    except IsADirectoryError:
        raise FidelityError(f"results file {results} is a directory") from None
    except OSError as exc:
        raise FidelityError(f"cannot read results file {results}: {exc.strerror}") from None


def report_links(summary: Summary, results: str | Path, output_dir: str | Path) -> dict[str, str]:
    """id -> URL of the pair's own report, relative to ``output_dir`` (where the summary is written),
    for the reports that exist."""
    base = Path(results).resolve().parent
    out = {}
    for row in summary.ranked:
        if row.report:
            path = base / row.report
            if path.is_file():
                out[row.id] = quote(Path(os.path.relpath(path, Path(output_dir).resolve())).as_posix())
    return out


def format_for(path: str | Path) -> str:
    """The summary format named by a file's suffix; a one-line error for any other suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise FidelityError(f"{path}: cannot tell the summary format from {suffix or 'no suffix'!r} "
                            f"(use {', '.join(sorted(FORMATS))})")
    return FORMATS[suffix]


# --- renderers -------------------------------------------------------------------------

def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _bar(n: int, most: int, width: int = 30) -> str:
    return "█" * (round(width * n / most) if most else 0)


def _overview(summary: Summary) -> str:
    text = f"{summary.total} pairs: {len(summary.ranked)} checked, {len(summary.failed)} failed"
    notes = []
    if summary.superseded:
        notes.append(f"{summary.superseded} earlier lines superseded by a later line for the same id")
    if summary.unreadable:
        notes.append(f"{summary.unreadable} unreadable lines skipped")
    return text + (f" ({'; '.join(notes)})" if notes else "") + "."


def render_md(summary: Summary, options: RenderOptions = RenderOptions()) -> str:
    from fidelity.frontends.render.markdown import escape

    links = options.links or {}
    out = ["# Fidelity batch summary", "", f"{escape(summary.source)}: {_overview(summary)}", ""]
    stats = summary.scores
    if stats is not None:
        most = max(n for _, n in summary.histogram)
        out += ["## Scores", "",
                f"{stats.count} scored pairs: min {_score(stats.min)} · Q1 {_score(stats.q1)} · median "
                f"{_score(stats.median)} · Q3 {_score(stats.q3)} · max {_score(stats.max)}", "",
                "| score | pairs | |", "| --- | ---: | --- |"]
        out += [f"| {label} | {n} | {_bar(n, most)} |" for label, n in summary.histogram]
        out.append("")
    out += ["## Pairs, worst first", ""]
    if summary.ranked:
        out += ["| # | pair | worst | findings | critical | major | minor | score | outlet | languages |",
                "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
        for n, row in enumerate(summary.ranked, 1):
            name = escape(row.id)
            if row.id in links:
                name = f"[{name}]({links[row.id]})"
            out.append(f"| {n} | {name} | {row.worst or 'none'} | {row.findings} | "
                       + " | ".join(str(k) for k in row.severity)
                       + f" | {_score(row.score)} | {escape(row.outlet or '')} | {escape(row.languages or '')} |")
    else:
        out.append("No pair was checked.")
    out.append("")
    if summary.failed:
        out += ["## Failed pairs", "", "| pair | error |", "| --- | --- |"]
        out += [f"| {escape(row.id)} | {escape(row.error or '')} |" for row in summary.failed]
        out.append("")
    if summary.categories:
        out += ["## Findings by category", "", "| category | findings | pairs |", "| --- | ---: | ---: |"]
        out += [f"| {escape(c)} | {n} | {p} |" for c, n, p in summary.categories]
        out.append("")
    for title, groups in (("By outlet", summary.outlets), ("By language pair", summary.language_pairs)):
        if groups:
            out += [f"## {title}", "", "| | pairs | failed | findings | critical | major | minor | median score |",
                    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
            out += [f"| {escape(g.name)} | {g.pairs} | {g.failed} | {g.findings} | "
                    + " | ".join(str(k) for k in g.severity) + f" | {_score(g.median_score)} |" for g in groups]
            out.append("")
    for table in summary.names:
        out += [f"## Names: {escape(table.original)}", "", _names_overview(table), "",
                "| name | " + " | ".join(escape(c) for c in table.columns) + " | differs |",
                "| --- | " + " | ".join("---" for _ in table.columns) + " | --- |"]
        out += [f"| {escape(row.name)} | " + " | ".join(escape(_cell(r, o)) for r, o in zip(row.renderings, row.others))
                + f" | {'yes' if row.differs else ''} |" for row in table.rows[:NAMES_SHOWN]]
        out.append("")
    return "\n".join(out)


def _names_overview(table: NameTable) -> str:
    shown = min(len(table.rows), NAMES_SHOWN)
    more = f" (the {shown} most rendered; all {len(table.rows)} in the JSON summary)" if len(table.rows) > shown else ""
    return (f"{len(table.columns)} rewrites of this original: how each renders its {len(table.rows)} names{more}; "
            f"{table.differing} rendered differently by two rewrites. —: no counterpart in that rewrite.")


def _cell(rendering: str | None, others: tuple[str, ...]) -> str:
    """A rewrite's rendering of a name, its other renderings after it; '—' where it has none."""
    return "—" if rendering is None else " / ".join((rendering, *others))


CSV_COLUMNS = ("rank", "id", "status", "worst", "findings", *SEVERITIES, "score", "outlet", "languages", "report", "error")


def render_csv(summary: Summary, options: RenderOptions = RenderOptions()) -> str:
    """One row per pair: the checked ones ranked worst first, then the failed ones."""
    links = options.links or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for n, row in enumerate(summary.ranked, 1):
        writer.writerow([n, row.id, row.status, row.worst or "", row.findings, *row.severity,
                         "" if row.score is None else row.score, row.outlet or "", row.languages or "",
                         links.get(row.id, ""), ""])
    for row in summary.failed:
        writer.writerow(["", row.id, row.status, "", "", "", "", "", "", row.outlet or "", "", "", row.error or ""])
    return buffer.getvalue()


def render_json(summary: Summary, options: RenderOptions = RenderOptions()) -> str:
    """The whole summary as one JSON object (``dataclasses.asdict``), with each pair's report link."""
    from dataclasses import asdict

    data = asdict(summary)
    data["total"] = summary.total
    for row in data["ranked"]:
        row["link"] = (options.links or {}).get(row["id"])
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_html(summary: Summary, options: RenderOptions = RenderOptions()) -> str:
    """One self-contained page (inline style, no script, nothing fetched); all input escaped."""
    from importlib.resources import files

    import jinja2

    template = (files("fidelity.frontends.render") / "templates" / "summary.html.j2").read_text(encoding="utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True)
    most = max((n for _, n in summary.histogram), default=0)
    return environment.from_string(template).render(
        s=summary, links=options.links or {}, overview=_overview(summary), score=_score, severities=SEVERITIES,
        names_overview=_names_overview, cell=_cell, names_shown=NAMES_SHOWN,
        histogram=[(label, n, round(100 * n / most) if most else 0) for label, n in summary.histogram])


def write_summary(results: str | Path, format: str, output: str | Path | None = None) -> str:
    """Summarize ``results`` in ``format``; write it to ``output`` (links relative to its folder) and
    return the text (without ``output``, links are relative to the working directory)."""
    summary = load_summary(results)
    folder = Path(output).parent if output is not None else Path(".")
    text = render(ReportKind.SUMMARY, format, summary, RenderOptions(links=report_links(summary, results, folder)))
    if output is not None:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise FidelityError(f"cannot write {output}: {exc.strerror}") from None
    return text
