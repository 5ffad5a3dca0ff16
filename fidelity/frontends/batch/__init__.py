"""Batch audits: check many (original, rewrite) pairs with one run's settings, one JSON line per
pair, resumable.

* ``manifest.py``: the pairs (a CSV/TSV or JSON-lines manifest, or two folders matched by name);
* ``ledger.py``: the results file, each pair's key, resuming (what is done), the result line;
* ``worker.py``: one ``Checker`` per worker, a pair's check turned into an ``Outcome``;
* ``engines/``: where pairs are checked, by name (``local``: here or in worker processes;
  ``ray``: Ray actors);
* ``reports.py``: each pair's own report file (``--reports``); ``progress.py``: the progress bar;
* ``run.py``: ``run_batch``, which puts them together.
"""

from __future__ import annotations

from fidelity.frontends.batch.engines import ENGINES, Engine, engine_named
from fidelity.frontends.batch.ledger import (
    RESULT_KEYS,
    BatchSummary,
    Job,
    Outcome,
    ResultWriter,
    build_record,
    done_keys,
    pair_key,
    pending_pairs,
    run_signature,
)
from fidelity.frontends.batch.manifest import (
    KNOWN_COLUMNS,
    OPTION_COLUMNS,
    PATH_COLUMNS,
    ManifestError,
    Pair,
    directory_pairs,
    manifest_pairs,
)
from fidelity.frontends.batch.reports import REPORT_SUFFIX, default_report_format, report_file_name
from fidelity.frontends.batch.run import run_batch
from fidelity.frontends.batch.worker import PairChecker, WorkerTask

__all__ = [
    "ENGINES", "KNOWN_COLUMNS", "OPTION_COLUMNS", "PATH_COLUMNS", "REPORT_SUFFIX", "RESULT_KEYS", "BatchSummary",
    "Engine", "Job", "ManifestError", "Outcome", "Pair", "PairChecker", "ResultWriter", "WorkerTask", "build_record",
    "default_report_format", "directory_pairs", "done_keys", "engine_named", "manifest_pairs", "pair_key",
    "pending_pairs", "report_file_name", "run_batch", "run_signature",
]
