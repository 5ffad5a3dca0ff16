#!/usr/bin/env python3
"""Professional MQM error annotations of English→German MT (WMT21 TED talks) against ``fidelity.check``.

The file (``../shared/eval/mqm-ted/mqm_ted_ende.dev.tsv``, see that folder's README) holds one row
per error a rater marked: ``system``, ``doc``, ``doc_id``, ``seg_id``, ``rater``, ``source``
(English), ``target`` (German MT or the human reference), ``category`` (``Accuracy/Mistranslation``,
``Fluency/Grammar``, ``No-error``...), ``severity`` (``Major``, ``Minor``, ``No-error``) and
``comment``. The error's span is marked ``<v>…</v>`` in the target (in the source for an
omission). One item per (system, doc_id, seg_id): the source and the target with the markers
removed, and each row's span as character offsets into the cleaned text.

Gold: positive when the segment has an ``Accuracy/*`` error of severity Major, negative when its
only rows are ``No-error``. Segments with only minor or non-accuracy errors are neither: they are
checked and reported apart (their share flagged), not in the MCC.

Each item is checked as one aligned segment, ``fidelity.check(source, target, original_lang="en",
rewrite_lang="de", aligned=True)``, with ``FIDELITY_JUDGE``/``FIDELITY_SENSITIVITY`` read as the
other evaluations read them (``_common.check_options``: ``FIDELITY_JUDGE=builtin`` measures the
learned judge). Printed:

* items, positives, negatives, the segments reported apart, items that raised;
* MCC, precision, recall and false-alarm rate of "has a major/critical finding" against gold;
* span overlap: the share of flagged positives with a major/critical finding whose rewrite-side
  span overlaps the span of one of the segment's major accuracy errors (or, for an omission marked
  in the source, whose original-side span overlaps it); again with the findings that cover the
  whole segment on both sides left out (those overlap any span), and against any rater span;
* the plain cosine baseline: the USE cosine of source and target (``--baseline-encoder``),
  flagged below a threshold chosen so that its false-alarm rate is the check's, and at the threshold
  that maximises its MCC on these items (oracle-tuned);
* major/critical findings by detector and category, on positive and on negative items.

Usage::

    python scripts/eval_mqm.py [--data FILE] [--limit N] [--encoder auto] [--baseline-encoder use]
                               [--jobs N] [--json FILE]

``--limit N`` checks N items spread evenly over the file (deterministic). ``--jobs N`` checks in N
processes (the same results, in the same order).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from _common import (
    SHARED_EVAL,
    EvalParser,
    add_baseline,
    at_false_alarm_rate,
    best_threshold,
    check_options,
    scores,
    severity,
    spread,
    timed_loop,
    tsv_rows,
)

DEFAULT_DATA = SHARED_EVAL / "mqm-ted" / "mqm_ted_ende.dev.tsv"
COLUMNS = ["system", "doc", "doc_id", "seg_id", "rater", "source", "target", "category", "severity", "comment"]
FLAG_SEVERITIES = {"major", "critical"}
NO_ERROR = "No-error"
_MARK = re.compile(r"</?v>")

Offsets = tuple[int, int]


def strip_marks(text: str) -> tuple[str, list[Offsets]]:
    """The text without its ``<v>…</v>`` markers, and each marked span as (start, end) into it.
    A marker left open, closed twice or nested raises ValueError."""
    parts: list[str] = []
    spans: list[Offsets] = []
    pos = length = 0
    opened: int | None = None
    for mark in _MARK.finditer(text):
        parts.append(text[pos:mark.start()])
        length += mark.start() - pos
        pos = mark.end()
        if mark.group() == "<v>":
            if opened is not None:
                raise ValueError("<v> inside a marked span")
            opened = length
        else:
            if opened is None:
                raise ValueError("</v> without <v>")
            spans.append((opened, length))
            opened = None
    if opened is not None:
        raise ValueError("<v> never closed")
    parts.append(text[pos:])
    return "".join(parts), spans


@dataclass(frozen=True)
class Error:
    """One rater's row: a marked error (or ``No-error``), its spans as offsets into the clean texts."""

    rater: str
    category: str
    severity: str
    source_spans: tuple[Offsets, ...]
    target_spans: tuple[Offsets, ...]

    @property
    def major_accuracy(self) -> bool:
        return self.category.startswith("Accuracy/") and self.severity == "Major"


