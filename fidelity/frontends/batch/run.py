"""``run_batch``: check every pair of a manifest with one run's settings, resumable.

The manifest (``manifest.py``) is read twice: once to validate it and count the pairs (so a bad
manifest fails before any work, and the progress bar has a total), once to check them. This
process computes the keys and skips what is done (``ledger.py``), hands the rest to the engine
(``engines/``: here, in worker processes, or on Ray), and writes each result line as it comes
back (and, with ``reports``, each pair's own report).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from fidelity.frontends.batch.engines import engine_named
from fidelity.frontends.batch.ledger import (
    BatchSummary,
    ResultWriter,
    build_record,
    done_keys,
    pending_pairs,
    run_signature,
)
from fidelity.frontends.batch.manifest import Pair
from fidelity.frontends.batch.progress import ProgressBar
from fidelity.frontends.batch.reports import chosen_report_format, make_reports_folder, write_report
from fidelity.frontends.batch.worker import WorkerTask

if TYPE_CHECKING:
    from fidelity.checking.checker import RunConfig


def run_batch(
    pairs: Callable[[], Iterable[Pair]],
    output: str | Path,
    *,
    run: RunConfig | None = None,
    defaults: Mapping[str, str | None] | None = None,
    retry_errors: bool = False,
    progress: bool | None = None,
    workers: int | None = None,
    engine: str = "local",
    address: str | None = None,
    reports: str | Path | None = None,
    report_format: str | None = None,
    on_error: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Check every pair that ``pairs()`` yields (called twice: to validate and count, then to run),
    appending one JSON line per pair to ``output``; pairs already there are skipped.

    ``run``: the models, device and check config (``RunConfig``; its ``cache_dir`` keeps the
    sentence embeddings on disk). ``defaults`` are per-row options (original_lang, rewrite_lang,
    original_date, rewrite_date) for rows that leave them empty. ``progress``: a progress bar on
    stderr (default: when stderr is a terminal). Raises ``ManifestError`` before any work when
    the manifest is bad. ``engine``: a name in ``engines.ENGINES``; with ``local``, ``workers`` > 1
    checks in that many processes; with ``ray``, ``workers`` actors (``address``: a running
    cluster; default a local one with ``workers`` or 2 CPUs). Every worker opens one ``Checker``.
    Either way results are written by this process, in manifest order. ``reports``: a folder for
    each checked pair's own report, in ``report_format`` (a pair report's format in the renderer
    registry; default HTML if registered, else Markdown); the result line's ``report`` is its
    path relative to ``output``'s folder.
    """
    from fidelity.checking.checker import RunConfig

    chosen = engine_named(engine)
    chosen.require()  # before any work: a one-line error (Ray not installed...)
    render = None
    if reports is not None:
        render = chosen_report_format(report_format)
        reports = Path(reports)
        make_reports_folder(reports)
    run = run or RunConfig()
    if run.cache_dir is not None:  # each worker opens it; a folder that cannot be written fails here, once
        from fidelity.models.embedding_cache import EmbeddingCache

        EmbeddingCache(run.cache_dir).close()
    output = Path(output)
    row_defaults = {k: v for k, v in (defaults or {}).items() if v is not None and v != ""}  # the options given
    total = sum(1 for _ in pairs())  # validates every row first
    signature = run_signature(run)
    done = done_keys(output)
    writer = ResultWriter(output)
    summary = BatchSummary()
    show = sys.stderr.isatty() if progress is None else progress
    bar = ProgressBar(total) if show else None

    def report_error(text: str) -> None:
        if on_error is not None:
            on_error(text)
        elif bar is not None:
            bar.print(text)
        else:
            print(text, file=sys.stderr, flush=True)

    todo = pending_pairs(pairs(), row_defaults, signature, done, retry_errors, summary, bar.skip if bar else None)
    results = chosen.outcomes(todo, WorkerTask(run, render), workers=workers, address=address)
    try:
        for pair, _options, key, outcome in results:
            report = None
            if outcome.rendered is not None and reports is not None and render is not None:
                report = write_report(reports, output, pair, render, outcome.rendered)
            writer.write(build_record(pair, key, outcome, report))
            done[key] = outcome.status
            if outcome.status == "ok":
                summary.ok += 1
            else:
                summary.failed += 1
                report_error(f"fidelity: {pair.id}: {outcome.data['error']}")
            if bar:
                bar.advance()
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        results.close()  # stops the worker processes or Ray, if any
        writer.close()
        if bar:
            bar.stop()
    return summary
