"""Derive an encoder's thresholds from USE's by quantile matching (see fidelity/models/calibrate.py).

    python scripts/calibrate_thresholds.py all-minilm-l6-v2          # a manifest name
    python scripts/calibrate_thresholds.py path/to/model-dir --json   # or a local directory / hub id
    python scripts/calibrate_thresholds.py e5-small                   # sanity check: a built-in

Embeds every reference pair (fidelity/data/perturbations.tsv: controls and perturbed pairs, plus
half-sentence, same-set and shuffled unrelated pairs built from it) with USE and with the target,
maps each USE threshold to the target's similarity at the same quantile, and prints the thresholds
as a manifest line, the fit (Spearman rank correlation, per-kind medians) and, for each threshold,
the share of pairs both encoders put on the same side.
"""

from __future__ import annotations

import argparse
import json
import time

from fidelity.models.calibrate import KINDS, calibrate
from fidelity.models.encoders import load_encoder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("encoder", help="manifest name, built-in name, hub id or local model directory")
    parser.add_argument("--languages", help="comma-separated languages of the pairs to use (default: those both encoders cover)")
    parser.add_argument("--per-kind", type=int, default=None, help="at most this many pairs of each kind")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    args = parser.parse_args()

    started = time.perf_counter()
    target = load_encoder(args.encoder, device=args.device)
    languages = args.languages.split(",") if args.languages else None
    thresholds, report = calibrate(target, load_encoder("use"), languages=languages, per_kind=args.per_kind)
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(f"encoder {target.name}: {report['pairs']} pairs ({report['languages']}), {report['seconds']} s")
    print(f"Spearman rank correlation with USE: {report['spearman']}")
    print(f"{'kind':<10} {'n':>4} {'USE median':>11} {'target median':>14}")
    for kind in KINDS:
        k = report["by_kind"].get(kind)
        if k:
            print(f"{kind:<10} {k['n']:>4} {k['reference_median']:>11.3f} {k['target_median']:>14.3f}")
    print(f"{'threshold':<12} {'USE':>6} {'target':>7} {'same side':>10}")
    for name, value in report["thresholds"].items():
        print(f"{name:<12} {report['reference_thresholds'][name]:>6.3f} {value:>7.3f} {report['agreement'][name]:>10.3f}")
    t = report["thresholds"]
    print("manifest: thresholds = { " + ", ".join(f"{k} = {v}" for k, v in t.items()) + " }")


if __name__ == "__main__":
    main()