@dataclass(frozen=True)
class Item:
    system: str
    doc: str
    doc_id: str
    seg_id: str
    source: str  # English, markers removed
    target: str  # German, markers removed
    errors: tuple[Error, ...]

    @property
    def id(self) -> str:
        return f"{self.system}/{self.doc_id}/{self.seg_id}"

    @property
    def gold(self) -> bool | None:
        """True: a major accuracy error; False: only No-error rows; None: neither (reported apart)."""
        if any(e.major_accuracy for e in self.errors):
            return True
        if all(e.category == NO_ERROR for e in self.errors):
            return False
        return None

    def spans(self, side: str, *, major_accuracy: bool = True) -> list[Offsets]:
        """The raters' spans on one side (``source`` or ``target``): of the major accuracy errors,
        or of every error."""
        return [span for e in self.errors if e.major_accuracy or not major_accuracy
                for span in (e.source_spans if side == "source" else e.target_spans)]


def read_items(path: Path) -> list[Item]:
    """One item per (system, doc_id, seg_id), in the order the file first names them."""
    rows = tsv_rows(path, len(COLUMNS))
    _, header = next(rows, (0, []))
    if header != COLUMNS:
        raise SystemExit(f"{path}: header {header}, expected {COLUMNS}")
    grouped: dict[tuple[str, str, str], list[tuple[int, list[str]]]] = {}
    for n, fields in rows:
        system, _doc, doc_id, seg_id = fields[:4]
        grouped.setdefault((system, doc_id, seg_id), []).append((n, fields))
    items = []
    for (system, doc_id, seg_id), group in grouped.items():
        texts: set[tuple[str, str]] = set()
        errors = []
        for n, (_s, _doc, _d, _g, rater, source, target, category, sev, _comment) in group:
            try:
                clean_source, source_spans = strip_marks(source)
                clean_target, target_spans = strip_marks(target)
            except ValueError as exc:
                raise SystemExit(f"{path}:{n}: {exc}") from None
            texts.add((clean_source, clean_target))
            errors.append(Error(rater, category, sev, tuple(source_spans), tuple(target_spans)))
        if len(texts) != 1:
            raise SystemExit(f"{path}:{group[0][0]}: the rows of {system}/{doc_id}/{seg_id} differ in their texts")
        clean_source, clean_target = next(iter(texts))
        items.append(Item(system, group[0][1][1], doc_id, seg_id, clean_source, clean_target, tuple(errors)))
    return items


# -- running ------------------------------------------------------------------------------------

@dataclass
class Outcome:
    item: Item
    error: str | None = None
    flagged: bool = False  # a major/critical finding
    # each finding: severity, detector, category, message, original/rewrite (start, end) or None
    findings: list[dict] = field(default_factory=list)
    encoder: str | None = None
    cosine: float | None = None


def _offsets(span) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def check_item(item: Item, encoder: str) -> Outcome:
    """Check one segment; an exception is recorded on the outcome, not raised."""
    out = Outcome(item)
    try:
        import fidelity

        report = fidelity.check(item.source, item.target, original_lang="en", rewrite_lang="de", aligned=True,
                                **check_options(encoder))
        out.encoder = report.settings.get("encoder")
        for f in report.findings:
            sev = severity(f)
            out.flagged |= sev in FLAG_SEVERITIES
            out.findings.append({"severity": sev, "detector": f.detector, "category": str(getattr(f.category, "value", f.category)),
                                 "message": f.message, "original": _offsets(f.original),
                                 "rewrite": _offsets(f.rewrite)})
    except Exception as exc:  # count and go on: one bad segment must not end the run
        out.error = f"{type(exc).__name__}: {exc}"
    return out


