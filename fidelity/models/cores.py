"""A pool of threads for this process's cores, for numpy work shaped as independent pieces (USE's
micro-batches, the context model's sentences): numpy lets go of Python's lock inside its matrix
products, so the pieces compute side by side, and each piece's arithmetic is what it would be
alone. Each piece runs with one BLAS thread: OpenBLAS's own threads meet after every product, and
on shared cores a thread that lost its core stalls the others (issue 19; README, speed).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class CorePool:
    """``map(function, items)`` on ``threads`` threads, results in order (1: in the calling thread)."""

    def __init__(self, threads: int) -> None:
        self.threads = max(1, threads)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        with one_blas_thread():
            if self.threads == 1 or len(items) < 2:
                return [function(item) for item in items]
            return list(self._executor().map(function, items))

    def run(self, calls: Iterable[Callable[[], Any]]) -> None:
        """Each call, on the pool (one BLAS thread each), returning when all are done."""
        self.map(lambda call: call(), list(calls))

    def _executor(self) -> ThreadPoolExecutor:
        # A process forked after the pool started has the pool but not its threads: a new one there.
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="fidelity")
            self._pool_pid = os.getpid()
        return self._pool


def one_blas_thread() -> Any:
    """OpenBLAS on one thread for the duration (``threadpoolctl``; nothing where it is missing).
    Entered around a whole pool's work, so that a piece's own limit, on leaving, restores one."""
    limit = blas_limiter()
    return contextlib.nullcontext() if limit is None else limit(limits=1, user_api="blas")


def blas_limiter() -> Any:
    """threadpoolctl's ``limit(limits=N, user_api="blas")`` over this process's BLAS libraries, or
    None without threadpoolctl (BLAS then keeps its own thread count). One for the process: the
    context model, USE's backend and the pool all limit through it."""
    controller = _controller()
    return None if controller is None else controller.limit


@cache
def _controller() -> Any:
    """The BLAS libraries found once (a scan of the loaded libraries per call cost milliseconds)."""
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController()
    except Exception:  # as USE's package: without threadpoolctl, or where it cannot read the libraries
        return None
