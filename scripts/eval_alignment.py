#!/usr/bin/env python3
"""Score fidelity.checking.align on the Text+Berg German-French gold alignments.

Each file pair ``de/NNN`` / ``fr/NNN`` holds one sentence per line; ``gold/NNN`` holds
one bead per line, ``[src ids]:[tgt ids]`` (an empty side is ``[]``).

Precision/recall/F1 are computed the way Vecalign's and Bertalign's ``score_multiple``
compute them:

- precision: every test bead that is not empty on both sides is checked against the
  gold beads (insertions/deletions included). Strict: the bead equals a gold bead.
  Lax: it shares at least one source and one target sentence with gold beads
  (a bead with an empty side can only be a strict match).
- recall: the same with test and gold swapped, after removing the beads with an empty
  side from both.

Counts are summed over files for the overall figures (micro average), as there.

Usage::

    python scripts/eval_alignment.py [--data DIR] [--encoder use|e5-small] [--set bias=-0.4 ...]

``--set`` passes keyword options to ``fidelity.checking.align.align`` (values are Python literals).
"""

from __future__ import annotations

import ast
import time
from collections import defaultdict
from pathlib import Path

from _common import SHARED_EVAL, EvalParser, timed_loop
from fidelity.checking.align import align
from fidelity.models.encoders import load_encoder

Alignment = list[tuple[tuple[int, ...], tuple[int, ...]]]


def read_gold(path: Path) -> Alignment:
    beads: Alignment = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        left, right = line.split(":")
        beads.append((tuple(ast.literal_eval(left.strip())), tuple(ast.literal_eval(right.strip()))))
    return beads


def read_sentences(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def _counts(gold: Alignment, test: Alignment) -> list[int]:
    """[tp_strict, fp_strict, tp_lax, fp_lax] of ``test`` measured against ``gold``."""
    gold_set = {(tuple(s), tuple(t)) for s, t in gold if s or t}
    test_set = {(tuple(s), tuple(t)) for s, t in test if s or t}
    gold_targets: dict[int, set[int]] = defaultdict(set)
    for s, t in gold_set:
        for i in s:
            gold_targets[i].update(t)
    tp_s = fp_s = tp_l = fp_l = 0
    for s, t in test_set:
        if (s, t) in gold_set:
            tp_s += 1
            tp_l += 1
            continue
        fp_s += 1
        reachable = set().union(*(gold_targets[i] for i in s)) if s else set()
        if reachable & set(t):
            tp_l += 1
        else:
            fp_l += 1
    return [tp_s, fp_s, tp_l, fp_l]


def score(golds: list[Alignment], tests: list[Alignment]) -> dict[str, float]:
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for gold, test in zip(golds, tests):
        p = [x + y for x, y in zip(p, _counts(gold, test))]
        gold_nd = [(s, t) for s, t in gold if s and t]
        test_nd = [(s, t) for s, t in test if s and t]
        r = [x + y for x, y in zip(r, _counts(test_nd, gold_nd))]

    def ratio(a: int, b: int) -> float:
        return a / (a + b) if a + b else 0.0

    def f1(x: float, y: float) -> float:
        return 2 * x * y / (x + y) if x + y else 0.0

    out = {
        "precision_strict": ratio(p[0], p[1]),
        "recall_strict": ratio(r[0], r[1]),
        "precision_lax": ratio(p[2], p[3]),
        "recall_lax": ratio(r[2], r[3]),
    }
    out["f1_strict"] = f1(out["precision_strict"], out["recall_strict"])
    out["f1_lax"] = f1(out["precision_lax"], out["recall_lax"])
    return out


def load_pairs(data: Path) -> list[tuple[str, list[str], list[str], Alignment]]:
    pairs = []
    for gold_path in sorted((data / "gold").iterdir()):
        name = gold_path.name
        pairs.append(
            (name, read_sentences(data / "de" / name), read_sentences(data / "fr" / name), read_gold(gold_path))
        )
    return pairs


def run(data: Path, encoder_name: str, **align_options) -> tuple[list[tuple[str, dict]], dict, float]:
    encoder = load_encoder(encoder_name)
    pairs = load_pairs(data)

    def step(pair) -> Alignment:
        _, src, tgt, _ = pair
        return [(b.original, b.rewrite) for b in align(src, tgt, encoder, **align_options)]

    tests, elapsed = timed_loop(pairs, step, label="files")
    golds = [gold for *_, gold in pairs]
    per_file = [(name, score([gold], [test])) for (name, *_, gold), test in zip(pairs, tests)]
    return per_file, score(golds, tests), elapsed


def main(argv: list[str] | None = None) -> int:
    parser = EvalParser(__doc__.split("\n\n")[0], data=SHARED_EVAL / "textberg",
                        what="the Text+Berg folder (de/, fr/ and gold/)", encoder="use", encoders=["use", "e5-small"])
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="an align() keyword option; repeatable"
    )
    args = parser.parse_args(argv)
    options = {}
    for item in args.set:
        key, _, value = item.partition("=")
        options[key.strip()] = ast.literal_eval(value.strip())

    t0 = time.perf_counter()
    encoder = load_encoder(args.encoder)
    load_s = time.perf_counter() - t0
    per_file, overall, elapsed = run(args.data, args.encoder, **options)

    header = f"{'file':<8} {'P strict':>9} {'R strict':>9} {'F1 strict':>9} {'P lax':>7} {'R lax':>7} {'F1 lax':>7}"
    print(f"encoder: {encoder.name}   data: {args.data}   options: {options or 'defaults'}")
    print(header)
    for name, res in per_file + [("overall", overall)]:
        print(
            f"{name:<8} {res['precision_strict']:>9.3f} {res['recall_strict']:>9.3f} {res['f1_strict']:>9.3f} "
            f"{res['precision_lax']:>7.3f} {res['recall_lax']:>7.3f} {res['f1_lax']:>7.3f}"
        )
    print(f"wall time: {elapsed:.1f} s aligning (embedding included), {load_s:.1f} s loading the encoder")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
