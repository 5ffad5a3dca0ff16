"""Benchmark big inputs (issue 19): a check's wall time and peak memory against rewrites of 250 KB,
1 MB and 5 MB of unique English text, each against a 4 KB original (the CNN seed) and, up to 1 MB,
against an original of the same size, beside the time the same encoder (same thread setting) takes
to embed the same sentences once.

Each check runs in its own process, so that its peak memory (``ru_maxrss``) is its own. The text
is real and unique: WMT21 English segments (translators A and B of the same source as original and
rewrite where there are two, else the same segment) and WMT21 QE Wikipedia comments, four
segments a paragraph; once those run out, the segments come again reshuffled, each tagged
"(k) " so that no line repeats (a repeated line would be set aside as a duplicate).

The encoding floor is the check's own "embed" stage: the check embeds every sentence of both sides
once, through the encoder it then aligns with, before aligning (``fidelity/checking/progress.py``),
so it costs no second pass. Where a side has more sentences than the encoder's cache keeps (5 MB:
74,000) the check skips that stage, and the child embeds the same sentences once after the check,
its caches emptied.

Cases run from small to large. A check of two long sides is stopped once it has run --stop times its
encoding floor (estimated from the 4 KB case of the same rewrite; issue 19 asks for at most 1.25×):
the line says how far it got (stage, step) and the larger same-size cases are then not run, since
they would not do better. --stop 0 runs every case to its end (1 MB × 1 MB then takes, extrapolated
from 50 KB and 250 KB, about half an hour on this project's 2-core machine).

Printed: per case the sentences, the check's wall time (models loaded before the clock starts),
the encoding time and sentences per second, check / encoding, seconds per MB and peak memory,
where the check's time went (stages; the slowest detectors), and its CPU time (every thread), with
the least check / encoding that this much work allows on the process's cores (CPU time over cores,
whatever overlaps); then the time per MB at the largest rewrite against that at the smallest
(linear: 1.0) and issue 19's targets. Nothing is asserted.

Usage: python scripts/bench_scale.py [--sizes 250k,1m,5m] [--same-max 1m] [--stop F] [--timeout S] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _common import SEEDS, SHARED_EVAL

ORIGINAL_4K = SEEDS / "001_77e8c4707eb41a8b.txt"
SIZES = {"50k": 50_000, "250k": 250_000, "500k": 500_000, "1m": 1_000_000, "2m": 2_000_000, "5m": 5_000_000}
PER_PARAGRAPH = 4
RATIO_TARGET = 1.25  # issue 19: a check costs at most 1.25× its encoding
PER_MB_TARGET = 1.2  # issue 19: time per MB at 5 MB within 1.2× that at 250 KB
PEAK_TARGET_MB = 1536  # issue 19: at most 1.5 GB at 5 MB

# One check in a child process: prints one JSON line, with its timings, its stages and its peak
# memory, or, when stopped (argv[3] seconds after the check began; 0: never), how far it got.
CHILD = r"""
import json, os, resource, sys, threading, time
from pathlib import Path
from fidelity import Checker, RunConfig
from fidelity.checking.pipeline import prepare
from fidelity.models.encoders import clear_memory_caches

original, rewrite, stop_after = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
checker = Checker.open(RunConfig(encoder="use"))
# Loaded here, outside the clock; both sides are English, so a short English text chooses it.
probe = prepare("The encoder is loaded before the clock starts. It embeds English.", "original", "en")
encoder = checker.encoder_for(probe, probe)
encoder.encode(["warm"])
clear_memory_caches()
marks = []  # (stage, done, total, seconds since the start)
cpu_at = []  # the process's CPU seconds (every thread) at each mark
start, start_cpu = time.perf_counter(), time.process_time()

def hook(stage, done, total):
    marks.append((stage, done, total, time.perf_counter() - start))
    cpu_at.append(time.process_time() - start_cpu)

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def stop():
    stage, done, total, _ = marks[-1] if marks else ("start", 0, 0, 0.0)
    print(json.dumps({"stopped_s": time.perf_counter() - start, "stage": stage, "done": done, "total": total,
                      "marks": marks, "peak_mb": peak_mb()}), flush=True)
    os._exit(3)

if stop_after > 0:
    threading.Timer(stop_after, stop).start()
report = checker.check(original, rewrite, progress=hook)
check_s, check_cpu = time.perf_counter() - start, time.process_time() - start_cpu
sentences = [s.text for d in (report.original, report.rewrite) for s in d.sentences]
embeds = [m for m in marks if m[0] == "embed"]
if embeds and embeds[-1][2] <= encoder.max_cached:  # the check embedded every sentence once, ahead
    after = marks.index(embeds[-1]) + 1
    encode_s, encode_how = marks[after][3] - embeds[0][3], "embed stage"
    encode_cpu = cpu_at[after] - cpu_at[marks.index(embeds[0])]
