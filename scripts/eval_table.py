#!/usr/bin/env python3
"""One table of every dev-set figure: the rules alone, the learned judge, and the plain cosine at the
same false-alarm rate.

Runs each evaluation script with ``--json`` twice, with ``FIDELITY_JUDGE`` unset (the rules alone) and
set to ``builtin`` (the judge, at ``$FIDELITY_SENSITIVITY`` or balanced), and prints one row per
measure and set:

* faithful pairs flagged (``eval_faithful.py --sets ab,aru,deen,enru,enzh,ende,refresd``): WMT21 ru-en
  A/B, A against the Russian source, the judge's dev split of de-en A/B, en-ru, en-zh and en-de source/A
  (200 each), REFreSD's no-difference pairs;
* minimal pairs found (false alarms) (``eval_perturbations.py``): English, Russian, English→Russian;
* WMT21 critical-error dev MCC per pair (``eval_ced.py``), "critical or major" and "critical";
* MQM TED en-de MCC and span overlap (``eval_mqm.py``);
* REFreSD en-fr sentence F1, divergent positive (``eval_refresd.py``).

The cosine columns: the plain sentence cosine of the two sides, its threshold chosen so that it flags
as many negatives (controls, NOT items, error-free segments, equivalent pairs) as the check did in that
mode; the rate itself is the check's, so faithful rows have none.

Usage::

    python scripts/eval_table.py [--only SET,...] [--limit N] [--modes rules,judge] [--out DIR] [--json FILE]

``--only`` takes sets of faithful, minimal, ced, mqm, refresd (default: all); ``--limit N`` is passed
to every script (each reads it as its own: items per set, per pair or per language group). Progress,
two lines per script run, goes to stderr; each run's output and JSON stay in ``--out DIR`` when given.
The full run is long: ten script runs, CED alone 4,000 items a mode.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _common import ROOT

MODES = {"rules": None, "judge": "builtin"}  # FIDELITY_JUDGE per mode (None: unset)

# A row: (measure, set), the check's figure, the cosine's figure at the check's false-alarm rate.
Row = tuple[str, str, str, str]


def _f(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def faithful_rows(data: dict) -> list[Row]:
    names = {"ab": "WMT21 ru-en A/B (en-en)", "aru": "WMT21 ru-en A / source (en-ru)",
             "deen": "WMT21 de-en A/B (en-en)", "enru": "WMT21 en-ru source / A", "enzh": "WMT21 en-zh source / A",
             "ende": "WMT21 en-de source / A", "refresd": "REFreSD no difference (en-fr)"}
    return [("faithful pairs flagged", name, _f(data["sets"][key]["flagged_share"]), "-")
            for key, name in names.items() if key in data["sets"]]


def minimal_rows(data: dict) -> list[Row]:
    names = {"en": "English", "ru": "Russian", "en-ru": "English → Russian"}
    rows = []
    for key, name in names.items():
        g = data["groups"].get(key)
        if g is None:
            continue
        cosine = g.get("cosine_at_false_alarms")
        rows.append(("minimal pairs found (false alarms)", name, f"{_f(g['detected'], 2)} ({_f(g['false_alarms'], 2)})",
                     f"{_f(cosine['detected'], 2)} ({_f(cosine['false_alarms'], 2)})" if cosine else "-"))
    return rows


def ced_rows(data: dict) -> list[Row]:
    rows = []
    for key, measure in (("critical_or_major", "MCC, critical or major"), ("critical", "MCC, critical")):
        for s in data["summaries"]:
            if key not in s:
                continue
            cosine = s.get("cosine_at_false_alarms") if key == "critical_or_major" else None
            rows.append((measure, f"WMT21 CED {s['pair']}", _f(s[key]["mcc"]), _f(cosine["mcc"]) if cosine else "-"))
    return rows


def mqm_rows(data: dict) -> list[Row]:
    s = data["summary"]
    if "check" not in s:
        return []
    cosine = s.get("cosine_at_false_alarms")
    overlap = s["span_overlap"]
    return [("MCC, major accuracy error", "MQM TED en-de", _f(s["check"]["mcc"]), _f(cosine["mcc"]) if cosine else "-"),
            ("span overlap of flagged errors", "MQM TED en-de",
             f"{_f(overlap['major_accuracy_spans'], 2)} ({_f(overlap['without_whole_segment_findings'], 2)})", "-")]


def refresd_rows(data: dict) -> list[Row]:
    sentence = data["sentence"]
    cosine = sentence.get("cosine_at_false_alarms")
    return [("F1, divergent", "REFreSD en-fr", _f(sentence["check"]["f1"]), _f(cosine["f1"]) if cosine else "-")]


@dataclass(frozen=True)
class Script:
    name: str  # the --only key
    file: str
    args: tuple[str, ...]
    rows: Callable[[dict], list[Row]]


SCRIPTS = (
    Script("faithful", "eval_faithful.py", ("--sets", "ab,aru,deen,enru,enzh,ende,refresd", "--jobs", "2"),
           faithful_rows),
    Script("minimal", "eval_perturbations.py", (), minimal_rows),
    Script("ced", "eval_ced.py", (), ced_rows),
    Script("mqm", "eval_mqm.py", (), mqm_rows),
    Script("refresd", "eval_refresd.py", (), refresd_rows),
)


def run_script(script: Script, mode: str, limit: int | None, out: Path) -> dict | None:
    """Run one script in one mode; its JSON, or None when it failed (the log's tail on stderr)."""
    json_path, log_path = out / f"{script.name}.{mode}.json", out / f"{script.name}.{mode}.log"
    env = dict(os.environ)
    env.pop("FIDELITY_JUDGE", None)
    judge = MODES[mode]
    if judge is not None:
        env["FIDELITY_JUDGE"] = judge
    command = [sys.executable, str(ROOT / "scripts" / script.file), *script.args, "--json", str(json_path)]
    if limit is not None:
        command += ["--limit", str(limit)]
    with log_path.open("w", encoding="utf-8") as log:
        code = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
    if code != 0 or not json_path.is_file():
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-5:]
        print(f"eval_table: {script.file} ({mode}) failed, exit {code}; its last lines:", file=sys.stderr)
        for line in tail:
            print(f"  {line}", file=sys.stderr)
        return None
    return json.loads(json_path.read_text(encoding="utf-8"))


