"""Each detector on real sentences (from the seeds), English and Russian: a positive case that
must be flagged with the right category and exact spans, and a faithful rewrite that must not
be flagged major."""

import pytest

import fidelity
from fidelity.types import Severity

from .conftest import assert_exact_spans

SERIOUS = {Severity.MAJOR, Severity.CRITICAL}


def _check(original: str, rewrite: str, lang: str = "en"):
    report = fidelity.check(original, rewrite, original_lang=lang, rewrite_lang=lang)
    assert_exact_spans(report, original, rewrite)
    return report


def _serious(report, category: str):
    return [f for f in report.findings if f.category == category and f.severity in SERIOUS]


NIKKEI = ("The liaison office in Japan will enable discussions with NATO’s security partners, such as South Korea, "
          "Australia and New Zealand, on geopolitical challenges, emerging and disruptive technologies, and cyber "
          "threats, Nikkei reported last week.")
QUOTE = ("“We are not offending anyone, we’re defending ourselves from any kind of interference and concerns, "
         "and in some cases threats,” he said.")
HEADLINE = "Japan is in talks to open a NATO liaison office, the first of its kind in Asia."
VIENNA = "NATO has similar liaison offices in other places including Ukraine and Vienna."
FINLAND = ("Russia’s invasion of Ukraine sent shockwaves through Europe and drove non-aligned Finland and Sweden to "
           "abandon their neutrality and seek protection within NATO, with Finland formally joining the bloc last month.")


@pytest.mark.parametrize(
    "original, rewrite, category, rewrite_text",
    [
        (HEADLINE, HEADLINE.replace("is in talks to open", "is not in talks to open"), "negation", "not"),
        ("Japan is not a treaty member of NATO.", "Japan is a treaty member of NATO.", "negation", None),
        (FINLAND, FINLAND.replace("abandon their neutrality", "keep their neutrality").replace(
            "sent shockwaves", "sent calm"), "mistranslation", None),
        (HEADLINE, HEADLINE.replace("is in talks to open", "will open"), "certainty_shift", None),
        (VIENNA, VIENNA.replace("Vienna", "Austria"), "entity_changed", "Austria"),
        (NIKKEI, NIKKEI.replace(", Nikkei reported last week", ""), "attribution_changed", None),
        (FINLAND, FINLAND.replace("last month", "last year"), "number_changed", None),
        (QUOTE, QUOTE.replace("interference and concerns", "interference"), "quote_altered", None),
        (FINLAND, FINLAND.replace("Finland and Sweden", "Finland"), "omission", "Sweden"),
        (VIENNA, VIENNA.replace("NATO has", "The aggressive NATO regime has"), "loaded_language", None),
        ("The office is planned for next year.", "The office is planned for next year, and Tokyo will pay for it.",
         "addition", None),
    ],
)
def test_english_deviation_is_flagged(original, rewrite, category, rewrite_text):
    report = _check(original, rewrite)
    found = _serious(report, category)
    assert found, [(f.category, f.severity.value, f.message) for f in report.findings]
    if rewrite_text is not None:
        spans = [f.rewrite.text for f in found if f.rewrite] + [f.original.text for f in found if f.original]
        assert any(rewrite_text in s for s in spans), spans


@pytest.mark.parametrize(
    "original, rewrite",
    [
        (HEADLINE, HEADLINE),
        (HEADLINE, "Japan is negotiating to open a NATO liaison office, the first of its kind in Asia."),
        (VIENNA, "NATO has similar liaison offices elsewhere, including in Ukraine and Vienna."),
        ("Hayashi specifically cited Russia’s invasion of Ukraine last year as an event with repercussions far beyond "
         "Europe’s borders that forced Japan to rethink regional security.",
         "Hayashi pointed specifically to Russia’s invasion of Ukraine last year as an event whose repercussions went "
         "far beyond Europe’s borders and which forced Japan to rethink regional security."),
        (QUOTE, "He said: “We are not offending anyone, we’re defending ourselves from any kind of interference and "
                "concerns, and in some cases threats.”"),
        ("While Japan isn’t part of NATO, it has been designated a ‘global partner’.",
         "Although Japan is not part of NATO, it has been designated a ‘global partner’."),
    ],
)
def test_english_faithful_rewrite_is_not_major(original, rewrite):
    report = _check(original, rewrite)
    assert not [f for f in report.findings if f.severity in SERIOUS], [
        (f.category, f.severity.value, f.message) for f in report.findings]


