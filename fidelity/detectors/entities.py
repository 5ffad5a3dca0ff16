"""Changed entities: a person, place or organisation in the original replaced by another."""

from __future__ import annotations

from ..entities import Entity, find_entities, lower_case_vocabulary, mid_sentence_capitals, same_entity
from ..tokens import stem
from ..types import Finding, Severity, Span
from .base import AlignedPair, side_ranges


class EntityDetector:
    name = "entities"

    def detect(self, pair: AlignedPair) -> list[Finding]:
        # Same script only: without transliteration "Вена" and "Vienna" cannot be compared by spelling.
        if _script(pair.original.text) != _script(pair.rewrite.text):
            return []
        vocabulary = lower_case_vocabulary(pair.original.text, pair.rewrite.text)
        o_all = [(s.start, s.end) for s in pair.original.sentences]
        names = mid_sentence_capitals(pair.original.text, o_all) | mid_sentence_capitals(
            pair.rewrite.text, [(s.start, s.end) for s in pair.rewrite.sentences])
        all_original = find_entities(pair.original.text, o_all, vocabulary, names)
        original_keys = {stem(w)[:5] for e in all_original for w in e.text.split()}
        findings = []
        for bead_index, bead in pair.matched_beads():
            o_entities = find_entities(pair.original.text, side_ranges(pair.original, bead.original), vocabulary, names)
            r_entities = find_entities(pair.rewrite.text, side_ranges(pair.rewrite, bead.rewrite), vocabulary, names)
            missing = [o for o in o_entities if not any(same_entity(o, r) for r in r_entities)]
            # New names the original never mentions anywhere (not just moved between sentences).
            new = [r for r in r_entities if not ({stem(w)[:5] for w in r.text.split()} & original_keys)]
            for o, r in _pair_up(missing, new):
                findings.append(Finding(
                    "", "entity_changed", Severity.MAJOR, 0.7, Span(o.start, o.end, o.text), Span(r.start, r.end, r.text),
                    f"entity changed: '{o.text}' became '{r.text}'", bead_index))
        return findings


def _pair_up(missing: list[Entity], new: list[Entity]) -> list[tuple[Entity, Entity]]:
    """Pair each new name with a missing one; with several, by relative position in the sentence."""
    if not missing or not new:
        return []
    pairs = []
    used: set[int] = set()
    for r in new:
        candidates = [i for i in range(len(missing)) if i not in used]
        if not candidates:
            break
        i = candidates[0] if len(candidates) == 1 else min(candidates, key=lambda k: abs(k - new.index(r)))
        used.add(i)
        pairs.append((missing[i], r))
    return pairs


def _script(text: str) -> str:
    latin = sum(1 for c in text if "a" <= c.lower() <= "z")
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    return "cyrillic" if cyrillic > latin else "latin"
