#!/usr/bin/env python3
"""Minimal-pair evaluation: does ``fidelity.check`` catch small meaning changes, and
does it stay quiet on faithful paraphrases?

Data: ``fidelity/data/perturbations.tsv`` (see ``scripts/data/README.md``). Each perturbed
pair (``is_control`` 0) has a control beside it (id + ``-c``, ``is_control`` 1): the same
original with an unchanged copy or a meaning-preserving paraphrase as the rewrite.

For every pair the script runs ``fidelity.check(original, rewrite, original_lang=lang,
rewrite_lang=lang)`` and reports, per kind of perturbation:

- detected: share of perturbed pairs with at least one finding of severity major or critical;
- false alarms: share of the controls with at least one major/critical finding;
- category: share of perturbed pairs whose findings (any severity) include the category
  expected for that kind (``EXPECTED`` below; ``quote_altered`` also counts when the
  edit lies inside quotation marks);
- baseline: a plain sentence-cosine threshold (the whole original vs the whole rewrite,
  flagged when the cosine is below the encoder's ``equivalent`` threshold).

Cross-lingual, English → Russian (``en-ru``): every Russian pair again, with the English
text that its Russian original translates (``scripts/data/ru_originals_en.tsv``) as the
original, checked as ``original_lang="en", rewrite_lang="ru"`` with no translation model.

Overall figures follow, for English, Russian and English → Russian separately (the "all
languages" table and the target cover the two same-language groups), then the baseline at the
encoder's threshold, at the best threshold chosen on the data (max detected - false
alarms) and at the highest threshold whose false-alarm rate stays at or below 0.10.
The target for the tool: detected >= 0.90 at false alarms <= 0.10.

Usage::

    python scripts/eval_perturbations.py [--data FILE] [--lang en|ru|en-ru|all] [--kind KIND]
        [--encoder auto|use|e5-small] [--baseline-encoder use] [--show-misses] [--limit N] [--json FILE]

Deterministic: pairs run in file order, and nothing is sampled (``--limit N``: N perturbed pairs
of each language group spread evenly over it, each with its control). ``--json FILE`` writes each
group's figures, the cosine baseline at the check's false-alarm rate among them.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from _common import ROOT, EvalParser, add_baseline, at_false_alarm_rate, check_each, check_options, severity, spread
from fidelity.data import resource

DEFAULT_DATA = resource("perturbations.tsv")  # package data: also the calibration reference pairs
ENGLISH_OF_RUSSIAN = ROOT / "scripts" / "data" / "ru_originals_en.tsv"
GROUPS = {"en": "ENGLISH", "ru": "RUSSIAN", "en-ru": "ENGLISH → RUSSIAN (cross-lingual, no translation model)"}
COLUMNS = ["id", "lang", "kind", "is_control", "original", "rewrite"]

# The finding categories that name each kind of perturbation correctly.
EXPECTED: dict[str, set[str]] = {
    "negation": {"negation"},
    "antonym": {"mistranslation", "negation"},
    "number": {"number_changed"},
    "date": {"number_changed", "entity_changed"},
    "entity": {"entity_changed", "attribution_changed"},
    "drop_phrase": {"omission"},
    "add_phrase": {"addition"},
    "hedge_removed": {"certainty_shift"},
    "hedge_added": {"certainty_shift"},
    "quote_words": {"quote_altered"},
    "attribution_dropped": {"attribution_changed"},
    "loaded_word": {"loaded_language"},
}
KIND_ORDER = list(EXPECTED)
FLAG_SEVERITIES = {"major", "critical"}
TARGET_DETECTED = 0.90
TARGET_FALSE_ALARMS = 0.10

_WORD_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Row:
    id: str
    lang: str
    kind: str
    is_control: bool
    original: str
    rewrite: str


@dataclass
class Result:
    row: Row
    error: str | None = None
    flagged: bool = False  # any major/critical finding
    any_finding: bool = False
    expected_hit: bool = False
    categories: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # one line each, for --show-misses
    cosine: float | None = None  # baseline sentence cosine
    raw: list = field(default_factory=list)  # the Finding objects (scripts/eval_faithful.py reads them)


def read_rows(path: Path) -> list[Row]:
    rows: list[Row] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header != COLUMNS:
            raise SystemExit(f"{path}: header {header} is not {COLUMNS}")
        for n, fields in enumerate(reader, 2):
            if not fields:
                continue
            if len(fields) != len(COLUMNS):
                raise SystemExit(f"{path}:{n}: {len(fields)} fields, expected {len(COLUMNS)}")
            rid, lang, kind, is_control, original, rewrite = fields
            rows.append(Row(rid, lang, kind, is_control == "1", original, rewrite))
    return rows


def cross_lingual_rows(rows: list[Row], path: Path = ENGLISH_OF_RUSSIAN) -> list[Row]:
    """The Russian pairs with the English text their Russian original translates as the original."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        if next(reader) != ["ru", "en"]:
            raise SystemExit(f"{path}: header is not ru, en")
        english = {ru: en for ru, en in reader}
    out = []
    for row in rows:
        if row.lang == "ru":
            if row.original not in english:
                raise SystemExit(f"{path}: no English for the original of {row.id}")
            out.append(Row(f"enru-{row.id[3:]}", "en-ru", row.kind, row.is_control, english[row.original], row.rewrite))
    return out


