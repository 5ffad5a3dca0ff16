"""Negation across languages (issue 12): a cue list that is missing for a language says nothing,
negation is counted as meaning (bare contractions, lexical negation, "not until"), and across
languages a negation only one side has is corroborated before it is serious."""

import pytest

import fidelity
from fidelity.checking.detectors.negation import negation_cues
from fidelity.text.cues import cue_covered, find_cues
from fidelity.types import Severity

SERIOUS = {Severity.MAJOR, Severity.CRITICAL}
JAPAN = "Japan will not open the office this year."
CNN = "No details have been finalized yet, the officials said."


def _negation(report, severities=SERIOUS):
    return [f for f in report.findings if f.detector == "negation" and f.severity in severities]


@pytest.mark.parametrize("rewrite", ["日本今年不会开设该办事处。", "Japonsko letos kancelář neotevře.",
                                     "日本は今年その事務所を開設しない。"])
def test_kept_negation_across_languages_is_not_critical(rewrite):
    report = fidelity.check(JAPAN, rewrite)
    assert not [f for f in report.findings if f.severity is Severity.CRITICAL], [
        (f.detector, f.message) for f in report.findings]


@pytest.mark.parametrize("rewrite", ["日本今年将开设该办事处。", "日本は今年その事務所を開設します。"])
def test_dropped_negation_across_languages_is_found(rewrite):
    # USE scores the two as equivalent (its thresholds lowered by the pair's measured shift); a
    # negation count that differs on such a sentence is only a hint, except a clean flip: one
    # clause each side, one negation against none at all. That is major.
    report = fidelity.check(JAPAN, rewrite)
    found = _negation(report, {Severity.MAJOR, Severity.CRITICAL})
    assert found and "dropped" in found[0].message, [(f.detector, f.message) for f in report.findings]


def test_a_negation_count_in_longer_sentences_stays_a_hint():
    report = fidelity.check("Japan will not open the office this year, officials said, and talks go on.",
                            "日本今年将开设该办事处,官员说,谈判仍在继续。")
    assert not _negation(report, {Severity.MAJOR, Severity.CRITICAL}), [f.message for f in report.findings]


@pytest.mark.parametrize("original, rewrite", [
    ("I dont think this is right.", "Ich denke nicht, dass das richtig ist."),
    ("I disagree with this edit.", "Ich bin mit dieser Änderung nicht einverstanden."),
    ("It won't be finished until next spring.", "Es wird erst im nächsten Frühjahr fertig sein."),
    ("Unless there is an objection, I will remove it.", "Sofern es keine Einwände gibt, werde ich es entfernen."),
])
def test_negation_as_meaning_not_tokens(original, rewrite):
    report = fidelity.check(original, rewrite, original_lang="en", rewrite_lang="de")
    assert not _negation(report, {Severity.MINOR, Severity.MAJOR, Severity.CRITICAL}), [
        f.message for f in report.findings]


@pytest.mark.parametrize("rewrite", ["官员表示,目前尚未敲定任何细节。", "Жодних деталей ще не узгоджено, повідомили посадовці."])
def test_faithful_no_details_finalized(rewrite):
    report = fidelity.check(CNN, rewrite)
    assert not [f for f in report.findings if "negation dropped" in f.message and f.severity is Severity.CRITICAL], [
        f.message for f in report.findings]


def test_bare_contractions_and_lexical_negation_are_counted():
    text = "I dont know, he didnt say, they wont come unless asked, we disagree."
    assert [m.group(0) for m in find_cues("negation", "en", text)] == ["dont", "didnt", "wont", "unless", "disagree"]


def test_not_until_is_no_negation():
    text = "It won't be finished until next spring."
    assert negation_cues("en")(text, 0, len(text)) == []


@pytest.mark.parametrize("language, text, expected", [
    ("zh", "日本今年不会开设该办事处,未来也没有计划。", ["不", "没"]),  # 未来 (future) negates nothing
    ("ja", "日本は今年その事務所を開設しない。問題は少ない。", ["ない"]),  # 少ない (few) is no negation
    ("cs", "Japonsko letos kancelář neotevře, nebo nejvíce.", ["neotevře"]),  # nebo, nej- are no negation
    # A ne- word negates when the rest is a Czech word: 'nejsou', 'není'; not 'nech' (let),
    # 'neustále' (constantly), 'nenávist' (hatred).
    ("cs", "Nech to být, neustále nenávist, ale nejsou a není.", ["nejsou", "není"]),
    ("ja", "申し訳ありません、かもしれません。知らない。", ["ない"]),  # set phrases: sorry, may
    ("zh", "对不起,这不同。我不知道。", ["不"]),  # sorry, different
    ("en", "You hate ceiling fans, don't you? Whether or not? I do not.", ["not"]),  # a tag, an open question
    ("uk", "Жодних деталей ще не узгоджено.", ["Жодних", "не"]),
    ("pl", "Japonia nie otworzy biura.", ["nie"]),
])
def test_negation_lists(language, text, expected):
    assert [c.text for c in negation_cues(language)(text, 0, len(text))] == expected


def test_no_list_is_silence_and_settings_say_so():
    assert not cue_covered("negation", "ko") and cue_covered("negation", "zh")
    assert not cue_covered("hedges", "zh") and cue_covered("hedges", "en")
    # Korean has no negation list: the English "not" is not reported as dropped.
    report = fidelity.check(JAPAN, "일본은 올해 사무소를 열지 않을 것이다.", original_lang="en", rewrite_lang="ko")
    assert not [f for f in report.findings if f.detector in {"negation", "certainty", "attribution", "loaded_language"}]
    assert report.settings["cue_coverage"]["negation"] == {"en": True, "ko": False}
    assert report.settings["cue_coverage"]["certainty"] == {"en": True, "ko": False}


def test_implausible_language_guesses_fall_back():
    from fidelity.checking.pipeline import _sentence_language, document_language
    from fidelity.text.langid import LanguageGuess

    def detect(text):
        return LanguageGuess("ie", 0.95, "stub")  # Interlingue: no encoder reads it

    assert _sentence_language("Na ja, passt schon.", "de", detect=detect) == "de"
    assert _sentence_language("Na ja, passt schon.", "de",
                              detect=lambda t: LanguageGuess("af", 0.5, "stub")) == "de"  # not confident

    def detect_document(texts, detect=None):
        if detect is None:
            return LanguageGuess("ie", 0.9, "stub")
        return LanguageGuess("de", 0.6, "stub")

    assert document_language(["Na ja, passt schon."], detect_document) == "de"


def test_informal_german_checks():
    report = fidelity.check("Well, whatever. That's fine.", "Naja, egal. Passt schon.")
    assert report.findings is not None


def test_unsupported_language_is_one_line():
    from fidelity.errors import UnsupportedLanguageError

    with pytest.raises(UnsupportedLanguageError) as error:
        fidelity.check("Japan will not open the office.", "Japan will not open the office.",
                       original_lang="tlh", rewrite_lang="tlh")
    assert "\n" not in str(error.value)
