"""Whole-sentence findings: omitted, added, changed and unrelated beads."""

from __future__ import annotations

from dataclasses import dataclass

from fidelity.checking.detectors.base import AlignedPair
from fidelity.checking.detectors.registry import Configured, Level, Traits, register
from fidelity.models.encoder_types import FAITHFUL_FLOOR
from fidelity.text.tokens import short as _short
from fidelity.types import Category, Finding, Severity, Verdict


@dataclass(frozen=True)
class SentenceConfig:
    omitted: Severity = Severity.MAJOR
    added: Severity = Severity.MAJOR
    unrelated: Severity = Severity.MAJOR
    # Major: below the equivalence threshold the meaning changed (REFreSD: cosine alone beats
    # cross-lingual cue rules). The pipeline drops this finding where span findings at least as
    # severe say what changed.
    changed: Severity = Severity.MAJOR
    # A changed bead is major only below this position between the encoder's 'related' (0) and
    # 'equivalent' (1) thresholds (0.70 on USE), where faithful independent translations reach
    # down to; above it, a minor 'may have changed'.
    major_below: float = FAITHFUL_FLOOR
    changed_near: Severity = Severity.MINOR
    whole_sentence_confidence: float = 0.9  # omitted and added sentences
    unrelated_confidence: float = 0.6


@register("sentence", config=SentenceConfig,
          categories=(Category.OMISSION, Category.ADDITION, Category.MISTRANSLATION),
          traits=Traits(level=Level.VERDICT))
class SentenceDeviationDetector(Configured):
    """Whole-sentence findings: omitted, added, changed and unrelated beads."""

    config: SentenceConfig

    def detect(self, pair: AlignedPair) -> list[Finding]:
        c = self.config
        thresholds = pair.require_encoder().thresholds
        findings: list[Finding] = []
        for view in pair.views(self.traits.scope, unmatched=True):
            bead_index, bead = view.index, view.bead
            original, rewrite = view.original.span, view.rewrite.span
            if bead.verdict is Verdict.OMITTED:
                assert original is not None
                findings.append(
                    Finding(category=Category.OMISSION, severity=c.omitted, confidence=c.whole_sentence_confidence,
                            original=original, rewrite=None, bead=bead_index,
                            message=f"omitted: no counterpart in the rewrite for “{_short(original.text)}”")
                )
            elif bead.verdict is Verdict.ADDED:
                assert rewrite is not None
                findings.append(
                    Finding(category=Category.ADDITION, severity=c.added, confidence=c.whole_sentence_confidence,
                            original=None, rewrite=rewrite, bead=bead_index,
                            message=f"added: “{_short(rewrite.text)}” has no counterpart in the original")
                )
            elif bead.verdict is Verdict.UNRELATED:
                findings.append(
                    Finding(category=Category.MISTRANSLATION, severity=c.unrelated, confidence=c.unrelated_confidence,
                            original=original, rewrite=rewrite,
                            message=f"meaning differs: aligned sentences are unrelated (similarity {bead.score:.2f})",
                            bead=bead_index)
                )
            elif bead.verdict is Verdict.CHANGED:
                # Confidence 1.0 at the "related" floor, falling to 0 at the "equivalent" cut-off.
                width = max(thresholds.equivalent - thresholds.related, 1e-6)
                confidence = min(1.0, max(0.05, (thresholds.equivalent - bead.score) / width))
                major_below = thresholds.faithful_floor(c.major_below)
                if bead.score < major_below:
                    message = (f"meaning changed: similarity {bead.score:.2f} is below the "
                               f"{thresholds.equivalent:.2f} equivalence threshold")
                else:
                    message = (f"meaning may have changed: similarity {bead.score:.2f}, below the "
                               f"{thresholds.equivalent:.2f} equivalence threshold (faithful rewordings "
                               f"reach down to {major_below:.2f})")
                findings.append(
                    Finding(category=Category.MISTRANSLATION,
                            severity=c.changed if bead.score < major_below else c.changed_near,
                            confidence=confidence, original=original, rewrite=rewrite, message=message, bead=bead_index)
                )
        return findings
