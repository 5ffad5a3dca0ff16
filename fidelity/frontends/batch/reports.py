"""Each checked pair's own report (``fidelity batch --reports DIR``): its format and file name."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from fidelity.errors import FidelityError
from fidelity.frontends.batch.manifest import Pair

if TYPE_CHECKING:
    from fidelity.checking.report import Report

REPORT_SUFFIX = {"html": ".html", "md": ".md", "json": ".json", "diff": ".diff"}


def report_formats() -> list[str]:
    """The formats a pair's report can be written in (the renderer registry's)."""
    from fidelity.frontends.render import ReportKind, formats

    return formats(ReportKind.PAIR)


def default_report_format() -> str:
    """HTML when that renderer is registered, else Markdown."""
    return "html" if "html" in report_formats() else "md"


def chosen_report_format(format: str | None) -> str:
    """``format``, or the default; a format no renderer has is a one-line error before any work."""
    chosen = format or default_report_format()
    if chosen not in report_formats():
        raise FidelityError(f"unknown report format {chosen!r} (one of: {', '.join(report_formats())})")
    return chosen


def render_pair_report(report: Report, format: str) -> str:
    from fidelity.frontends.render import ReportKind, render

    return render(ReportKind.PAIR, format, report)


def report_file_name(pair_id: str, format: str) -> str:
    """A safe file name from the pair's id: its letters, digits, ``.-_`` (the rest as ``_``), then a
    hash of the whole id, so that two ids that read alike never share a file."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", pair_id).strip("._")[:80] or "pair"
    digest = hashlib.sha256(pair_id.encode("utf-8")).hexdigest()[:8]
    return f"{stem}-{digest}{REPORT_SUFFIX.get(format, '.txt')}"


def make_reports_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FidelityError(f"cannot make the reports folder {folder}: {exc.strerror}") from None


def write_report(folder: Path, output: Path, pair: Pair, format: str, text: str) -> str:
    """Write one pair's report (whole: a temporary file renamed); its path relative to the
    results file's folder, as the result line records it."""
    path = folder / report_file_name(pair.id, format)
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise FidelityError(f"cannot write report {path}: {exc.strerror}") from None
    return Path(os.path.relpath(path.resolve(), output.resolve().parent)).as_posix()