def _overlaps(span: list[int] | None, spans: list[Offsets]) -> bool:
    return span is not None and any(span[0] < end and start < span[1] for start, end in spans)


def _covers(span: list[int] | None, text: str) -> bool:
    """Whether a span holds the whole text (white space at its ends aside)."""
    return span is not None and span[1] - span[0] >= len(text.strip())


def span_hit(out: Outcome, *, major_accuracy: bool = True, whole: bool = True) -> bool:
    """Whether a major/critical finding overlaps a rater's span: its rewrite span a target span, or its
    original span a source span (an omission is marked in the source). ``whole=False`` leaves out the
    findings that cover the whole segment on both sides."""
    target, source = (out.item.spans(side, major_accuracy=major_accuracy) for side in ("target", "source"))
    for f in out.findings:
        if f["severity"] not in FLAG_SEVERITIES:
            continue
        if not whole and _covers(f["original"], out.item.source) and _covers(f["rewrite"], out.item.target):
            continue
        if _overlaps(f["rewrite"], target) or _overlaps(f["original"], source):
            return True
    return False


# -- figures ------------------------------------------------------------------------------------

def summarise(outcomes: list[Outcome], baseline_encoder: str | None) -> dict:
    ok = [o for o in outcomes if o.error is None]
    scored = [o for o in ok if o.item.gold is not None]
    gold = [bool(o.item.gold) for o in scored]
    apart = [o for o in ok if o.item.gold is None]
    summary: dict = {
        "items": len(outcomes),
        "positives": sum(o.item.gold is True for o in outcomes),
        "negatives": sum(o.item.gold is False for o in outcomes),
        "apart": sum(o.item.gold is None for o in outcomes),
        "raised": len(outcomes) - len(ok),
        "errors": dict(Counter(o.error for o in outcomes if o.error).most_common(5)),
        "encoder": dict(Counter(o.encoder for o in ok if o.encoder)),
        "apart_flagged": sum(o.flagged for o in apart) / len(apart) if apart else None,
    }
    if not scored:
        return summary
    summary["check"] = scores([o.flagged for o in scored], gold)
    hits = [o for o in scored if o.flagged and o.item.gold]
    summary["span_overlap"] = {
        "flagged_positives": len(hits),
        "major_accuracy_spans": sum(span_hit(o) for o in hits) / len(hits) if hits else None,
        "without_whole_segment_findings": sum(span_hit(o, whole=False) for o in hits) / len(hits) if hits else None,
        "any_rater_span": sum(span_hit(o, major_accuracy=False) for o in hits) / len(hits) if hits else None,
    }
    with_cosine = [o for o in scored if o.cosine is not None]
    if with_cosine:
        cosines, cosine_gold = [float(o.cosine or 0.0) for o in with_cosine], [bool(o.item.gold) for o in with_cosine]
        t, s = at_false_alarm_rate(cosines, cosine_gold, summary["check"]["false_alarms"])
        summary["cosine_at_false_alarms"] = {"encoder": baseline_encoder, "threshold": t, **s}
        t, s = best_threshold(cosines, cosine_gold)
        summary["cosine_best"] = {"encoder": baseline_encoder, "threshold": t, **s}
    kinds: dict[str, Counter] = {}
    for o in scored:
        for kind in {f"{f['detector']} / {f['category']}" for f in o.findings if f["severity"] in FLAG_SEVERITIES}:
            kinds.setdefault(kind, Counter())["positive" if o.item.gold else "negative"] += 1
    summary["kinds"] = {k: dict(v) for k, v in sorted(kinds.items(), key=lambda kv: -sum(kv[1].values()))}
    return summary


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def print_summary(s: dict) -> None:
    print(f"items {s['items']}: positives (a major accuracy error) {s['positives']}, negatives (No-error only) "
          f"{s['negatives']}, apart (minor or non-accuracy errors only) {s['apart']}; raised {s['raised']}")
    for message, count in s["errors"].items():
        print(f"  RAISED {count} x {message}")
    if "check" not in s:
        print("no scored items")
        return
    head = f"{'predictor':<44} {'MCC':>6} {'P':>6} {'R':>6} {'FA':>6} {'flagged':>7} {'t':>6}"
    print("\n" + head)
    print("-" * len(head))
    rows = [("fidelity: a major/critical finding", s["check"], None)]
    for key, name in (("cosine_at_false_alarms", "cosine < t, the check's false-alarm rate"),
                      ("cosine_best", "cosine < t, best MCC (oracle-tuned)")):
        if key in s:
            rows.append((name, s[key], s[key]["threshold"]))
    for name, f, t in rows:
        threshold = "" if t is None else f"{t:6.3f}"
        print(f"{name:<44} {f['mcc']:6.3f} {f['precision']:6.3f} {f['recall']:6.3f} {f['false_alarms']:6.3f} "
              f"{f['predicted']:>7} {threshold:>6}")
    if "cosine_best" in s:
        print(f"cosine: {s['cosine_best']['encoder']} cosine of source and target")
    so = s["span_overlap"]
    print(f"\nspan overlap, of the {so['flagged_positives']} flagged positives: a major/critical finding overlaps a "
          f"major accuracy span {_share(so['major_accuracy_spans'])}; whole-segment findings left out "
          f"{_share(so['without_whole_segment_findings'])}; any rater span {_share(so['any_rater_span'])}")
    print(f"apart (minor or non-accuracy errors only): flagged {_share(s['apart_flagged'])}")
    print("\nmajor/critical findings by detector / category: items (positive, negative)")
    for kind, counts in s["kinds"].items():
        print(f"  {kind:<44} {counts.get('positive', 0):>5} {counts.get('negative', 0):>5}")


