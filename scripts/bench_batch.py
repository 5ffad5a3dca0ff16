"""Batch speed and memory: a shell loop over `fidelity check` against `fidelity batch`.

    python scripts/bench_batch.py [--sizes 100,400] [--loop 20] [--workers 1,2] [--ray-workers 2]
                                  [--repeat 2] [--workdir DIR]

Pairs (written as files under the work folder): WMT21 ru-en documents (English translation A as
the original, the Russian source as the rewrite, whole documents) and REFreSD sentence pairs
(English original, French rewrite), one document to three sentence pairs, interleaved, so every
manifest prefix has the same mix; the manifest of N pairs is the first N rows.

Each round runs, each as its own process, timed from outside:
- a shell loop: `fidelity check` once per pair (a new process each: Python, the models), on the
  first --loop pairs;
- `fidelity batch` for every size and --workers count, twice: with a cold embedding cache (a new
  cache folder) and warm (the same folder, filled by the cold run); each run writes a results
  file of its own, since a run that found the pairs in its results file would skip them as done;
- `fidelity batch --engine ray --workers 2` (--ray-workers) likewise, when this fidelity has that
  option and ray is installed (its "all processes" include the local Ray instance's).
Per run: pairs/s, sentences/s (the sentences of both sides, from the results), the peak RSS of
the largest process (the kernel's high-water mark, as /usr/bin/time -f %M reads it: the batch
process or one of its workers) and the peak of the whole process tree's RSS (sampled from /proc
every 0.1 s, so a short peak can slip by). Then the
medians over the rounds and the three targets of issue 11 with PASS or FAIL: batch ≥ 3× the
loop's pairs/s, a warm run ≥ 5× faster than a cold one, the peak memory for the largest size
≤ 1.3× the smallest's. Linux only (wait4, /proc).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from _common import ROOT, SHARED_EVAL

WMT = SHARED_EVAL / "wmt21-ruen" / "newstest2021-ru-en.jsonl"
REFRESD = SHARED_EVAL / "refresd" / "REFreSD_sentence_labels"
FIDELITY = [sys.executable, "-m", "fidelity.frontends.cli"]
COLUMNS = ["id", "original", "rewrite", "original_lang", "rewrite_lang", "outlet"]


@dataclass
class Run:
    label: str
    pairs: int
    sentences: int
    seconds: float
    peak_process_mb: float
    peak_tree_mb: float
    failed: int = 0

    def line(self) -> str:
        failed = f", {self.failed} failed" if self.failed else ""
        return (f"  {self.label:<34} {self.pairs:>4} pairs {self.seconds:>7.1f} s  {self.pairs / self.seconds:>6.2f} pairs/s "
                f"{self.sentences / self.seconds:>7.1f} sent/s  peak RSS {self.peak_process_mb:>6.0f} MB largest process, "
                f"{self.peak_tree_mb:>6.0f} MB all processes{failed}")


# --- the pairs ---------------------------------------------------------------------------

def write_pairs(folder: Path, count: int) -> list[dict[str, str]]:
    """``count`` manifest rows (one WMT21 document, then three REFreSD pairs, and again), their
    texts written under ``folder``."""
    documents = [json.loads(line) for line in WMT.read_text(encoding="utf-8").splitlines() if line.strip()]
    sentence_pairs = []
    for line in REFRESD.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 4:
            continue
        sentence_pairs.append((fields[2].strip(), fields[3].strip()))
    if count // 4 > len(documents) or count > len(documents) + len(sentence_pairs):
        raise SystemExit(f"bench_batch: at most {4 * len(documents)} pairs (WMT21 has {len(documents)} documents)")
    rows = []
    docs, sents = iter(documents), iter(sentence_pairs)
    for n in range(count):
        if n % 4 == 0:
            doc = next(docs)
            name = f"wmt-{doc['doc']}"
            texts = ("\n\n".join(doc["ref_a_en"]), "\n\n".join(doc["src_ru"]))
            langs, outlet = ("en", "ru"), "wmt21"
        else:
            name = f"refresd-{n:04d}"
            texts = next(sents)
            langs, outlet = ("en", "fr"), "refresd"
        for side, text in zip(("original", "rewrite"), texts):
            (folder / f"{name}.{side}.txt").write_text(text + "\n", encoding="utf-8")
        rows.append({"id": name, "original": f"pairs/{name}.original.txt", "rewrite": f"pairs/{name}.rewrite.txt",
                     "original_lang": langs[0], "rewrite_lang": langs[1], "outlet": outlet})
    return rows


def write_manifest(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- measuring one process ---------------------------------------------------------------

def _tree_rss_kb(root: int) -> int:
    """The RSS of ``root`` and every descendant, from /proc (kB)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: the parent pid
        rss[pid] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)  # fields[21]: rss in pages
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


