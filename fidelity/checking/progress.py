"""How far a check has got, for a front end to show: the library itself draws nothing.

``Checker.check(..., progress=hook)`` calls ``hook(stage, done, total)`` as it goes, stage by stage
in the order of ``STAGES``; the CLI turns the calls into a progress bar on stderr
(``fidelity/frontends/progress_bar.py``). Without a hook a check is silent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

STAGES = ("segment", "embed", "align", "detect")

ProgressHook = Callable[[str, int, int], None]  # (stage, done, total)

# Sentences embedded per progress step: a multiple of the USE batch (64), so that a side of up to
# this many sentences is embedded in the one call that alignment would make itself.
EMBED_STEP = 1024


def silent(stage: str, done: int, total: int) -> None:
    """The default hook: nothing is reported."""


def embed_sides(encoder: Any, sides: Sequence[Sequence[str]], progress: ProgressHook) -> None:
    """Embed each side's sentences ahead of alignment, in steps, saying how far it got. The encoder
    caches what it embeds, so alignment then finds every sentence's vector ready."""
    total = sum(len(side) for side in sides)
    done = 0
    progress("embed", 0, total)
    if total > getattr(encoder, "max_cached", total):  # more than its cache keeps: alignment embeds them
        progress("embed", total, total)
        return
    for side in sides:
        for start in range(0, len(side), EMBED_STEP):
            chunk = list(side[start : start + EMBED_STEP])
            np.asarray(encoder.encode(chunk))
            done += len(chunk)
            progress("embed", done, total)
