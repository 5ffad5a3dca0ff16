#!/usr/bin/env python3
"""Critical-error detection with ``fidelity.check`` on WMT21 QE task 3 (dev), en→de/ja/zh/cs.

Each file ``en-XX.dev.tsv`` holds 1,000 English Wikipedia talk-page comments with a machine
translation and a label: ``ERR`` (a critical error: toxicity added or removed, a safety risk,
a named entity, sentiment polarity or negation, or a number/unit changed) or ``NOT``.
Content warning: the set is built around offensive comments (see ``--examples``).

Each item is checked as ``fidelity.check(src, mt, original_lang="en", rewrite_lang=XX)``: the
languages are given, so language identification cannot misroute a short or mixed comment.
Per pair the script prints:

* n, ERR count, items that raised (with the message) and seconds per item;
* for the predictions "has a critical finding" and "has a critical or major finding" (positive
  = ERR): MCC, precision, recall;
* a cosine baseline: the plain sentence cosine between the whole ``src`` and ``mt`` under the
  encoder the check used (``settings.encoder`` in the report: USE for de/ja/zh, e5-small for cs,
  which USE does not cover), predicting ERR below a threshold chosen *on the same data* to
  maximise MCC (an optimistic, oracle-tuned reference; the threshold and its MCC/P/R are shown);
* per finding kind (category and the message's lead, e.g. ``negation / negation added``) the
  number of critical and of major findings on ERR items and on NOT items, and how many items of
  each label have at least one.

Detokenisation. ``mt`` is tokenised (spaces before punctuation; ja/zh segmented into words or
morphemes: "聞 い た こと が あ り ま せ ん"). No Moses/sacrebleu detokeniser is installed, so a
small one is applied (``--no-detok`` turns it off): a space is removed before ``, . ! ? ; : % )
] }`` and after ``( [ {``; for ja and zh also any space that has a CJK character or CJK/full-width
punctuation on either side ("POV が" → "POVが", "Alonzo Harris" keeps its space). Quotation
marks and hyphens (" - ") are left as they are: their side cannot be told without the original.
``src`` is used as given.

Usage::

    python scripts/eval_ced.py [--data DIR] [--pairs de,ja,zh,cs] [--limit N] [--encoder auto]
                               [--json FILE] [--examples N] [--no-detok]
                               [--detectors NAME,...]

``--data`` defaults to ``../shared/eval/wmt21-ced`` next to the repository root. ``--limit N``
takes N items per pair spread evenly over each file (deterministic, no random sampling).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from _common import at_false_alarm_rate, best_threshold, check_options, scores, spread

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_DATA = (ROOT / ".." / "shared" / "eval" / "wmt21-ced").resolve()
PAIRS = ("de", "ja", "zh", "cs")
COLUMNS = ["id", "src", "mt", "annotator_scores", "label"]
# Reference: the WMT21 QE shared task, task 3 (critical error detection), Specia et al. 2021,
# "Findings of the WMT 2021 Shared Task on Quality Estimation", https://aclanthology.org/2021.wmt-1.71
# (systems are ranked by MCC on the test split; this script measures dev only).
REFERENCE = "WMT21 QE task 3 (Specia et al. 2021, https://aclanthology.org/2021.wmt-1.71): MCC on test; dev here"


@dataclass(frozen=True)
class Item:
    pair: str
    id: str
    src: str
    mt: str  # as distributed (tokenised)
    scores: str
    label: str  # ERR | NOT

    @property
    def err(self) -> bool:
        return self.label == "ERR"


@dataclass
class Outcome:
    item: Item
    mt: str  # what was checked
    error: str | None = None
    critical: bool = False
    major: bool = False  # critical or major
    findings: list[tuple[str, str, str]] = field(default_factory=list)  # (severity, kind, message)
    encoder: str | None = None
    seconds: float = 0.0
    cosine: float | None = None


# -- data ---------------------------------------------------------------------------------------

def data_file(data_dir: Path, pair: str) -> Path:
    return data_dir / f"en-{pair}.dev.tsv"


def read_items(path: Path, pair: str) -> list[Item]:
    """The items of one ``en-XX.dev.tsv`` (plain split on tabs: the comments hold quotation
    marks that a csv reader would take as quoting)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].rstrip("\r").split("\t")
    if header != COLUMNS:
        raise SystemExit(f"{path}: header {header}, expected {COLUMNS}")
    items = []
    for n, line in enumerate(lines[1:], 2):
        line = line.rstrip("\r")
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) != len(COLUMNS):
            raise SystemExit(f"{path}:{n}: {len(fields)} fields, expected {len(COLUMNS)}")
        ident, src, mt, scores, label = fields
        if label not in ("ERR", "NOT"):
            raise SystemExit(f"{path}:{n}: label {label!r}, expected ERR or NOT")
        items.append(Item(pair, ident, src, mt, scores, label))
    return items


