"""Terminology: the rewrite follows a glossary (``--glossary``, ``fidelity.text.glossary``).

Runs only with a glossary (the run's ``glossary`` resource, read once when the checker opens);
without one it is not built, and a check reports what it reported before.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from fidelity.checking.detectors.base import AlignedPair, BeadSide
from fidelity.checking.detectors.registry import Configured, Resources, Scope, Traits, register
from fidelity.text.glossary import Entry, Glossary
from fidelity.text.terms import TermIndex
from fidelity.types import Category, Finding, Severity, Span


@dataclass(frozen=True)
class TerminologyConfig:
    not_followed_severity: Severity = Severity.MAJOR  # an entry's own severity comes first
    forbidden_severity: Severity = Severity.MAJOR
    inconsistent_severity: Severity = Severity.MINOR
    confidence: float = 0.9


def _create(config: TerminologyConfig, resources: Resources) -> TerminologyDetector:
    return TerminologyDetector(config, resources.get("glossary"))


@register("terminology", config=TerminologyConfig,
          categories=(Category.TERM_NOT_FOLLOWED, Category.TERM_FORBIDDEN, Category.TERM_INCONSISTENT),
          traits=Traits(scope=Scope.CROSS_LINGUAL, needs="glossary"), factory=_create)
class TerminologyDetector(Configured):
    """A glossary's required term missing from the aligned rewrite sentence, a forbidden form
    used, or one source term rendered two ways in one rewrite."""

    config: TerminologyConfig

    def __init__(self, config: TerminologyConfig | None = None, glossary: Glossary | None = None) -> None:
        super().__init__(config)
        self.glossary = glossary or Glossary()

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "glossary": self.glossary.settings()}

    def detect(self, pair: AlignedPair) -> list[Finding]:
        if not self.glossary:
            return []
        findings: list[Finding] = []
        # entry -> (rendering index, the span, bead) of each rendering the rewrite uses
        used: dict[Entry, list[tuple[int, Span, int]]] = defaultdict(list)
        for view in pair.views(Scope.CROSS_LINGUAL, unmatched=True):
            if not view.bead.rewrite:
                continue
            o_lang, r_lang = view.original.language, view.rewrite.language
            original = _index(view.original) if view.bead.original else None
            rewrite = _index(view.rewrite)
            for entry in self.glossary.entries:
                if not entry.applies(o_lang, r_lang):
                    continue
                findings += self._entry_findings(entry, view.index, original, rewrite, view.rewrite.span, used)
        findings += self._inconsistent(used)
        return findings

    def _entry_findings(self, entry: Entry, bead: int, original: TermIndex | None, rewrite: TermIndex,
                        rewrite_span: Span | None, used: dict[Entry, list[tuple[int, Span, int]]]) -> list[Finding]:
        case = entry.case_sensitive
        sources = [s for s in original.find(entry.source, case) if not original.inside_longer_name(s)] \
            if entry.source and original is not None else []
        if entry.source and not sources:
            return []  # the source term is not in this bead's original: nothing asked of the rewrite
        renderings = sorted(((k, s) for k, form in enumerate(entry.renderings)
                             for s in rewrite.find(form, case, compounds=True)),
                            key=lambda found: (found[1].start, -found[1].end))
        rendered: list[tuple[int, Span]] = []
        for k, span in renderings:  # the longest form at each place ('NATO-Verbindungsbüro', not 'NATO')
            if not any(span.start < s.end and s.start < span.end for _, s in rendered):
                # A form holding an earlier one is that form ('Taliban Gefangene' holds 'Taliban').
                inner = min((j for j, s in renderings if j < k and span.start <= s.start and s.end <= span.end),
                            default=_canonical(entry, k))
                rendered.append((inner, span))
        used[entry] += [(k, span, bead) for k, span in rendered]
        # In a same-language bead a house-style entry's own term in the original is its counterpart.
        anchor = sources[0] if sources else (
            next(iter(original.find(entry.target, case)), None) if original is not None else None)
        findings = []
        for form in entry.forbidden:
            hits = [h for h in rewrite.find(form, case)
                    if not any(h.start < s.end and s.start < h.end for _, s in rendered)]  # inside an allowed form
            if hits:
                times = f" ({len(hits)} times in this sentence)" if len(hits) > 1 else ""
                findings.append(self._finding(
                    Category.TERM_FORBIDDEN, entry.severity or self.config.forbidden_severity, anchor, hits[0],
                    f"forbidden term '{hits[0].text}'{times} (glossary: {entry.describe()})", bead))
        if sources and not rendered and not findings:
            findings.append(self._finding(
                Category.TERM_NOT_FOLLOWED, entry.severity or self.config.not_followed_severity, sources[0],
                rewrite_span, f"term not followed: '{sources[0].text}' should be rendered '{entry.target}' "
                              f"(glossary: {entry.describe()})", bead))
        return findings

    def _inconsistent(self, used: dict[Entry, list[tuple[int, Span, int]]]) -> list[Finding]:
        """One source term rendered two ways in one rewrite: each rendering other than the one
        used most often (the first of equals) is a finding."""
        findings = []
        for entry, found in used.items():
            counts = Counter(k for k, _, _ in found)
            if len(counts) < 2:
                continue
            usual = max(counts, key=lambda k: (counts[k], -min(s.start for j, s, _ in found if j == k)))
            usual_text = next(s.text for k, s, _ in found if k == usual)
            for k, span, bead in found:
                if k != usual:
                    term = entry.source or entry.target
                    findings.append(self._finding(
                        Category.TERM_INCONSISTENT, self.config.inconsistent_severity, None, span,
                        f"term rendered inconsistently: '{term}' is '{usual_text}' elsewhere in the rewrite, "
                        f"'{span.text}' here (glossary: {entry.describe()})", bead))
        return findings

    def _finding(self, category: Category, severity: Severity, original: Span | None, rewrite: Span | None,
                 message: str, bead: int) -> Finding:
        return Finding(category=category, severity=severity, confidence=self.config.confidence,
                       original=original, rewrite=rewrite, message=message, bead=bead)


def _canonical(entry: Entry, k: int) -> int:
    """The first of an entry's renderings that rendering ``k`` begins with: a compound or an
    inflected form of an earlier one ('Spanienreisende', 'Spanien') is no second rendering."""
    form = entry.renderings[k].casefold()
    return next((j for j, other in enumerate(entry.renderings[:k]) if form.startswith(other.casefold())), k)


def _index(side: BeadSide) -> TermIndex:
    return TermIndex(side.text, side.ranges, side.language)