RU = "Япония ведёт переговоры об открытии офиса НАТО в Токио, первого такого офиса в Азии."


@pytest.mark.parametrize(
    "rewrite, category",
    [
        (RU.replace("ведёт переговоры об открытии", "не ведёт переговоры об открытии"), "negation"),
        (RU.replace("ведёт переговоры об открытии", "откроет"), "certainty_shift"),
        (RU.replace("в Токио", "в Осаке"), "entity_changed"),
        (RU.replace("первого такого", "второго такого"), "number_changed"),
    ],
)
def test_russian_deviation_is_flagged(rewrite, category):
    report = _check(RU, rewrite, "ru")
    assert _serious(report, category), [(f.category, f.severity.value, f.message) for f in report.findings]


@pytest.mark.parametrize(
    "rewrite",
    [RU, "Япония ведёт переговоры об открытии в Токио офиса НАТО, первого такого офиса в Азии."],
)
def test_russian_faithful_rewrite_is_not_major(rewrite):
    report = _check(RU, rewrite, "ru")
    assert not [f for f in report.findings if f.severity in SERIOUS], [
        (f.category, f.severity.value, f.message) for f in report.findings]


def test_cross_language_negation_without_translation():
    report = fidelity.check("Japan is not a member of NATO.", "Япония является членом НАТО.",
                            original_lang="en", rewrite_lang="ru")
    assert [f for f in report.findings if f.category == "negation"], [
        (f.category, f.message) for f in report.findings]


# Real English-French pairs from REFreSD (Briakou & Carpuat 2020, MIT licence), as tokenised there.
SIMFEROPOL = ("On 13 November 1920 , the Red Army captured the city and on 18 October 1921 , Simferopol became the "
              "capital of the Crimean Autonomous Soviet Socialist Republic .",
              "Le 13 novembre 1920 , l' Armée rouge s' empara de la ville et le 18 octobre 1921 , Simféropol devint "
              "la capitale de la république socialiste soviétique autonome de Crimée .")
BANKS = ("On July 9 , 1863 , he surrendered the post and its garrison to the Federal Army of the Gulf and its "
         "commander , Maj. Gen. Nathaniel P. Banks .",
         "Le 19 juillet 1863 , il se rendit , avec sa garnison , à l' armée fédérale du Golfe et à son commandant , "
         "le major-général Nathaniel Prentice Banks .")
RIVER = ("The river is frequently interrupted by rapids and so has never been an important long-distance transport "
         "route .",
         "Le fleuve est fréquemment interrompu de rapides et , de ce fait , n' a jamais constitué une importante "
         "route de transport sur longue distance .")
STORES = ("The stores also offer class sessions as well as individual appointments .",
          "Les magasins offrent également des séances en classe ainsi que des formations , .")


def _en_fr(pair: tuple[str, str]):
    report = fidelity.check(pair[0], pair[1], original_lang="en", rewrite_lang="fr")
    for f in report.findings:
        if f.original:
            assert pair[0][f.original.start : f.original.end] == f.original.text
        if f.rewrite:
            assert pair[1][f.rewrite.start : f.rewrite.end] == f.rewrite.text
    return report


def test_french_dates_match_english_dates():
    report = _en_fr(SIMFEROPOL)
    assert not [f for f in report.findings if f.category == "number_changed"], [f.message for f in report.findings]


