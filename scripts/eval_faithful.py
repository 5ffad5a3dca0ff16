#!/usr/bin/env python3
"""False alarms on faithful text: how often does ``fidelity.check`` flag a pair that says
the same thing?

Four faithful sets (``--sets``, default all four):

- ``ab``: WMT21 newstest2021 ru-en, every 5th segment (200 pairs): translator A's English
  against translator B's, ``check(a, b, original_lang="en", rewrite_lang="en")``;
- ``aru``: the same 200 segments, A's English against the Russian source,
  ``check(a, ru, original_lang="en", rewrite_lang="ru")`` (cross-lingual, no translation model);
- ``docs``: whole documents, A's document against B's (segments joined with "\\n"), 107 documents;
- ``refresd``: REFreSD's ``no_meaning_difference`` en-fr pairs (369), checked as
  ``scripts/eval_refresd.py`` checks them: the tokens of ``REFreSD_rationale`` joined by single
  spaces (labels cross-checked against ``REFreSD_sentence_labels``), ``original_lang="en",
  rewrite_lang="fr"``; ``--refresd-raw`` takes the untokenised sentences of
  ``REFreSD_sentence_labels`` instead.

A few WMT21 segments differ in a fact (one translator erred): a perfect checker flags those,
so the floor is not zero, but it is low.

For each set: pairs (documents) and original-side sentences, the share of pairs with a major
or critical finding, major/critical findings per 100 original sentences, and counts per
detector and per category. The detector of a finding is its ``detector`` attribute when
present, otherwise derived from its category and message (``detector_of``). Then one table
per detector beside its minimal-pair figures from ``scripts/eval_perturbations.py``
(``minimal``, on by default): detected / false alarms of the kinds the detector is for (any
detector's finding counts, as there) and the detector's own share (its own major/critical
findings on those kinds' perturbed pairs, and on all controls). Finally, the bead similarity
scores (cosine of the check's encoder) of the sentence-pair sets, against the encoder's
thresholds.

Usage::

    python scripts/eval_faithful.py [--wmt DIR] [--refresd DIR] [--limit N]
        [--sets ab,aru,docs,refresd,minimal] [--encoder auto|use|e5-small] [--examples N]
        [--json FILE] [--refresd-raw] [--jobs N]

``--limit N`` takes N items of each set spread evenly over it. Deterministic: nothing is
sampled at random; examples are spread evenly over each detector's false alarms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from _common import check_options, spread, tsv_rows

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_WMT = (ROOT / ".." / "shared" / "eval" / "wmt21-ruen").resolve()
DEFAULT_REFRESD = (ROOT / ".." / "shared" / "eval" / "refresd").resolve()
WMT_FILE = "newstest2021-ru-en.jsonl"
# The faithful sets issue 18 measures the judge on: 200 pairs each of the judge's dev split
# (scripts/_judge_data.py: every 5th block of 50 segments, never trained on).
MULTIREF_SETS = {"deen": "de-en A/B", "enru": "en-ru src/A", "enzh": "en-zh src/A", "ende": "en-de src/A"}
SETS = ["ab", "aru", "docs", "refresd", *MULTIREF_SETS, "minimal"]
SET_TITLES = {
    **{key: f"WMT21 multiref {group} (judge dev split, sentence pairs)" for key, group in MULTIREF_SETS.items()},
    "ab": "WMT21 ru-en, A vs B (sentence pairs, en-en)",
    "aru": "WMT21 ru-en, A vs Russian source (sentence pairs, en-ru)",
    "docs": "WMT21 ru-en, A vs B (whole documents, en-en)",
    "refresd": "REFreSD no_meaning_difference (en-fr)",
}
EVERY = 5  # every 5th WMT21 segment: 200 of 1,000
FLAG_SEVERITIES = {"major", "critical"}
DETECTOR_ORDER = ["sentence", "quotes", "clauses", "wording", "negation", "certainty", "numbers", "entities",
                  "attribution", "loaded_language", "nli"]
# The minimal-pair kinds (scripts/eval_perturbations.py) that each detector is there to catch.
DETECTOR_KINDS: dict[str, list[str]] = {
    "sentence": [],  # whole-sentence similarity: no kind of its own (a backstop for all)
    "quotes": ["quote_words"],
    "clauses": ["drop_phrase", "add_phrase"],
    "wording": ["antonym", "drop_phrase", "add_phrase"],
    "negation": ["negation", "antonym"],
    "certainty": ["hedge_removed", "hedge_added"],
    "numbers": ["number", "date"],
    "entities": ["entity"],
    "attribution": ["attribution_dropped"],
    "loaded_language": ["loaded_word"],
    "nli": [],
}
PERCENTILES = (5, 10, 25, 50)


# ---------------------------------------------------------------- data


@dataclass(frozen=True)
class WmtDoc:
    doc: str
    src_ru: tuple[str, ...]
    ref_a: tuple[str, ...]
    ref_b: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One thing to check: a sentence pair or a document pair."""

    id: str
    original: str
    rewrite: str
    original_lang: str
    rewrite_lang: str


