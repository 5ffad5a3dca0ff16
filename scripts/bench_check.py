"""Benchmark fidelity.check on the seed pair: cold, warm, and the pair repeated 2x, 4x, 8x.

Prints wall times and the growth ratio per doubling (1.0 = linear, 2.0 = quadratic).
Usage: python scripts/bench_check.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from _common import SEEDS

ORIGINAL = SEEDS / "001_77e8c4707eb41a8b.txt"
REWRITE = SEEDS / "000_a2e2bae9bb3cb44c.txt"


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _tagged(text: str, copy: int) -> str:
    if copy == 0:
        return text
    return "\n".join(f"({copy}) {line}" if line.strip() else line for line in text.split("\n"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="warm runs per size (median reported)")
    args = parser.parse_args()

    import_time = _timed(lambda: __import__("fidelity.pipeline"))
    import fidelity
    from fidelity.encoders import load_encoder

    original = ORIGINAL.read_bytes().decode("utf-8")
    rewrite = REWRITE.read_bytes().decode("utf-8")
    cold = _timed(lambda: fidelity.check(ORIGINAL, REWRITE))
    print(f"cpu cores: {os.cpu_count()}  import: {import_time:.2f} s")
    print(f"cold (models not loaded): {cold:.2f} s")

    sizes = [1, 2, 4, 8]
    medians = []
    for n in sizes:
        # Each copy's lines are tagged so that the cleaner does not set them aside as duplicates,
        # and embedding caches are cleared so that every run really embeds.
        original_n = "\n\n".join(_tagged(original, k) for k in range(n))
        rewrite_n = "\n\n".join(_tagged(rewrite, k) for k in range(n))
        times = []
        for _ in range(args.repeats):
            load_encoder("use")._cache.clear()
            times.append(_timed(lambda: fidelity.check(original_n, rewrite_n)))
        report = fidelity.check(original_n, rewrite_n)
        medians.append(statistics.median(times))
        growth = "" if n == 1 else f"  ×{medians[-1] / medians[-2]:.2f} vs half size"
        print(
            f"warm {n}x: {medians[-1]:.3f} s  ({len(report.original.sentences)}+{len(report.rewrite.sentences)} "
            f"sentences, {len(report.alignment)} beads){growth}"
        )
    print(f"8x / 1x time ratio: {medians[-1] / medians[0]:.1f} (linear would be 8.0)")


if __name__ == "__main__":
    main()