def test_french_date_change_is_found():
    found = _serious(_en_fr(BANKS), "number_changed")
    assert [(f.original.text, f.rewrite.text) for f in found] == [("July 9", "19 juillet")]


def test_same_number_of_negations_across_languages_is_no_flip():
    report = _en_fr(RIVER)
    assert not [f for f in report.findings if f.category == "negation"], [f.message for f in report.findings]


def test_changed_sentence_is_reported_even_without_span_evidence():
    # Nothing in either bead says which words changed, but the encoder puts both below the
    # equivalence threshold: 'individual appointments' became 'training courses'. Faithful
    # independent translations reach down to 0.70 (WMT21 ru-en A vs B), so between 0.70 and 0.80
    # the verdict is a minor 'may have changed'; below 0.70 it is major.
    for report in (_en_fr(STORES), _check("The stores also offer class sessions as well as individual appointments.",
                                          "The shops also offer classroom sessions and training courses.")):
        assert report.alignment[0].verdict.value == "changed"
        sentence = [f for f in report.findings if f.detector == "sentence"]
        assert sentence and sentence[0].severity.value == ("major" if report.alignment[0].score < 0.70 else "minor")
    report = _check("The stores also offer class sessions as well as individual appointments.",
                    "The stores were closed for the holidays.")
    assert report.alignment[0].score < 0.70
    assert [f for f in report.findings if f.severity in SERIOUS], [f.message for f in report.findings]


def test_a_time_of_day_on_either_clock_is_one_time():
    assert [f.message for f in _check("At 5:47 PM, it was reported.", "At 17:47, it was reported.").findings] == []
    changed = _check("At 5:47 PM, it was reported.", "At 6:47 PM, it was reported.").findings
    assert [f.message for f in changed if f.severity in SERIOUS] == ["number changed: '5:47 PM' became '6:47 PM'"]
    # WMT21 ru-en, A against the Russian source: the hour and the minute in words.
    report = fidelity.check("On Saturday, July 25, at 11:28 AM, a car accident occurred.",
                            "В субботу, 25 июля, в 11 часов 28 минут случилось ДТП.")
    assert not [f for f in report.findings if f.category == "number_changed"], [f.message for f in report.findings]


def test_a_relative_period_is_not_paired_with_an_ordinal():
    report = _check("Nikkei reported the plan last week.", "Nikkei was the first to report the plan.")
    assert not [f for f in report.findings if f.category == "number_changed" and "became" in f.message], [
        f.message for f in report.findings]


@pytest.mark.parametrize("text, values", [
    ("Le 13 novembre 1920 et le 1er juin", ["date:11-13", "1920", "date:06-01"]),
    ("between forty and fifty percent", ["40", "50%"]),
    ("el 5 de mayo de 2010", ["date:05-05", "2010"]),
    ("am 3. Mai 2001", ["date:05-03", "2001"]),
    ("6,900K", ["6900"]),
    ("Fujiwara no Hirotsugu", []),
    # Times of day on the 12-hour dial (WMT21 A/B: "At 5:47 PM" / "At 17:47"), tens and units in words.
    ("At 5:47 PM, at 17:47 and at 1:23 a.m.", ["clock:05:47", "clock:05:47", "clock:01:23"]),
    ("Forty-six ships, twenty one days", ["46", "21"]),
])
def test_quantities_in_several_languages(text, values):
    from fidelity.text.numbers import find_quantities

    assert [q.value for q in find_quantities(text)] == values


# From the seeds: CNN (published Wednesday 10 May 2023) and The Insider's retelling.
NIKKEI_CNN = ("The Nikkei Asia first reported plans to open the office in Japan last Wednesday, citing unnamed "
              "Japanese and NATO officials.")
NIKKEI_INSIDER = ("The possible opening of a NATO office in Japan was first reported by the Nikkei Asia on May 3, "
                  "citing unnamed Japanese and NATO officials.")


