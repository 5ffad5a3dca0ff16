"""Changed entities: a person, place or organisation in the original replaced by another."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fidelity.checking.detectors.base import AlignedPair, BeadSide, BeadView
from fidelity.checking.detectors.registry import Configured, register
from fidelity.models.encoders import word_thresholds
from fidelity.text.name_index import InitialsIndex, KeyIndex, NameIndex
from fidelity.text.names import Entity, NameMatcher, entity_keys, find_entities, keys_match, same_entity
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
        # The tests of a rewrite name against every name of the original ask indexes of them (issue
        # 19: a long document's names compared every one with every other were quadratic).
        original_keys = KeyIndex(k for e in original_entities for k in _keys(e))
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
        original_initials = InitialsIndex(distinct_originals)
        findings = []
        cross_script = script_of(pair.original.text) != script_of(pair.rewrite.text)
        views = self.views(pair)
        # (languages, rewrite name) -> the same entity as a name of the original: 'Degtyaryov' /
        # 'Degtyarev', 'Tuoi Tre' / 'Tuổi Trẻ', 'Great Britain' / 'United Kingdom' are no change.
        respelled_texts = _same_as_an_original([v for v in views if v.same_language], distinct_originals,
                                               by_meaning=False)
        # Across scripts, by meaning too: 'Вене' is 'Vienna'.
        translated_texts = _same_as_an_original([v for v in views if not v.same_language and cross_script],
                                                distinct_originals, by_meaning=True)
        for view in views:
            bead_index = view.index
            if not view.same_language:
                if not cross_script:
                    # English and French both capitalise, but not the same words ('Murder' /
                    # 'Meurtre' in a title, 'Chambre'): on REFreSD this rule raised only false
                    # alarms. Across scripts only proper names keep their capitals.
                    continue
                findings += _across_languages(view, translated_texts, self.config)
                continue
            r_side = view.rewrite.entities
            # The same name spelled otherwise is no change.
            matcher = view.name_matcher
            respelled = {(r.start, r.end) for r in r_side if respelled_texts[(matcher.languages, r.text)]}
            clauses = view.clauses
            used: set[tuple[int, int]] = set()
            for ri, clause in enumerate(clauses.rewrite):
                in_clause = find_entities(pair.rewrite.text, [(clause.start, clause.end)], vocabulary, names)
                new = [e for e in in_clause if not original_keys.matches(_keys(e))
                       and not original_initials.expanded_by(e.text)
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


def _names_across(side: BeadSide) -> list[Entity]:
    """A side's names as compared across languages: a capitalised number is no name ("Второй
    мировой войны": the Second World War)."""
    return [e for e in side.entities if not find_quantities(e.text)]


def _same_as_an_original(views: Sequence[BeadView], originals: Sequence[Entity],
                         by_meaning: bool) -> dict[tuple[tuple[str, str], str], bool]:
    """(languages, name) -> whether a name of the rewrite side of ``views`` is the same entity as
    one of ``originals`` (``NameMatcher.same``), each distinct name asked once, of an index of the
    originals (one per language pair)."""
    asked: dict[tuple[str, str], tuple[NameMatcher, list[Entity]]] = {}
    for view in views:
        matcher = view.name_matcher
        names = view.rewrite.entities if not by_meaning else _names_across(view.rewrite)
        asked.setdefault(matcher.languages, (matcher, []))[1].extend(names)
    out: dict[tuple[tuple[str, str], str], bool] = {}
    for languages, (matcher, names) in asked.items():
        answers = matcher.same_as_any(NameIndex(originals, *languages), names, by_meaning)
        out.update({(languages, name.text): same for name, same in zip(names, answers)})
    return out


def _across_languages(view: BeadView, translated: dict[tuple[tuple[str, str], str], bool],
                      config: EntityConfig) -> list[Finding]:
    """Names are translated and transliterated ("Вене" is "Vienna"): a rewrite name that is
    none of the original's names (``translated``: by ``_same_as_an_original``), where a name of
    this bead's original has no counterpart."""
    pair, bead_index, matcher = view.pair, view.index, view.name_matcher
    o_side = _names_across(view.original)
    r_side = _names_across(view.rewrite)
    o_words = [t.text for t in view.original.tokens]
    r_words = [t.text for t in view.rewrite.tokens]
    # A name also survives as an ordinary word: English capitalises 'Japanese', Russian does not.
    # Russian capitalises only the first word of a multi-word name ('Национальный центр' is the
    # 'National Center'): a rewrite name as close to one of the original's words as an equivalent
    # sentence is that word translated ('Национальный' / 'National' 0.91 on USE; 'Женеве' /
    # 'Vienna' is 0.47).
    equivalent = word_thresholds(pair.require_encoder()).equivalent
    o_content = [w for w in dict.fromkeys(o_words) if len(w) > 2]
    new = [r for r in r_side if not translated[(matcher.languages, r.text)]
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
