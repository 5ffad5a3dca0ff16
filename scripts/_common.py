"""What the evaluation and benchmark scripts share: their common options and their run loop.

The scripts import ``fidelity`` as an installed package (``make install``) and this module as
``_common`` (the folder of the script being run is on ``sys.path``; pytest adds ``scripts/``
through ``pythonpath`` in pyproject.toml).

- :class:`EvalParser`: an ``argparse`` parser with the options the scripts have in common,
  ``--data`` (checked after parsing: a missing file or folder is one line on stderr saying where
  it is expected, exit 2, not a traceback), ``--encoder`` and ``--limit``;
- :func:`check_each`: ``fidelity.check`` over many items, timed, with progress on stderr and every
  exception (an import error included) recorded on the item's outcome instead of ending the run;
- :func:`timed_loop`: the timed loop with progress alone;
- :func:`add_baseline`: the plain sentence-cosine baseline beside fidelity's findings;
- :func:`severity`, :func:`check_options`: small helpers the evaluations all need;
- :func:`scores`, :func:`mcc`, :func:`best_threshold`, :func:`at_false_alarm_rate`: binary figures,
  and the two ways the cosine baseline picks its threshold (best MCC on the data; the tool's
  false-alarm rate).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent  # the checkout
SEEDS = ROOT / "seeds"
SHARED_EVAL = ROOT.parent / "shared" / "eval"  # the external evaluation sets, beside the checkout
WMT21_RU_EN = SHARED_EVAL / "wmt21-ruen" / "newstest2021-ru-en.jsonl"

T = TypeVar("T")
R = TypeVar("R")


def shown(path: Path) -> str:
    """``path`` relative to the checkout when it is inside it, else as given."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


class EvalParser(argparse.ArgumentParser):
    """The scripts' argument parser: their own options plus the common ones asked for.

    ``data``: the default of ``--data`` (a file or folder), ``what`` names it in the error line.
    ``encoder``: the default of ``--encoder`` (None: no such option); ``encoders``: its choices.
    ``limit``: add ``--limit N``, with this help text.
    """

    def __init__(self, doc: str, *, data: Path | None = None, what: str = "data",
                 encoder: str | None = None, encoders: Sequence[str] | None = None,
                 encoder_help: str = "sentence encoder", limit: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("description", doc)
        super().__init__(**kwargs)
        self._data_default, self._data_what = data, what
        if data is not None:
            self.add_argument("--data", type=Path, default=data,
                              help=f"{what} (default: {shown(data)})")
        if encoder is not None:
            self.add_argument("--encoder", default=encoder, choices=encoders,
                              help=f"{encoder_help} (default: {encoder})")
        if limit is not None:
            self.add_argument("--limit", type=int, default=None, metavar="N", help=limit)

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> argparse.Namespace:
        parsed = super().parse_args(args, namespace)
        data = getattr(parsed, "data", None)
        if self._data_default is not None and data is not None and not data.exists():
            where = ("its default place" if data == self._data_default
                     else f"the default place is {shown(self._data_default)}")
            self.exit(2, f"{self.prog}: {self._data_what} not found at {data} ({where}; "
                         f"give its location with --data)\n")
        return parsed


def timed_loop(items: Sequence[T], step: Callable[[T], R], *, every: int = 100,
               label: str = "items", pool: Any = None) -> tuple[list[R], float]:
    """``step(item)`` for each item in order; progress on stderr every ``every`` items and at the end.
    ``pool``: a multiprocessing pool to run the steps in (``step`` must then pickle: a module-level
    function or a ``functools.partial`` of one); the results come back in the items' order.

    Returns the results and the seconds the loop took."""
    results: list[R] = []
    started = time.perf_counter()
    mapped = pool.imap(step, items) if pool is not None else map(step, items)
    for n, result in enumerate(mapped, 1):
        results.append(result)
        if n % every == 0 or n == len(items):
            elapsed = time.perf_counter() - started
            rate = n / elapsed if elapsed else 0.0
            print(f"  {n}/{len(items)} {label}, {elapsed:.1f} s ({rate:.2f} {label}/s)", file=sys.stderr)
    return results, time.perf_counter() - started


def check_each(items: Sequence[T], outcome: Callable[[T], R], fill: Callable[[R, Callable], None], *,
               every: int = 100, label: str = "pairs") -> tuple[list[R], float]:
    """For each item: ``out = outcome(item)``, then ``fill(out, fidelity.check)``; timed.

    An exception in ``fill`` (or fidelity failing to import at all: the pipeline may be mid-change)
    is recorded as ``out.error`` ("Type: message") and the loop goes on."""
    try:
        import fidelity

        check, import_error = fidelity.check, None
    except Exception as exc:  # report, don't crash
        check, import_error = None, f"import fidelity.check failed: {type(exc).__name__}: {exc}"

    def step(item: T) -> R:
        out = outcome(item)
        if check is None:
            out.error = import_error
            return out
        try:
            fill(out, check)
        except Exception as exc:
            out.error = f"{type(exc).__name__}: {exc}"
        return out

    return timed_loop(items, step, every=every, label=label)


def check_options(encoder: str) -> dict[str, str]:
    """Keyword options for ``fidelity.check``: ``encoder`` only when one is asked for, so the call
    matches check's documented signature; the learned judge and its sensitivity when
    ``$FIDELITY_JUDGE`` / ``$FIDELITY_SENSITIVITY`` ask for them, as they do for the CLI (so that
    ``FIDELITY_JUDGE=builtin python scripts/eval_faithful.py`` measures the judged check)."""
    import os

    options = {} if encoder == "auto" else {"encoder": encoder}
    if os.environ.get("FIDELITY_JUDGE", "none").lower() not in ("", "none"):
        options["judge"] = os.environ["FIDELITY_JUDGE"]
        options["sensitivity"] = os.environ.get("FIDELITY_SENSITIVITY", "balanced")
    return options


def severity(finding) -> str:
    """A finding's severity as a lower-case string."""
    sev = getattr(finding, "severity", "")
    return str(getattr(sev, "value", sev)).lower()


def confusion(pred: Sequence[bool], gold: Sequence[bool]) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn) of predictions against gold labels."""
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    return tp, fp, fn, len(gold) - tp - fp - fn


def mcc(tp: int, fp: int, fn: int, tn: int) -> float:
    denom = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / denom if denom else 0.0


def scores(pred: Sequence[bool], gold: Sequence[bool]) -> dict:
    """MCC, precision, recall, F1 and the false-alarm rate (share of negatives predicted positive)."""
    tp, fp, fn, tn = confusion(pred, gold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "mcc": mcc(tp, fp, fn, tn),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "false_alarms": fp / (fp + tn) if fp + tn else 0.0,
        "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
    }


def best_threshold(cosines: Sequence[float], gold: Sequence[bool]) -> tuple[float, dict]:
    """The threshold t (predict positive when cosine < t) that maximises MCC on these items."""
    order = sorted(zip(cosines, gold))
    pos, n = sum(gold), len(gold)
    best_t, best = order[0][0], -2.0
    tp = fp = 0
    # t = each distinct cosine value, plus one above the largest (everything predicted positive)
    for i in range(n + 1):
        if i == n or i == 0 or order[i][0] != order[i - 1][0]:
            t = order[i][0] if i < n else order[-1][0] + 1e-6
            m = mcc(tp, fp, pos - tp, n - pos - fp)
            if m > best:
                best, best_t = m, t
        if i < n:
            tp += order[i][1]
            fp += not order[i][1]
    return best_t, scores([c < best_t for c in cosines], gold)


def at_false_alarm_rate(cosines: Sequence[float], gold: Sequence[bool], rate: float) -> tuple[float, dict]:
    """The highest threshold t (predict positive when cosine < t) that flags at most ``rate`` of the
    negatives: the cosine baseline at the tool's false-alarm rate, so that the two are compared at
    one operating point. Ties among the negatives' cosines can leave its rate below ``rate``."""
    negatives = sorted(c for c, g in zip(cosines, gold) if not g)
    allowed = math.floor(rate * len(negatives) + 1e-9)  # negatives it may flag
    if allowed >= len(negatives):
        t = max(cosines) + 1e-6
    else:
        t = negatives[allowed]  # flags the negatives strictly below the (allowed+1)-th lowest
    return t, scores([c < t for c in cosines], gold)