_CJK = (
    "\u3000-\u303f"  # CJK symbols and punctuation
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff00-\uffef"  # full-width forms
)
_SPACE_BEFORE = re.compile(r" +(?=[,.!?;:%)\]}])")
_SPACE_AFTER = re.compile(r"(?<=[(\[{]) +")
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")


def detokenise(text: str, lang: str) -> str:
    """Undo the tokenisation of ``mt`` as far as it can be done without the original."""
    text = _SPACE_AFTER.sub("", _SPACE_BEFORE.sub("", text))
    if lang in ("ja", "zh"):
        text = _CJK_SPACE.sub("", text)
    return text.strip()


# -- running ------------------------------------------------------------------------------------

def _severity(finding) -> str:
    sev = getattr(finding, "severity", "")
    return str(getattr(sev, "value", sev)).lower()


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\d+(\.\d+)?")


def kind(finding) -> str:
    """Category and the message's lead ('negation / negation added'), quoted words left out."""
    lead = _QUOTED.sub("…", finding.message.split(":")[0]).strip()
    return f"{finding.category} / {lead[:40]}"


def run(items: list[Item], encoder: str, detok: bool, detectors: tuple[str, ...] | None = None) -> list[Outcome]:
    import fidelity

    extra: dict = check_options(encoder)
    if detectors:
        extra["config"] = fidelity.CheckConfig(detectors=detectors)
    outcomes = []
    started = time.perf_counter()
    for n, item in enumerate(items, 1):
        out = Outcome(item, detokenise(item.mt, item.pair) if detok else item.mt)
        t0 = time.perf_counter()
        try:
            report = fidelity.check(item.src, out.mt, original_lang="en", rewrite_lang=item.pair, **extra)
            out.encoder = report.settings.get("encoder")
            for f in report.findings:
                sev = _severity(f)
                out.findings.append((sev, kind(f), f.message))
                out.critical |= sev == "critical"
                out.major |= sev in ("critical", "major")
        except Exception as exc:  # count and keep going: 'no item raises' is a target
            out.error = f"{type(exc).__name__}: {exc}"
        out.seconds = time.perf_counter() - t0
        outcomes.append(out)
        if n % 100 == 0 or n == len(items):
            elapsed = time.perf_counter() - started
            print(f"  en-{item.pair}: {n}/{len(items)} items, {elapsed:.1f} s ({elapsed / n:.3f} s/item)",
                  file=sys.stderr, flush=True)
    return outcomes


def add_cosines(outcomes: list[Outcome], fallback: str) -> str | None:
    """Plain cosine of src and mt under the encoder the checks used (most common in the
    reports, else ``fallback``). Returns the encoder's name, None when it could not be loaded."""
    used = Counter(o.encoder for o in outcomes if o.encoder)
    name = used.most_common(1)[0][0] if used else ("use" if fallback == "auto" else fallback)
    try:
        from fidelity.models.encoders import load_encoder

        enc = load_encoder(name)
        a = enc.encode([o.item.src for o in outcomes])
        b = enc.encode([o.mt for o in outcomes])
        for o, x, y in zip(outcomes, a, b):
            o.cosine = float(x @ y)
        return getattr(enc, "name", name)
    except Exception as exc:
        print(f"cosine baseline unavailable ({name}): {type(exc).__name__}: {exc}", file=sys.stderr)
        return None


# -- report -------------------------------------------------------------------------------------

