"""A glossary proposed from an aligned pair (``fidelity glossary extract``): the names and
capitalised terms of each aligned original sentence paired with their counterparts in the
rewrite sentence, by the same name matching the entity detector uses (``NameMatcher``: country
names, transliteration, spelling, and the encoder across languages), with counts. A reviewer
edits the TSV and keeps it as a ``--glossary``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fidelity.checking.detectors.base import AlignedPair, BeadView
from fidelity.models.encoders import word_thresholds
from fidelity.text.names import Entity, NameMatcher, country_code, is_acronym_of, skeletons_match
from fidelity.text.numbers import find_quantities
from fidelity.text.terms import TermIndex

if TYPE_CHECKING:
    from fidelity.checking.checker import Checker
    from fidelity.checking.report import Report


@dataclass(frozen=True)
class ProposedTerm:
    source: str
    target: str  # the rendering used most often
    allowed: tuple[str, ...]  # the other renderings, most frequent first
    count: int  # aligned sentence pairs holding the source term and one of its renderings


def aligned_names(view: BeadView) -> list[tuple[str, str]]:
    """(original name, rewrite name) for each original name of one bead that has a counterpart."""
    if not view.matched:
        return []
    rewrite = [r for r in view.rewrite.entities if not find_quantities(r.text)]
    can_measure = view.pair.encoder is not None
    pairs: list[tuple[str, str]] = []
    taken: set[tuple[int, int]] = set()
    for o in view.original.entities:
        if find_quantities(o.text):
            continue
        free = [r for r in rewrite if (r.start, r.end) not in taken]
        kept = TermIndex(view.rewrite.text, view.rewrite.ranges, view.rewrite.language).find(o.text, True)
        if kept:  # the name itself, maybe inflected or in a compound ('US-Außenminister')
            pairs.append((o.text, o.text))
            continue
        match = next((r for r in free if _same(view, o, r, can_measure)), None)
        if match is not None:
            taken.add((match.start, match.end))
            pairs.append((o.text, match.text))
    return pairs


def _same(view: BeadView, o: Entity, r: Entity, can_measure: bool) -> bool:
    """The same entity: by spelling, a country's names, else (with an encoder) as close as an
    equivalent sentence. Stricter than the entity detector's matching: a proposal that pairs
    'Instagram' with 'Fotos' costs the reviewer more than one it leaves out."""
    if len(r.text.split()) > len(o.text.split()):
        return False  # German capitalises nouns: 'Labour Partei Nick Thomas-Symonds' is no one name
    if _by_spelling(o, r):
        return True
    codes = (country_code(o.text, view.original.language, False), country_code(r.text, view.rewrite.language, False))
    if codes[0] or codes[1]:
        return codes[0] == codes[1]
    if not can_measure:
        return False
    return view.name_matcher.similarity(o.text, r.text) >= word_thresholds(view.pair.require_encoder()).equivalent


def _by_spelling(o: Entity, r: Entity) -> bool:
    return any(skeletons_match(a, b) for a in o.text.split() for b in r.text.split()) or \
        is_acronym_of(o.text, r.text) or NameMatcher.mentioned(o, r.text.split())


def propose(pairs: Iterable[AlignedPair]) -> list[ProposedTerm]:
    """Every aligned name pair of ``pairs``, one row per source name, most frequent first."""
    renderings: dict[str, Counter[str]] = defaultdict(Counter)
    spelled: dict[str, Counter[str]] = defaultdict(Counter)  # a source's spellings ('NATO', 'Nato')
    for pair in pairs:
        for view in pair.views():
            for source, target in aligned_names(view):
                renderings[source.casefold()][target] += 1
                spelled[source.casefold()][source] += 1
    rows = []
    for key, counts in renderings.items():
        ranked = [t for t, _ in counts.most_common()]
        rows.append(ProposedTerm(spelled[key].most_common(1)[0][0], ranked[0], tuple(ranked[1:]),
                                 sum(counts.values())))
    return sorted(rows, key=lambda row: (-row.count, row.source.casefold()))


def to_tsv(rows: Iterable[ProposedTerm]) -> str:
    """The rows as a glossary TSV (``source``, ``target``, ``allowed``, ``case_sensitive``, ``count``) that
    ``--glossary`` reads back as it is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["source", "target", "allowed", "case_sensitive", "count"])
    for row in rows:  # names: 'City' is not 'city'
        writer.writerow([row.source, row.target, "|".join(row.allowed), "true", row.count])
    return out.getvalue()


def aligned_pair(checker: Checker, report: Report) -> AlignedPair:
    """A checked pair's alignment as its detectors saw it: the encoder, with the language pair's shift."""
    from fidelity.checking.pipeline import language_pair_shift
    from fidelity.models.encoders import WithThresholds, shifted

    encoder = checker.encoder_for(report.original, report.rewrite)
    shift = language_pair_shift(encoder, report.original, report.rewrite)
    if shift:
        encoder = WithThresholds(encoder, shifted(encoder.thresholds, shift), word_thresholds=encoder.thresholds)
    return AlignedPair(report.original, report.rewrite, report.alignment, encoder)
