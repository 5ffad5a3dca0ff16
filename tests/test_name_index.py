"""The name indexes (issue 19) against every pair: on the names of real text (the seeds and, where
../shared/eval is there, WMT21 ru-en documents in two English translations and in Russian), each
index returns every name its test accepts, and ``NameMatcher.same_as_any`` answers as ``same``
asked of every original name does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fidelity.text.name_index import InitialsIndex, KeyIndex, NameIndex
from fidelity.text.names import (
    Entity,
    NameMatcher,
    _plain,
    _spelled_alike,
    country_code,
    entity_keys,
    find_entities,
    is_abbreviation_of,
    is_acronym_of,
    keys_match,
    lower_case_vocabulary,
    mid_sentence_capitals,
    skeletons_match,
)

from .conftest import CNN, DEFNET, FIRSTPOST, INSIDER, SPUTNIK, read_exact

WMT = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "wmt21-ruen" / "newstest2021-ru-en.jsonl"
WMT_DOCUMENTS = 12  # of 107: enough names of each kind, a few seconds of pairs


def _names(text: str) -> list[Entity]:
    """The text's distinct names (first mentions), read as the entity detector reads a document."""
    whole = [(0, len(text))]
    found = find_entities(text, whole, lower_case_vocabulary(text), mid_sentence_capitals(text, whole))
    return list({e.text: e for e in reversed(found)}.values())[::-1]


def _wmt(field: str) -> str:
    rows = [json.loads(line) for line in WMT.open(encoding="utf-8")][:WMT_DOCUMENTS]
    return "\n\n".join("\n".join(row[field]) for row in rows)


def _distinct(*groups: list[Entity]) -> list[Entity]:
    return list({e.text: e for group in groups for e in group}.values())


@pytest.fixture(scope="module")
def english() -> list[Entity]:
    seeds = [_names(read_exact(path)) for path in (CNN, DEFNET, INSIDER, FIRSTPOST, SPUTNIK)]
    wmt = [_names(_wmt("ref_a_en")), _names(_wmt("ref_b_en"))] if WMT.exists() else []
    # abbreviations the texts do not happen to have: contractions and truncations
    known = [Entity(0, len(t), t) for t in ("Saints", "Sts", "St.", "Saint", "Department", "Dept", "Mount", "Mt",
                                            "Governor", "Gov", "Corporation", "Corp")]
    return _distinct(*seeds, *wmt, known)


@pytest.fixture(scope="module")
def russian() -> list[Entity]:
    if not WMT.exists():
        pytest.skip("../shared/eval/wmt21-ruen is not beside the checkout")
    return _names(_wmt("src_ru"))


def _accepted_by_spelling(matcher: NameMatcher, original: Entity, rewrite: Entity) -> bool:
    """``same`` without an encoder: True where a test by spelling accepts the pair (it raises where
    only the encoder could decide)."""
    try:
        return matcher.same(original, rewrite, by_meaning=False)
    except ValueError:
        return False


def _kinds(o: Entity, r: Entity, languages: tuple[str, str]) -> set[str]:
    """Which tests by spelling accept a pair (to see that the names exercise each index)."""
    same_language = languages[0] == languages[1]
    if country_code(o.text, languages[0], same_language) and country_code(r.text, languages[1], same_language):
        return {"country"}
    tests = {"skeleton": any(skeletons_match(a, b) for a in o.text.split() for b in r.text.split()),
             "acronym": is_acronym_of(o.text, r.text),
             "abbreviation": is_abbreviation_of(o.text, r.text) or is_abbreviation_of(r.text, o.text),
             "spelling": _spelled_alike(o.text, r.text) and _plain(o.text) != _plain(r.text)}
    return {kind for kind, holds in tests.items() if holds}


def _check_spelling_index(originals: list[Entity], rewrites: list[Entity], languages: tuple[str, str]) -> set[str]:
    """Every pair a test by spelling accepts is among the index's candidates; the kinds of test met."""
    matcher = NameMatcher(None, *languages)
    index = NameIndex(originals, *languages)
    kinds: set[str] = set()
    candidates = 0
    for r in rewrites:
        found = index.candidates(r)
        candidates += len(found)
        for i, o in enumerate(originals):
            if _accepted_by_spelling(matcher, o, r):
                assert i in found, (o.text, r.text)
                kinds |= _kinds(o, r, languages)
    # an index, not every name: a few candidates per name
    assert candidates < 0.05 * len(originals) * len(rewrites), (candidates, len(originals), len(rewrites))
    return kinds


def test_spelling_index_returns_every_pair_the_tests_accept(english):
    kinds = _check_spelling_index(english, english, ("en", "en"))
    assert kinds == {"country", "skeleton", "acronym", "abbreviation", "spelling"}


def test_spelling_index_across_scripts(english, russian):
    kinds = _check_spelling_index(english, russian, ("en", "ru"))
    # 'Mexico' / 'Мексику', 'Khabarovsk' / 'Хабаровска'
    assert {"country", "skeleton", "spelling"} <= kinds


def test_key_and_initials_indexes_answer_as_every_pair(english):
    originals, rewrites = english[::2], english[1::2]
    original_keys = {k for e in originals for k in entity_keys(e)}
    keys, initials = KeyIndex(original_keys), InitialsIndex(originals)
    matched = expanded = 0
    for r in rewrites:
        expected = keys_match(entity_keys(r), original_keys)
        assert keys.matches(entity_keys(r)) is expected, r.text
        matched += expected
        expected = any(is_acronym_of(r.text, o.text) for o in originals)
        assert initials.expanded_by(r.text) is expected, r.text
        expanded += expected
    assert matched >= 20


@pytest.mark.parametrize("by_meaning", [False, True])
def test_same_as_any_answers_as_same_with_every_name(english, by_meaning):
    from fidelity.models.encoders import load_encoder

    encoder = load_encoder("use")
    originals, rewrites = english[:150:2], english[1:150:2]
    answers = NameMatcher(encoder, "en", "en").same_as_any(NameIndex(originals, "en", "en"), rewrites, by_meaning)
    every_pair = NameMatcher(encoder, "en", "en")
    assert answers == [any(every_pair.same(o, r, by_meaning) for o in originals) for r in rewrites]
    assert 0 < sum(answers) < len(rewrites)


def test_same_as_any_across_scripts(english, russian):
    from fidelity.models.encoders import load_encoder

    encoder = load_encoder("use")
    originals, rewrites = english[:150], russian[:120]
    indexed = NameMatcher(encoder, "en", "ru")
    answers = indexed.same_as_any(NameIndex(originals, "en", "ru"), rewrites)
    every_pair = NameMatcher(encoder, "en", "ru")
    assert answers == [any(every_pair.same(o, r) for o in originals) for r in rewrites]
    assert 0 < sum(answers) < len(rewrites)