def add_baseline(outcomes: Sequence[Any], encoder_name: str, texts: Callable[[Any], tuple[str, str]]) -> float | None:
    """Set ``cosine`` on each outcome: the cosine of its two texts (``texts(outcome)``) under the
    encoder; return the encoder's ``equivalent`` threshold, or None (with one line on stderr) when
    the encoder is unavailable."""
    try:
        from fidelity.models.encoders import load_encoder

        encoder = load_encoder(encoder_name)
        pairs = [texts(o) for o in outcomes]
        unique = sorted({t for pair in pairs for t in pair})
        index = dict(zip(unique, encoder.encode(unique)))
        for o, (a, b) in zip(outcomes, pairs):
            o.cosine = float(index[a] @ index[b])
        return float(encoder.thresholds.equivalent)
    except Exception as exc:
        print(f"baseline unavailable: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None


def spread(items: list, limit: int | None) -> list:
    """``limit`` items evenly spaced over the list (all of them when limit is None)."""
    if limit is None or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def tsv_rows(path: Path, fields: int) -> Iterator[tuple[int, list[str]]]:
    """``(line number, fields)`` of a tab-separated file with ``fields`` columns a line; blank lines
    and ``#`` comments skipped, any other count of fields a one-line exit."""
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        row = line.split("\t")
        if len(row) != fields:
            raise SystemExit(f"{path}:{n}: {len(row)} fields, expected {fields}")
        yield n, row


def wmt21_ru_en(path: Path = WMT21_RU_EN) -> tuple[list[str], list[str]]:
    """WMT21 newstest2021 ru-en: the Russian source segments and translation A's, in file order."""
    import json

    ru: list[str] = []
    en: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                doc = json.loads(line)
                ru.extend(doc["src_ru"])
                en.extend(doc["ref_a_en"])
    return ru, en
