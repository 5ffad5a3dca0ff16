#!/usr/bin/env python3
"""Score ``fidelity.check`` on REFreSD (Rationalized English-French Semantic Divergences).

REFreSD holds 1,039 English-French Wikipedia sentence pairs with a sentence label
(``equivalent``/``divergent``; three-way: ``no_meaning_difference``,
``some_meaning_difference``, ``unrelated``) and, in ``REFreSD_rationale``, space-tokenised
sentences with one tag per token (0-3: how many of three annotators highlighted it).

Each pair is checked as ``check(en, fr, original_lang="en", rewrite_lang="fr")`` where the
two strings are the tokens joined by single spaces, so a finding's character span maps
straight onto tokens.

Sentence level: a pair is predicted divergent when it gets a finding of severity major or
critical (also reported: any finding at all). Precision/recall/F1 with divergent as the
positive class, recall on ``some_meaning_difference`` and on ``unrelated`` separately, and
the false-positive rate on ``no_meaning_difference``. A plain sentence-cosine baseline
(cosine < the encoder's ``equivalent`` threshold) is printed beside it.

Token level: gold tokens are those tagged >= 2 (a majority of annotators); predicted
tokens are those whose character span overlaps a finding's span on that side (the
``original`` span for English, the ``rewrite`` span for French). Micro precision/recall/F1
per side and combined, over all pairs and over the divergent pairs only, for findings of
any severity, for major/critical findings, and for major/critical findings less those
that cover both whole sentences ("maj/crit spans": how well the words are localised).

Usage::

    python scripts/eval_refresd.py [--data DIR] [--limit N] [--encoder auto|use|e5-small] [--json FILE]

``--data`` defaults to ``../shared/eval/refresd`` next to the repository root. ``--limit N``
takes N pairs spread evenly over the file (the file is sorted by class, so the first N
would all be ``unrelated``). Deterministic: no sampling at random. ``--json FILE`` writes the
sentence-level figures (the cosine baseline also at the check's false-alarm rate) and the token F1s.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from _common import (
    SHARED_EVAL,
    EvalParser,
    add_baseline,
    at_false_alarm_rate,
    check_each,
    check_options,
    scores,
    severity,
    tsv_rows,
)

DEFAULT_DATA = SHARED_EVAL / "refresd"
FLAG_SEVERITIES = {"major", "critical"}
GOLD_MIN_TAG = 2

# Published reference. The figures themselves could not be retrieved from the sources
# searched while writing this script (the repository README and dataset cards describe
# the results only qualitatively), so none are reproduced here: see the paper.
REFERENCE = (
    "Divergent mBERT (Briakou & Carpuat 2020, EMNLP, \"Detecting Fine-Grained Cross-Lingual Semantic "
    "Divergences without Supervision by Learning to Rank\", https://aclanthology.org/2020.emnlp-main.121; "
    "code and data: https://github.com/Elbria/xling-SemDiv)"
)
REFERENCE_SENTENCE = "see paper"
REFERENCE_TOKEN = "see paper"


@dataclass(frozen=True)
class Pair:
    index: int
    binary: str  # divergent | equivalent
    label: str  # no_meaning_difference | some_meaning_difference | unrelated
    en_tokens: tuple[str, ...]
    fr_tokens: tuple[str, ...]
    en_tags: tuple[int, ...]
    fr_tags: tuple[int, ...]

    @property
    def en(self) -> str:
        return " ".join(self.en_tokens)

    @property
    def fr(self) -> str:
        return " ".join(self.fr_tokens)

    @property
    def divergent(self) -> bool:
        return self.binary == "divergent"


@dataclass
class Outcome:
    pair: Pair
    error: str | None = None
    any_finding: bool = False
    major: bool = False
    # predicted token indices per side, for findings of any severity and of major/critical
    en_any: set[int] = field(default_factory=set)
    fr_any: set[int] = field(default_factory=set)
    en_major: set[int] = field(default_factory=set)
    fr_major: set[int] = field(default_factory=set)
    # major/critical findings that point at words, not at the whole sentence
    en_spans: set[int] = field(default_factory=set)
    fr_spans: set[int] = field(default_factory=set)
    cosine: float | None = None


def read_pairs(data_dir: Path) -> list[Pair]:
    path = data_dir / "REFreSD_rationale"
    pairs: list[Pair] = []
    for n, fields in tsv_rows(path, 6):
        binary, label, en, fr, en_tags, fr_tags = fields
        en_tok, fr_tok = tuple(en.split(" ")), tuple(fr.split(" "))
        en_t, fr_t = tuple(int(t) for t in en_tags.split()), tuple(int(t) for t in fr_tags.split())
        if len(en_tok) != len(en_t) or len(fr_tok) != len(fr_t):
            raise SystemExit(f"{path}:{n}: token and tag counts differ")
        pairs.append(Pair(len(pairs), binary, label, en_tok, fr_tok, en_t, fr_t))
    return pairs


def spread(pairs: list[Pair], limit: int | None) -> list[Pair]:
    """``limit`` pairs evenly spaced over the file (all of them when limit is None)."""
    if limit is None or limit >= len(pairs):
        return pairs
    step = len(pairs) / limit
    return [pairs[int(i * step)] for i in range(limit)]


def token_offsets(tokens: tuple[str, ...]) -> list[tuple[int, int]]:
    offsets, pos = [], 0
    for tok in tokens:
        offsets.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    return offsets


def _overlapping(offsets: list[tuple[int, int]], start: int, end: int) -> set[int]:
    return {i for i, (s, e) in enumerate(offsets) if s < end and start < e}


def run(pairs: list[Pair], encoder: str) -> tuple[list[Outcome], float]:
    extra = check_options(encoder)

    def fill(out: Outcome, check) -> None:
        pair = out.pair
        report = check(pair.en, pair.fr, original_lang="en", rewrite_lang="fr", **extra)
        en_off, fr_off = token_offsets(pair.en_tokens), token_offsets(pair.fr_tokens)
        for f in report.findings:
            major = severity(f) in FLAG_SEVERITIES
            out.any_finding = True
            out.major = out.major or major
            whole = f.original is not None and f.rewrite is not None and (
                f.original.end - f.original.start, f.rewrite.end - f.rewrite.start) == (len(pair.en), len(pair.fr))
            for span, offsets, side in ((f.original, en_off, "en"), (f.rewrite, fr_off, "fr")):
                if span is None:
                    continue
                hit = _overlapping(offsets, span.start, span.end)
                getattr(out, f"{side}_any").update(hit)
                if major:
                    getattr(out, f"{side}_major").update(hit)
                    if not whole:
                        getattr(out, f"{side}_spans").update(hit)

    return check_each(pairs, Outcome, fill, every=100, label="pairs")


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def sentence_row(name: str, outcomes: list[Outcome], predict) -> str:
    tp = sum(1 for o in outcomes if predict(o) and o.pair.divergent)
    fp = sum(1 for o in outcomes if predict(o) and not o.pair.divergent)
    fn = sum(1 for o in outcomes if not predict(o) and o.pair.divergent)
    p, r, f = prf(tp, fp, fn)

    def recall(label: str) -> str:
        group = [o for o in outcomes if o.pair.label == label]
        return f"{sum(map(predict, group)) / len(group):.3f}" if group else "  -  "

    acc = sum(1 for o in outcomes if predict(o) == o.pair.divergent) / len(outcomes)
    return (
        f"{name:<34} {p:6.3f} {r:6.3f} {f:6.3f}   {recall('some_meaning_difference'):>8} "
        f"{recall('unrelated'):>8}   {recall('no_meaning_difference'):>8}   {acc:6.3f}"
    )


def token_counts(outcomes: list[Outcome], side: str, variant: str) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for o in outcomes:
        tags = o.pair.en_tags if side == "en" else o.pair.fr_tags
        gold = {i for i, t in enumerate(tags) if t >= GOLD_MIN_TAG}
        pred = getattr(o, f"{side}_{variant}")
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    return tp, fp, fn


def figures(ok: list[Outcome], threshold: float | None) -> dict:
    """Sentence level (positive = divergent): the check's major/critical and any-finding predictions, the
    cosine baseline at the encoder's threshold and at the check's false-alarm rate; token-level F1s."""
    gold = [o.pair.divergent for o in ok]
    sentence = {"check": scores([o.major for o in ok], gold), "any_finding": scores([o.any_finding for o in ok], gold)}
    scored = [o for o in ok if o.cosine is not None]
    if threshold is not None and scored:
        cosines, cosine_gold = [float(o.cosine or 0.0) for o in scored], [o.pair.divergent for o in scored]
        sentence["cosine"] = {"threshold": threshold, **scores([c < threshold for c in cosines], cosine_gold)}
        t, s = at_false_alarm_rate(cosines, cosine_gold, sentence["check"]["false_alarms"])
        sentence["cosine_at_false_alarms"] = {"threshold": t, **s}
    token: dict = {}
    for scope, group in (("all", ok), ("divergent", [o for o in ok if o.pair.divergent])):
        for variant in ("any", "major", "spans"):
            counts = [token_counts(group, side, variant) for side in ("en", "fr")]
            token[f"{scope}/{variant}"] = prf(*(sum(c[i] for c in counts) for i in range(3)))[2]
    return {"pairs": len(ok), "sentence": sentence, "token_f1_en_fr": token}


def main(argv: list[str] | None = None) -> int:
    parser = EvalParser(__doc__.split("\n\n")[0], data=DEFAULT_DATA, what="the REFreSD folder",
                        limit="check N pairs spread evenly over the file",
                        encoder="auto", encoder_help="encoder passed to fidelity.check")
    parser.add_argument("--baseline-encoder", default="use", help="encoder for the cosine baseline (default: use)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures to FILE")
    args = parser.parse_args(argv)

    pairs = spread(read_pairs(args.data), args.limit)
    labels = Counter(p.label for p in pairs)
    print(
        f"REFreSD: {len(pairs)} pairs from {args.data} — divergent {sum(p.divergent for p in pairs)} "
        f"(some_meaning_difference {labels['some_meaning_difference']}, unrelated {labels['unrelated']}), "
        f"equivalent {labels['no_meaning_difference']}"
    )
    outcomes, seconds = run(pairs, args.encoder)
    threshold = add_baseline(outcomes, args.baseline_encoder, lambda o: (o.pair.en, o.pair.fr))
    ok = [o for o in outcomes if o.error is None]
    errors = [o for o in outcomes if o.error is not None]

    print("\nSENTENCE LEVEL (positive = divergent)")
    head = (
        f"{'predictor':<34} {'P':>6} {'R':>6} {'F1':>6}   {'R(some)':>8} {'R(unrel)':>8}   "
        f"{'FPR(none)':>8}   {'acc':>6}"
    )
    print(head)
    print("-" * len(head))
    if ok:
        print(sentence_row("fidelity: major/critical finding", ok, lambda o: o.major))
        print(sentence_row("fidelity: any finding", ok, lambda o: o.any_finding))
    if threshold is not None:
        scored = [o for o in ok if o.cosine is not None]
        if scored:
            print(sentence_row(f"baseline: cosine < {threshold:.2f} ({args.baseline_encoder})", scored,
                               lambda o: o.cosine < threshold))
            if ok:  # one operating point: as many equivalent pairs flagged as the check flags
                rate = scores([o.major for o in ok], [o.pair.divergent for o in ok])["false_alarms"]
                t = at_false_alarm_rate([float(o.cosine or 0.0) for o in scored], [o.pair.divergent for o in scored],
                                        rate)[0]
                print(sentence_row(f"baseline: cosine < {t:.2f}, check's FA", scored, lambda o: o.cosine < t))
    print(f"{'reference: Divergent mBERT':<34} {REFERENCE_SENTENCE}")
    print("R(some)/R(unrel): recall on some_meaning_difference / unrelated; FPR(none): share of "
          "no_meaning_difference pairs predicted divergent")

    print(f"\nTOKEN LEVEL (gold = tag >= {GOLD_MIN_TAG}; predicted = token overlaps a finding span on its side)")
    head = f"{'pairs':<10} {'findings':<15} {'side':<9} {'P':>6} {'R':>6} {'F1':>6}   {'gold':>6} {'pred':>6}"
    print(head)
    print("-" * len(head))
    for scope, group in (("all", ok), ("divergent", [o for o in ok if o.pair.divergent])):
        for variant, vname in (("any", "any severity"), ("major", "major/critical"), ("spans", "maj/crit spans")):
            total = [0, 0, 0]
            for side in ("en", "fr"):
                tp, fp, fn = token_counts(group, side, variant)
                total = [total[0] + tp, total[1] + fp, total[2] + fn]
                p, r, f = prf(tp, fp, fn)
                print(f"{scope:<10} {vname:<15} {side:<9} {p:6.3f} {r:6.3f} {f:6.3f}   {tp + fn:>6} {tp + fp:>6}")
            p, r, f = prf(*total)
            print(f"{scope:<10} {vname:<15} {'en+fr':<9} {p:6.3f} {r:6.3f} {f:6.3f}   "
                  f"{total[0] + total[2]:>6} {total[0] + total[1]:>6}")
    print(f"{'reference: Divergent mBERT token tagging':<41} {REFERENCE_TOKEN}")

    print(f"\nreference: {REFERENCE}")
    print(f"  sentence-level figures on REFreSD: {REFERENCE_SENTENCE}; token-level figures: {REFERENCE_TOKEN}")
    if errors:
        counts = Counter(o.error for o in errors)
        print(f"\nERRORS: {len(errors)} of {len(outcomes)} pairs raised (left out of the figures):")
        for message, count in counts.most_common(5):
            print(f"  {count} x {message}")
    rate = len(outcomes) / seconds if seconds else 0.0
    print(f"\nwall time: {seconds:.1f} s for {len(outcomes)} pairs ({rate:.2f} sentence pairs/s)")
    if args.json is not None:
        options = check_options(args.encoder)
        args.json.write_text(json.dumps({
            "data": str(args.data), "encoder": args.encoder, "limit": args.limit, "judge": options.get("judge"),
            "baseline_encoder": args.baseline_encoder, "errors": len(errors), **figures(ok, threshold),
        }, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
