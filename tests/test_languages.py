"""One module per language (fidelity/languages/): the built-in tables are well-formed, and a
language added as one module is read by the real pipeline."""

from __future__ import annotations

import importlib
import re
import sys
import textwrap

import pytest

import fidelity
from fidelity import languages
from fidelity.languages import BUILTIN, Language, language, register, register_module, registered
from fidelity.text.cues import cue_covered
from fidelity.types import Severity

_PATTERN_TABLES = ("negation", "negation_exceptions", "hedge_counterparts", "attribution", "loaded", "percent_words",
                   "year_words", "date_line_patterns", "view_words", "translator_credit_words", "page_furniture")
_WORD_SETS = ("stopwords", "quotation_stopwords", "negation_words", "not_names", "lowercase_month_names")


def _check_patterns(code: str, table: str, patterns) -> None:
    assert isinstance(patterns, tuple), f"{code}.{table}: a tuple"
    for pattern in patterns:
        assert pattern and isinstance(pattern, str), f"{code}.{table}: an empty entry"
        re.compile(pattern)
    assert len(set(patterns)) == len(patterns), f"{code}.{table}: an entry twice"


@pytest.mark.parametrize("code", BUILTIN)
def test_builtin_tables_are_well_formed(code):
    module = importlib.import_module(f"fidelity.languages.{code}")
    lang = module.LANGUAGE
    assert isinstance(lang, Language) and lang.code == code and language(code) is lang and lang.name
    for table in _PATTERN_TABLES:
        _check_patterns(code, table, getattr(lang, table))
    for kind, patterns in lang.hedges.items():
        assert kind in {"negotiating", "planning", "wanting", "possibility", "reported"}, kind
        _check_patterns(code, f"hedges[{kind}]", patterns)
    for table in _WORD_SETS:
        words = getattr(lang, table)
        assert isinstance(words, frozenset) and all(w == w.lower() and w.strip() == w and w for w in words), table
    assert all(a and b and a != b for a, b in lang.antonyms)
    assert len(lang.month_names) in (0, 12) and len(lang.weekday_names) in (0, 7)
    assert all(1 <= n <= 12 for n in lang.month_abbreviations.values())
    assert set(lang.scale_words) <= {3, 6, 9, 12}
    assert {meaning for _, meaning in lang.relative_times} <= {"last", "next", "this"}
    for pattern in [lang.month_pattern, lang.weekday_pattern, lang.lexical_negation_words,
                    lang.reported_speech_before, lang.future_in_past_after]:
        if pattern is not None:
            re.compile(pattern)
    if lang.month_pattern:  # every inflected name the pattern finds has a stem in month_names
        assert all(any(m.startswith(stem) for stem in lang.month_names) for m in lang.month_pattern.split("|"))
    if lang.stemmer is not None:
        import snowballstemmer

        assert lang.stemmer in snowballstemmer.algorithms()
    if lang.unspaced_letters:
        assert lang.unspaced and re.fullmatch(f"[{lang.unspaced_letters}]+", "x") is None


def test_unknown_code_is_an_empty_language_that_covers_nothing():
    for code in ("und", "xx", "", None):
        lang = language(code)
        assert not lang.negation and not lang.hedges and not lang.stopwords
        assert not cue_covered("negation", code or "und")
    assert language("en-US") is language("en") and language("pt_BR") is language("pt")
    assert cue_covered(None, "xx")  # a detector that manages its own coverage


def test_cue_coverage_is_the_languages_tables():
    covered = {lang.code for lang in registered() if lang.covers("negation")}
    assert {"en", "ru", "de", "fr", "es", "uk", "pl", "cs", "zh", "ja"} <= covered
    assert not language("ko").covers("negation") and language("en").covers("hedges")
    assert not language("zh").covers("hedges")


# A toy language, written as one module the way a plug-in would be. It borrows Dutch's code
# (which the built-in encoders cover, and which no built-in module gives a negation list), so
# the real encoder and pipeline run on it without any model faked.
_TOY_MODULE = '''
"""A toy Dutch: one negation word list, nothing else."""

from fidelity.languages.base import Language

LANGUAGE = Language(code="nl", name="Toy Dutch", negation=(r"niet", r"geen", r"nooit"))
'''


@pytest.fixture
def toy_language(tmp_path, monkeypatch):
    (tmp_path / "toy_dutch.py").write_text(textwrap.dedent(_TOY_MODULE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    builtin = language("nl")
    try:
        yield register_module("toy_dutch")
    finally:
        register(builtin)
        sys.modules.pop("toy_dutch", None)


def test_a_language_added_as_one_module_finds_a_negation_flip(toy_language):
    assert language("nl") is toy_language and toy_language in languages.registered()
    original = "Het nieuwe kantoor in Wenen gaat dit jaar open voor bezoekers uit het hele land."
    rewrite = "Het nieuwe kantoor in Wenen gaat dit jaar niet open voor bezoekers uit het hele land."
    report = fidelity.check(original, rewrite, original_lang="nl", rewrite_lang="nl")
    flips = [f for f in report.findings if f.category == "negation"]
    assert flips and flips[0].severity is Severity.CRITICAL and "'niet'" in flips[0].message, report.findings
    assert report.settings["cue_coverage"]["negation"] == {"nl": True}


def test_without_the_module_the_language_is_not_covered():
    # The built-in Dutch module has no negation list: the same flip goes unreported by the
    # negation detector, and the report says the language is not covered.
    original = "Het nieuwe kantoor in Wenen gaat dit jaar open voor bezoekers uit het hele land."
    rewrite = "Het nieuwe kantoor in Wenen gaat dit jaar niet open voor bezoekers uit het hele land."
    report = fidelity.check(original, rewrite, original_lang="nl", rewrite_lang="nl")
    assert not [f for f in report.findings if f.category == "negation"]
    assert report.settings["cue_coverage"]["negation"] == {"nl": False}
