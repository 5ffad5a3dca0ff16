"""Changed entities: a person, place or organisation in the original replaced by another."""

from __future__ import annotations

from ..entities import entity_keys, is_acronym_of, keys_match, find_entities, lower_case_vocabulary, mid_sentence_capitals, same_entity
from ..types import Finding, Severity, Span
from .base import AlignedPair, side_ranges


_keys = entity_keys


class EntityDetector:
    """A new name in a rewrite clause (one the original never mentions) where the most similar
    original clause has a name that the rewrite dropped: "Ukraine and Vienna" → "Ukraine and Austria"."""

    name = "entities"

    def detect(self, pair: AlignedPair) -> list[Finding]:
        # Same script only: without transliteration "Вена" and "Vienna" cannot be compared by spelling.
        if _script(pair.original.text) != _script(pair.rewrite.text) or pair.encoder is None:
            return []
        vocabulary = lower_case_vocabulary(pair.original.text, pair.rewrite.text)
        o_all = [(s.start, s.end) for s in pair.original.sentences]
        names = mid_sentence_capitals(pair.original.text, o_all) | mid_sentence_capitals(
            pair.rewrite.text, [(s.start, s.end) for s in pair.rewrite.sentences])
        original_entities = find_entities(pair.original.text, o_all, vocabulary, names)
        original_keys = {k for e in original_entities for k in _keys(e)}
        related = pair.encoder.thresholds.related
        findings = []
        for bead_index, bead in pair.matched_beads():
            if not pair.same_language(bead_index):
                # Across languages names are translated ("London"/"Londres", "Germany"/"Allemagne"):
                # spelling says nothing; a back-translation makes the pair same-language.
                continue
            r_side = find_entities(pair.rewrite.text, side_ranges(pair.rewrite, bead.rewrite), vocabulary, names)
            clauses = pair.clauses(bead_index)
            used: set[tuple[int, int]] = set()
            for ri, clause in enumerate(clauses.rewrite):
                in_clause = find_entities(pair.rewrite.text, [(clause.start, clause.end)], vocabulary, names)
                new = [e for e in in_clause if not keys_match(_keys(e), original_keys)
                       and not any(is_acronym_of(e.text, o.text) for o in original_entities)]
                if not new:
                    continue
                # The counterpart clause: similar enough, or sharing another name ("Ukraine and ...").
                shared = {k for e in in_clause if e not in new for k in _keys(e)}
                candidates = [
                    oi for oi, o in enumerate(clauses.original)
                    if clauses.sims[ri, oi] >= related or keys_match(shared, {
                        k for e in find_entities(pair.original.text, [(o.start, o.end)], vocabulary, names)
                        for k in _keys(e)})
                ]
                if not candidates:
                    continue
                oi = max(candidates, key=lambda k: float(clauses.sims[ri, k]))
                o_clause = clauses.original[oi]
                dropped = [e for e in find_entities(pair.original.text, [(o_clause.start, o_clause.end)], vocabulary,
                                                    names)
                           if not any(same_entity(e, r) for r in r_side) and (e.start, e.end) not in used]
                for o, r in zip(dropped, new):
                    used.add((o.start, o.end))
                    findings.append(Finding(
                        "", "entity_changed", Severity.MAJOR, 0.7, Span.of(o),
                        Span.of(r), f"entity changed: '{o.text}' became '{r.text}'", bead_index))
        return findings


def _script(text: str) -> str:
    latin = sum(1 for c in text if "a" <= c.lower() <= "z")
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    return "cyrillic" if cyrillic > latin else "latin"
