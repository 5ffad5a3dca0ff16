#!/usr/bin/env python3
"""Which detector categories should stay major when the judge clears their bead? Decided by
measurement (issue 18, "What to build" 3), on a tuning half of the dev data, reported on the other.

Every item of the dev sets is checked once with the learned judge and with *no* category kept
when cleared, so each finding on a cleared bead comes back as minor with "(cleared: …)" in its
message. Whether an item is flagged under any choice of kept categories is then a pure function of
its findings, and every choice is scored without checking again:

- faithful pairs (label 0): ``eval_faithful.py``'s sets (ab, aru, refresd, deen, enru, enzh, ende);
- the minimal pairs (``fidelity/data/perturbations.tsv``, EN, RU and en-ru): perturbed 1, controls 0;
- the judge's synthetic dev deviations (``_judge_data.synthetic_pairs``, seed 0; label 1);
- WMT21 critical errors, dev (``eval_ced.py``'s items, detokenised; ERR 1, NOT 0).

Halves: blocks of 25 consecutive items alternate between "tune" and "held" (segments of one
document stay together); a minimal pair stays with its control (blocks of 10 pairs). Each
category gets a floor on the judge's P(deviation), chosen by coordinate ascent on the tuning half
from the shipped rule (every category kept but mistranslation): a cleared bead's finding of that
category stays major when P(deviation) reaches its floor ("never": it always drops to minor). The
score: the mean over the sets of MCC (CED), found − flagged (minimal pairs), found (synthetic) and
−flagged (faithful sets). Printed for the shipped rule, for no category kept and for the chosen
floors, on both halves.

Usage::

    FIDELITY_JUDGE=builtin python scripts/measure_cleared.py [--cache FILE] [--jobs N] [--only ced,minimal,...]

Findings are cached per item in ``--cache`` (JSON lines), so a rerun only checks what is missing;
the cache does not know the code that made it: delete it after changing a detector or the judge.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import mcc, spread  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = (ROOT / ".." / "shared" / "eval").resolve()
FLAG = ("major", "critical")
CLEARED = "(cleared: judge p="


@dataclass
class Item:
    key: str  # unique: set and id
    set: str
    block: int  # items of one block go to the same half
    original: str
    rewrite: str
    original_lang: str
    rewrite_lang: str
    label: int  # 1: the meaning changed
    # category, severity, and the judge's P(deviation) where it cleared the finding (None: not cleared)
    findings: list[tuple[str, str, float | None]] = field(default_factory=list)


def _items() -> list[Item]:
    import eval_ced
    import eval_faithful
    import eval_perturbations
    from _judge_data import faithful_pairs, synthetic_pairs

    items: list[Item] = []
    args = argparse.Namespace(sets=["ab", "aru", "refresd", *eval_faithful.MULTIREF_SETS], limit=None,
                              wmt=eval_faithful.DEFAULT_WMT, refresd=eval_faithful.DEFAULT_REFRESD, refresd_raw=False)
    for name, group in eval_faithful.build_sets(args).items():
        items += [Item(f"{name} {n}", name, n // 25, it.original, it.rewrite, it.original_lang, it.rewrite_lang, 0)
                  for n, it in enumerate(group)]
    rows = eval_perturbations.read_rows(eval_perturbations.DEFAULT_DATA)
    rows += eval_perturbations.cross_lingual_rows(rows)
    pairs_seen: Counter[str] = Counter()
    pair_number: dict[str, int] = {}  # a pair and its control: one number, in file order per language
    for row in rows:
        o_lang, r_lang = eval_perturbations._languages(row)
        pair_id = row.id[:-2] if row.is_control else row.id
        if pair_id not in pair_number:
            pair_number[pair_id] = pairs_seen[row.lang]
            pairs_seen[row.lang] += 1
        items.append(Item(f"minimal {row.id}", f"minimal {row.lang}", pair_number[pair_id] // 10, row.original, row.rewrite,
                          o_lang, r_lang, int(not row.is_control)))
    faithful = faithful_pairs(DATA)
    synthetic = [p for p in synthetic_pairs(faithful, 0) if p.split == "dev"]
    for group in sorted({p.group for p in synthetic}):
        chosen = spread([p for p in synthetic if p.group == group], 100)
        items += [Item(f"synthetic {group} {n}", "synthetic", n // 25, p.src, p.tgt, p.src_lang, p.tgt_lang, 1)
                  for n, p in enumerate(chosen)]
    for pair in ("de", "ja", "zh", "cs"):
        for n, it in enumerate(eval_ced.read_items(eval_ced.data_file(DATA / "wmt21-ced", pair), pair)):
            items.append(Item(f"ced {pair} {it.id}", f"ced {pair}", n // 25, it.src,
                              eval_ced.detokenise(it.mt, pair), "en", pair, int(it.label == "ERR")))
    return items


def _check(item: Item) -> tuple[str, list[tuple[str, str, float | None]]]:
    import fidelity
    import fidelity.judge.grade as grading

    if not isinstance(grading.grade, partial):  # nothing kept when cleared (the checker imports it per call)
        grading.grade = partial(grading.grade, kept_when_cleared=frozenset())
    report = fidelity.check(item.original, item.rewrite, original_lang=item.original_lang,
                            rewrite_lang=item.rewrite_lang, judge=os.environ.get("FIDELITY_JUDGE", "builtin"),
                            sensitivity=os.environ.get("FIDELITY_SENSITIVITY", "balanced"))
    return item.key, [(str(f.category), str(getattr(f.severity, "value", f.severity)).lower(),
                       _cleared_p(f.message)) for f in report.findings]


def _cleared_p(message: str) -> float | None:
    """The judge's P(deviation) of a finding it cleared (from the message), None if not cleared."""
    at = message.find(CLEARED)
    return float(message[at + len(CLEARED):].split(")")[0]) if at >= 0 else None


