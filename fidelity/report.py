"""The Report: everything a renderer needs, and the JSON contract (``Report.to_dict``)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .types import SEVERITY_ORDER, Bead, Document, Finding, SetAside, Severity, Verdict

# The fidelity score. Each bead's characters (both sides) are credited in full if it has a
# counterpart (equivalent or changed; nothing for omitted, added or unrelated text), times a
# factor per finding in that bead, by severity; the score is the credited share, 0-100. A
# critical finding (a reversed claim, a falsified quotation) also caps the whole score, so a
# rewrite with one is never rated near a faithful one however long the rest is.
_MATCHED = {Verdict.EQUIVALENT, Verdict.CHANGED}
FINDING_FACTOR = {Severity.CRITICAL: 0.0, Severity.MAJOR: 0.5, Severity.MINOR: 0.9}
CRITICAL_CAP = 60.0


@dataclass
class Report:
    original: Document
    rewrite: Document
    alignment: list[Bead]
    findings: list[Finding]
    settings: dict[str, Any] = field(default_factory=dict)
    # Findings less severe than this are left out of the listings (renderers, JSON ``findings``);
    # the score and the counts still take every finding, and ``summary.filtered`` says what was left out.
    min_severity: Severity | None = None
    # Findings accepted in a baseline (``fidelity.baseline.apply_baseline``); None when none was applied.
    # They are out of ``findings`` (so out of the score and the exit-code limits), counted in the summary.
    suppressed: list[Finding] | None = None

    @property
    def listed_findings(self) -> list[Finding]:
        if self.min_severity is None:
            return list(self.findings)
        limit = SEVERITY_ORDER[self.min_severity]
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

    def summary(self) -> dict[str, Any]:
        by_severity = Counter(f.severity.value for f in self.findings)
        by_category = Counter(f.category for f in self.findings)
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
        if self.min_severity is not None:
            left_out = Counter(f.severity.value for f in self.findings) - Counter(
                f.severity.value for f in self.listed_findings)
            out["filtered"] = {"min_severity": self.min_severity.value, "findings": sum(left_out.values()),
                               "severity": {s.value: left_out.get(s.value, 0) for s in Severity}}
        if self.suppressed is not None:
            accepted = Counter(f.severity.value for f in self.suppressed)
            everything = Report(self.original, self.rewrite, self.alignment, self.findings + self.suppressed)
            out["suppressed"] = {"findings": len(self.suppressed),
                                 "severity": {s.value: accepted.get(s.value, 0) for s in Severity},
                                 "score_without_baseline": everything.score}
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "original": self.original.to_dict(),
            "rewrite": self.rewrite.to_dict(),
            "alignment": [b.to_dict() for b in self.alignment],
            "findings": [f.to_dict() for f in self.listed_findings],
            "set_aside": [s.to_dict() for s in self.set_aside],
            **({"suppressed": [f.to_dict() for f in self.suppressed]} if self.suppressed is not None else {}),
            "summary": self.summary(),
            "settings": self.settings,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
