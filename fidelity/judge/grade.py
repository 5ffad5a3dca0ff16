"""The judge decides severity: the detectors find the spans and say what changed, the judge says
whether a bead's meaning really deviates and how badly.

For every bead with sentences on both sides the judge gives P(deviation) and P(critical); the
thresholds of the chosen sensitivity (chosen on dev data, stored with the weights) turn them into
a verdict:

- cleared (P(deviation) below its threshold): the bead's findings drop to minor, except those of
  categories whose evidence is exact and measured precise on faithful text (``KEPT_WHEN_CLEARED``);
- flagged: the bead's major and critical findings become critical where P(critical) reaches its
  threshold, else major; a flagged bead no detector found anything on gets one sentence-level
  finding, so that no deviation the judge sees goes unreported.

Omitted and added sentences (beads with one side) are the aligner's, not the judge's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from fidelity.judge.model import Judgement, Thresholds
from fidelity.types import Bead, Category, Document, Finding, Severity, Span

# Findings whose evidence is exact (a cue word, a number, a name, a quotation's words, words
# dropped or added) and that the faithful dev pairs show precise (scripts/eval_faithful.py: each of
# their detectors flags at most 0.02 of the WMT21 A/B pairs and finds 0.70 to 1.00 of its minimal
# pairs): the judge's clearing a bead does not soften them. What the judge decides is what the
# encoder's similarity alone decided: a sentence or a phrase said differently (mistranslation).
KEPT_WHEN_CLEARED = frozenset(set(Category) - {Category.MISTRANSLATION})
# A glossary's findings are about the house's terms, not about meaning: the judge has no say over them.
NOT_JUDGED = frozenset({Category.TERM_NOT_FOLLOWED, Category.TERM_FORBIDDEN, Category.TERM_INCONSISTENT})


@dataclass(frozen=True)
class BeadJudgement:
    bead: int
    judgement: Judgement


def pointed_span(doc: Document, indices: Sequence[int], span: tuple[int, int] | None) -> Span | None:
    """A (start, end) span of the bead side's text as the judge read it (its sentences joined by one
    space) as a span of ``doc``; None where it crosses a sentence boundary or is None."""
    if span is None:
        return None
    offset = 0
    for k in sorted(indices):
        sentence = doc.sentences[k]
        length = sentence.end - sentence.start
        if offset <= span[0] and span[1] <= offset + length:
            start, end = sentence.start + span[0] - offset, sentence.start + span[1] - offset
            return Span(start, end, doc.text[start:end])
        offset += length + 1
    return None


def _sentence_span(doc: Document, indices: Sequence[int]) -> Span:
    start, end = doc.sentences[min(indices)].start, doc.sentences[max(indices)].end
    return Span(start, end, doc.text[start:end])


def grade(findings: Sequence[Finding], beads: Sequence[Bead], judged: Sequence[BeadJudgement],
          thresholds: Thresholds, original: Document, rewrite: Document,
          kept_when_cleared: frozenset[Category] = KEPT_WHEN_CLEARED,
          point: Callable[[int], tuple[Span | None, Span | None]] | None = None) -> list[Finding]:
    """``findings`` with their severities decided by the judge (see the module's docstring). ``point``:
    where the judge points on a bead (original and rewrite spans), asked only for the beads it flags
    that no detector named."""
    by_bead: dict[int, Judgement] = {j.bead: j.judgement for j in judged}
    on_bead: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.bead is not None and f.category not in NOT_JUDGED:
            on_bead[f.bead].append(f)
    graded: list[Finding] = []
    for f in findings:
        judgement = by_bead.get(f.bead) if f.bead is not None else None
        if judgement is None or f.severity is Severity.MINOR or f.category in NOT_JUDGED:
            graded.append(f)
            continue
        note = f"judge p={judgement.p_deviation:.2f}"
        if judgement.p_deviation < thresholds.deviation:
            if f.category in kept_when_cleared:
                graded.append(f)
            else:
                graded.append(replace(f, severity=Severity.MINOR, message=f"{f.message} (cleared: {note})"))
            continue
        level = Severity.CRITICAL if judgement.p_critical >= thresholds.critical else Severity.MAJOR
        graded.append(replace(f, severity=level))
    for bead_index, judgement in by_bead.items():
        if judgement.p_deviation < thresholds.deviation or on_bead.get(bead_index):
            continue
        bead = beads[bead_index]
        level = Severity.CRITICAL if judgement.p_critical >= thresholds.critical else Severity.MAJOR
        graded.append(Finding(
            category=Category.MISTRANSLATION, severity=level, confidence=round(judgement.p_deviation, 2),
            original=_sentence_span(original, bead.original), rewrite=_sentence_span(rewrite, bead.rewrite),
            message=f"meaning changed by the judge's reading, with no span a detector could name "
                    f"(p={judgement.p_deviation:.2f}){_pointing(point(bead_index) if point else (None, None))}",
            bead=bead_index, detector="judge"))
    return graded


def _pointing(spans: tuple[Span | None, Span | None]) -> str:
    """The words the model points at (original, rewrite), for the message: with their offsets, as a
    reviewer looks them up."""
    parts = [f"{side} {span.text!r} at {span.start}-{span.end}"
             for side, span in zip(("original", "rewrite"), spans) if span is not None and span.text.strip()]
    return "; unmatched words: " + ", ".join(parts) if parts else ""
