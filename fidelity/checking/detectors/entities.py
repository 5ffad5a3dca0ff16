"""Changed entities: a person, place or organisation in the original replaced by another."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fidelity.checking.detectors.base import AlignedPair, BeadView
from fidelity.checking.detectors.registry import Configured, register
from fidelity.models.encoders import word_thresholds
from fidelity.text.names import Entity, entity_keys, find_entities, is_acronym_of, keys_match, same_entity
from fidelity.text.numbers import find_quantities
from fidelity.text.tokens import script_of
from fidelity.types import Category, Finding, Severity, Span

_keys = entity_keys


@dataclass(frozen=True)
class EntityConfig:
    severity: Severity = Severity.MAJOR
    confidence: float = 0.7
    cross_lingual_confidence: float = 0.6  # names matched across scripts (transliteration, encoder)


@register("entities", config=EntityConfig, categories=(Category.ENTITY_CHANGED,))
class EntityDetector(Configured):
    """A name in the original replaced by another: "Ukraine and Vienna" → "Ukraine and Austria".

    A new name in a rewrite clause (one the original never mentions) where the most similar
    original clause has a name that the rewrite dropped."""

    config: EntityConfig

    def detect(self, pair: AlignedPair) -> list[Finding]:
        if pair.encoder is None:
            return []
        vocabulary = pair.vocabulary
        o_all = [(s.start, s.end) for s in pair.original.sentences]
        names = pair.capitalised_words
        original_entities = find_entities(pair.original.text, o_all, vocabulary, names)
        original_keys = {k for e in original_entities for k in _keys(e)}
        related = pair.encoder.thresholds.related
        # A swap pairs two names of the same kind, as across languages: 'Krasnodar' / 'General Plan'
        # (0.08 on USE) or 'Russians' / 'ICU' (0.24) are a name dropped and another mentioned.
        floor = word_thresholds(pair.encoder).align_min
        # One entity per distinct name: a name the original repeats is compared once, not once a
        # mention (a long document mentions its names over and over).
        first_mentions: dict[str, Entity] = {}
        for entity in original_entities:
            first_mentions.setdefault(entity.text, entity)
        distinct_originals = list(first_mentions.values())
        respelled_texts: dict[tuple[tuple[str, str], str], bool] = {}  # (languages, rewrite name) -> respelled
        findings = []
        cross_script = script_of(pair.original.text) != script_of(pair.rewrite.text)
        for view in self.views(pair):
            bead_index = view.index
            if not view.same_language:
                if not cross_script:
                    # English and French both capitalise, but not the same words ('Murder' /
                    # 'Meurtre' in a title, 'Chambre'): on REFreSD this rule raised only false
                    # alarms. Across scripts only proper names keep their capitals.
                    continue
                findings += _across_languages(view, distinct_originals, self.config)
                continue
            r_side = view.rewrite.entities
            # The same name spelled otherwise ('Degtyaryov' / 'Degtyarev', 'Tuoi Tre' / 'Tuổi Trẻ',
            # 'Great Britain' / 'United Kingdom') is no change.
            matcher = view.name_matcher
            for r in r_side:
                key = (matcher.languages, r.text)
                if key not in respelled_texts:
                    respelled_texts[key] = any(matcher.same(o, r, by_meaning=False) for o in distinct_originals)
            respelled = {(r.start, r.end) for r in r_side if respelled_texts[(matcher.languages, r.text)]}
            clauses = view.clauses
            used: set[tuple[int, int]] = set()
            for ri, clause in enumerate(clauses.rewrite):
                in_clause = find_entities(pair.rewrite.text, [(clause.start, clause.end)], vocabulary, names)
                new = [e for e in in_clause if not keys_match(_keys(e), original_keys)
                       and not any(is_acronym_of(e.text, o.text) for o in distinct_originals)
                       and (e.start, e.end) not in respelled]
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
                           if not any(same_entity(e, r) or matcher.same(e, r, by_meaning=False) for r in r_side)
                           and (e.start, e.end) not in used]
                for o, r in zip(dropped, new):
                    if matcher.similarity(o.text, r.text) < floor:
                        continue  # not one name replaced by another (see _across_languages)
                    used.add((o.start, o.end))
                    findings.append(Finding(
                        category=Category.ENTITY_CHANGED, severity=self.config.severity,
                        confidence=self.config.confidence, original=Span.of(o), rewrite=Span.of(r),
                        message=f"entity changed: '{o.text}' became '{r.text}'", bead=bead_index))
        return findings


def _across_languages(view: BeadView, original_entities: Sequence[Entity], config: EntityConfig) -> list[Finding]:
    """Names are translated and transliterated ("Вене" is "Vienna"): a rewrite name that is
    none of the original's names, where a name of this bead's original has no counterpart."""
    pair, bead_index, matcher = view.pair, view.index, view.name_matcher
    # A capitalised number is no name ("Второй мировой войны": the Second World War).
    o_side = [e for e in view.original.entities if not find_quantities(e.text)]
    r_side = [e for e in view.rewrite.entities if not find_quantities(e.text)]
    o_words = [t.text for t in view.original.tokens]
    r_words = [t.text for t in view.rewrite.tokens]
    # A name also survives as an ordinary word: English capitalises 'Japanese', Russian does not.
    # Russian capitalises only the first word of a multi-word name ('Национальный центр' is the
    # 'National Center'): a rewrite name as close to one of the original's words as an equivalent
    # sentence is that word translated ('Национальный' / 'National' 0.91 on USE; 'Женеве' /
    # 'Vienna' is 0.47).
    equivalent = word_thresholds(pair.require_encoder()).equivalent
    o_content = [w for w in dict.fromkeys(o_words) if len(w) > 2]
    new = [r for r in r_side if not any(matcher.same(o, r) for o in original_entities)
           and not matcher.mentioned(r, o_words)
           and not any(matcher.similarity(w, r.text) >= equivalent for w in o_content)]
    dropped = [o for o in o_side if not any(matcher.same(o, r) for r in r_side) and not matcher.mentioned(o, r_words)]
    # A swap pairs two names of the same kind ('Vienna' / 'Женеве' 0.47, 'NATO' / 'Пентагон' 0.34 on
    # USE); two names less alike than any alignable sentence pair ('Authority' / 'США' 0.24) are
    # two different mentions, not one name replaced by another.
    floor = word_thresholds(pair.require_encoder()).align_min
    return [Finding(category=Category.ENTITY_CHANGED, severity=config.severity,
                    confidence=config.cross_lingual_confidence, original=Span.of(o), rewrite=Span.of(r),
                    message=f"entity changed: '{o.text}' became '{r.text}'", bead=bead_index)
            for o, r in zip(dropped, new) if matcher.similarity(o.text, r.text) >= floor]
