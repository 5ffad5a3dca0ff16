"""The CLI's progress bar for one check: a rich bar on stderr, drawn only when stderr is a terminal
and the check has taken more than ``FIDELITY_PROGRESS_AFTER`` seconds (default 2), so that a quick
check prints nothing extra. ``Checker.check`` reports its stages through the hook this gives."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fidelity.checking.progress import STAGES, ProgressHook

DEFAULT_AFTER_S = 2.0


def _after_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("FIDELITY_PROGRESS_AFTER", DEFAULT_AFTER_S)))
    except ValueError:
        return DEFAULT_AFTER_S


class _StageBar:
    """Holds the latest (stage, done, total); draws it once the delay has passed."""

    def __init__(self, after_s: float) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

        self.lock = threading.Lock()
        self.state = ("segment", 0, 1)
        self.bar = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                            TaskProgressColumn(), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True, refresh_per_second=4)
        self.task: Any = None
        self.timer = threading.Timer(after_s, self._show)
        self.timer.daemon = True
        if after_s > 0:
            self.timer.start()
        else:
            self._show()

    def _label(self, stage: str) -> str:
        return f"{stage} ({STAGES.index(stage) + 1}/{len(STAGES)})" if stage in STAGES else stage

    def _draw(self, refresh: bool = False) -> None:
        stage, done, total = self.state
        self.bar.update(self.task, description=self._label(stage), completed=done, total=max(total, 1),
                        refresh=refresh)

    def _show(self) -> None:
        with self.lock:
            if self.task is None:
                self.task = self.bar.add_task(self._label(self.state[0]), total=1)
                self.bar.start()
                self._draw()

    def __call__(self, stage: str, done: int, total: int) -> None:
        with self.lock:
            new_stage = stage != self.state[0]
            self.state = (stage, done, total)
            if self.task is not None:
                self._draw(refresh=new_stage)  # each stage is drawn, however quickly it passes

    def close(self) -> None:
        self.timer.cancel()
        with self.lock:
            if self.task is not None:
                self.bar.stop()


@contextmanager
def check_progress(quiet: bool) -> Iterator[ProgressHook | None]:
    """A progress hook for ``Checker.check``: a bar on stderr, or None when quiet or stderr is no terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bar = _StageBar(_after_seconds())
    try:
        yield bar
    finally:
        bar.close()
