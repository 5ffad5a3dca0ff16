"""Every registered detector on its own, on two sentences aligned by hand (no segmenting, no
aligning): one change it must find and one rewording it must leave alone, with the real USE
encoder. ``fidelity.checking.detectors.testing.sentence_pair`` builds the pair."""

import pytest

from fidelity.checking.detectors.registry import REGISTRY, Resources, Scope
from fidelity.checking.detectors.testing import sentence_pair
from fidelity.models.encoders import load_encoder
from fidelity.models.nli import NliResult
from fidelity.types import Severity, Verdict


@pytest.fixture(scope="module")
def encoder():
    return load_encoder("use")


class _StubNli:
    """Contradiction for the one pair it was told about, entailment both ways for everything else."""

    def __init__(self, contradicting: tuple[str, str]):
        self.contradicting = contradicting

    def judge(self, pairs):
        return [NliResult(0.02, 0.05, 0.93) if p in (self.contradicting, self.contradicting[::-1])
                else NliResult(0.9, 0.05, 0.05) for p in pairs]


def _detector(name: str, resources: Resources = Resources()):
    return REGISTRY[name].create(resources=resources)


def _found(name: str, original: str, rewrite: str, encoder, **options) -> list[tuple[str, str, str | None, str | None]]:
    """(category, severity, original text, rewrite text) of each finding; spans checked exact."""
    pair = sentence_pair(original, rewrite, encoder=encoder, **options)
    findings = _detector(name).detect(pair)
    for f in findings:
        for span, text in ((f.original, original), (f.rewrite, rewrite)):
            assert span is None or text[span.start:span.end] == span.text
        assert f.bead == 0
    return [(str(f.category), f.severity.value, f.original and f.original.text, f.rewrite and f.rewrite.text)
            for f in findings]


# (detector, original, rewrite that changes it, what it finds, rewrite that only rewords it)
CASES = [
    ("sentence", "The central bank raised interest rates on Tuesday.",
     "The football team won the championship on Sunday.",
     [("mistranslation", "major", "The central bank raised interest rates on Tuesday.",
       "The football team won the championship on Sunday.")],
     "On Tuesday, the central bank raised interest rates."),
    ("quotes", 'The minister said: "We will never surrender our land."',
     'The minister said: "We will surrender our land."',
     [("quote_altered", "critical", "We will never surrender our land.", "We will surrender our land.")],
     'The minister declared: "We will never surrender our land."'),
    ("clauses", "The minister resigned on Monday, and the parliament approved the new budget.",
     "The minister resigned on Monday, and a storm destroyed several houses in the north.",
     [("addition", "major", None, "and a storm destroyed several houses in the north"),
      ("omission", "major", "and the parliament approved the new budget", None)],
     "On Monday the minister resigned, and parliament approved the new budget."),
    ("negation", "The company will open an office in Tokyo.", "The company will not open an office in Tokyo.",
     [("negation", "critical", "The company will open an office in Tokyo.", "not")],
     "The company is going to open an office in Tokyo."),
    ("wording", "Finland and Sweden applied to join NATO last year.", "Finland applied to join NATO last year.",
     [("omission", "major", "Sweden", None)],
     "Finland and Sweden applied last year to join NATO."),
    ("certainty", "The company is in talks to open an office in Tokyo.", "The company will open an office in Tokyo.",
     [("certainty_shift", "major", "in talks", "will")],
     "The company is negotiating to open an office in Tokyo."),
    ("numbers", "The storm killed 12 people in the region.", "The storm killed 15 people in the region.",
     [("number_changed", "major", "12", "15")],
     "In the region, 12 people were killed by the storm."),
    ("entities", "Russia and Ukraine held talks in Vienna on Friday.", "Russia and Ukraine held talks in Geneva on Friday.",
     [("entity_changed", "major", "Vienna", "Geneva")],
     "On Friday Russia and Ukraine held talks in Vienna."),
    ("attribution", "The company will open an office in Tokyo, Nikkei reported.",
     "The company will open an office in Tokyo.",
     [("attribution_changed", "major", "Nikkei reported", "The company will open an office in Tokyo.")],
     "Nikkei reported that the company will open an office in Tokyo."),
    ("loaded_language", "The government announced a new tax on fuel.", "The regime announced a new tax on fuel.",
     [("loaded_language", "major", "The government announced a new tax on fuel.", "regime")],
     "The government has announced a new fuel tax."),
    ("tone", "The referee made a bad call.", "The referee made a fucking bad call.",
     [("tone", "critical", "The referee made a bad call.", "fucking")],
     "The referee made a poor call."),
]


