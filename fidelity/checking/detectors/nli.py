"""Optional NLI findings: each matched bead judged premise → hypothesis both ways.

- contradiction either way → ``mistranslation`` (critical);
- the original entails the rewrite but not the reverse → the rewrite lost content: ``omission``;
- the rewrite entails the original but not the reverse → the rewrite adds content: ``addition``.

Entailment both ways (a faithful rewrite) and neither way (left to the other detectors) report
nothing. Spans are the bead's sentences on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fidelity.checking.detectors.base import AlignedPair
from fidelity.checking.detectors.registry import Configured, Level, Traits, register
from fidelity.types import Category, Document, Finding, Severity

if TYPE_CHECKING:
    from fidelity.models.nli import NliResult


@dataclass(frozen=True)
class NliConfig:
    threshold: float = 0.5  # probability at which a direction counts as entailed / contradicted
    contradiction: Severity = Severity.CRITICAL
    one_way: Severity = Severity.MAJOR  # entailed one way only: content lost or added


class Judge(Protocol):
    def judge(self, pairs: list[tuple[str, str]]) -> list[NliResult]: ...


def _side_text(doc: Document, indices: Sequence[int]) -> str:
    return " ".join(" ".join(doc.sentences[i].text.split()) for i in sorted(indices))


@register("nli", config=NliConfig, categories=(Category.MISTRANSLATION, Category.OMISSION, Category.ADDITION),
          traits=Traits(level=Level.SENTENCE, needs="nli"),
          factory=lambda config, resources: NliDetector(config, judge=resources.get("nli")))
class NliDetector(Configured):
    """Contradiction, omission and addition per aligned pair, judged by an NLI model (--nli)."""

    config: NliConfig

    def __init__(self, config: NliConfig | None = None, *, judge: Judge) -> None:
        super().__init__(config)
        self.judge = judge

    def detect(self, pair: AlignedPair) -> list[Finding]:
        views = self.views(pair)
        if not views:
            return []
        texts = [(_side_text(pair.original, v.bead.original), _side_text(pair.rewrite, v.bead.rewrite)) for v in views]
        # Forward: original ⊨ rewrite; backward: rewrite ⊨ original. One call, one batching.
        results = self.judge.judge([(o, r) for o, r in texts] + [(r, o) for o, r in texts])
        if len(results) != 2 * len(texts):
            raise RuntimeError(f"NLI judge returned {len(results)} results for {2 * len(texts)} pairs")
        findings: list[Finding] = []
        t = self.config.threshold
        for k, view in enumerate(views):
            forward, backward = results[k], results[len(texts) + k]
            index, original, rewrite = view.index, view.original.span, view.rewrite.span
            contradiction = max(forward.contradiction, backward.contradiction)
            if contradiction >= t:
                findings.append(Finding(
                    category=Category.MISTRANSLATION, severity=self.config.contradiction, confidence=contradiction,
                    original=original, rewrite=rewrite, message=f"contradicts the original (NLI p={contradiction:.2f})",
                    bead=index))
            elif forward.entailment >= t and backward.entailment < t:
                p = min(forward.entailment, 1.0 - backward.entailment)
                findings.append(Finding(
                    category=Category.OMISSION, severity=self.config.one_way, confidence=p, original=original,
                    rewrite=rewrite, message=f"the rewrite says less than the original (NLI p={p:.2f})", bead=index))
            elif backward.entailment >= t and forward.entailment < t:
                p = min(backward.entailment, 1.0 - forward.entailment)
                findings.append(Finding(
                    category=Category.ADDITION, severity=self.config.one_way, confidence=p, original=original,
                    rewrite=rewrite, message=f"the rewrite says more than the original (NLI p={p:.2f})", bead=index))
        return findings