def pair_summary(pair: str, outcomes: list[Outcome], baseline_encoder: str | None) -> dict:
    ok = [o for o in outcomes if o.error is None]
    gold = [o.item.err for o in ok]
    summary: dict = {
        "pair": f"en-{pair}",
        "n": len(outcomes),
        "err": sum(o.item.err for o in outcomes),
        "raised": len(outcomes) - len(ok),
        "errors": dict(Counter(o.error for o in outcomes if o.error).most_common()),
        "encoder": dict(Counter(o.encoder for o in ok if o.encoder)),
        "seconds_per_item": sum(o.seconds for o in outcomes) / len(outcomes) if outcomes else 0.0,
    }
    if ok:
        summary["critical"] = scores([o.critical for o in ok], gold)
        summary["critical_or_major"] = scores([o.major for o in ok], gold)
    scored = [o for o in ok if o.cosine is not None]
    if scored:
        t, s = best_threshold([o.cosine for o in scored], [o.item.err for o in scored])
        summary["cosine"] = {"encoder": baseline_encoder, "threshold": t, **s}
        if ok:  # the cosine at the check's own false-alarm rate ("critical or major"): one operating point
            rate = summary["critical_or_major"]["false_alarms"]
            t, s = at_false_alarm_rate([o.cosine for o in scored], [o.item.err for o in scored], rate)
            summary["cosine_at_false_alarms"] = {"encoder": baseline_encoder, "threshold": t, **s}
    kinds: dict[str, dict[str, int]] = {}
    for o in ok:
        seen = set()
        for sev, k, _ in o.findings:
            if sev not in ("critical", "major"):
                continue
            row = kinds.setdefault(f"{sev} {k}", Counter())
            row["ERR" if o.item.err else "NOT"] += 1
            if (sev, k) not in seen:
                row["ERR items" if o.item.err else "NOT items"] += 1
                seen.add((sev, k))
    summary["kinds"] = {k: dict(v) for k, v in sorted(kinds.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))}
    return summary


def fmt(s: dict) -> str:
    return f"{s['mcc']:6.3f} {s['precision']:6.3f} {s['recall']:6.3f} {s['predicted']:>5}"


def print_summaries(summaries: list[dict]) -> None:
    print("\nCRITICAL-ERROR DETECTION (positive = ERR; MCC, precision, recall, items predicted ERR)")
    head = (f"{'pair':<6} {'n':>5} {'ERR':>4} {'raised':>6}   {'critical: MCC':>13} {'P':>6} {'R':>6} {'pred':>5}   "
            f"{'crit|major: MCC':>15} {'P':>6} {'R':>6} {'pred':>5}   {'cosine<t: MCC':>13} {'P':>6} {'R':>6} {'pred':>5} {'t':>6}")
    print(head)
    print("-" * len(head))
    for s in summaries:
        row = f"{s['pair']:<6} {s['n']:>5} {s['err']:>4} {s['raised']:>6}   "
        row += (f"{'':>7}{fmt(s['critical'])}   {'':>9}{fmt(s['critical_or_major'])}   "
                if "critical" in s else f"{'-':>36}   {'-':>38}   ")
        c = s.get("cosine")
        row += f"{'':>7}{fmt(c)} {c['threshold']:6.3f}" if c else f"{'-':>36}"
        print(row)
    print("cosine<t: plain cosine of src and mt under the check's encoder, threshold chosen on these items "
          "to maximise MCC (oracle-tuned)")
    at_rate = [s for s in summaries if "cosine_at_false_alarms" in s]
    if at_rate:
        print("cosine at the check's false-alarm rate (crit|major): " + "; ".join(
            f"{s['pair']} MCC {c['mcc']:.3f} P {c['precision']:.3f} R {c['recall']:.3f} (t {c['threshold']:.3f}, "
            f"FA {c['false_alarms']:.3f})" for s in at_rate for c in [s["cosine_at_false_alarms"]]))
    print("encoders: " + "; ".join(f"{s['pair']} {', '.join(s['encoder']) or '-'}"
                                    f" (cosine: {s.get('cosine', {}).get('encoder', '-')})" for s in summaries))
    print(f"reference: {REFERENCE}")

    for s in summaries:
        print(f"\nen-{s['pair'][3:]}: critical and major findings by kind "
              f"(findings on ERR / NOT items; items with one: ERR / NOT)  [{s['err']} ERR, {s['n'] - s['err']} NOT]")
        if not s["kinds"]:
            print("  none")
        for k, v in s["kinds"].items():
            print(f"  {k:<62} {v.get('ERR', 0):>5} {v.get('NOT', 0):>5}   items {v.get('ERR items', 0):>4} {v.get('NOT items', 0):>4}")
        if s["raised"]:
            print(f"  RAISED: {s['raised']} items")
            for message, count in s["errors"].items():
                print(f"    {count} x {message}")