def with_controls(rows: list[Row], limit: int | None) -> list[Row]:
    """``limit`` perturbed pairs of each language group, spread evenly over it, each with its control
    (the control's id is the pair's id + ``-c``); all rows when limit is None."""
    if limit is None:
        return rows
    keep: set[str] = set()
    for lang in sorted({r.lang for r in rows}):
        keep |= set(spread([r.id for r in rows if r.lang == lang and not r.is_control], limit))
    return [r for r in rows if r.id in keep or (r.is_control and r.id[:-2] in keep)]


def _languages(row: Row) -> tuple[str, str]:
    original, _, rewrite = row.lang.partition("-")
    return original, rewrite or original


def _word_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]


def edit_inside_quotes(original: str, rewrite: str) -> bool:
    """True when a word-level difference between the texts lies inside quotation marks."""
    from fidelity.text.quote_marks import quoted_spans

    a, b = _word_spans(original), _word_spans(rewrite)
    # Double quotation marks only: ’ doubles as the apostrophe in the seeds ("country’s").
    qa, qb = quoted_spans(original), quoted_spans(rewrite)
    if not qa and not qb:
        return False
    matcher = difflib.SequenceMatcher(None, [w for *_, w in a], [w for *_, w in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1 and any(s < a[i2 - 1][1] and a[i1][0] < e for s, e in qa):
            return True
        if j2 > j1 and any(s < b[j2 - 1][1] and b[j1][0] < e for s, e in qb):
            return True
    return False


def _describe(finding) -> str:
    sev = severity(finding)
    conf = getattr(finding, "confidence", 0.0)
    parts = [f"{getattr(finding, 'category', '?')}/{sev} ({conf:.2f})"]
    orig, rew = getattr(finding, "original", None), getattr(finding, "rewrite", None)
    if orig is not None and orig.text and len(orig.text) < 60:
        parts.append(f"orig «{orig.text}»")
    if rew is not None and rew.text and len(rew.text) < 60:
        parts.append(f"rew «{rew.text}»")
    parts.append(str(getattr(finding, "message", "")))
    return " | ".join(parts)


def run_check(rows: list[Row], encoder: str) -> tuple[list[Result], float]:
    extra = check_options(encoder)

    def fill(res: Result, check) -> None:
        row = res.row
        o_lang, r_lang = _languages(row)
        report = check(row.original, row.rewrite, original_lang=o_lang, rewrite_lang=r_lang, **extra)
        findings = res.raw = list(report.findings)
        res.any_finding = bool(findings)
        res.flagged = any(severity(f) in FLAG_SEVERITIES for f in findings)
        res.categories = sorted({str(f.category) for f in findings})
        expected = set(EXPECTED.get(row.kind, set()))
        if row.lang != "en-ru" and edit_inside_quotes(row.original, row.rewrite):
            expected.add("quote_altered")
        res.expected_hit = bool(expected & set(res.categories))
        res.findings = [_describe(f) for f in findings]

    return check_each(rows, Result, fill, every=50, label="pairs")


def _share(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.2f}" if values else "  - "


def _rates(results: list[Result], flag) -> tuple[float, float]:
    pert = [flag(r) for r in results if not r.row.is_control]
    ctrl = [flag(r) for r in results if r.row.is_control]
    return (sum(pert) / len(pert) if pert else 0.0, sum(ctrl) / len(ctrl) if ctrl else 0.0)


def print_table(title: str, results: list[Result], threshold: float | None) -> None:
    ok = [r for r in results if r.error is None]
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_kind[r.row.kind].append(r)
    kinds = [k for k in KIND_ORDER if k in by_kind] + sorted(k for k in by_kind if k not in EXPECTED)
    base = threshold is not None and all(r.cosine is not None for r in results)
    print(f"\n{title}")
    head = f"{'kind':<20} {'n':>4} {'ctl':>4} {'err':>4}  {'detected':>8} {'false_al':>8} {'category':>8} {'any_find':>8}"
    if base:
        head += f"  {'base_det':>8} {'base_fa':>8}"
    print(head)
    print("-" * len(head))

    def line(name: str, group: list[Result]) -> None:
        good = [r for r in group if r.error is None]
        pert = [r for r in good if not r.row.is_control]
        ctrl = [r for r in good if r.row.is_control]
        n_pert = sum(1 for r in group if not r.row.is_control)
        n_ctrl = sum(1 for r in group if r.row.is_control)
        errors = sum(1 for r in group if r.error is not None)
        text = (
            f"{name:<20} {n_pert:>4} {n_ctrl:>4} {errors:>4}  {_share([r.flagged for r in pert]):>8} "
            f"{_share([r.flagged for r in ctrl]):>8} {_share([r.expected_hit for r in pert]):>8} "
            f"{_share([r.any_finding for r in pert]):>8}"
        )
        if base:
            bp = [r.cosine < threshold for r in group if not r.row.is_control]
            bc = [r.cosine < threshold for r in group if r.row.is_control]
            text += f"  {_share(bp):>8} {_share(bc):>8}"
        print(text)

    for kind in kinds:
        line(kind, by_kind[kind])
    print("-" * len(head))
    line("ALL", results)
    if ok:
        det, fa = _rates(ok, lambda r: r.flagged)
        verdict = "MET" if det >= TARGET_DETECTED and fa <= TARGET_FALSE_ALARMS else "not met"
        print(
            f"target detected >= {TARGET_DETECTED:.2f} at false alarms <= {TARGET_FALSE_ALARMS:.2f}: {verdict} "
            f"(detected {det:.2f}, false alarms {fa:.2f}; any finding on controls "
            f"{_rates(ok, lambda r: r.any_finding)[1]:.2f})"
        )


def print_baseline(results: list[Result], threshold: float | None, encoder_name: str) -> None:
    scored = [r for r in results if r.cosine is not None]
    if threshold is None or not scored:
        print("\nBASELINE: unavailable")
        return
    print(f"\nBASELINE: plain sentence cosine ({encoder_name}), flagged when cosine < threshold")

    def at(t: float, group: list[Result]) -> tuple[float, float]:
        return _rates(group, lambda r: r.cosine < t)

    # Thresholds other than the encoder's are chosen on each group's own data (an upper bound).
    for lang in ["all"] + sorted({r.row.lang for r in scored}):
        group = scored if lang == "all" else [r for r in scored if r.row.lang == lang]
        values = sorted({r.cosine for r in group})
        candidates = [values[0] - 1e-6] + [(a + b) / 2 for a, b in zip(values, values[1:])] + [values[-1] + 1e-6]
        best = max(candidates, key=lambda t: (at(t, group)[0] - at(t, group)[1], -t))
        capped = [t for t in candidates if at(t, group)[1] <= TARGET_FALSE_ALARMS]
        rows = [("encoder equivalent", threshold), ("best on data (max det-FA)", best)]
        if capped:
            rows.append((f"highest with FA <= {TARGET_FALSE_ALARMS:.2f}", max(capped)))
        checked = [r for r in group if r.error is None]
        if checked:  # one operating point: the cosine flags as many controls as the check does
            rate = _rates(checked, lambda r: r.flagged)[1]
            rows.append((f"the check's FA ({rate:.2f})", _cosine_at(checked, rate)))
        for name, t in rows:
            det, fa = at(t, group)
            print(f"  {lang:<4} {name:<28} threshold {t:.3f}: detected {det:.2f}, false alarms {fa:.2f}")


def _cosine_at(results: list[Result], rate: float) -> float:
    """The cosine threshold that flags at most ``rate`` of these results' controls."""
    scored = [r for r in results if r.cosine is not None]
    return at_false_alarm_rate([float(r.cosine or 0.0) for r in scored], [not r.row.is_control for r in scored],
                               rate)[0]


def figures(results: list[Result]) -> dict:
    """Per language group: pairs, detected and false alarms (overall and per kind), and the cosine
    baseline at the group's own false-alarm rate."""
    out: dict = {}
    for lang in GROUPS:
        group = [r for r in results if r.row.lang == lang]
        ok = [r for r in group if r.error is None]
        if not ok:
            continue
        detected, false_alarms = _rates(ok, lambda r: r.flagged)
        by_kind = {}
        for kind in KIND_ORDER:
            mine = [r for r in ok if r.row.kind == kind]
            if mine:
                det, fa = _rates(mine, lambda r: r.flagged)
                by_kind[kind] = {"detected": det, "false_alarms": fa}
        g = {"pairs": len(group), "errors": len(group) - len(ok), "detected": detected,
             "false_alarms": false_alarms, "by_kind": by_kind}
        if all(r.cosine is not None for r in ok):
            t = _cosine_at(ok, false_alarms)
            det, fa = _rates(ok, lambda r, t=t: r.cosine < t)
            g["cosine_at_false_alarms"] = {"threshold": t, "detected": det, "false_alarms": fa}
        out[lang] = g
    return out


def show_misses(results: list[Result]) -> None:
    print("\nMISSED perturbations (no major/critical finding) and FALSE ALARMS on controls:")
    for r in results:
        if r.error is not None:
            print(f"\n[ERROR] {r.row.id}: {r.error}")
            continue
        missed = not r.row.is_control and not r.flagged
        false_alarm = r.row.is_control and r.flagged
        if not (missed or false_alarm):
            continue
        label = "MISSED" if missed else "FALSE ALARM"
        cos = f" cos={r.cosine:.3f}" if r.cosine is not None else ""
        print(f"\n[{label}] {r.row.id} ({r.row.kind}){cos}")
        print(f"  original: {r.row.original}")
        print(f"  rewrite : {r.row.rewrite}")
        for line in r.findings or ["(no findings)"]:
            print(f"    - {line}")


def main(argv: list[str] | None = None) -> int:
    parser = EvalParser(__doc__.split("\n\n")[0], data=DEFAULT_DATA, what="the perturbations TSV",
                        encoder="auto", encoder_help="encoder passed to fidelity.check",
                        limit="N perturbed pairs of each language group, each with its control")
    parser.add_argument("--lang", choices=["all", *GROUPS], default="all")
    parser.add_argument("--kind", action="append", help="only this kind (repeatable)")
    parser.add_argument("--baseline-encoder", default="use", help="encoder for the cosine baseline (default: use)")
    parser.add_argument("--show-misses", action="store_true", help="print missed pairs and false alarms")
    parser.add_argument("--json", type=Path, default=None, help="write each language group's figures to FILE")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")

    rows = read_rows(args.data)
    rows += cross_lingual_rows(rows)
    if args.lang != "all":
        rows = [r for r in rows if r.lang == args.lang]
    if args.kind:
        rows = [r for r in rows if r.kind in set(args.kind)]
    rows = with_controls(rows, args.limit)
    if not rows:
        print("no pairs selected", file=sys.stderr)
        return 1
    n_pert = sum(not r.is_control for r in rows)
    print(f"{len(rows)} pairs ({n_pert} perturbed, {len(rows) - n_pert} controls) from {args.data}")

    results, check_seconds = run_check(rows, args.encoder)
    started = time.perf_counter()
    threshold = add_baseline(results, args.baseline_encoder, lambda r: (r.row.original, r.row.rewrite))
    baseline_seconds = time.perf_counter() - started

    errors = [r for r in results if r.error is not None]
    for lang, title in GROUPS.items():
        group = [r for r in results if r.row.lang == lang]
        if group:
            print_table(title, group, threshold)
    same_language = [r for r in results if r.row.lang in ("en", "ru")]
    if len({r.row.lang for r in same_language}) > 1:
        print_table("ALL LANGUAGES (same-language pairs)", same_language, threshold)
    print_baseline(results, threshold, args.baseline_encoder)
    print(
        "\ncolumns: detected = perturbed pairs with a major/critical finding; false_al = controls with one; "
        "category = perturbed pairs whose findings include the expected category; any_find = perturbed pairs "
        "with any finding; base_* = cosine < encoder equivalent threshold"
    )
    if errors:
        print(f"\nERRORS: {len(errors)} of {len(results)} pairs raised (left out of the shares); first: "
              f"{errors[0].row.id}: {errors[0].error}")
    print(
        f"\nwall time: check {check_seconds:.1f} s for {len(results)} pairs "
        f"({check_seconds / len(results) * 1000:.0f} ms/pair), baseline {baseline_seconds:.1f} s"
    )
    if args.show_misses:
        show_misses(results)
    if args.json is not None:
        options = check_options(args.encoder)
        args.json.write_text(json.dumps({
            "data": str(args.data), "encoder": args.encoder, "limit": args.limit, "judge": options.get("judge"),
            "baseline_encoder": args.baseline_encoder, "groups": figures(results),
        }, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