def main(argv: list[str] | None = None) -> int:
    parser = EvalParser(__doc__.split("\n\n")[0], data=DEFAULT_DATA, what="the MQM TED en-de dev file",
                        encoder="auto", encoder_help="encoder passed to fidelity.check",
                        limit="check N items spread evenly over the file")
    parser.add_argument("--baseline-encoder", default="use", help="encoder for the cosine baseline (default: use)")
    parser.add_argument("--jobs", type=int, default=1, help="check in N processes (same results; default 1)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures and every item's findings to FILE")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")

    items = spread(read_items(args.data), args.limit)
    print(f"MQM TED en-de dev, {args.data}: {len(items)} items" + (f" (--limit {args.limit})" if args.limit else "")
          + f"; judge {check_options(args.encoder).get('judge', 'none')}", flush=True)
    started = time.perf_counter()
    pool = None
    if args.jobs > 1:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(args.jobs)
    try:
        outcomes, _ = timed_loop(items, partial(check_item, encoder=args.encoder), label="segments", pool=pool)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    threshold = add_baseline([o for o in outcomes if o.error is None], args.baseline_encoder,
                             lambda o: (o.item.source, o.item.target))
    summary = summarise(outcomes, args.baseline_encoder if threshold is not None else None)
    seconds = time.perf_counter() - started
    print_summary(summary)
    print(f"\nwall time: {seconds:.1f} s for {len(items)} items ({seconds / max(len(items), 1):.3f} s/item)")
    if args.json:
        options = check_options(args.encoder)
        args.json.write_text(json.dumps({
            "data": str(args.data), "encoder": args.encoder, "limit": args.limit,
            "judge": options.get("judge"), "sensitivity": options.get("sensitivity"), "summary": summary,
            "items": [{"id": o.item.id, "gold": o.item.gold, "source": o.item.source, "target": o.item.target,
                       "target_spans": o.item.spans("target", major_accuracy=False), "error": o.error,
                       "flagged": o.flagged, "cosine": o.cosine, "findings": o.findings} for o in outcomes],
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
