#!/usr/bin/env python3
"""How far below same-language paraphrases an encoder scores faithful translations, per language pair.

A multilingual encoder puts a sentence and its faithful translation further apart than two
faithful English versions of it, and how much further depends on the language pair (USE: en-ru
about 0.13, en-ja about 0.29). Compared cross-lingually with one set of thresholds, faithful
Japanese reads as "changed". This script measures the shift that ``fidelity.check`` subtracts
from the encoder's thresholds for a language pair (the manifest's ``cross_lingual_shift``): the
median cosine of English paraphrase pairs minus the median cosine of faithful translations.

Data, all from ``../shared/eval`` and none of it the items the evaluations score:

- English paraphrases: WMT21 ru-en translator A against translator B, every 5th segment from
  the third (``eval_faithful.py`` scores every 5th from the first);
- en-ru: the same segments, A against the Russian source;
- en-de, en-ja, en-zh, en-cs: WMT21 critical-error dev items labelled NOT critical, every
  second one (machine translations without a critical error: a little below human quality, so
  the shift is if anything a little large).

    python scripts/calibrate_language_pairs.py [--encoder use] [--limit 300]

Prints one line per language pair, ready for the manifest.
"""

from __future__ import annotations

import argparse
import csv
import sys

import numpy as np

from eval_faithful import DEFAULT_WMT, read_wmt, wmt_segments
from fidelity.models.encoders import load_encoder

CED = DEFAULT_WMT.parent / "wmt21-ced"


def _cosines(encoder, a: list[str], b: list[str]) -> np.ndarray:
    return (encoder.encode(a) * encoder.encode(b)).sum(axis=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--limit", type=int, default=300, help="pairs per language pair at most")
    args = parser.parse_args(argv)
    encoder = load_encoder(args.encoder)
    segments = wmt_segments(read_wmt(DEFAULT_WMT))[2::5][: args.limit]
    reference = float(np.median(_cosines(encoder, [s[2] for s in segments], [s[3] for s in segments])))
    print(f"{encoder.name}: English paraphrases (WMT21 A/B, {len(segments)} pairs): median {reference:.3f}")
    pairs: dict[str, tuple[list[str], list[str]]] = {}
    if "ru" in encoder.languages or "*" in encoder.languages:
        pairs["en-ru"] = ([s[2] for s in segments], [s[1] for s in segments])
    for language in ("de", "ja", "zh", "cs"):
        path = CED / f"en-{language}.dev.tsv"
        if not path.is_file() or not (language in encoder.languages or "*" in encoder.languages):
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [r for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if r["label"] == "NOT"]
        rows = rows[::2][: args.limit]
        pairs[f"en-{language}"] = ([r["src"] for r in rows], [r["mt"] for r in rows])
    for name, (a, b) in pairs.items():
        median = float(np.median(_cosines(encoder, a, b)))
        print(f'  "{name}" = {reference - median:.2f}  # faithful median {median:.3f}, {len(a)} pairs')
    return 0


if __name__ == "__main__":
    sys.exit(main())