else:
    from fidelity.models.use_tokenizer import load_use_tokenizer

    clear_memory_caches()
    load_use_tokenizer().lattice.cache_clear()  # cold, as in the check: its words' pieces found again
    begin, begin_cpu = time.perf_counter(), time.process_time()
    encoder.encode(sentences)
    encode_s, encode_how = time.perf_counter() - begin, "after the check"
    encode_cpu = time.process_time() - begin_cpu
print(json.dumps({"check_s": check_s, "encode_s": encode_s, "encode_how": encode_how, "sentences": len(sentences),
                  "check_cpu": check_cpu, "encode_cpu": encode_cpu, "cores": len(os.sched_getaffinity(0)),
                  "findings": len(report.findings), "score": report.score, "marks": marks,
                  "detectors": list(report.settings.get("detectors", {})), "peak_mb": peak_mb()}), flush=True)
os._exit(0)
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


@dataclass(frozen=True)
class Case:
    label: str
    original: Path
    rewrite: Path
    size: str  # the rewrite's size
    same: bool  # the original as long as the rewrite

    @property
    def mb(self) -> float:
        return (self.original.stat().st_size + self.rewrite.stat().st_size) / 1e6


def _run(case: Case, stop_after: float, timeout: float) -> dict | None:
    """The child's JSON line (a result, or how far it got when stopped); None when it failed."""
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(case.original), str(case.rewrite), str(stop_after)],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"{case.label:<14} did not finish within {timeout:.0f} s")
        return None
    if done.returncode not in (0, 3) or not done.stdout.strip():
        print(f"{case.label:<14} failed (exit {done.returncode}): {done.stderr[-2000:]}")
        return None
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _stages(result: dict, detectors: int = 3) -> str:
    """Where the check's time went: each stage, and the slowest detectors."""
    marks = result["marks"]
    end = result.get("check_s", result.get("stopped_s"))
    names = result.get("detectors") or []
    spans: dict[str, float] = {}
    by_detector: dict[str, float] = {}
    for (stage, done, total, at), (*_, after) in zip(marks, [*marks[1:], ("end", 0, 0, end)]):
        if stage == "detect" and done == total:
            stage = "findings"  # after the last detector: merging, numbering, the report
        elif stage == "detect" and done < len(names):
            by_detector[names[done]] = by_detector.get(names[done], 0.0) + after - at
        spans[stage] = spans.get(stage, 0.0) + after - at
    text = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in spans.items())
    slowest = sorted(by_detector.items(), key=lambda item: -item[1])[:detectors]
    if slowest:
        text += " (" + ", ".join(f"{name} {seconds:.1f}" for name, seconds in slowest) + ")"
    return text


def _least_ratio(result: dict) -> float:
    """The least check / encode that any schedule of the check's work could reach on the process's
    cores: the check's CPU seconds (every thread) cannot take less wall time than spread evenly over
    them, however its stages overlapped, nor less than the encoding itself."""
    return max(1.0, result["check_cpu"] / (result["cores"] * max(result["encode_s"], 1e-9)))


def _cpu(result: dict) -> str:
    rest = result["check_cpu"] - result["encode_cpu"]
    return (f"check {result['check_cpu']:.1f} s (encoding {result['encode_cpu']:.1f} s, the rest {rest:.1f} s) "
            f"on {result['cores']} cores: spread evenly, no less than {_least_ratio(result):.2f}× the encoding")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250k,1m,5m", help=f"rewrite sizes ({', '.join(SIZES)})")
    parser.add_argument("--same-max", default="1m", help="largest size also checked against an original as long")
    parser.add_argument("--stop", type=float, default=5.0,
                        help="stop a check of two long sides after this many times its encoding floor (0: never)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per check before it is given up")
    parser.add_argument("--keep", type=Path, help="write the inputs here and keep them (default: a temporary "
                        "folder, removed at the end)")
    args = parser.parse_args()
    unknown = [name for name in [*args.sizes.split(","), args.same_max] if name.strip() and name.strip() not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0].strip()!r} (sizes: {', '.join(SIZES)})")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        bench(args, args.keep)
        return
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as folder:
        bench(args, Path(folder))


