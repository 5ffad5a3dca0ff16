"""The Report: everything a renderer needs, and the JSON contract (``Report.to_dict``)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from fidelity.types import SEVERITY_ORDER, Bead, Document, Finding, SetAside, Severity, Verdict

# The fidelity score. Each bead's characters (both sides) are credited in full if it has a
# counterpart (equivalent or changed; nothing for omitted, added or unrelated text), times a
# factor per finding in that bead, by severity; the score is the credited share, 0-100. A
# critical finding (a reversed claim, a falsified quotation) also caps the whole score, so a
# rewrite with one is never rated near a faithful one however long the rest is.
_MATCHED = {Verdict.EQUIVALENT, Verdict.CHANGED}
FINDING_FACTOR = {Severity.CRITICAL: 0.0, Severity.MAJOR: 0.5, Severity.MINOR: 0.9}
CRITICAL_CAP = 60.0


@dataclass(frozen=True)
class Report:
    """What a check found. Frozen: a step that changes it (``apply_baseline``) returns a new one, and how
    it is shown (which findings are listed, colour, width) is the renderer's option, never stored here."""

    original: Document
    rewrite: Document
    alignment: list[Bead]
    findings: list[Finding]
    settings: dict[str, Any] = field(default_factory=dict)
    # Findings accepted in a baseline (``fidelity.frontends.baseline.apply_baseline``); None when none was applied.
    # They are out of ``findings`` (so out of the score and the exit-code limits), counted in the summary.
    suppressed: list[Finding] | None = None

    def listed_findings(self, min_severity: Severity | None = None) -> list[Finding]:
        """The findings a listing shows: those at least as severe as ``min_severity`` (all when None).
        The score and the counts always take every finding."""
        if min_severity is None:
            return list(self.findings)
        limit = SEVERITY_ORDER[min_severity]
        return [f for f in self.findings if SEVERITY_ORDER[f.severity] <= limit]

    @property
    def set_aside(self) -> list[SetAside]:
        return self.original.set_aside + self.rewrite.set_aside

    def _bead_chars(self, bead: Bead) -> int:
        sentences = [self.original.sentences[i] for i in bead.original]
        sentences += [self.rewrite.sentences[j] for j in bead.rewrite]
        return sum(s.end - s.start for s in sentences)

    @property
    def score(self) -> float | None:
        """0-100 (see FINDING_FACTOR above); None when nothing was compared."""
        total = sum(self._bead_chars(b) for b in self.alignment)
        if total == 0:
            return None
        # Text the rewrite repeats (fidelity/checking/repetition.py) is compared with nothing: no credit.
        total += sum(len(f.rewrite.text) for f in self.findings if f.detector == "repetition" and f.rewrite)
        factor = [1.0 if b.verdict in _MATCHED else 0.0 for b in self.alignment]
        for f in self.findings:
            if f.bead is not None:
                factor[f.bead] *= FINDING_FACTOR[f.severity]
        credit = sum(self._bead_chars(b) * k for b, k in zip(self.alignment, factor))
        score = 100.0 * credit / total
        if any(f.severity is Severity.CRITICAL for f in self.findings):
            score = min(score, CRITICAL_CAP)
        return round(score, 1)

    def worst_severity(self) -> Severity | None:
        if not self.findings:
            return None
        return min((f.severity for f in self.findings), key=SEVERITY_ORDER.__getitem__)

    def summary(self, min_severity: Severity | None = None) -> dict[str, Any]:
        """Score and counts; with ``min_severity``, ``filtered`` says what a listing at that level leaves out."""
        by_severity = Counter(f.severity.value for f in self.findings)
        by_category = Counter(f.category.value for f in self.findings)
        verdicts = Counter(b.verdict.value for b in self.alignment)
        out: dict[str, Any] = {
            "score": self.score,
            "counts": {
                "findings": len(self.findings),
                "severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
                "category": dict(sorted(by_category.items())),
            },
            "beads": {
                "total": len(self.alignment),
                "moved": sum(1 for b in self.alignment if b.moved),
                **{v.value: verdicts.get(v.value, 0) for v in Verdict},
            },
            "sentences": {"original": len(self.original.sentences), "rewrite": len(self.rewrite.sentences)},
            "set_aside": len(self.set_aside),
        }
        if min_severity is not None:
            left_out = Counter(f.severity.value for f in self.findings) - Counter(
                f.severity.value for f in self.listed_findings(min_severity))
            out["filtered"] = {"min_severity": min_severity.value, "findings": sum(left_out.values()),
                               "severity": {s.value: left_out.get(s.value, 0) for s in Severity}}
        if self.suppressed is not None:
            accepted = Counter(f.severity.value for f in self.suppressed)
            everything = replace(self, findings=self.findings + self.suppressed, suppressed=None)
            out["suppressed"] = {"findings": len(self.suppressed),
                                 "severity": {s.value: accepted.get(s.value, 0) for s in Severity},
                                 "score_without_baseline": everything.score}
        return out

    def to_dict(self, min_severity: Severity | None = None) -> dict[str, Any]:
        """The JSON contract; ``min_severity`` lists only the findings at least that severe (``summary.filtered``
        counts the rest)."""
        return {
            "original": self.original.to_dict(),
            "rewrite": self.rewrite.to_dict(),
            "alignment": [b.to_dict() for b in self.alignment],
            "findings": [f.to_dict() for f in self.listed_findings(min_severity)],
            "set_aside": [s.to_dict() for s in self.set_aside],
            **({"suppressed": [f.to_dict() for f in self.suppressed]} if self.suppressed is not None else {}),
            "summary": self.summary(min_severity),
            "settings": self.settings,
        }

    def to_json(self, indent: int | None = 2, min_severity: Severity | None = None) -> str:
        return json.dumps(self.to_dict(min_severity), ensure_ascii=False, indent=indent)