def fill(items: list[Item], cache: Path, jobs: int) -> None:
    done: dict[str, list] = {}
    if cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            done[row["key"]] = row["findings"]
    todo = [it for it in items if it.key not in done]
    print(f"{len(items) - len(todo)} items cached, {len(todo)} to check", file=sys.stderr, flush=True)
    if todo:
        import multiprocessing

        with cache.open("a", encoding="utf-8") as out, multiprocessing.Pool(jobs) as pool:
            for n, (key, findings) in enumerate(pool.imap(_check, todo, chunksize=4), 1):
                out.write(json.dumps({"key": key, "findings": findings}, ensure_ascii=False) + "\n")
                out.flush()
                done[key] = findings
                if n % 100 == 0:
                    print(f"  {n}/{len(todo)}", file=sys.stderr, flush=True)
    for it in items:
        it.findings = [tuple(f) for f in done[it.key]]  # type: ignore[misc]


# A cleared bead's finding stays major when the judge's P(deviation) reaches its category's floor;
# NEVER: the category always drops to minor when cleared, 0.0: it never does.
NEVER = 2.0
FLOORS = (NEVER, 0.4, 0.3, 0.2, 0.15, 0.1, 0.05, 0.0)
Kept = dict[str, float]  # category -> floor


def flagged(item: Item, kept: Kept) -> bool:
    return any(sev in FLAG or (p is not None and p >= kept.get(cat, NEVER)) for cat, sev, p in item.findings)


def set_scores(items: list[Item], kept: Kept) -> dict[str, dict]:
    by_set: dict[str, list[Item]] = {}
    for it in items:
        by_set.setdefault(it.set, []).append(it)
    out = {}
    for name, group in sorted(by_set.items()):
        pred = [flagged(it, kept) for it in group]
        pos = [p for p, it in zip(pred, group) if it.label]
        neg = [p for p, it in zip(pred, group) if not it.label]
        fig: dict = {"n": len(group), "found": sum(pos) / len(pos) if pos else None,
                     "flagged": sum(neg) / len(neg) if neg else None}
        if name.startswith("ced"):
            tp = sum(p and it.label for p, it in zip(pred, group))
            fp = sum(p and not it.label for p, it in zip(pred, group))
            fn = sum(not p and it.label for p, it in zip(pred, group))
            fig["mcc"] = mcc(tp, fp, fn, len(group) - tp - fp - fn)
        out[name] = fig
    return out


