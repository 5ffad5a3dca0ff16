"""Each detector on real sentences (from the seeds), English and Russian: a positive case that
must be flagged with the right category and exact spans, and a faithful rewrite that must not
be flagged major."""

import pytest

import fidelity
from fidelity.types import Severity

SERIOUS = {Severity.MAJOR, Severity.CRITICAL}


def _check(original: str, rewrite: str, lang: str = "en"):
    report = fidelity.check(original, rewrite, original_lang=lang, rewrite_lang=lang)
    for f in report.findings:  # every span is exact
        if f.original:
            assert original[f.original.start : f.original.end] == f.original.text
        if f.rewrite:
            assert rewrite[f.rewrite.start : f.rewrite.end] == f.rewrite.text
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
