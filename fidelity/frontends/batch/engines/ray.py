"""The Ray engine (``fidelity batch --engine ray``): the pairs are checked by Ray actors.

This process reads the manifest, computes the keys, skips what is done, and writes every result
line (and report) as it comes back, exactly as with the local engine; only the checking moves.
The pairs still to do become a Ray Dataset (one block per pair, so results stream back one by
one) mapped by ``PairActor``: each actor opens one ``Checker`` (its models load once) and checks
the pairs it is given. Order is preserved, so the results file lists the pairs in manifest
order, as the local engine writes it.

Ray is an optional extra (``pip install 'fidelity[ray]'``) and is imported only here, lazily.
Without ``address`` a local Ray instance is started (``workers`` or 2 CPUs, no dashboard) and
stopped at the end; with it (``auto`` or ``HOST:6379`` from a node of the cluster, or a Ray
Client ``ray://HOST:10001``) the run joins that cluster, whose nodes must have fidelity
installed and see the manifest's files at the same paths.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Generator, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fidelity.errors import FidelityError
from fidelity.frontends.batch.engines.base import Checked
from fidelity.frontends.batch.ledger import Job, Outcome
from fidelity.frontends.batch.manifest import Pair
from fidelity.frontends.batch.worker import PairChecker, WorkerTask

# One block per pair streams each result back as soon as it is done; past this many pairs they
# share blocks (a block's pairs come back together), to keep the scheduler's bookkeeping small.
MAX_BLOCKS = 10_000
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024  # reports are small; a local run need not take 30% of RAM


def require_ray() -> None:
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError:
        raise FidelityError("--engine ray needs Ray, which is not installed: pip install 'fidelity[ray]'") from None


class PairActor:
    """A Ray Data actor: one ``PairChecker`` (its checker opened here, once), then the batches of pairs it is given."""

    def __init__(self, task: WorkerTask) -> None:
        self.worker = PairChecker(task)
        try:
            self.worker.checker()
        except Exception:  # noqa: BLE001 - each pair then tries again and records the error
            pass

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        outcomes = []
        for job in batch["job"]:
            data = json.loads(str(job))
            pair = Pair(data["id"], Path(data["original"]), Path(data["rewrite"]), row=data["row"])
            outcome = self.worker.check(pair, data["options"])
            outcomes.append(json.dumps(asdict(outcome), ensure_ascii=False))
        return {"index": list(batch["index"]), "outcome": outcomes}


def _job_json(pair: Pair, options: dict[str, str]) -> str:
    """What an actor needs of a pair (its extra columns stay here, with the writer)."""
    return json.dumps({"id": pair.id, "original": str(pair.original), "rewrite": str(pair.rewrite),
                       "row": pair.row, "options": options}, ensure_ascii=False)


@dataclass(frozen=True)
class RayEngine:
    name: str = "ray"
    description: str = "ray (needs pip install 'fidelity\\[ray]')"
    takes_address: bool = True

    def require(self) -> None:
        require_ray()

    def outcomes(self, jobs: Iterator[Job], task: WorkerTask, *, workers: int | None = None,
                 address: str | None = None) -> Generator[Checked, None, None]:
        return ray_outcomes(jobs, task, workers=workers, address=address)


def ray_outcomes(jobs: Iterator[Job], task: WorkerTask, *, workers: int | None = None,
                 address: str | None = None) -> Generator[Checked, None, None]:
    """(pair, options, key, outcome) for each job, in order, checked by ``workers`` actors (default:
    2 on a local instance, one per CPU of a cluster)."""
    pending = list(jobs)  # the keys are computed (files hashed) here, before Ray starts
    if not pending:
        return
    import ray
    import ray.data

    for name in ("ray", "ray.data"):  # start-up notes; failures still reach us as exceptions
        logging.getLogger(name).setLevel(logging.ERROR)
    started = False
    try:
        if not ray.is_initialized():
            if address is None:
                # No dashboard. Ray (2.60) will not bind a local instance to loopback (it resolves
                # 127.0.0.1 to the node's address); its token authentication, on by default, guards it.
                ray.init(num_cpus=workers or 2, include_dashboard=False, object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                         log_to_driver=False, logging_level=logging.ERROR)
            else:
                ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
            started = True
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # manifest order, as the local engine writes
        context.enable_progress_bars = False  # fidelity draws its own
        context.print_on_execution_start = False
        resources = ray.cluster_resources()
        actors = workers or max(1, int(resources.get("CPU", 2)))
        gpus = resources.get("GPU", 0) if task.run.device != "cpu" else 0
        items = [{"index": n, "job": _job_json(pair, options)} for n, (pair, options, _) in enumerate(pending)]
        source = ray.data.from_items(items, override_num_blocks=min(len(items), MAX_BLOCKS))
        # max_restarts=0: a lost actor ends the run (what was written stays; a rerun goes on), as a
        # restarted one could not be trusted to rebuild from constructor arguments Ray keeps in its
        # object store (Ray's default, infinite restarts, logs a core_worker.cc error saying so).
        dataset = source.map_batches(
            PairActor, batch_size=1, compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=1,
            num_gpus=min(1.0, gpus / actors) if gpus else None, fn_constructor_kwargs={"task": task},
            max_restarts=0)
        del items
        for row in dataset.iter_rows():
            pair, options, key = pending[row["index"]]
            yield pair, options, key, Outcome(**json.loads(row["outcome"]))
    except ray.exceptions.RayError as exc:  # a lost actor or node: what was written stays; rerun to go on
        lines = [line for line in str(exc).splitlines() if line.strip()]
        raise FidelityError(f"Ray: {type(exc).__name__}: {lines[0] if lines else ''} (rerun to go on)") from None
    except ConnectionError as exc:
        raise FidelityError(f"Ray: cannot reach the cluster at {address}: {exc}") from None
    finally:
        if started:
            ray.shutdown()