def _missing(what: str, path: Path) -> SystemExit:
    return SystemExit(f"eval_faithful: {what} not found: expected {path} (see the data sets' README, "
                      f"../shared/eval/README.md; or pass its folder with --wmt/--refresd)")


def read_wmt(data_dir: Path) -> list[WmtDoc]:
    """The WMT21 ru-en documents; each document's three sides must have the same number of segments."""
    path = data_dir / WMT_FILE
    if not path.is_file():
        raise _missing("WMT21 ru-en data", path)
    docs: list[WmtDoc] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        obj = json.loads(line)
        doc = WmtDoc(str(obj["doc"]), tuple(obj["src_ru"]), tuple(obj["ref_a_en"]), tuple(obj["ref_b_en"]))
        if not len(doc.src_ru) == len(doc.ref_a) == len(doc.ref_b):
            raise SystemExit(f"{path}:{n}: document {doc.doc} has {len(doc.src_ru)} source, {len(doc.ref_a)} A "
                             f"and {len(doc.ref_b)} B segments")
        docs.append(doc)
    return docs


def wmt_segments(docs: list[WmtDoc]) -> list[tuple[str, str, str, str]]:
    """Every segment as (id, ru, a, b), id = ``doc#index``, in file order."""
    return [(f"{d.doc}#{i}", ru, a, b) for d in docs for i, (ru, a, b) in enumerate(zip(d.src_ru, d.ref_a, d.ref_b))]


def read_refresd_no_difference(data_dir: Path, raw: bool = False) -> list[Item]:
    """REFreSD's no_meaning_difference pairs as ``eval_refresd.py`` checks them (joined tokens), or the
    untokenised sentences of ``REFreSD_sentence_labels`` when ``raw``."""
    labels_path = data_dir / "REFreSD_sentence_labels"
    if not labels_path.is_file() or not (data_dir / "REFreSD_rationale").is_file():
        raise _missing("REFreSD data", data_dir)
    labelled = [fields for _, fields in tsv_rows(labels_path, 4)]
    from eval_refresd import read_pairs

    tokenised = read_pairs(data_dir)
    if len(tokenised) != len(labelled) or any(p.label != f[1] for p, f in zip(tokenised, labelled)):
        raise SystemExit(f"{data_dir}: REFreSD_sentence_labels and REFreSD_rationale disagree (count or labels)")
    items = []
    for p, (_binary, label, en, fr) in zip(tokenised, labelled):
        if label == "no_meaning_difference":
            o, r = (en, fr) if raw else (p.en, p.fr)
            items.append(Item(f"refresd-{p.index}", o, r, "en", "fr"))
    return items


def build_sets(args) -> dict[str, list[Item]]:
    chosen = set(args.sets)
    out: dict[str, list[Item]] = {}
    if chosen & {"ab", "aru", "docs"}:
        docs = read_wmt(args.wmt)
        sample = wmt_segments(docs)[::EVERY]
        if "ab" in chosen:
            out["ab"] = spread([Item(i, a, b, "en", "en") for i, _ru, a, b in sample], args.limit)
        if "aru" in chosen:
            out["aru"] = spread([Item(i, a, ru, "en", "ru") for i, ru, a, _b in sample], args.limit)
        if "docs" in chosen:
            out["docs"] = spread([Item(d.doc, "\n".join(d.ref_a), "\n".join(d.ref_b), "en", "en") for d in docs],
                                 args.limit)
    if "refresd" in chosen:
        out["refresd"] = spread(read_refresd_no_difference(args.refresd, args.refresd_raw), args.limit)
    if chosen & set(MULTIREF_SETS):
        from _judge_data import faithful_pairs

        pairs = [p for p in faithful_pairs(args.wmt.parent) if p.split == "dev"]
        for key, group in MULTIREF_SETS.items():
            if key in chosen:
                chosen_pairs = [p for p in pairs if p.group == group][:200]
                out[key] = spread([Item(f"{group} {n}", p.src, p.tgt, p.src_lang, p.tgt_lang)
                                   for n, p in enumerate(chosen_pairs)], args.limit)
    return out