def bench(args: argparse.Namespace, folder: Path) -> None:
    sizes = sorted({s.strip() for s in args.sizes.split(",") if s.strip()}, key=lambda name: SIZES[name])
    pairs = _segment_pairs()
    cases: list[Case] = []
    for name in sizes:
        rewrite = folder / f"rewrite_{name}.txt"
        rewrite.write_text(_text(pairs, SIZES[name], 1), encoding="utf-8")
        cases.append(Case(f"4 KB × {name}", ORIGINAL_4K, rewrite, name, same=False))
        if SIZES[name] <= SIZES[args.same_max]:
            original = folder / f"original_{name}.txt"
            original.write_text(_text(pairs, SIZES[name], 0), encoding="utf-8")
            cases.append(Case(f"{name} × {name}", original, rewrite, name, same=True))
    print(f"inputs in {folder}; encoder use, FIDELITY_THREADS={os.environ.get('FIDELITY_THREADS', '')!r}; "
          f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'case':<14} {'sentences':>9} {'check s':>8} {'encode s':>8} {'sent/s':>7} {'check/enc':>9} "
          f"{'s per MB':>8} {'peak MB':>8} {'score':>6}  encoding measured", flush=True)
    finished: dict[str, dict] = {}
    floors: dict[str, float] = {}  # the rewrite's encoding floor, from its 4 KB case
    stopped: list[str] = []
    for case in cases:
        stop_after = 0.0
        if case.same and args.stop > 0:
            if stopped:
                print(f"{case.label:<14} not run: {stopped[0]} was stopped, and a longer pair would not do better "
                      f"(--stop 0 runs it)", flush=True)
                continue
            # About both sides' floor: the original is as long as the rewrite (at least 10 s, for start-up noise).
            stop_after = max(10.0, args.stop * 2 * floors.get(case.size, 0.0))
        result = _run(case, stop_after, args.timeout)
        if result is None:
            continue
        if "stopped_s" in result:
            stopped.append(case.label)
            print(f"{case.label:<14} stopped after {result['stopped_s']:.0f} s, {args.stop:g}× its encoding floor of about "
                  f"{stop_after / args.stop:.1f} s, in {result['stage']} ({result['done']} of {result['total']}): "
                  f"check / encode > {args.stop:g}; peak so far {result['peak_mb']:.0f} MB", flush=True)
            print(f"{'':<14} time so far: {_stages(result)}", flush=True)
            continue
        finished[case.label] = result
        if not case.same:
            floors[case.size] = result["encode_s"]
        score = result["score"] if result["score"] is not None else float("nan")
        print(f"{case.label:<14} {result['sentences']:>9,} {result['check_s']:>8.1f} {result['encode_s']:>8.1f} "
              f"{result['sentences'] / max(result['encode_s'], 1e-9):>7.0f} "
              f"{result['check_s'] / max(result['encode_s'], 1e-9):>9.2f} {result['check_s'] / case.mb:>8.1f} "
              f"{result['peak_mb']:>8.0f} {score:>6.1f}  {result['encode_how']}", flush=True)
        print(f"{'':<14} time: {_stages(result)}", flush=True)
        print(f"{'':<14} CPU: {_cpu(result)}", flush=True)
    print("targets (issue 19):")
    for case in cases:
        if case.label in finished:
            ratio = finished[case.label]["check_s"] / max(finished[case.label]["encode_s"], 1e-9)
            print(f"  {case.label}: check / encode {ratio:.2f} ≤ {RATIO_TARGET}  {_verdict(ratio <= RATIO_TARGET)}"
                  f"  (least possible with this CPU work on these cores: {_least_ratio(finished[case.label]):.2f})")
        elif case.label in stopped:
            print(f"  {case.label}: check / encode > {args.stop:g} ≤ {RATIO_TARGET}  FAIL")
    per_mb = {c.label: finished[c.label]["check_s"] / c.mb for c in cases if not c.same and c.label in finished}
    if len(per_mb) >= 2:
        (small, s_small), (large, s_large) = list(per_mb.items())[0], list(per_mb.items())[-1]
        ratio = s_large / s_small
        print(f"  time per MB, {large} against {small}: {ratio:.2f} ≤ {PER_MB_TARGET} (linear: 1.0)  "
              f"{_verdict(ratio <= PER_MB_TARGET)}")
    largest = next((c for c in reversed(cases) if not c.same and c.label in finished), None)
    if largest is not None:
        peak = finished[largest.label]["peak_mb"]
        print(f"  peak memory, {largest.label}: {peak:.0f} MB ≤ {PEAK_TARGET_MB} MB  {_verdict(peak <= PEAK_TARGET_MB)}")


if __name__ == "__main__":
    main()
