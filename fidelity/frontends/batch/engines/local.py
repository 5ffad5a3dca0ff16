"""The local engine: pairs checked in this process, or in ``workers`` spawned processes.

Each process (this one, or each worker) has one ``PairChecker``, so models load once per
process; results come back in manifest order, at most a few pairs ahead of the writer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fidelity.frontends.batch.engines.base import Checked
from fidelity.frontends.batch.ledger import Job, Outcome
from fidelity.frontends.batch.manifest import Pair
from fidelity.frontends.batch.worker import PairChecker, WorkerTask

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult


@dataclass(frozen=True)
class LocalEngine:
    name: str = "local"
    description: str = "local (this machine)"
    takes_address: bool = False

    def require(self) -> None:
        pass  # needs nothing beyond fidelity

    def outcomes(self, jobs: Iterator[Job], task: WorkerTask, *, workers: int | None = None,
                 address: str | None = None) -> Generator[Checked, None, None]:
        if (workers or 1) > 1:
            yield from _in_processes(jobs, task, workers or 1)
            return
        worker = PairChecker(task)
        for pair, options, key in jobs:
            yield pair, options, key, worker.check(pair, options)


# This worker process's checker, set by the pool's initializer (None in the parent process).
_process_worker: PairChecker | None = None


def _start_worker(task: WorkerTask) -> None:
    import signal

    global _process_worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _process_worker = PairChecker(task)


def _check_in_worker(pair: Pair, options: dict[str, str]) -> Outcome:
    if _process_worker is None:
        raise RuntimeError("a batch worker process was not started with _start_worker")
    return _process_worker.check(pair, options)


def _in_processes(jobs: Iterator[Job], task: WorkerTask, workers: int) -> Generator[Checked, None, None]:
    """Check in ``workers`` processes; yield results in manifest order, at most ``2 * workers``
    pairs ahead of the writer (memory stays flat)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    pool = context.Pool(workers, initializer=_start_worker, initargs=(task,))
    pending: deque[tuple[Pair, dict[str, str], str, AsyncResult[Outcome]]] = deque()
    try:
        for pair, options, key in jobs:
            pending.append((pair, options, key, pool.apply_async(_check_in_worker, (pair, options))))
            while len(pending) >= workers * 2:
                pair_, options_, key_, result = pending.popleft()
                yield pair_, options_, key_, result.get()
        while pending:
            pair_, options_, key_, result = pending.popleft()
            yield pair_, options_, key_, result.get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
