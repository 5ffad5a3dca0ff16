"""Benchmark big inputs (issue 19): a check's wall time and peak memory against rewrites of 250 KB,
1 MB and 5 MB of unique English text, each against a 4 KB original (the CNN seed) and, up to 1 MB,
against an original of the same size, beside the time the same encoder (same thread setting) takes
to embed the same sentences once.

Each check runs in its own process, so that its peak memory (``ru_maxrss``) is its own. The text
is real and unique: WMT21 English segments (translators A and B of the same source as original and
rewrite where there are two, else the same segment) and WMT21 QE Wikipedia comments, four
segments a paragraph; once those run out, the segments come again reshuffled, each tagged
"(k) " so that no line repeats (a repeated line would be set aside as a duplicate).

Printed: per case the sentences, the check's wall time (models loaded before the clock starts),
the encoding time and sentences per second, check / encoding, seconds per MB and peak memory;
then the time per MB at the largest rewrite against that at the smallest (linear: 1.0). Nothing
is asserted: the figures are printed.

Usage: python scripts/bench_scale.py [--sizes 250k,1m,5m] [--same-max 1m] [--timeout S] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import SEEDS, SHARED_EVAL

ORIGINAL_4K = SEEDS / "001_77e8c4707eb41a8b.txt"
SIZES = {"50k": 50_000, "250k": 250_000, "500k": 500_000, "1m": 1_000_000, "2m": 2_000_000, "5m": 5_000_000}
PER_PARAGRAPH = 4

# One check in a child process: prints a JSON line with its timings and its peak memory.
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from fidelity import Checker, RunConfig
from fidelity.checking.pipeline import prepare
from fidelity.models.encoders import clear_memory_caches

original, rewrite = Path(sys.argv[1]), Path(sys.argv[2])
checker = Checker.open(RunConfig(encoder="use"))
docs = [prepare(original, "original"), prepare(rewrite, "rewrite")]
encoder = checker.encoder_for(*docs)  # loaded here, outside the clock
clear_memory_caches()
start = time.perf_counter()
report = checker.check(original, rewrite)
check_s = time.perf_counter() - start
sentences = [s.text for d in (report.original, report.rewrite) for s in d.sentences]
clear_memory_caches()
start = time.perf_counter()
encoder.encode(sentences)
encode_s = time.perf_counter() - start
print(json.dumps({"check_s": check_s, "encode_s": encode_s, "sentences": len(sentences),
                  "findings": len(report.findings), "score": report.score,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _segment_pairs() -> list[tuple[str, str]]:
    """(original, rewrite) English segments, unique: two translations of one source where there are two."""
    seen: set[str] = set()
    pairs: list[tuple[str, str]] = []

    def add(a: str, b: str) -> None:
        a, b = " ".join(a.split()), " ".join(b.split())
        if len(a) > 20 and len(b) > 20 and a not in seen and b not in seen:
            seen.update((a, b))
            pairs.append((a, b))

    for row in map(json.loads, (SHARED_EVAL / "wmt21-ruen" / "newstest2021-ru-en.jsonl").open(encoding="utf-8")):
        for a, b in zip(row["ref_a_en"], row["ref_b_en"]):
            add(a, b)
    for path in sorted((SHARED_EVAL / "wmt21-multiref").glob("*.jsonl")):
        for row in map(json.loads, path.open(encoding="utf-8")):
            english = [v for k, v in row.items() if k.endswith("_en")]
            if english:
                add(english[0], english[-1])
    csv.field_size_limit(10**8)
    for path in sorted((SHARED_EVAL / "wmt21-ced").glob("*.tsv")):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                add(row["src"], row["src"])
    return pairs


def _text(pairs: list[tuple[str, str]], size: int, side: int) -> str:
    """About ``size`` bytes of one side, in paragraphs; past the first round reshuffled and tagged."""
    out: list[str] = []
    total, round_ = 0, 0
    while total < size:
        order = list(range(len(pairs)))
        if round_:
            random.Random(round_).shuffle(order)
        for start in range(0, len(order), PER_PARAGRAPH):
            lines = [pairs[i][side] for i in order[start : start + PER_PARAGRAPH]]
            paragraph = "\n".join(f"({round_}) {s}" if round_ else s for s in lines) + "\n\n"
            out.append(paragraph)
            total += len(paragraph.encode("utf-8"))
            if total >= size:
                break
        round_ += 1
    return "".join(out)


def _run(original: Path, rewrite: Path, timeout: float) -> dict | None:
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(original), str(rewrite)], capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250k,1m,5m", help=f"rewrite sizes ({', '.join(SIZES)})")
    parser.add_argument("--same-max", default="1m", help="largest size also checked against an original as long")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per check before it is given up")
    parser.add_argument("--keep", type=Path, help="write the inputs here (default: a temporary folder)")
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_scale_"))
    folder.mkdir(parents=True, exist_ok=True)
    pairs = _segment_pairs()
    cases: list[tuple[str, Path, Path]] = []
    for name in sizes:
        rewrite = folder / f"rewrite_{name}.txt"
        rewrite.write_text(_text(pairs, SIZES[name], 1), encoding="utf-8")
        cases.append((f"4 KB × {name}", ORIGINAL_4K, rewrite))
        if SIZES[name] <= SIZES[args.same_max]:
            original = folder / f"original_{name}.txt"
            original.write_text(_text(pairs, SIZES[name], 0), encoding="utf-8")
            cases.append((f"{name} × {name}", original, rewrite))
    print(f"inputs in {folder}; encoder use, FIDELITY_THREADS={__import__('os').environ.get('FIDELITY_THREADS', '')!r}")
    header = (f"{'case':<14} {'sentences':>9} {'check s':>8} {'encode s':>8} {'sent/s':>7} {'check/enc':>9} "
              f"{'s per MB':>8} {'peak MB':>8} {'score':>6}")
    print(header)
    per_mb: dict[str, float] = {}
    for label, original, rewrite in cases:
        result = _run(original, rewrite, args.timeout)
        if result is None:
            print(f"{label:<14} did not finish within {args.timeout:.0f} s")
            continue
        mb = (original.stat().st_size + rewrite.stat().st_size) / 1e6
        if label.startswith("4 KB"):
            per_mb[label] = result["check_s"] / mb
        print(f"{label:<14} {result['sentences']:>9,} {result['check_s']:>8.1f} {result['encode_s']:>8.1f} "
              f"{result['sentences'] / max(result['encode_s'], 1e-9):>7.0f} "
              f"{result['check_s'] / max(result['encode_s'], 1e-9):>9.2f} {result['check_s'] / mb:>8.1f} "
              f"{result['peak_mb']:>8.0f} {result['score'] if result['score'] is not None else float('nan'):>6.1f}", flush=True)
    if len(per_mb) >= 2:
        (small, s_small), (large, s_large) = list(per_mb.items())[0], list(per_mb.items())[-1]
        print(f"time per MB, {large} against {small}: {s_large / s_small:.2f} (linear: 1.0; issue 19 asks ≤ 1.2)")


if __name__ == "__main__":
    main()
