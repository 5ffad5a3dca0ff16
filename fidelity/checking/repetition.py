"""Repetition is a deviation: a rewrite that says the original's paragraphs more often than the
original does is not faithful, however well each copy matches.

Cleaning sets every repeat of a line aside as a "duplicate line" (page furniture repeats: menus,
related-link lists), so that a copy is compared once. Here the repeats of a paragraph whose first
copy the alignment matched with the original (so: the article's own text, not a page's menu)
count: each run of such repeats beyond the original's own count is an addition finding, with the
number of extra copies, and the repeated text counts against the score (``Report.score``).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from fidelity.types import Bead, Category, Document, Finding, Severity, Span

DETECTOR = "repetition"
# A repeated paragraph that counts is a sentence of some length, ended as a sentence: a repeated
# label, menu or title (no closing punctuation) is page furniture, whatever the alignment says.
MIN_WORDS = 6
_SENTENCE_END = tuple(".!?…\"'”’»。！？")
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")


def _lines(text: str, start: int) -> list[tuple[int, int, str]]:
    """(start, end, line) of each non-empty line of ``text`` (which starts at ``start``), stripped."""
    out = []
    for m in _LINE.finditer(text):
        line = m.group(0)
        stripped = line.strip()
        if stripped:
            offset = start + m.start() + (len(line) - len(line.lstrip()))
            out.append((offset, offset + len(stripped), stripped))
    return out


def _matched_lines(doc: Document, beads: Sequence[Bead]) -> set[str]:
    """The lines of ``doc``'s sentences that a bead matched with the original (rewrite side)."""
    matched: set[str] = set()
    for bead in beads:
        if bead.original and bead.rewrite:
            for j in bead.rewrite:
                s = doc.sentences[j]
                matched.update(line for _, _, line in _lines(s.text, s.start))
    return matched


def _no_content_between(starts: Sequence[int], ends: Sequence[int], start: int, end: int) -> bool:
    """Whether no compared sentence (``starts``/``ends``, in text order) lies in ``[start, end)``:
    a repeated byline or date line, set aside, between two repeated paragraphs does not split their run."""
    k = bisect.bisect_left(ends, start + 1)  # the first sentence that ends after ``start``
    return k == len(starts) or starts[k] >= end


def repetition_findings(original: Document, rewrite: Document, beads: Sequence[Bead]) -> list[Finding]:
    """One addition finding per run of paragraphs the rewrite repeats beyond the original's count."""
    repeats: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for item in rewrite.set_aside:
        if item.reason == "duplicate line":
            for start, end, line in _lines(item.text, item.start):
                if len(_WORD.findall(line)) >= MIN_WORDS and line.endswith(_SENTENCE_END):
                    repeats[line].append((start, end))
    if not repeats:
        return []
    matched = _matched_lines(rewrite, beads)
    in_original = Counter(line for _, _, line in _lines(original.text, 0))
    extra: list[tuple[int, int]] = []  # the copies beyond the original's count, in text order
    for line, copies in repeats.items():
        if line not in matched:
            continue
        allowed = max(in_original[line], 1) - 1  # repeats the original itself has (its first copy is content)
        extra += copies[allowed:]
    starts, ends = [s.start for s in rewrite.sentences], [s.end for s in rewrite.sentences]
    runs: list[list[tuple[int, int]]] = []
    for start, end in sorted(extra):
        if runs and _no_content_between(starts, ends, runs[-1][-1][1], start):
            runs[-1].append((start, end))
        else:
            runs.append([(start, end)])
    findings = []
    for run in runs:
        start, end = run[0][0], run[-1][1]
        n = len(run)
        findings.append(Finding(
            category=Category.ADDITION, severity=Severity.MAJOR, confidence=0.9, original=None,
            rewrite=Span(start, end, rewrite.text[start:end]),
            message=f"repeated text: {n:,} paragraph{'s' if n != 1 else ''} said again, beyond the "
                    f"times the original says {'them' if n != 1 else 'it'}",
            detector=DETECTOR))
    return findings