def test_every_detector_has_a_case():
    # nli needs its model, terminology a glossary (tests/test_terminology.py)
    assert {name for name, *_ in CASES} | {"nli", "terminology"} == set(REGISTRY)


@pytest.mark.parametrize("name, original, changed, expected, reworded", CASES, ids=[c[0] for c in CASES])
def test_a_change_is_found(name, original, changed, expected, reworded, encoder):
    assert _found(name, original, changed, encoder) == expected


@pytest.mark.parametrize("name, original, changed, expected, reworded", CASES, ids=[c[0] for c in CASES])
def test_a_rewording_is_not(name, original, changed, expected, reworded, encoder):
    assert _found(name, original, reworded, encoder) == []


def test_nli_contradiction_found_and_entailment_not():
    original, flipped, reworded = ("The company will open an office in Tokyo.",
                                   "The company will not open an office in Tokyo.",
                                   "The company is going to open an office in Tokyo.")
    detector = _detector("nli", Resources(nli=_StubNli((original, flipped))))
    findings = detector.detect(sentence_pair(original, flipped))
    assert [(f.category, f.severity) for f in findings] == [("mistranslation", Severity.CRITICAL)]
    assert detector.detect(sentence_pair(original, reworded)) == []


def test_a_negation_dropped_in_translation(encoder):
    found = _found("negation", "Japan will not open the office this year.", "Япония откроет офис в этом году.",
                   encoder, rewrite_language="ru")
    assert found == [("negation", "major", "not", "Япония откроет офис в этом году")]
    assert _found("negation", "Japan will not open the office this year.", "Япония не откроет офис в этом году.",
                  encoder, rewrite_language="ru") == []


def test_a_number_changed_in_translation(encoder):
    assert _found("numbers", "The storm killed 12 people.", "Шторм убил 15 человек.", encoder,
                  rewrite_language="ru") == [("number_changed", "major", "12", "15")]


def test_a_same_language_detector_sees_no_cross_lingual_bead(encoder):
    pair = sentence_pair("Finland and Sweden applied to join NATO.", "Финляндия подала заявку на вступление в НАТО.",
                         rewrite_language="ru", encoder=encoder)
    assert REGISTRY["wording"].traits.scope is Scope.SAME_LANGUAGE
    assert [v.index for v in pair.views()] == [0] and pair.views(Scope.SAME_LANGUAGE) == []
    assert _detector("wording").detect(pair) == []


def test_the_builder_judges_the_bead_by_the_encoder(encoder):
    close = sentence_pair("The storm killed 12 people.", "The storm killed twelve people.", encoder=encoder)
    apart = sentence_pair("The storm killed 12 people.", "Prices of wheat rose sharply.", encoder=encoder)
    assert close.beads[0].verdict is Verdict.EQUIVALENT and close.beads[0].score >= encoder.thresholds.equivalent
    assert apart.beads[0].verdict is Verdict.UNRELATED
    assert sentence_pair("a", "b", score=0.6, verdict=Verdict.CHANGED).beads[0].verdict is Verdict.CHANGED


def test_bead_views_are_shared_and_computed_once(encoder):
    pair = sentence_pair("The company will open an office in Tokyo, Nikkei reported.",
                         "The company will not open an office in Tokyo.", encoder=encoder)
    view = pair.view(0)
    assert pair.views() == [view] and view.parallel and view.same_language
    assert view.clauses is pair.view(0).clauses and view.word_diff is pair.view(0).word_diff
    assert [t.text for t in view.original.tokens][:3] == ["The", "company", "will"]
    assert view.original.span.text == pair.original.text and view.rewrite.language == "en"


def test_the_month_may_is_no_hedge(encoder):
    # WMT21 de-en segment 285, translators A and B: "Middle of May" / "In Mid-May" name the month.
    original = ("In the end everything went very fast. Middle of May Dr. Stefanie Kramer had learned that she "
                "would be the successor of Lutz Feller in the notary’s office in Eggenfelden.")
    rewrite = ("In the end, everything happened very quickly: In Mid-May, Dr. Stefanie Kramer learned that she "
               "was taking Lutz Feller’s old position in the Eggenfelden notary’s office.")
    assert not [f for f in _found("certainty", original, rewrite, encoder) if "May" in f[2:]]
    assert _found("certainty", "Prices may rise in May.", "Prices will rise in May.", encoder)[0][2] == "may"