def table(scripts: list[Script], modes: list[str], limit: int | None, out: Path) -> tuple[list[dict], bool]:
    """Every script in every mode; one dict per row (measure, set, and per mode the check's and the
    cosine's figure), and whether every run succeeded."""
    rows: dict[tuple[str, str], dict] = {}
    ok = True
    runs = [(s, m) for s in scripts for m in modes]
    for n, (script, mode) in enumerate(runs, 1):
        print(f"eval_table: [{n}/{len(runs)}] {script.file} ({mode}) ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        data = run_script(script, mode, limit, out)
        print(f"eval_table: [{n}/{len(runs)}] {script.file} ({mode}) {'done' if data else 'FAILED'} in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        if data is None:
            ok = False
            continue
        for measure, name, check, cosine in script.rows(data):
            row = rows.setdefault((measure, name), {"measure": measure, "set": name})
            row[mode], row[f"cosine@{mode}"] = check, cosine
    return list(rows.values()), ok


def print_table(rows: list[dict], modes: list[str], limit: int | None) -> None:
    columns = modes + [f"cosine@{m}" for m in modes]
    heads = {m: m for m in modes} | {f"cosine@{m}": f"cosine@{m} FA" for m in modes}
    width_measure = max([len("measure")] + [len(r["measure"]) for r in rows])
    width_set = max([len("set")] + [len(r["set"]) for r in rows])
    widths = {c: max([len(heads[c])] + [len(r.get(c, "-")) for r in rows]) for c in columns}
    print(f"DEV-SET FIGURES{f' (--limit {limit})' if limit else ''}: the rules alone, the learned judge "
          f"(FIDELITY_JUDGE=builtin, sensitivity {os.environ.get('FIDELITY_SENSITIVITY', 'balanced')}), "
          "and the plain cosine at each mode's false-alarm rate")
    head = f"{'measure':<{width_measure}}  {'set':<{width_set}}  " + "  ".join(f"{heads[c]:>{widths[c]}}" for c in columns)
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['measure']:<{width_measure}}  {r['set']:<{width_set}}  "
              + "  ".join(f"{r.get(c, '-'):>{widths[c]}}" for c in columns))
    print("cosine@MODE FA: the plain cosine of the two sides, flagging below the threshold that flags as many "
          "negatives as the check did in that mode. Span overlap: share of flagged major-accuracy segments with a "
          "major/critical finding on a rater's span (whole-segment findings left out in brackets).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [s.name for s in SCRIPTS]
    parser.add_argument("--only", default=",".join(names), help=f"sets, comma-separated, of {','.join(names)}")
    parser.add_argument("--limit", type=int, default=None, metavar="N", help="passed to every script")
    parser.add_argument("--modes", default=",".join(MODES), help="rules, judge or both (default: both)")
    parser.add_argument("--out", type=Path, default=None, help="keep each run's JSON and output in DIR")
    parser.add_argument("--json", type=Path, default=None, help="write the table's rows to FILE")
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if unknown := [s for s in only if s not in names]:
        parser.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(names)}")
    if not modes or (unknown := [m for m in modes if m not in MODES]):
        parser.error(f"--modes: choose from {', '.join(MODES)}")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    scripts = [s for s in SCRIPTS if s.name in only]

    with tempfile.TemporaryDirectory(prefix="eval_table.") as scratch:
        out = args.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        rows, ok = table(scripts, modes, args.limit, out)
    print_table(rows, modes, args.limit)
    if args.json is not None:
        args.json.write_text(json.dumps({"limit": args.limit, "modes": modes, "rows": rows}, indent=1) + "\n",
                             encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
