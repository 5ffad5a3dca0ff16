"""Which spans of a list overlap a range, without a scan of the whole list per question."""

from __future__ import annotations

import bisect
from collections.abc import Sequence


class SpanIndex:
    """(start, end) spans, asked which overlap ``[start, end)``: by bisection when the spans are in
    text order without overlaps (a document's sentences), else by a scan. The answer is the same
    either way: the overlapping spans' indices, in order. A long text's thousands of quotations each
    scanning all its sentences was quadratic in its length."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = list(spans)
        self.starts = [s for s, _ in self.spans]
        self.ends = [e for _, e in self.spans]
        self.ordered = all(s <= e for s, e in self.spans) and all(
            self.ends[k] <= self.starts[k + 1] for k in range(len(self.spans) - 1))

    def overlapping(self, start: int, end: int) -> list[int]:
        if not self.ordered:
            return [k for k, (s, e) in enumerate(self.spans) if start < e and s < end]
        first = bisect.bisect_right(self.ends, start)  # the first span ending after ``start``
        last = bisect.bisect_left(self.starts, end, lo=first)  # the first starting at or after ``end``
        return [k for k in range(first, last) if start < self.ends[k] and self.starts[k] < end]
