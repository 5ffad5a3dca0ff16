"""The batch's progress bar on stderr: pairs done, pairs/s, ETA (skipped pairs leave the total)."""

from __future__ import annotations

import time


class ProgressBar:
    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=self.console, transient=False)
        self.total = total
        self.done = 0
        self.started = time.perf_counter()
        self.task = self.progress.add_task("batch", total=total, rate="")
        self.progress.start()

    def skip(self) -> None:
        self.total -= 1
        self.progress.update(self.task, total=self.total)

    def advance(self) -> None:
        self.done += 1
        rate = self.done / max(time.perf_counter() - self.started, 1e-9)
        self.progress.update(self.task, advance=1, rate=f"{rate:.2f} pairs/s")

    def print(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False)

    def stop(self) -> None:
        self.progress.stop()
