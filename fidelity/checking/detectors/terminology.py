"""Terminology: the rewrite follows a glossary (``--glossary``, ``fidelity.text.glossary``).

Runs only with a glossary (the run's ``glossary`` resource, read once when the checker opens);
without one it is not built, and a check reports what it reported before. A one-word name used as
an adjective or a people ('chinesischen' for "China's") follows its entry; a form inside a longer
name the original has as it is ('Scotland' in 'Ice Scotland') is neither a rendering nor a
forbidden use. ``across`` reads several pairs as one text (a bilingual file's units) for
inconsistency; ``follow_counts`` says how consistently a translation follows a glossary.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
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
        findings, used = self._scan(pair)
        return findings + [f for _part, f in self._inconsistent(used)]

    def across(self, pairs: Sequence[AlignedPair], labels: Sequence[str]) -> list[list[Finding]]:
        """Several pairs that are one text (a bilingual file's units, named by ``labels``): each
        pair's ``term_inconsistent`` findings against the renderings of them all (a term is
        'Kyjiw' in one unit, 'Kiew' in another). The other terminology findings are each pair's
        own, as ``detect`` gives them."""
        used: dict[Entry, list[Rendering]] = defaultdict(list)
        for part, pair in enumerate(pairs):
            for entry, found in (self._scan(pair)[1] if self.glossary else {}).items():
                used[entry] += [replace(r, part=part) for r in found]
        out: list[list[Finding]] = [[] for _ in pairs]
        for part, finding in self._inconsistent(used, labels):
            out[part].append(finding)
        return out

    def follow_counts(self, pairs: Iterable[AlignedPair]) -> dict[Entry, tuple[int, int]]:
        """For each entry with a source term: in how many beads of ``pairs`` the original holds the
        term, and in how many of those the rewrite follows the entry (how consistently a
        translation already follows a glossary: ``fidelity glossary extract`` keeps the entries
        its pair follows)."""
        tally: Counter[tuple[Entry, bool]] = Counter()
        for pair in pairs:
            self._scan(pair, tally)
        entries = {entry for entry, _ in tally}
        return {e: (tally[(e, True)] + tally[(e, False)], tally[(e, True)]) for e in entries}

    def _scan(self, pair: AlignedPair, tally: Counter[tuple[Entry, bool]] | None = None,
              ) -> tuple[list[Finding], dict[Entry, list[Rendering]]]:
        """The pair's findings but inconsistency, and each entry's renderings in its rewrite;
        ``tally`` counts (entry, followed) for each bead whose original holds an entry's source term."""
        findings: list[Finding] = []
        used: dict[Entry, list[Rendering]] = defaultdict(list)
        for view in pair.views(Scope.CROSS_LINGUAL, unmatched=True):
            if not view.bead.rewrite:
                continue
            o_lang, r_lang = view.original.language, view.rewrite.language
            original = _index(view.original) if view.bead.original else None
            rewrite = _index(view.rewrite)
            for entry in self.glossary.entries:
                if not entry.applies(o_lang, r_lang):
                    continue
                findings += self._entry_findings(entry, view.index, original, rewrite, view.rewrite.span, used,
                                                 tally)
        return findings, used

    def _entry_findings(self, entry: Entry, bead: int, original: TermIndex | None, rewrite: TermIndex,
                        rewrite_span: Span | None, used: dict[Entry, list[Rendering]],
                        tally: Counter[tuple[Entry, bool]] | None = None) -> list[Finding]:
        case = entry.case_sensitive
        sources = [s for s in original.find(entry.source, case) if not original.inside_longer_name(s)] \
            if entry.source and original is not None else []
        if entry.source and not sources:
            return []  # the source term is not in this bead's original: nothing asked of the rewrite
        # A form inside a longer name the original has as it is ('Scotland' in 'Ice Scotland') renders nothing.
        renderings = sorted(((k, s) for k, form in enumerate(entry.renderings)
                             for s in rewrite.find(form, case, compounds=True)
                             if not _kept_name(s, rewrite, original, sources)),
                            key=lambda found: (found[1].start, -found[1].end))
        rendered: list[tuple[int, Span]] = []
        for k, span in renderings:  # the longest form at each place ('NATO-Verbindungsbüro', not 'NATO')
            if not any(span.start < s.end and s.start < span.end for _, s in rendered):
                # A form holding an earlier one is that form ('Taliban Gefangene' holds 'Taliban').
                inner = min((j for j, s in renderings if j < k and span.start <= s.start and s.end <= span.end),
                            default=_canonical(entry, k))
                rendered.append((inner, span))
        used[entry] += [Rendering(k, span, bead) for k, span in rendered]
        # In a same-language bead a house-style entry's own term in the original is its counterpart.
        anchor = sources[0] if sources else (
            next(iter(original.find(entry.target, case)), None) if original is not None else None)
        findings = []
        for form in entry.forbidden:
            hits = [h for h in rewrite.find(form, case)  # neither inside an allowed form nor in a kept name
                    if not any(h.start < s.end and s.start < h.end for _, s in rendered)
                    and not _kept_name(h, rewrite, original)]
            if hits:
                times = f" ({len(hits)} times in this sentence)" if len(hits) > 1 else ""
                findings.append(self._finding(
                    Category.TERM_FORBIDDEN, entry.severity or self.config.forbidden_severity, anchor, hits[0],
                    f"forbidden term '{hits[0].text}'{times} (glossary: {entry.describe()})", bead))
        # The name as an adjective ('chinesischen' for "China's") follows the entry too.
        followed = bool(rendered) or (bool(sources) and not findings and any(rewrite.derived(form)
                                                                             for form in entry.renderings))
        if sources and tally is not None:
            tally[(entry, followed)] += 1
        if sources and not followed and not findings:
            findings.append(self._finding(
                Category.TERM_NOT_FOLLOWED, entry.severity or self.config.not_followed_severity, sources[0],
                rewrite_span, f"term not followed: '{sources[0].text}' should be rendered '{entry.target}' "
                              f"(glossary: {entry.describe()})", bead))
        return findings

    def _inconsistent(self, used: dict[Entry, list[Rendering]],
                      labels: Sequence[str] | None = None) -> list[tuple[int, Finding]]:
        """One source term rendered two ways: each rendering other than the one used most often
        (the first of equals) is a finding, with the part (``across``'s pair) it is in."""
        findings = []
        for entry, found in used.items():
            counts = Counter(r.form for r in found)
            if len(counts) < 2:
                continue
            first = {k: min((r for r in found if r.form == k), key=lambda r: (r.part, r.span.start)) for k in counts}
            usual = max(counts, key=lambda k: (counts[k], -first[k].part, -first[k].span.start))
            usual_text = first[usual].span.text
            where = "elsewhere in the rewrite" if labels is None else (
                f"in {labels[first[usual].part]}" + (f" ({counts[usual]} times in all)" if counts[usual] > 1 else ""))
            for r in found:
                if r.form != usual:
                    term = entry.source or entry.target
                    findings.append((r.part, self._finding(
                        Category.TERM_INCONSISTENT, self.config.inconsistent_severity, None, r.span,
                        f"term rendered inconsistently: '{term}' is '{usual_text}' {where}, "
                        f"'{r.span.text}' here (glossary: {entry.describe()})", r.bead)))
        return findings

    def _finding(self, category: Category, severity: Severity, original: Span | None, rewrite: Span | None,
                 message: str, bead: int) -> Finding:
        return Finding(category=category, severity=severity, confidence=self.config.confidence,
                       original=original, rewrite=rewrite, message=message, bead=bead)