GNU_TIME = Path("/usr/bin/time")


def run_process(command: list[str], env: dict[str, str], work: Path) -> tuple[float, float, float, int]:
    """Run ``command``; (wall seconds, peak RSS of its largest process MB, peak RSS of its process
    tree MB, exit status). The largest process's peak is the kernel's high-water mark (of the
    process and its reaped descendants, the pool's workers) as GNU time reads it: a process
    forked from this one starts with this one's RSS as its mark, GNU time's is a few MB."""
    timed = work / "maxrss.txt"
    timed.unlink(missing_ok=True)
    if GNU_TIME.exists():
        command = [str(GNU_TIME), "-f", "%M", "-o", str(timed), *command]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_tree = 0
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not finished.wait(0.1):
            peak_tree = max(peak_tree, _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    finished.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: some pairs failed, recorded
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise SystemExit(f"bench_batch: {' '.join(command[:6])}... exited {process.returncode}: {' | '.join(tail)}")
    maxrss_kb = int(timed.read_text().split()[-1]) if timed.exists() else usage.ru_maxrss  # kB either way
    return seconds, maxrss_kb / 1024, peak_tree / 1024, process.returncode


def count_results(path: Path) -> tuple[int, int, int]:
    """(pairs, sentences on both sides, failed pairs) of a batch results file."""
    pairs = sentences = failed = 0
    with path.open(encoding="utf-8") as handle:  # line by line: this process stays small
        for line in handle:
            record = json.loads(line)
            if not record.get("key"):
                continue
            pairs += 1
            if record["status"] != "ok":
                failed += 1
                continue
            sentences += len(record["original"]["sentences"]) + len(record["rewrite"]["sentences"])
    return pairs, sentences, failed


def shell_loop(work: Path, rows: list[dict[str, str]], env: dict[str, str]) -> Run:
    """`fidelity check` per pair, from a shell script: what an agency does without batch."""
    out = work / "loop"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    lines = ["set -u", f"cd {work}"]
    for n, row in enumerate(rows):
        lines.append(f"{' '.join(FIDELITY)} check {row['original']} {row['rewrite']} --original-lang "
                     f"{row['original_lang']} --rewrite-lang {row['rewrite_lang']} --format json "
                     f"--output loop/{n:04d}.json || echo failed {row['id']} >&2")
    script = work / "loop.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seconds, peak, tree, _ = run_process(["bash", str(script)], env, work)
    sentences = 0
    for path in sorted(out.glob("*.json")):
        report = json.loads(path.read_text(encoding="utf-8"))
        sentences += len(report["original"]["sentences"]) + len(report["rewrite"]["sentences"])
    done = len(list(out.glob("*.json")))
    return Run(f"shell loop over `check` ({len(rows)} pairs)", done, sentences, seconds, peak, tree, len(rows) - done)


def batch_runs(work: Path, manifest: Path, size: int, workers: int, env: dict[str, str],
               engine: str | None = None) -> tuple[Run, Run]:
    """A cold-cache run, then a warm one (same cache, the results moved aside first)."""
    tag = f"{engine or 'local'}-w{workers}-n{size}"
    cache = work / f"cache-{tag}"
    shutil.rmtree(cache, ignore_errors=True)
    runs = []
    for state in ("cold", "warm"):
        output = work / f"results-{tag}-{state}.jsonl"
        output.unlink(missing_ok=True)
        command = [*FIDELITY, "batch", str(manifest), "--output", str(output), "--cache", str(cache),
                   "--workers", str(workers), "--no-progress"]
        if engine:
            command += ["--engine", engine]
        seconds, peak, tree, _ = run_process(command, env, work)
        pairs, sentences, failed = count_results(output)
        label = f"batch{' --engine ' + engine if engine else ''} --workers {workers}, {state} cache"
        runs.append(Run(label, pairs, sentences, seconds, peak, tree, failed))
        print(runs[-1].line(), flush=True)
    return runs[0], runs[1]


def median_run(runs: list[Run]) -> Run:
    """The rounds' medians: seconds, and the peaks (the largest over the rounds)."""
    first = runs[0]
    return Run(first.label, first.pairs, first.sentences, statistics.median(r.seconds for r in runs),
               max(r.peak_process_mb for r in runs), max(r.peak_tree_mb for r in runs), first.failed)


def ray_support(env: dict[str, str]) -> str | None:
    """None when `fidelity batch --engine ray` can run here, else why not."""
    shown = subprocess.run([*FIDELITY, "batch", "--help"], env=env, capture_output=True, text=True)
    if "--engine" not in shown.stdout:
        return "this fidelity's `batch` has no --engine option"
    try:
        import ray  # noqa: F401
    except ImportError:
        return "ray is not installed (pip install 'fidelity[ray]')"
    return None


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,400", help="manifest sizes, pairs (default: 100,400)")
    parser.add_argument("--loop", type=int, default=20, help="pairs for the shell loop (default: 20)")
    parser.add_argument("--workers", default="1,2", help="worker counts for batch (default: 1,2)")
    parser.add_argument("--ray-workers", type=int, default=2, help="actors for --engine ray (default: 2)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of every run (default: 2)")
    parser.add_argument("--workdir", type=Path, default=None, help="where pairs, caches and results go (default: a temporary folder, removed)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    worker_counts = [int(w) for w in args.workers.split(",")]
    for path in (WMT, REFRESD):
        if not path.exists():
            raise SystemExit(f"bench_batch: {path} not found (the shared eval folder is expected beside the checkout)")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    (work / "pairs").mkdir(parents=True, exist_ok=True)
    # The checkout's fidelity, the models offline; nothing else of this environment changes.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "FIDELITY_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    try:
        rows = write_pairs(work / "pairs", max(sizes + [args.loop]))
        manifests = {n: write_manifest(work / f"manifest-{n}.csv", rows[:n]) for n in sizes}
        print(f"{os.cpu_count()} cores, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
              f"pairs: WMT21 ru-en documents (en original, ru rewrite) and REFreSD sentence pairs (en, fr), 1:3; "
              f"work folder {work}", flush=True)

        # Rounds, each running every configuration in turn: a machine whose load drifts slows
        # them alike, and the ratios are taken within a round, then their median.
        engines: list[str | None] = [None]
        why_not = ray_support(env)
        if why_not:
            print(f"batch --engine ray: skipped ({why_not})")
        else:
            engines.append("ray")
        loops: list[Run] = []
        runs: dict[tuple[str | None, int, int], list[tuple[Run, Run]]] = {}
        for round_ in range(1, args.repeat + 1):
            print(f"round {round_} of {args.repeat}:", flush=True)
            loops.append(shell_loop(work, rows[:args.loop], env))
            print(loops[-1].line(), flush=True)
            for engine in engines:
                for size in sizes:
                    for workers in (worker_counts if engine is None else [args.ray_workers]):
                        pair = batch_runs(work, manifests[size], size, workers, env, engine)
                        runs.setdefault((engine, size, workers), []).append(pair)
        print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

        print(f"medians over {args.repeat} round(s) (peaks: the largest):")
        loop = median_run(loops)
        print(loop.line())
        for pairs in runs.values():
            for state in (0, 1):
                print(median_run([p[state] for p in pairs]).line())

        print("targets (issue 11), ratios within a round, median over the rounds:")
        for (engine, size, workers), pairs in runs.items():
            name = f"batch{' --engine ' + engine if engine else ''} --workers {workers}, {size} pairs"
            ratio = statistics.median((cold.pairs / cold.seconds) / (lp.pairs / lp.seconds)
                                      for (cold, _), lp in zip(pairs, loops))
            print(f"  {name}, cold, pairs/s over the shell loop's: {ratio:6.2f}× (target ≥ 3)  {verdict(ratio >= 3)}")
        for (engine, size, workers), pairs in runs.items():
            name = f"batch{' --engine ' + engine if engine else ''} --workers {workers}, {size} pairs"
            ratio = statistics.median(cold.seconds / warm.seconds for cold, warm in pairs)
            print(f"  {name}, warm cache vs cold: {ratio:6.2f}× faster (target ≥ 5)  {verdict(ratio >= 5)}")
        smallest, largest = sizes[0], sizes[-1]
        if largest != smallest:
            for engine, size, workers in runs:
                if size != smallest:
                    continue
                small = median_run([p[0] for p in runs[(engine, smallest, workers)]])
                big = median_run([p[0] for p in runs[(engine, largest, workers)]])
                name = f"batch{' --engine ' + engine if engine else ''} --workers {workers}"
                for what, a, b in (("largest process", big.peak_process_mb, small.peak_process_mb),
                                   ("all processes", big.peak_tree_mb, small.peak_tree_mb)):
                    print(f"  peak memory ({what}), {name}, {largest} / {smallest} pairs: "
                          f"{a:.0f} / {b:.0f} MB = {a / b:.2f}× (target ≤ 1.3)  {verdict(a / b <= 1.3)}")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