def print_examples(outcomes: list[Outcome], n: int) -> None:
    """N critical findings on NOT items, taken in turn from each pair (deterministic)."""
    by_pair: dict[str, list] = {}
    for o in outcomes:
        if o.error is None and not o.item.err:
            for sev, k, message in o.findings:
                if sev == "critical":
                    by_pair.setdefault(o.item.pair, []).append((o, k, message))
    picked, queues = [], [spread(v, n) for v in by_pair.values()]
    while len(picked) < n and any(queues):
        for q in queues:
            if q and len(picked) < n:
                picked.append(q.pop(0))
    print(f"\nEXAMPLES: {len(picked)} critical findings on NOT items (of "
          f"{sum(len(v) for v in by_pair.values())}); content warning: offensive comments")
    for o, k, message in picked:
        print(f"\n[en-{o.item.pair} {o.item.id}] {k}\n  src: {o.item.src}\n  mt:  {o.mt}\n  finding: {message}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"data directory (default {DEFAULT_DATA})")
    parser.add_argument("--pairs", default=",".join(PAIRS), help="target languages, comma-separated (default de,ja,zh,cs)")
    parser.add_argument("--limit", type=int, default=None, help="check N items per pair, spread evenly over each file")
    parser.add_argument("--encoder", default="auto", help="encoder passed to fidelity.check (default: auto)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures and every item's findings to FILE")
    parser.add_argument("--examples", type=int, default=0, help="print N critical findings on NOT items")
    parser.add_argument("--detectors", default=None,
                        help="run only these detectors (comma-separated, e.g. 'tone'): the figures are theirs alone")
    parser.add_argument("--no-detok", dest="detok", action="store_false", help="check mt as distributed (tokenised)")
    args = parser.parse_args(argv)

    if not args.data.is_dir():
        print(f"error: WMT21 critical-error data not found: expected en-XX.dev.tsv files in {args.data} "
              f"(give --data DIR)", file=sys.stderr)
        return 2
    pairs = [p.strip() for p in args.pairs.split(",") if p.strip()]
    unknown = [p for p in pairs if p not in PAIRS]
    if unknown:
        parser.error(f"unknown pair(s) {', '.join(unknown)}; choose from {', '.join(PAIRS)}")

    started = time.perf_counter()
    summaries, everything = [], []
    for pair in pairs:
        path = data_file(args.data, pair)
        if not path.is_file():
            print(f"error: {path} not found", file=sys.stderr)
            return 2
        items = spread(read_items(path, pair), args.limit)
        print(f"en-{pair}: {len(items)} items from {path}", file=sys.stderr, flush=True)
        detectors = tuple(d.strip() for d in args.detectors.split(",") if d.strip()) if args.detectors else None
        outcomes = run(items, args.encoder, args.detok, detectors)
        baseline = add_cosines([o for o in outcomes if o.error is None], args.encoder)
        summaries.append(pair_summary(pair, outcomes, baseline))
        everything.extend(outcomes)
    seconds = time.perf_counter() - started

    print(f"WMT21 QE task 3 dev, {args.data}: {len(everything)} items; mt "
          f"{'detokenised (see the docstring)' if args.detok else 'as distributed (tokenised)'}; "
          f"encoder {args.encoder}" + (f"; --limit {args.limit} per pair" if args.limit else "")
          + (f"; detectors {args.detectors}" if args.detectors else ""))
    print_summaries(summaries)
    if args.examples:
        print_examples(everything, args.examples)
    raised = sum(s["raised"] for s in summaries)
    print(f"\nitems that raised: {raised} of {len(everything)}")
    print(f"wall time: {seconds:.1f} s for {len(everything)} items ({seconds / max(len(everything), 1):.3f} s/item)")
    if args.json:
        args.json.write_text(json.dumps({
            "data": str(args.data), "detokenised": args.detok, "encoder": args.encoder, "limit": args.limit,
            "summaries": summaries,
            "items": [{
                "pair": o.item.pair, "id": o.item.id, "label": o.item.label, "src": o.item.src, "mt": o.mt,
                "error": o.error, "critical": o.critical, "critical_or_major": o.major, "cosine": o.cosine,
                "findings": [{"severity": s, "kind": k, "message": m} for s, k, m in o.findings],
            } for o in everything],
        }, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