def test_relative_date_is_read_from_the_article_date():
    from datetime import date

    same = fidelity.check(NIKKEI_CNN, NIKKEI_INSIDER, original_lang="en", rewrite_lang="en",
                          original_date=date(2023, 5, 10))
    assert not [f for f in same.findings if f.category == "number_changed"], [f.message for f in same.findings]
    moved = fidelity.check(NIKKEI_CNN, NIKKEI_INSIDER.replace("May 3", "May 4"), original_lang="en",
                           rewrite_lang="en", original_date=date(2023, 5, 10))
    changed = _serious(moved, "number_changed")
    assert [(f.original.text, f.rewrite.text) for f in changed] == [("last Wednesday", "May 4")]
    assert "2023-05-03" in changed[0].message


def test_relative_date_without_article_date_is_only_a_hint():
    report = _check(NIKKEI_CNN, NIKKEI_INSIDER)
    hints = [f for f in report.findings if f.category == "number_changed"]
    assert hints and all(f.severity is Severity.MINOR for f in hints)
    assert "--original-date" in hints[0].message


@pytest.mark.parametrize("line, expected", [
    ("May 10, 2023", "2023-05-10"),
    ("Updated 3:14 AM EDT, Wed May 10, 2023", "2023-05-10"),
    ("25/05/2023", "2023-05-25"),
    ("11/05/2023", None),  # 11 May or 5 November: not guessed
])
def test_date_lines(line, expected):
    from fidelity.text.dates import parse_date_line

    day = parse_date_line(line, "en")
    assert (day.isoformat() if day else None) == expected


def test_cue_across_languages_on_an_equivalent_sentence_is_a_hint():
    # "took part in the talks": 'переговоры' is a negotiating hedge in the Russian list,
    # 'talks' alone is none in the English one. The sentences are equivalent: only a hint.
    report = fidelity.check("Representatives of three ministries took part in the talks.",
                            "В переговорах участвовали представители трёх министерств.",
                            original_lang="en", rewrite_lang="ru")
    assert report.alignment[0].verdict.value == "equivalent"
    assert not [f for f in report.findings if f.severity in SERIOUS], [f.message for f in report.findings]
    # Within one language the same cue rule stays a finding.
    same = _check("Japan is in talks to open a NATO office.", "Japan will open a NATO office.")
    assert _serious(same, "certainty_shift")


@pytest.mark.parametrize("rewrite, changed", [
    ("Министр обороны Японии обсудил сотрудничество с делегацией НАТО в Осаке.", ("Tokyo", "Осаке")),
    ("Министр обороны Японии обсудил сотрудничество с делегацией НАТО в Токио.", None),
    ("Делегация НАТО обсудила сотрудничество с министром обороны Японии в Токио.", None),
])
def test_names_across_scripts(rewrite, changed):
    # English original, Russian rewrite, no translation model: 'Токио' is 'Tokyo', 'Японии' is 'Japan's'.
    original = "Japan's defence minister discussed cooperation with a NATO delegation in Tokyo."
    report = fidelity.check(original, rewrite, original_lang="en", rewrite_lang="ru")
    found = [(f.original.text, f.rewrite.text) for f in report.findings if f.category == "entity_changed"]
    assert found == ([changed] if changed else []), [f.message for f in report.findings]


@pytest.mark.parametrize("english, russian, same", [
    ("Vienna", "Вене", True), ("Vienna", "Австрии", False), ("Japan", "Японию", True),
    ("Austria", "Австралии", False), ("Hayashi", "Хаяси", True), ("Tomahawk", "Томагавк", True),
    ("Sweden", "Швеции", True), ("Tokyo", "Японии", False), ("Fumio Kishida", "Синдзо Абэ", False),
])
def test_name_matcher_across_scripts(english, russian, same):
    from fidelity.models.encoders import load_encoder
    from fidelity.text.names import Entity, NameMatcher

    matcher = NameMatcher(load_encoder("use"), "en", "ru")
    assert matcher.same(Entity(0, len(english), english), Entity(0, len(russian), russian)) is same
