"""Whole-process costs (issues 19 and 18): the seed checks beside `fidelity version`, a batch with a
cold and a warm cache beside a shell loop, and what the learned judge adds.

    python scripts/bench_process.py [--only seeds|batch|judge] [--rounds N] [--pairs N] [--loop N]
                                    [--workdir DIR]

Every figure is a whole process (`python -m fidelity.frontends.cli ...`, the checkout's fidelity,
models offline), timed from outside: wall seconds, CPU seconds (user + system, its children
included) and peak RSS (the kernel's high-water mark of the largest process, from wait4). The
commands of a part run in turn, round after round, after one warm-up round that is not counted
(the files in the page cache), so a machine whose load drifts slows them alike; ratios are taken
within a round, then their median. The load average is printed before and after: the targets
are for a quiet machine, and on a loaded one the CPU seconds say more than the wall.

- seeds: `fidelity version` (the floor: Python and the CLI's imports), then `fidelity check` of
  seeds 000 and 003 against 001 (`--original-date 2023-05-10`); target (issue 19): each check
  ≤ 3 s.
- batch: a manifest of --pairs pairs (at least 26), same-language and cross-lingual alternating:
  same-language are the seeds (000, 002, 003, 004 against 001) and WMT21 ru-en documents in two
  English translations (A against B); cross-lingual are WMT21 documents (English A against the
  Russian source; other documents than the A/B ones) and REFreSD sentence pairs (English, French),
  one document to two sentence pairs. `fidelity batch` runs on the whole manifest and on its
  same-language and cross-lingual halves, each with a cold embedding cache (a new folder) and
  warm (the same folder again, the results in a new file); a shell loop runs `fidelity check`
  once per pair on the first --loop pairs. The mixed runs' result lines also give the seconds
  spent inside the pairs, by kind (no process start or imports; the first pair loads the models).
  Target (issue 19): warm ≥ 4× faster than cold, on same-language pairs too.
- judge: the seed check 000 with `--judge builtin` against `--judge none`, and a warm batch of
  the mixed manifest with and without the judge; target (issue 18): at most 1.25×.

Nothing is asserted: figures and PASS/FAIL are printed. Linux only (wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _common import ROOT, SEEDS
from bench_batch import FIDELITY, REFRESD, WMT, count_results, verdict, write_manifest

ORIGINAL = SEEDS / "001_77e8c4707eb41a8b.txt"
SEED_REWRITES = {n: next(SEEDS.glob(f"{n}_*.txt")) for n in ("000", "002", "003", "004")}
SEED_DATE = "2023-05-10"  # CNN's publication day (the original)
SEED_SECONDS = 3.0  # issue 19: each seed check within 3 s on a quiet machine
WARM_OVER_COLD = 4.0  # issue 19: a warm batch at least 4× faster than a cold one
JUDGE_COST = 1.25  # issue 18: the judge adds at most 25%
PARTS = ("seeds", "batch", "judge")


@dataclass(frozen=True)
class Figures:
    """One finished process: wall and CPU seconds, peak RSS of its largest process (MB)."""

    wall: float
    cpu: float
    peak_mb: float


def run(command: list[str], env: dict[str, str], cwd: Path | None = None) -> Figures:
    """Run ``command`` to its end, its output discarded; a failure (exit status > 1: 1 is a check's
    "findings at or above --fail-on" and a batch's "some pairs failed") ends the benchmark."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        tail = " | ".join(stderr.decode("utf-8", "replace").strip().splitlines()[-3:])
        raise SystemExit(f"bench_process: {' '.join(command[2:8])}... exited {process.returncode}: {tail}")
    return Figures(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def spread(values: list[float], unit: str = "s", digits: int = 2) -> str:
    """The median, with min–max when there are several."""
    median = f"{statistics.median(values):.{digits}f}{'' if unit == '×' else ' '}{unit}"
    if len(values) == 1:
        return median
    return f"{median} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def rounds_of(commands: dict[str, Callable[[], Figures]], rounds: int) -> dict[str, list[Figures]]:
    """Each command once per round, in turn, after a warm-up round that is not counted."""
    for command in commands.values():
        command()
    runs: dict[str, list[Figures]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            runs[name].append(command())
    return runs


def print_runs(runs: dict[str, list[Figures]], floor: str | None = None) -> None:
    width = max(map(len, runs))
    for name, figures in runs.items():
        ratio = ""
        if floor and name != floor:
            ratios = [f.wall / b.wall for f, b in zip(figures, runs[floor])]
            ratio = f"  wall / {floor}: {spread(ratios, '×', 1)}"
        print(f"  {name:<{width}}  wall {spread([f.wall for f in figures])}  cpu {spread([f.cpu for f in figures])}"
              f"  peak RSS {spread([f.peak_mb for f in figures], 'MB', 0)}{ratio}", flush=True)


def check_command(rewrite: Path, *options: str) -> list[str]:
    return [*FIDELITY, "check", str(ORIGINAL), str(rewrite), "--original-date", SEED_DATE, "--format", "json", *options]


# --- seeds --------------------------------------------------------------------------------

def bench_seeds(env: dict[str, str], rounds: int) -> None:
    print(f"seeds: `fidelity check` of 000 and 003 against 001, whole process, beside `fidelity version`; "
          f"{rounds} rounds after a warm-up", flush=True)
    commands = {"fidelity version": lambda: run([*FIDELITY, "version"], env),
                "check 000": lambda: run(check_command(SEED_REWRITES["000"], "--judge", "none"), env),
                "check 003": lambda: run(check_command(SEED_REWRITES["003"], "--judge", "none"), env)}
    runs = rounds_of(commands, rounds)
    print_runs(runs, floor="fidelity version")
    for name in ("check 000", "check 003"):
        wall = statistics.median(f.wall for f in runs[name])
        print(f"  target (issue 19): {name} ≤ {SEED_SECONDS:.0f} s on a quiet machine: median wall {wall:.2f} s "
              f"(cpu {statistics.median(f.cpu for f in runs[name]):.2f} s)  {verdict(wall <= SEED_SECONDS)}")


# --- batch --------------------------------------------------------------------------------

def _wmt_documents() -> list[dict]:
    return [json.loads(line) for line in WMT.read_text(encoding="utf-8").splitlines() if line.strip()]


def _refresd_pairs() -> list[tuple[str, str]]:
    pairs = []
    for line in REFRESD.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if not line.startswith("#") and len(fields) >= 4:
            pairs.append((fields[2].strip(), fields[3].strip()))
    return pairs


def write_mixed_pairs(folder: Path, count: int) -> list[dict[str, str]]:
    """``count`` manifest rows, same-language (even rows) and cross-lingual (odd rows) alternating,
    their texts written under ``folder`` (see the module's docstring)."""
    documents, sentence_pairs = _wmt_documents(), _refresd_pairs()
    same: list[tuple[str, str, str, str, str]] = []  # name, original, rewrite, original_lang, rewrite_lang
    original = ORIGINAL.read_bytes().decode("utf-8")
    for n, path in SEED_REWRITES.items():
        same.append((f"seed-{n}", original, path.read_bytes().decode("utf-8"), "en", "en"))
    for doc in documents:  # A/B documents from the front of the file
        same.append((f"wmt-ab-{doc['doc']}", "\n\n".join(doc["ref_a_en"]), "\n\n".join(doc["ref_b_en"]), "en", "en"))
    cross: list[tuple[str, str, str, str, str]] = []
    sentences = iter(sentence_pairs)
    for doc in reversed(documents):  # A/ru documents from the back: no text shared with the A/B ones
        cross.append((f"wmt-ru-{doc['doc']}", "\n\n".join(doc["ref_a_en"]), "\n\n".join(doc["src_ru"]), "en", "ru"))
        for _ in range(2):
            n = len(cross)
            english, french = next(sentences)
            cross.append((f"refresd-{n:04d}", english, french, "en", "fr"))
    rows = []
    for n in range(count):
        name, original_text, rewrite_text, original_lang, rewrite_lang = (same if n % 2 == 0 else cross)[n // 2]
        for side, text in (("original", original_text), ("rewrite", rewrite_text)):
            (folder / f"{name}.{side}.txt").write_text(text.rstrip("\n") + "\n", encoding="utf-8")
        rows.append({"id": name, "original": f"pairs/{name}.original.txt", "rewrite": f"pairs/{name}.rewrite.txt",
                     "original_lang": original_lang, "rewrite_lang": rewrite_lang,
                     "outlet": "same-language" if original_lang == rewrite_lang else "cross-lingual"})
    return rows


@dataclass
class BatchBench:
    """The work folder of the batch and judge parts: pairs, manifests, caches, results."""

    work: Path
    env: dict[str, str]
    runs: int = 0

    def batch(self, manifest: Path, cache: Path, *options: str) -> tuple[Figures, dict[str, float]]:
        """One `fidelity batch` run into a results file of its own; (figures, the seconds its pairs
        took inside the process by kind: the `outlet` column, carried to each result line)."""
        self.runs += 1
        output = self.work / f"results-{self.runs:03d}.jsonl"
        figures = run([*FIDELITY, "batch", str(manifest), "--output", str(output), "--cache", str(cache),
                       "--workers", "1", "--no-progress", *options], self.env)
        pairs, _, failed = count_results(output)
        if failed:
            print(f"    ({failed} of {pairs} pairs failed in {manifest.name})")
        inside: dict[str, float] = {}
        with output.open(encoding="utf-8") as handle:
            for record in map(json.loads, handle):
                if record.get("key"):
                    inside[record["outlet"]] = inside.get(record["outlet"], 0.0) + record["seconds"]
        output.unlink()
        return figures, inside

    def cold_warm(self, manifest: Path, *options: str) -> tuple[tuple[Figures, dict[str, float]], ...]:
        """A run with a new, empty cache, then one with the cache it filled."""
        self.runs += 1
        cache = self.work / f"cache-{self.runs:03d}"
        cold = self.batch(manifest, cache, *options)
        warm = self.batch(manifest, cache, *options)
        shutil.rmtree(cache, ignore_errors=True)
        return cold, warm

    def loop(self, rows: list[dict[str, str]]) -> Figures:
        """`fidelity check` once per pair from a shell script, each a new process."""
        lines = ["set -u", f"cd {self.work}"]
        for n, row in enumerate(rows):
            lines.append(f"{' '.join(FIDELITY)} check {row['original']} {row['rewrite']} --original-lang "
                         f"{row['original_lang']} --rewrite-lang {row['rewrite_lang']} --judge none --format json "
                         f"--output loop-{n:03d}.json || echo failed {row['id']} >&2")
        script = self.work / "loop.sh"
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return run(["bash", str(script)], self.env)


def bench_batch(bench: BatchBench, rows: list[dict[str, str]], loop_pairs: int, rounds: int) -> None:
    same = [r for r in rows if r["original_lang"] == r["rewrite_lang"]]
    cross = [r for r in rows if r["original_lang"] != r["rewrite_lang"]]
    manifests = {"mixed": write_manifest(bench.work / "mixed.csv", rows),
                 "same-language": write_manifest(bench.work / "same.csv", same),
                 "cross-lingual": write_manifest(bench.work / "cross.csv", cross)}
    sizes = {"mixed": len(rows), "same-language": len(same), "cross-lingual": len(cross)}
    loop_rows = rows[:loop_pairs]
    print(f"batch: {len(rows)} pairs ({len(same)} same-language: seeds and WMT21 A/B documents; {len(cross)} "
          f"cross-lingual: WMT21 A/ru documents and REFreSD en/fr), 1 worker; shell loop over the first "
          f"{len(loop_rows)}; {rounds} rounds", flush=True)
    results: dict[str, list[tuple[Figures, Figures]]] = {name: [] for name in manifests}
    inside: list[tuple[dict[str, float], dict[str, float]]] = []  # the mixed runs' seconds inside pairs, by kind
    loops: list[Figures] = []
    for round_ in range(1, rounds + 1):
        for name, manifest in manifests.items():
            (cold, cold_inside), (warm, warm_inside) = bench.cold_warm(manifest, "--judge", "none")
            results[name].append((cold, warm))
            if name == "mixed":
                inside.append((cold_inside, warm_inside))
            print(f"  round {round_}: {name:<13} {sizes[name]:>3} pairs  cold {cold.wall:6.1f} s  "
                  f"warm {warm.wall:6.1f} s  ({cold.wall / warm.wall:.1f}×)  peak RSS {cold.peak_mb:.0f} / "
                  f"{warm.peak_mb:.0f} MB", flush=True)
        loops.append(bench.loop(loop_rows))
        print(f"  round {round_}: shell loop    {len(loop_rows):>3} pairs  {loops[-1].wall:6.1f} s  "
              f"({loops[-1].wall / len(loop_rows):.2f} s a pair)  peak RSS {loops[-1].peak_mb:.0f} MB", flush=True)
    print(f"  medians over {rounds} rounds (min–max):")
    for name, pairs in results.items():
        colds, warms = [c for c, _ in pairs], [w for _, w in pairs]
        print(f"    {name:<13} {sizes[name]:>3} pairs  cold {spread([c.wall for c in colds], 's', 1)}  "
              f"warm {spread([w.wall for w in warms], 's', 1)}  cpu {spread([c.cpu for c in colds], 's', 1)} / "
              f"{spread([w.cpu for w in warms], 's', 1)}  peak RSS {max(c.peak_mb for c in colds):.0f} / "
              f"{max(w.peak_mb for w in warms):.0f} MB")
    loop_per_pair = statistics.median(f.wall / len(loop_rows) for f in loops)
    cold_per_pair = statistics.median(c.wall / len(rows) for c, _ in results["mixed"])
    warm_per_pair = statistics.median(w.wall / len(rows) for _, w in results["mixed"])
    print(f"    shell loop: {loop_per_pair:.2f} s a pair; batch cold {cold_per_pair:.2f}, warm {warm_per_pair:.2f} s a "
          f"pair: batch cold {loop_per_pair / cold_per_pair:.1f}× and warm {loop_per_pair / warm_per_pair:.1f}× "
          f"the loop's pairs/s")
    for kind in ("same-language", "cross-lingual"):
        colds, warms = [c[kind] for c, _ in inside], [w[kind] for _, w in inside]
        print(f"    inside the mixed runs' pairs (no process start; the first pair loads the models), {kind}: cold "
              f"{spread(colds, 's', 1)}, warm {spread(warms, 's', 1)}: "
              f"{statistics.median(c / w for c, w in zip(colds, warms)):.1f}×")
    for name, pairs in results.items():
        ratio = statistics.median(cold.wall / warm.wall for cold, warm in pairs)
        print(f"  target (issue 19): warm ≥ {WARM_OVER_COLD:.0f}× faster than cold, {name} pairs, whole process: "
              f"{ratio:.2f}×  {verdict(ratio >= WARM_OVER_COLD)}")


# --- judge --------------------------------------------------------------------------------

def bench_judge(bench: BatchBench, rows: list[dict[str, str]], rounds: int) -> None:
    print(f"judge: `--judge builtin` against `--judge none`: the seed check 000, and a warm batch of "
          f"{len(rows)} mixed pairs; {rounds} rounds after a warm-up", flush=True)
    env = bench.env
    seeds = rounds_of({"check 000 --judge none": lambda: run(check_command(SEED_REWRITES["000"], "--judge", "none"), env),
                       "check 000 --judge builtin":
                       lambda: run(check_command(SEED_REWRITES["000"], "--judge", "builtin"), env)}, rounds)
    print_runs(seeds, floor="check 000 --judge none")
    manifest = write_manifest(bench.work / "judge.csv", rows)
    cache = bench.work / "cache-judge"  # filled by the warm-up round (both runs), then warm
    batches = rounds_of({"batch warm --judge none": lambda: bench.batch(manifest, cache, "--judge", "none")[0],
                         "batch warm --judge builtin": lambda: bench.batch(manifest, cache, "--judge", "builtin")[0]},
                        rounds)
    print_runs(batches, floor="batch warm --judge none")
    for name, runs, floor in (("seed check 000", seeds["check 000 --judge builtin"], seeds["check 000 --judge none"]),
                              ("warm batch", batches["batch warm --judge builtin"],
                               batches["batch warm --judge none"])):
        ratio = statistics.median(j.wall / n.wall for j, n in zip(runs, floor))
        print(f"  target (issue 18): the judge adds at most {JUDGE_COST - 1:.0%}, {name}: "
              f"{ratio:.2f}×  {verdict(ratio <= JUDGE_COST)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=PARTS, action="append", help="run this part only (repeatable; default: all)")
    parser.add_argument("--rounds", type=int, default=2, help="counted rounds of every figure (default: 2)")
    parser.add_argument("--pairs", type=int, default=32, help="pairs in the mixed manifest, at least 26 (default: 32)")
    parser.add_argument("--loop", type=int, default=8, help="pairs of the shell loop (default: 8)")
    parser.add_argument("--workdir", type=Path, help="pairs, caches and results (default: a temporary folder, removed)")
    args = parser.parse_args()
    parts = args.only or list(PARTS)
    if args.rounds < 1 or args.pairs < 2 or args.loop < 1:
        parser.error("--rounds and --loop must be at least 1, --pairs at least 2")
    if {"batch", "judge"} & set(parts):
        for path in (WMT, REFRESD):
            if not path.exists():
                raise SystemExit(f"bench_process: {path} not found (the shared eval folder is expected beside the checkout)")
    # The checkout's fidelity, models offline, no judge or NLI from this shell's environment.
    env = {k: v for k, v in os.environ.items() if k not in ("FIDELITY_JUDGE", "FIDELITY_NLI")}
    env.update({"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                "FIDELITY_OFFLINE": "1", "HF_HUB_OFFLINE": "1"})
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-process-"))
    (work / "pairs").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(f"{os.cpu_count()} cores, load average {load()}; {sys.executable}", flush=True)
    try:
        rows = write_mixed_pairs(work / "pairs", args.pairs) if {"batch", "judge"} & set(parts) else []
        bench = BatchBench(work, env)
        if "seeds" in parts:
            bench_seeds(env, args.rounds)
        if "batch" in parts:
            bench_batch(bench, rows, min(args.loop, len(rows)), args.rounds)
        if "judge" in parts:
            bench_judge(bench, rows, args.rounds)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load average after: {load()}; {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
