"""Numbers and dates that differ between the aligned sentences."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fidelity.checking.detectors.base import AlignedPair, sentence_span
from fidelity.checking.detectors.registry import Configured, register
from fidelity.text.dates import agree, interval, is_relative
from fidelity.text.numbers import Quantity
from fidelity.types import Category, Finding, Severity, Span


def _unmatched(ours: Sequence[Quantity], theirs: Sequence[Quantity]) -> list[Quantity]:
    remaining = Counter(q.value for q in theirs)
    out = []
    for q in ours:
        if remaining[q.value] > 0:
            remaining[q.value] -= 1
        else:
            out.append(q)
    return out


def _shown(q: Quantity, reference: date | None) -> str:
    """'last Wednesday' (2023-05-03): a relative time with the day it names, when known."""
    days = interval(q, reference) if is_relative(q) else None
    if days is None:
        return f"'{q.text}'"
    first, last = days
    return f"'{q.text}' ({first.isoformat()}{'' if first == last else ' to ' + last.isoformat()})"


# Two relative times in texts of unknown date are read from one common day: "last month" and
# "last year" differ whatever that day is.
_ANY_DAY = date(2001, 6, 13)  # mid-year, mid-month, mid-week


def _clock_parts(clock: Quantity, others: list[Quantity]) -> tuple[Quantity, Quantity] | None:
    """The hour and the minute of ``clock`` among plain numbers on the other side, if both are there."""
    _, hour, minute = clock.value.split(":")
    hours = {str(int(hour)), str(int(hour) + 12)}
    h = next((q for q in others if q.value in hours), None)
    m = next((q for q in others if q.value == str(int(minute)) and q is not h), None)
    return (h, m) if h is not None and m is not None else None


@dataclass(frozen=True)
class NumberConfig:
    changed: Severity = Severity.MAJOR
    changed_confidence: float = 0.8
    # A relative time that became another time, with no article date to read both from.
    unplaced: Severity = Severity.MINOR
    unplaced_confidence: float = 0.4
    # A number only on one side: often a detail folded into words ("two" → "both").
    dropped_or_added: Severity = Severity.MINOR
    dropped_or_added_confidence: float = 0.6


@register("numbers", config=NumberConfig, categories=(Category.NUMBER_CHANGED,))
class NumberDetector(Configured):
    """Numbers and dates that differ between aligned sentences, compared by value."""

    config: NumberConfig

    def detect(self, pair: AlignedPair) -> list[Finding]:
        c = self.config
        # Each side's relative times ("last Wednesday") are read from its own date, or from
        # the other side's when it has none.
        o_ref = (pair.original.date or pair.rewrite.date)
        r_ref = (pair.rewrite.date or pair.original.date)
        o_day = o_ref.day if o_ref else None
        r_day = r_ref.day if r_ref else None

        def same_time(o: Quantity, r: Quantity) -> bool | None:
            if o_day is None and is_relative(o) and is_relative(r):
                return agree(o, r, _ANY_DAY, _ANY_DAY)
            return agree(o, r, o_day, r_day)

        findings = []
        for view in self.views(pair):
            bead_index, bead = view.index, view.bead
            o_q, r_q = view.original.quantities, view.rewrite.quantities
            missing = _unmatched(o_q, r_q)
            extra = _unmatched(r_q, o_q)
            # A time of day written as words and numbers ("11:28 AM" / "11 часов 28 минут").
            for side_missing, side_extra in ((missing, extra), (extra, missing)):
                for clock in [q for q in side_missing if q.value.startswith("clock:")]:
                    parts = _clock_parts(clock, side_extra)
                    if parts is not None:
                        side_missing.remove(clock)
                        for part in parts:
                            side_extra.remove(part)
            # Times written differently that name the same days ("last month" / "April 4").
            for o in list(missing):
                r = next((r for r in extra if r.kind == o.kind == "time" and same_time(o, r)), None)
                if r is not None:
                    missing.remove(o)
                    extra.remove(r)
            # Pair what changed in order within a kind (a date with a date, never 'last week'
            # with 'first'); leftovers are numbers dropped or added.
            changed = []
            for o in missing:
                r = next((r for r in extra if r.kind == o.kind), None)
                if r is not None:
                    extra.remove(r)
                    changed.append((o, r))
            missing = [o for o in missing if all(o is not c for c, _ in changed)]
            for o, r in changed:
                unplaced = (is_relative(o) or is_relative(r)) and same_time(o, r) is None
                if unplaced:
                    findings.append(Finding(
                        category=Category.NUMBER_CHANGED, severity=c.unplaced, confidence=c.unplaced_confidence,
                        original=Span.of(o), rewrite=Span.of(r),
                        message=f"time changed?: '{o.text}' became '{r.text}'; without the article's date this "
                        f"cannot be checked (give --original-date)", bead=bead_index))
                else:
                    findings.append(Finding(
                        category=Category.NUMBER_CHANGED, severity=c.changed, confidence=c.changed_confidence,
                        original=Span.of(o), rewrite=Span.of(r),
                        message=f"number changed: {_shown(o, o_day)} became {_shown(r, r_day)}", bead=bead_index))
            for o in missing:
                findings.append(Finding(
                    category=Category.NUMBER_CHANGED, severity=c.dropped_or_added,
                    confidence=c.dropped_or_added_confidence, original=Span.of(o),
                    rewrite=sentence_span(pair.rewrite, bead.rewrite),
                    message=f"number dropped: '{o.text}' is not in the rewrite", bead=bead_index))
            for r in extra:
                findings.append(Finding(
                    category=Category.NUMBER_CHANGED, severity=c.dropped_or_added,
                    confidence=c.dropped_or_added_confidence, original=sentence_span(pair.original, bead.original),
                    rewrite=Span.of(r), message=f"number added: '{r.text}' is not in the original", bead=bead_index))
        return findings