@dataclass(frozen=True)
class Rendering:
    """Where a rewrite renders a glossary entry: which of its forms, the span, the bead, and
    (``across``) which of several pairs."""

    form: int  # the index in ``Entry.renderings`` (an inflected or compound form counts as its base)
    span: Span
    bead: int
    part: int = 0


def _kept_name(span: Span, rewrite: TermIndex, original: TermIndex | None, sources: Sequence[Span] = ()) -> bool:
    """Whether ``span`` is inside a longer name that the original bead has as it is ('Scotland'
    in 'Ice Scotland', 'Peking' in 'Peking University'): that name is kept, not this term
    rendered. The source term itself kept as it is ('Greater Noida' for 'Greater Noida' → 'Noida')
    is no other name."""
    if original is None:
        return False
    said = [original.text[s:e] for s, e in original.ranges]
    own = {s.text for s in sources}
    return any(name.text not in own and any(name.text in text for text in said) for name in rewrite.names_around(span))


def _canonical(entry: Entry, k: int) -> int:
    """The first of an entry's renderings that rendering ``k`` begins with: a compound or an
    inflected form of an earlier one ('Spanienreisende', 'Spanien') is no second rendering."""
    form = entry.renderings[k].casefold()
    return next((j for j, other in enumerate(entry.renderings[:k]) if form.startswith(other.casefold())), k)


def _index(side: BeadSide) -> TermIndex:
    return TermIndex(side.text, side.ranges, side.language)