def utility(scores: dict[str, dict]) -> float:
    """Mean over the sets: MCC for CED, found for deviations, −flagged for faithful items (a set
    with both counts found − flagged)."""
    values = []
    for fig in scores.values():
        if "mcc" in fig:
            values.append(fig["mcc"])
        else:
            values.append((fig["found"] or 0.0) - (fig["flagged"] or 0.0))
    return sum(values) / len(values)


def choose(items: list[Item], start: Kept, rounds: int = 3) -> Kept:
    """Coordinate ascent from ``start``: each category's floor in turn set to the value of
    ``FLOORS`` that raises the utility most, until a round changes nothing."""
    kept = dict(start)
    best = utility(set_scores(items, kept))
    for _ in range(rounds):
        changed = False
        for cat in sorted(kept):
            trials = {floor: utility(set_scores(items, {**kept, cat: floor})) for floor in FLOORS}
            floor, value = max(trials.items(), key=lambda kv: (round(kv[1], 9), -abs(kv[0] - kept[cat])))
            if value > best + 1e-9:
                print(f"  {cat}: floor {kept[cat]} -> {floor}, utility {value:.4f}", file=sys.stderr)
                kept[cat], best, changed = floor, value, True
        if not changed:
            break
    return kept


def _shown(kept: Kept) -> str:
    return ", ".join(f"{cat} {'never' if floor == NEVER else f'p>={floor}'}" for cat, floor in sorted(kept.items()))


def marginals(items: list[Item], categories: list[str]) -> None:
    """What keeping one category alone adds to "keep none": faithful flagged, deviations found,
    CED MCC, per set (a reading of where each category's false alarms and finds come from)."""
    none = dict.fromkeys(categories, NEVER)
    base = set_scores(items, none)
    names = sorted(base)
    print("| kept alone | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for cat in categories:
        scores = set_scores(items, {**none, cat: 0.0})
        cells = []
        for name in names:
            fig, ref = scores[name], base[name]
            key = "mcc" if "mcc" in fig else "found" if fig["found"] is not None else "flagged"
            cells.append(f"{fig[key] - ref[key]:+.3f}")
        print(f"| {cat} | " + " | ".join(cells) + " |")
    print()


def report(items: list[Item], choices: dict[str, Kept]) -> None:
    names = sorted({it.set for it in items})
    print("| set | " + " | ".join(choices) + " |")
    print("|---|" + "---:|" * len(choices))
    scored = {label: set_scores(items, kept) for label, kept in choices.items()}
    for name in names:
        cells = []
        for label in choices:
            fig = scored[label][name]
            if "mcc" in fig:
                cells.append(f"MCC {fig['mcc']:.3f}")
            elif fig["found"] is not None and fig["flagged"] is not None:
                cells.append(f"{fig['found']:.2f} / {fig['flagged']:.2f}")
            elif fig["found"] is not None:
                cells.append(f"found {fig['found']:.2f}")
            else:
                cells.append(f"flagged {fig['flagged']:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| utility | " + " | ".join(f"{utility(scored[label]):.4f}" for label in choices) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "judge" / "cleared.jsonl")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated set prefixes to check (e.g. 'ced,synthetic')")
    args = parser.parse_args()
    items = _items()
    if args.only:
        items = [it for it in items if any(it.set.startswith(p) for p in args.only.split(","))]
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    fill(items, args.cache, args.jobs)
    categories = sorted({cat for it in items for cat, _sev, p in it.findings if p is not None})
    tune = [it for it in items if it.block % 2 == 0]
    held = [it for it in items if it.block % 2 == 1]
    shipped = {cat: (NEVER if cat == "mistranslation" else 0.0) for cat in categories}
    kept = choose(tune, shipped)
    print(f"categories seen on cleared beads: {', '.join(categories)}")
    print(f"floors chosen on the tuning half: {_shown(kept)}\n")
    print("## each category kept alone, against none kept (all items; MCC for CED, found for the minimal pairs "
          "and synthetic deviations, flagged for the faithful sets)")
    marginals(items, categories)
    choices = {"shipped": shipped, "keep none": dict.fromkeys(categories, NEVER), "chosen": kept}
    for label, part in (("tuning half", tune), ("held half", held), ("all", items)):
        print(f"## {label} ({len(part)} items)")
        report(part, choices)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
