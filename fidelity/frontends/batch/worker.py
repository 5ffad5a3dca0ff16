"""What every engine runs where the pairs are checked: one ``Checker`` per worker, many pairs.

The in-process loop, each ``--workers`` process and each Ray actor build one ``PairChecker``;
it opens one ``Checker`` for the run (so models load once per worker) and checks each pair it is
given, turning any failure into that pair's one-line error.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fidelity.errors import FidelityError
from fidelity.frontends.batch.ledger import Outcome
from fidelity.frontends.batch.manifest import Pair
from fidelity.frontends.batch.reports import render_pair_report

if TYPE_CHECKING:
    from fidelity.checking.checker import Checker, RunConfig


@dataclass(frozen=True)
class WorkerTask:
    """What a worker is built from (pickled to worker processes and Ray actors)."""

    run: RunConfig
    render: str | None = None  # the --reports format, or None for no per-pair report


def _one_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    text = lines[0].strip() if lines else ""
    return text if isinstance(exc, FidelityError) else f"{type(exc).__name__}: {text}".rstrip(": ")


def _iso_date(value: str | None, what: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise FidelityError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


class PairChecker:
    """One worker: its ``Checker`` (opened on first use, then kept) and the pairs it checks."""

    def __init__(self, task: WorkerTask) -> None:
        self.task = task
        self._checker: Checker | None = None

    def checker(self) -> Checker:
        """The worker's checker; a failed open (a model that cannot load) is tried again on the
        next pair, whose error it becomes, as each pair's own check would have failed."""
        if self._checker is None:
            from fidelity.checking.checker import Checker

            self._checker = Checker.open(self.task.run)
        return self._checker

    def check(self, pair: Pair, options: dict[str, str]) -> Outcome:
        """Check one pair; any failure is this pair's, recorded as a one-line error."""
        from fidelity.checking.checker import TextInput

        start = time.perf_counter()
        rendered = None
        try:
            for side in ("original", "rewrite"):
                if str(getattr(pair, side)) in ("", "."):
                    raise FidelityError(f"row {pair.row}: no {side} path")
            original = TextInput(pair.original, options.get("original_lang"),
                                 _iso_date(options.get("original_date"), "original_date"))
            rewrite = TextInput(pair.rewrite, options.get("rewrite_lang"),
                                _iso_date(options.get("rewrite_date"), "rewrite_date"))
            report = self.checker().check(original, rewrite)
            # How the rewrite renders the original's names: the summary's table of a story's names
            from fidelity.checking.glossary_extract import rendered_names

            status, data = "ok", {**report.to_dict(), "names": rendered_names(self.checker(), report)}
            if self.task.render is not None:
                rendered = render_pair_report(report, self.task.render)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # any failure is this pair's, recorded; the batch goes on
            status, data = "error", {"error": _one_line(exc)}
        finally:
            if self.task.run.cache_dir is not None:
                # the disk has this pair's embeddings: memory stays flat over the manifest
                from fidelity.models.encoders import clear_memory_caches

                clear_memory_caches()
        return Outcome(status, data, round(time.perf_counter() - start, 3), rendered)