# ---------------------------------------------------------------- findings


def severity_of(finding) -> str:
    sev = getattr(finding, "severity", "")
    return str(getattr(sev, "value", sev)).lower()


def is_flag(finding) -> bool:
    return severity_of(finding) in FLAG_SEVERITIES


_BY_CATEGORY = {
    "negation": "negation", "certainty_shift": "certainty", "number_changed": "numbers",
    "attribution_changed": "attribution", "loaded_language": "loaded_language", "quote_altered": "quotes",
}


def detector_of(finding) -> str:
    """The detector that raised a finding: its ``detector`` attribute, else derived from the
    category and, where several detectors share a category, the message's wording."""
    name = getattr(finding, "detector", None)
    if name:
        return str(name)
    category, message = str(finding.category), str(finding.message)
    if "(NLI p=" in message:
        return "nli"
    if category in _BY_CATEGORY:
        return _BY_CATEGORY[category]
    if message.startswith(("quotation", "translated quotation")):
        return "quotes"
    if category == "entity_changed":
        return "wording" if message.startswith("name changed") else "entities"
    if message.startswith(("omitted: ", "added: “", "meaning differs: ", "meaning changed: similarity")):
        return "sentence"
    if message.startswith(("added inside an aligned", "dropped from an aligned", "meaning changed: '")):
        return "clauses"
    if message.startswith(("dropped: '", "added: '", "wording changed: ")):
        return "wording"
    return f"?{category}"


@dataclass
class Flag:
    """One major/critical finding, with what a developer needs to see it."""

    item: str
    detector: str
    category: str
    severity: str
    message: str
    verdict: str | None  # the bead's verdict (equivalent, changed, ...)
    score: float | None  # the bead's similarity
    original: str  # the bead's original sentences
    rewrite: str  # the bead's rewrite sentences


@dataclass
class Outcome:
    item: Item
    error: str | None = None
    sentences: int = 0  # original-side sentences
    flags: list[Flag] = field(default_factory=list)
    minor: int = 0
    bead_scores: list[float] = field(default_factory=list)  # matched beads (both sides non-empty)
    encoder: str | None = None
    thresholds: dict | None = None


def _bead_text(doc, indices) -> str:
    return " ".join(doc.sentences[i].text for i in indices)


def check_item(item: Item, encoder: str) -> Outcome:
    """Check one pair; an exception is recorded on the outcome, not raised."""
    out = Outcome(item)
    try:
        import fidelity

        check = fidelity.check
    except Exception as exc:  # the pipeline may be mid-change: report, don't crash
        out.error = f"import fidelity.check failed: {type(exc).__name__}: {exc}"
        return out
    extra = check_options(encoder)
    try:
        report = check(item.original, item.rewrite, original_lang=item.original_lang,
                       rewrite_lang=item.rewrite_lang, **extra)
        out.sentences = len(report.original.sentences)
        out.encoder = report.settings.get("encoder")
        out.thresholds = report.settings.get("thresholds")
        beads = report.alignment
        out.bead_scores = [float(b.score) for b in beads if b.original and b.rewrite]
        for f in report.findings:
            if not is_flag(f):
                out.minor += 1
                continue
            bead = beads[f.bead] if f.bead is not None and 0 <= f.bead < len(beads) else None
            out.flags.append(Flag(
                item.id, detector_of(f), str(f.category), severity_of(f), str(f.message),
                bead.verdict.value if bead is not None else None,
                float(bead.score) if bead is not None else None,
                _bead_text(report.original, bead.original) if bead is not None else item.original,
                _bead_text(report.rewrite, bead.rewrite) if bead is not None else item.rewrite,
            ))
    except Exception as exc:
        out.error = f"{type(exc).__name__}: {exc}"
    return out


def _mapper(pool):
    return pool.imap if pool is not None else map


