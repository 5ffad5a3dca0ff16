"""What an engine is: where the pairs still to do are checked, each by a worker's ``PairChecker``."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Protocol

from fidelity.frontends.batch.ledger import Job, Outcome
from fidelity.frontends.batch.manifest import Pair
from fidelity.frontends.batch.worker import WorkerTask

Checked = tuple[Pair, dict[str, str], str, Outcome]  # a job and its outcome


class Engine(Protocol):
    """Checks jobs and hands back (pair, options, key, outcome) in the jobs' order; the caller
    writes them. Closing the generator stops the engine's workers."""

    @property
    def name(self) -> str:
        """The --engine choice."""
        ...

    @property
    def description(self) -> str:
        """What --help says of it."""
        ...

    @property
    def takes_address(self) -> bool:
        """Whether --address (a cluster to join) means anything to it."""
        ...

    def require(self) -> None:
        """Raise a one-line ``FidelityError`` when the engine cannot run here (before any work)."""
        ...

    def outcomes(self, jobs: Iterator[Job], task: WorkerTask, *, workers: int | None,
                 address: str | None) -> Generator[Checked, None, None]:
        ...
