"""Sentence-level deviation stage: a verdict per bead, omission and addition findings.

Span-level detectors (quotations, numbers, entities, negation, ...) plug in through the
``Detector`` protocol; each gets the aligned document pair and returns findings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, Sequence

from .encoders import Thresholds
from .types import Bead, Document, Finding, Severity, Span, Verdict


@dataclass(frozen=True)
class AlignedPair:
    """What every detector sees: both documents and their alignment."""

    original: Document
    rewrite: Document
    beads: list[Bead]


class Detector(Protocol):
    name: str

    def detect(self, pair: AlignedPair) -> list[Finding]: ...


def sentence_span(doc: Document, indices: Sequence[int]) -> Span | None:
    """The span from the first to the last sentence of a bead side (exact file offsets)."""
    if not indices:
        return None
    start = doc.sentences[min(indices)].start
    end = doc.sentences[max(indices)].end
    return Span(start, end, doc.text[start:end])


def judge(beads: list[Bead], thresholds: Thresholds) -> list[Bead]:
    """Set each matched bead's verdict from its similarity score and the encoder's thresholds."""
    judged = []
    for bead in beads:
        if not bead.rewrite:
            verdict = Verdict.OMITTED
        elif not bead.original:
            verdict = Verdict.ADDED
        elif bead.score >= thresholds.equivalent:
            verdict = Verdict.EQUIVALENT
        elif bead.score >= thresholds.related:
            verdict = Verdict.CHANGED
        else:
            verdict = Verdict.UNRELATED
        judged.append(replace(bead, verdict=verdict))
    return judged


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SentenceDeviationDetector:
    """Whole-sentence findings: omitted, added, changed and unrelated beads."""

    name = "sentence"

    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds

    def _confidence_changed(self, score: float) -> float:
        # 1.0 at the "related" floor, falling to 0 at the "equivalent" cut-off.
        width = max(self.thresholds.equivalent - self.thresholds.related, 1e-6)
        return min(1.0, max(0.05, (self.thresholds.equivalent - score) / width))

    def detect(self, pair: AlignedPair) -> list[Finding]:
        findings: list[Finding] = []
        for bead_index, bead in enumerate(pair.beads):
            original = sentence_span(pair.original, bead.original)
            rewrite = sentence_span(pair.rewrite, bead.rewrite)
            if bead.verdict is Verdict.OMITTED:
                assert original is not None
                findings.append(
                    Finding("", "omission", Severity.MAJOR, 0.9, original, None,
                            f"omitted: no counterpart in the rewrite for “{_short(original.text)}”", bead_index)
                )
            elif bead.verdict is Verdict.ADDED:
                assert rewrite is not None
                findings.append(
                    Finding("", "addition", Severity.MAJOR, 0.9, None, rewrite,
                            f"added: “{_short(rewrite.text)}” has no counterpart in the original", bead_index)
                )
            elif bead.verdict is Verdict.UNRELATED:
                findings.append(
                    Finding("", "mistranslation", Severity.MAJOR, 0.6, original, rewrite,
                            f"meaning differs: aligned sentences are unrelated (similarity {bead.score:.2f})",
                            bead_index)
                )
            elif bead.verdict is Verdict.CHANGED:
                findings.append(
                    Finding("", "mistranslation", Severity.MINOR, self._confidence_changed(bead.score),
                            original, rewrite,
                            f"meaning changed: similarity {bead.score:.2f} is below the "
                            f"{self.thresholds.equivalent:.2f} equivalence threshold", bead_index)
                )
        return findings
