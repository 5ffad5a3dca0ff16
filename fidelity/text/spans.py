"""Which spans of a list overlap a range, without a scan of the whole list per question."""

from __future__ import annotations

import bisect
from collections.abc import Sequence


class SpanIndex:
    """(start, end) spans, asked which overlap ``[start, end)``: the overlapping spans' indices, in
    order. Spans in text order without overlaps (a document's sentences) are found by bisection;
    others (quotations nest) by start, with the largest end so far: the spans that start before
    ``end`` are a prefix, walked back until no span so far ends after ``start``. A long text's
    thousands of quotations each scanning all its sentences was quadratic in its length."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = list(spans)
        self.starts = [s for s, _ in self.spans]
        self.ends = [e for _, e in self.spans]
        self.ordered = all(s <= e for s, e in self.spans) and all(
            self.ends[k] <= self.starts[k + 1] for k in range(len(self.spans) - 1))
        if not self.ordered:
            self._by_start = sorted(range(len(self.spans)), key=self.starts.__getitem__)
            self._sorted_starts = [self.starts[k] for k in self._by_start]
            self._reach: list[int] = []  # the largest end among the spans up to each, by start
            for k in self._by_start:
                self._reach.append(max(self.ends[k], self._reach[-1]) if self._reach else self.ends[k])

    def overlapping(self, start: int, end: int) -> list[int]:
        if not self.ordered:
            found = []
            i = bisect.bisect_left(self._sorted_starts, end) - 1  # the last span starting before ``end``
            while i >= 0 and self._reach[i] > start:
                if self.ends[self._by_start[i]] > start:
                    found.append(self._by_start[i])
                i -= 1
            return sorted(found)
        first = bisect.bisect_right(self.ends, start)  # the first span ending after ``start``
        last = bisect.bisect_left(self.starts, end, lo=first)  # the first starting at or after ``end``
        return [k for k in range(first, last) if start < self.ends[k] and self.starts[k] < end]
