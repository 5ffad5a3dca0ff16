"""Numbers and dates that differ between the aligned sentences."""

from __future__ import annotations

from collections import Counter

from ..numbers import Quantity, find_quantities
from ..types import Finding, Severity, Span
from .base import AlignedPair, sentence_span, side_ranges


def _quantities(text: str, ranges: list[tuple[int, int]]) -> list[Quantity]:
    return [q for s, e in ranges for q in find_quantities(text, s, e)]


def _unmatched(ours: list[Quantity], theirs: list[Quantity]) -> list[Quantity]:
    remaining = Counter(q.value for q in theirs)
    out = []
    for q in ours:
        if remaining[q.value] > 0:
            remaining[q.value] -= 1
        else:
            out.append(q)
    return out


class NumberDetector:
    name = "numbers"

    def detect(self, pair: AlignedPair) -> list[Finding]:
        findings = []
        for bead_index, bead in pair.matched_beads():
            o_q = _quantities(pair.original.text, side_ranges(pair.original, bead.original))
            r_q = _quantities(pair.rewrite.text, side_ranges(pair.rewrite, bead.rewrite))
            missing = _unmatched(o_q, r_q)
            extra = _unmatched(r_q, o_q)
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
                findings.append(Finding(
                    "", "number_changed", Severity.MAJOR, 0.8, Span.of(o), Span.of(r),
                    f"number changed: '{o.text}' became '{r.text}'", bead_index))
            for o in missing:
                findings.append(Finding(
                    "", "number_changed", Severity.MINOR, 0.6, Span.of(o),
                    sentence_span(pair.rewrite, bead.rewrite),
                    f"number dropped: '{o.text}' is not in the rewrite", bead_index))
            for r in extra:
                findings.append(Finding(
                    "", "number_changed", Severity.MINOR, 0.6, sentence_span(pair.original, bead.original),
                    Span.of(r), f"number added: '{r.text}' is not in the original", bead_index))
        return findings
