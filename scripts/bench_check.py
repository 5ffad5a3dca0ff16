"""Benchmark fidelity.check: the seed pair (cold, warm, repeated 2x, 4x, 8x), then a whole
1,000 × 1,000-sentence check (WMT21 ru-en) beside the time to embed its sentences once.

The seed pair shows how the time grows with the text (the growth ratio per doubling: 1.0 is
linear, 2.0 quadratic). The WMT21 check puts the 1,000 English segments of translation A (the
original) against the 1,000 Russian source segments (the rewrite), one paragraph each; its
time is printed beside the time the same encoder takes to embed those sentences once, with
empty caches, and beside the time the check itself spent embedding (every text it embedded).

Usage: python scripts/bench_check.py [--repeats N] [--encoder use|use-torch] [--limit N]
                                     [--no-seeds] [--no-wmt] [--wmt PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from _common import SEEDS, WMT21_RU_EN, wmt21_ru_en

ORIGINAL = SEEDS / "001_77e8c4707eb41a8b.txt"
REWRITE = SEEDS / "000_a2e2bae9bb3cb44c.txt"
WMT = WMT21_RU_EN


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _tagged(text: str, copy: int) -> str:
    if copy == 0:
        return text
    return "\n".join(f"({copy}) {line}" if line.strip() else line for line in text.split("\n"))


def _encoder(name: str):
    """The encoder instance fidelity.check uses for ``encoder=name`` (load_encoder caches it by
    its arguments, so they are spelled as the pipeline spells them)."""
    from fidelity.models.encoders import load_encoder

    return load_encoder(name, device="auto", offline=None)


def bench_seeds(encoder_name: str, repeats: int) -> None:
    import fidelity

    original = ORIGINAL.read_bytes().decode("utf-8")
    rewrite = REWRITE.read_bytes().decode("utf-8")
    cold = _timed(lambda: fidelity.check(ORIGINAL, REWRITE, encoder=encoder_name))
    print(f"seed pair, cold (models not loaded): {cold:.2f} s")
    sizes = [1, 2, 4, 8]
    medians = []
    for n in sizes:
        # Each copy's lines are tagged so that the cleaner does not set them aside as duplicates,
        # and embedding caches are cleared so that every run really embeds.
        original_n = "\n\n".join(_tagged(original, k) for k in range(n))
        rewrite_n = "\n\n".join(_tagged(rewrite, k) for k in range(n))
        times = []
        for _ in range(repeats):
            _encoder(encoder_name)._cache.clear()
            start = time.perf_counter()
            report = fidelity.check(original_n, rewrite_n, encoder=encoder_name)  # the last one is described
            times.append(time.perf_counter() - start)
        medians.append(statistics.median(times))
        growth = "" if n == 1 else f"  ×{medians[-1] / medians[-2]:.2f} vs half size"
        print(
            f"warm {n}x: {medians[-1]:.3f} s  ({len(report.original.sentences)}+{len(report.rewrite.sentences)} "
            f"sentences, {len(report.alignment)} beads){growth}"
        )
    print(f"8x / 1x time ratio: {medians[-1] / medians[0]:.1f} (linear would be 8.0)")


def bench_wmt(path: Path, encoder_name: str, limit: int) -> None:
    """One check of ``limit`` × ``limit`` WMT21 segments, beside embedding its sentences once."""
    import fidelity
    from fidelity.checking.pipeline import prepare

    russian, english = wmt21_ru_en(path)
    original, rewrite = "\n\n".join(english[:limit]), "\n\n".join(russian[:limit])
    encoder = _encoder(encoder_name)
    sentences = [s.text for s in prepare(original, "original", "en").sentences]
    sentences += [s.text for s in prepare(rewrite, "rewrite", "ru").sentences]
    encoder._cache.clear()
    encode_s = _timed(lambda: encoder.encode(sentences))
    encoder._cache.clear()
    inside = [0.0]  # seconds the check spent in the encoder's forward pass
    forward = encoder._encode_batch

    def timed_forward(texts):
        start = time.perf_counter()
        try:
            return forward(texts)
        finally:
            inside[0] += time.perf_counter() - start

    encoder._encode_batch = timed_forward
    start = time.perf_counter()
    try:
        report = fidelity.check(original, rewrite, original_lang="en", rewrite_lang="ru", encoder=encoder_name)
    finally:
        del encoder._encode_batch
    check_s = time.perf_counter() - start
    embedded = len(encoder._cache)  # every text the check embedded (sentences and joined spans)
    print(f"WMT21 {limit} × {limit} segments ({len(report.original.sentences)} English + "
          f"{len(report.rewrite.sentences)} Russian sentences, {len(report.alignment)} beads, "
          f"{len(report.findings)} findings), encoder {encoder_name} ({encoder.settings()['backend']}):")
    print(f"  check {check_s:.1f} s   embedding its {len(sentences)} sentences once {encode_s:.1f} s "
          f"({len(sentences) / encode_s:.0f} sent/s)   check / embedding {check_s / encode_s:.2f}")
    print(f"  the check embedded {embedded} texts (sentences and the joined spans the aligner tries) "
          f"in {inside[0]:.1f} s, {inside[0] / check_s:.0%} of its time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm runs per size (median reported)")
    parser.add_argument("--encoder", default="use", help="encoder of every check (default: use)")
    parser.add_argument("--wmt", type=Path, default=WMT, help="WMT21 ru-en JSON lines (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=1000, help="WMT21 segments per side (default: 1000)")
    parser.add_argument("--no-seeds", action="store_true", help="skip the seed pair")
    parser.add_argument("--no-wmt", action="store_true", help="skip the WMT21 check")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    import_time = _timed(lambda: __import__("fidelity.checking.pipeline"))
    print(f"cpu cores: {os.cpu_count()}  import: {import_time:.2f} s  load average: "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.no_seeds:
        bench_seeds(args.encoder, args.repeats)
    if args.no_wmt:
        return
    if not args.wmt.exists():
        print(f"WMT21 check: skipped (no WMT21 ru-en at {args.wmt}; give --wmt)")
        return
    bench_wmt(args.wmt, args.encoder, args.limit)


if __name__ == "__main__":
    main()
