"""Whole-sentence findings: omitted, added, changed and unrelated beads."""

from __future__ import annotations

from ..encoders import Thresholds
from ..types import Finding, Severity, Verdict
from .base import AlignedPair, sentence_span, short as _short


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
                # Major: below the equivalence threshold the meaning changed (REFreSD: cosine alone
                # beats cross-lingual cue rules). The pipeline drops this finding where span
                # findings at least as severe say what changed.
                findings.append(
                    Finding("", "mistranslation", Severity.MAJOR, self._confidence_changed(bead.score),
                            original, rewrite,
                            f"meaning changed: similarity {bead.score:.2f} is below the "
                            f"{self.thresholds.equivalent:.2f} equivalence threshold", bead_index)
                )
        return findings