def run_set(items: list[Item], encoder: str, label: str, pool=None) -> tuple[list[Outcome], float]:
    """Every item checked, in order (``pool``: a multiprocessing pool; results are the same)."""
    outcomes: list[Outcome] = []
    started = time.perf_counter()
    every = max(1, min(50, len(items) // 4))
    for n, out in enumerate(_mapper(pool)(partial(check_item, encoder=encoder), items), 1):
        outcomes.append(out)
        if n % every == 0 or n == len(items):
            elapsed = time.perf_counter() - started
            print(f"  {label}: {n}/{len(items)}, {elapsed:.1f} s", file=sys.stderr)
    return outcomes, time.perf_counter() - started


# ---------------------------------------------------------------- figures


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolation percentile (numpy's default), without numpy."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def set_figures(outcomes: list[Outcome], seconds: float) -> dict:
    ok = [o for o in outcomes if o.error is None]
    sentences = sum(o.sentences for o in ok)
    flags = [f for o in ok for f in o.flags]
    by_detector: dict[str, dict] = {}
    for name in sorted({f.detector for f in flags}, key=_detector_rank):
        mine = [f for f in flags if f.detector == name]
        pairs = sum(1 for o in ok if any(f.detector == name for f in o.flags))
        by_detector[name] = {
            "findings": len(mine),
            "pairs_flagged": pairs,
            "pair_rate": pairs / len(ok) if ok else None,
            "per_100_sentences": 100 * len(mine) / sentences if sentences else None,
            "on_equivalent_beads": sum(1 for f in mine if f.verdict == "equivalent"),
            "on_changed_beads": sum(1 for f in mine if f.verdict == "changed"),
            "categories": dict(Counter(f.category for f in mine).most_common()),
        }
    only = Counter()
    for o in ok:
        names = {f.detector for f in o.flags}
        if len(names) == 1:
            only[next(iter(names))] += 1
    scores = [s for o in ok for s in o.bead_scores]
    thresholds = next((o.thresholds for o in ok if o.thresholds), None)
    encoders = sorted({o.encoder for o in ok if o.encoder})
    figures = {
        "items": len(outcomes),
        "errors": len(outcomes) - len(ok),
        "sentences": sentences,
        "flagged": sum(1 for o in ok if o.flags),
        "flagged_share": sum(1 for o in ok if o.flags) / len(ok) if ok else None,
        "findings": len(flags),
        "per_100_sentences": 100 * len(flags) / sentences if sentences else None,
        "minor_findings": sum(o.minor for o in ok),
        "by_detector": by_detector,
        "flagged_by_one_detector_only": dict(only.most_common()),
        "by_category": dict(Counter(f.category for f in flags).most_common()),
        "by_severity": dict(Counter(f.severity for f in flags).most_common()),
        "by_bead_verdict": dict(Counter(str(f.verdict) for f in flags).most_common()),
        "bead_scores": {
            "n": len(scores),
            "percentiles": {str(q): percentile(scores, q) for q in PERCENTILES},
            "mean": sum(scores) / len(scores) if scores else None,
        },
        "encoder": encoders,
        "thresholds": thresholds,
        "seconds": round(seconds, 1),
    }
    if thresholds and scores:
        figures["bead_scores"]["below_equivalent"] = sum(s < thresholds["equivalent"] for s in scores) / len(scores)
        figures["bead_scores"]["below_related"] = sum(s < thresholds["related"] for s in scores) / len(scores)
    first_error = next((o for o in outcomes if o.error), None)
    if first_error:
        figures["first_error"] = f"{first_error.item.id}: {first_error.error}"
    return figures


def _detector_rank(name: str) -> tuple[int, str]:
    return (DETECTOR_ORDER.index(name) if name in DETECTOR_ORDER else len(DETECTOR_ORDER), name)


def print_set(key: str, fig: dict) -> None:
    unit = "documents" if key == "docs" else "pairs"
    print(f"\n{SET_TITLES[key].upper()}")
    raised = f", {fig['errors']} raised (left out)" if fig["errors"] else ""
    print(f"  {fig['items']} {unit}, {fig['sentences']} original sentences{raised}")
    if fig["flagged_share"] is None:
        print(f"  no results: {fig.get('first_error', '')}")
        return
    print(f"  {unit} with a major/critical finding: {fig['flagged']} = {fig['flagged_share']:.3f}")
    print(f"  major/critical findings: {fig['findings']} = {fig['per_100_sentences']:.1f} per 100 original sentences"
          f" (minor findings besides: {fig['minor_findings']})")
    print(f"  encoder: {', '.join(fig['encoder']) or '?'}; thresholds: {fig['thresholds']}")
    head = f"  {'detector':<16} {'findings':>8} {unit:>9} {'rate':>6} {'/100 s':>7} {'on eq':>6} {'on chg':>6}  categories"
    print(head)
    print("  " + "-" * (len(head) - 2))
    for name, d in fig["by_detector"].items():
        cats = ", ".join(f"{c} {n}" for c, n in d["categories"].items())
        print(f"  {name:<16} {d['findings']:>8} {d['pairs_flagged']:>9} {d['pair_rate']:>6.3f} "
              f"{d['per_100_sentences']:>7.1f} {d['on_equivalent_beads']:>6} {d['on_changed_beads']:>6}  {cats}")
    print(f"  by category: {', '.join(f'{c} {n}' for c, n in fig['by_category'].items()) or '-'}")
    print(f"  by bead verdict: {', '.join(f'{c} {n}' for c, n in fig['by_bead_verdict'].items()) or '-'}")
    print(f"  {unit} flagged by one detector only: "
          f"{', '.join(f'{c} {n}' for c, n in fig['flagged_by_one_detector_only'].items()) or '-'}")
    bs = fig["bead_scores"]
    if bs["n"]:
        pct = ", ".join(f"p{q} {v:.3f}" for q, v in bs["percentiles"].items())
        below = ""
        if "below_equivalent" in bs:
            below = (f"; below equivalent {fig['thresholds']['equivalent']}: {bs['below_equivalent']:.3f}, "
                     f"below related {fig['thresholds']['related']}: {bs['below_related']:.3f}")
        print(f"  bead similarity ({bs['n']} matched beads): {pct}, mean {bs['mean']:.3f}{below}")
    print(f"  wall time {fig['seconds']:.1f} s")


# ---------------------------------------------------------------- minimal pairs


def _run_perturbations(rows: list, encoder: str) -> list:
    import eval_perturbations as ep

    return ep.run_check(rows, encoder)[0]


def minimal_pairs(encoder: str, limit: int | None, pool=None) -> dict:
    """Per kind and per detector, from scripts/eval_perturbations.py's own loader and runner."""
    import eval_perturbations as ep

    rows = ep.read_rows(ep.DEFAULT_DATA)
    rows += ep.cross_lingual_rows(rows)
    groups: dict[str, list] = {}
    for lang in ("en", "en-ru"):
        chosen = [r for r in rows if r.lang == lang]
        if limit is not None:  # keep each perturbed pair with its control
            ids = spread([r.id for r in chosen if not r.is_control], limit)
            chosen = [r for r in chosen if r.id in set(ids) or r.id[:-2] in set(ids)]
        groups[lang] = chosen
    out: dict = {}
    for lang, chosen in groups.items():
        started = time.perf_counter()
        chunks = [chosen[i:i + 20] for i in range(0, len(chosen), 20)]
        results = [r for part in _mapper(pool)(partial(_run_perturbations, encoder=encoder), chunks) for r in part]
        seconds = time.perf_counter() - started
        ok = [r for r in results if r.error is None]
        kinds: dict[str, dict] = {}
        for kind in ep.KIND_ORDER:
            group = [r for r in ok if r.row.kind == kind]
            if group:
                det, fa = ep._rates(group, lambda r: r.flagged)
                kinds[kind] = {"perturbed": sum(not r.row.is_control for r in group),
                               "controls": sum(r.row.is_control for r in group), "detected": det, "false_alarms": fa}
        det, fa = ep._rates(ok, lambda r: r.flagged) if ok else (None, None)

        def fired(r, name: str) -> bool:
            return any(is_flag(f) and detector_of(f) == name for f in r.raw)

        detectors: dict[str, dict] = {}
        names = sorted({detector_of(f) for r in ok for f in r.raw} | set(DETECTOR_KINDS), key=_detector_rank)
        controls = [r for r in ok if r.row.is_control]
        for name in names:
            mine = [r for r in ok if r.row.kind in DETECTOR_KINDS.get(name, [])]
            pert = [r for r in mine if not r.row.is_control]
            ctrl = [r for r in mine if r.row.is_control]
            detectors[name] = {
                "kinds": DETECTOR_KINDS.get(name, []),
                "detected": sum(r.flagged for r in pert) / len(pert) if pert else None,
                "false_alarms": sum(r.flagged for r in ctrl) / len(ctrl) if ctrl else None,
                "own_detected": sum(fired(r, name) for r in pert) / len(pert) if pert else None,
                "own_false_alarms": sum(fired(r, name) for r in controls) / len(controls) if controls else None,
            }
        out[lang] = {"pairs": len(results), "errors": len(results) - len(ok), "detected": det, "false_alarms": fa,
                     "by_kind": kinds, "by_detector": detectors, "seconds": round(seconds, 1)}
    return out


def print_minimal(mp: dict) -> None:
    for lang, g in mp.items():
        title = "English" if lang == "en" else "English → Russian, cross-lingual"
        print(f"\nMINIMAL PAIRS ({title}; scripts/eval_perturbations.py): {g['pairs']} pairs, "
              f"detected {_f(g['detected'])} at false alarms {_f(g['false_alarms'])}, {g['seconds']:.1f} s")
        print("  " + "  ".join(f"{k} {_f(v['detected'])}/{_f(v['false_alarms'])}" for k, v in g["by_kind"].items()))


def _f(value, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_trade_off(figures: dict, mp: dict | None) -> dict:
    """One row per detector: its false-alarm rates on the faithful sets beside its minimal-pair figures."""
    names = set()
    for fig in figures.values():
        names |= set(fig["by_detector"])
    if mp:
        names |= {n for g in mp.values() for n, d in g["by_detector"].items() if d["kinds"] or d["own_false_alarms"]}
    names = sorted(names, key=_detector_rank)
    print("\nPER DETECTOR: false alarms on faithful text beside minimal-pair detection")
    print("  faithful columns: share of pairs flagged (major/critical) by that detector; docs: its findings per 100 "
          "original sentences")
    print("  minimal pairs (English; en-ru): det/FA = detected / false alarms on the kinds it is for (any detector's "
          "finding, as eval_perturbations.py counts); own = its own findings: share of those kinds' perturbed pairs / "
          "share of all controls")
    head = (f"  {'detector':<16} {'A-B':>6} {'A-ru':>6} {'REFreSD':>7} {'docs/100':>8}   {'en det/FA':>10} "
            f"{'en own':>10}   {'en-ru det/FA':>12} {'en-ru own':>10}  kinds")
    print(head)
    print("  " + "-" * (len(head) - 2))
    table = {}

    def rate(key: str, name: str):
        fig = figures.get(key)
        if fig is None or fig["flagged_share"] is None:
            return None
        d = fig["by_detector"].get(name)
        return d["pair_rate"] if d else 0.0

    def per100(name: str):
        fig = figures.get("docs")
        if fig is None or fig["per_100_sentences"] is None:
            return None
        d = fig["by_detector"].get(name)
        return d["per_100_sentences"] if d else 0.0

    rows = names + ["ALL"]
    for name in rows:
        if name == "ALL":
            row = {k: (figures[k]["flagged_share"] if k in figures else None) for k in ("ab", "aru", "refresd")}
            row["docs_per_100"] = figures["docs"]["per_100_sentences"] if "docs" in figures else None
        else:
            row = {k: rate(k, name) for k in ("ab", "aru", "refresd")}
            row["docs_per_100"] = per100(name)
        cells = []
        for lang in ("en", "en-ru"):
            g = (mp or {}).get(lang)
            if g is None:
                cells += ["-", "-"]
                continue
            if name == "ALL":
                d = {"detected": g["detected"], "false_alarms": g["false_alarms"], "own_detected": None,
                     "own_false_alarms": None, "kinds": []}
            else:
                d = g["by_detector"].get(name, {})
            row[f"minimal_{lang}"] = d
            cells.append(f"{_f(d.get('detected'))}/{_f(d.get('false_alarms'))}")
            cells.append(f"{_f(d.get('own_detected'))}/{_f(d.get('own_false_alarms'))}")
        kinds = ",".join(DETECTOR_KINDS.get(name, [])) if name != "ALL" else "all"
        if name == "ALL":
            print("  " + "-" * (len(head) - 2))
        print(f"  {name:<16} {_f(row['ab'], 3):>6} {_f(row['aru'], 3):>6} {_f(row['refresd'], 3):>7} "
              f"{_f(row['docs_per_100'], 1):>8}   {cells[0]:>10} {cells[1]:>10}   {cells[2]:>12} {cells[3]:>10}  {kinds}")
        table[name] = row
    print("  (ALL: share of pairs with any major/critical finding; the detector rows overlap, so they add up to more)")
    return table


# ---------------------------------------------------------------- examples


def print_examples(outcomes: dict[str, list[Outcome]], n: int) -> None:
    by_detector: dict[str, list[tuple[str, Flag]]] = defaultdict(list)
    for key, outs in outcomes.items():
        for o in outs:
            for f in o.flags:
                by_detector[f.detector].append((key, f))
    print(f"\nEXAMPLE FALSE ALARMS (up to {n} per detector, spread evenly over its findings in all sets)")
    for name in sorted(by_detector, key=_detector_rank):
        flags = by_detector[name]
        print(f"\n== {name}: {len(flags)} major/critical findings")
        for key, f in spread(flags, n):
            score = f" score {f.score:.3f}" if f.score is not None else ""
            print(f"  [{key} {f.item}] {f.category}/{f.severity}, bead {f.verdict}{score}")
            print(f"    original: {f.original}")
            print(f"    rewrite : {f.rewrite}")
            print(f"    message : {f.message}")


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wmt", type=Path, default=DEFAULT_WMT, help=f"WMT21 ru-en folder (default {DEFAULT_WMT})")
    parser.add_argument("--refresd", type=Path, default=DEFAULT_REFRESD,
                        help=f"REFreSD folder (default {DEFAULT_REFRESD})")
    parser.add_argument("--limit", type=int, default=None, help="N items of each set, spread evenly")
    parser.add_argument("--sets", default=",".join(SETS),
                        help=f"comma-separated, of {','.join(SETS)} (default: all; minimal = the minimal-pair figures)")
    parser.add_argument("--encoder", default="auto", help="encoder passed to fidelity.check (default: auto)")
    parser.add_argument("--examples", type=int, default=0, help="print N example false alarms per detector")
    parser.add_argument("--json", type=Path, default=None, help="write all figures to this JSON file")
    parser.add_argument("--refresd-raw", action="store_true",
                        help="REFreSD: the untokenised sentences instead of the joined tokens eval_refresd.py checks")
    parser.add_argument("--jobs", type=int, default=1,
                        help="check in N processes (same results, in the same order; default 1)")
    args = parser.parse_args(argv)
    args.sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in args.sets if s not in SETS]
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")

    sets = build_sets(args)
    pool = None
    if args.jobs > 1:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(args.jobs)
    print("eval_faithful: " + "; ".join(f"{k} {len(v)}" for k, v in sets.items())
          + (f"; --limit {args.limit}" if args.limit else "") + f"; encoder {args.encoder}")
    outcomes: dict[str, list[Outcome]] = {}
    figures: dict[str, dict] = {}
    for key, items in sets.items():
        outs, seconds = run_set(items, args.encoder, key, pool)
        outcomes[key] = outs
        figures[key] = set_figures(outs, seconds)
        print_set(key, figures[key])
    mp = None
    if "minimal" in args.sets:
        mp = minimal_pairs(args.encoder, args.limit, pool)
        print_minimal(mp)
    if pool is not None:
        pool.close()
        pool.join()
    table = print_trade_off(figures, mp)
    for key, fig in figures.items():
        if fig["errors"]:
            print(f"\nERRORS in {key}: {fig['errors']} of {fig['items']} raised; first: {fig.get('first_error')}")
    if args.examples > 0:
        print_examples(outcomes, args.examples)
    if args.json is not None:
        payload = {"settings": {"sets": args.sets, "limit": args.limit, "encoder": args.encoder, "every": EVERY,
                                "refresd_raw": args.refresd_raw},
                   "sets": figures, "minimal_pairs": mp, "per_detector": table,
                   # every major/critical finding and every matched bead's score, for analysis
                   "false_alarms": {k: [asdict(f) for o in outs for f in o.flags] for k, outs in outcomes.items()},
                   "bead_scores": {k: [round(s, 4) for o in outs for s in o.bead_scores] for k, outs in outcomes.items()}}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
