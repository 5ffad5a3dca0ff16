"""Quotations of other speakers are no source, and markup is no quotation (Firstpost against CNN).

Firstpost's explainer quotes NATO, China, a Danish ambassador and experts; only Mao Ning's
words are also quoted by CNN. The cases are the seed texts' own sentences.
"""

from __future__ import annotations

import pytest

from fidelity.checking.quotations import extract_quotations, trace_quotes
from fidelity.checking.quotations.speakers import attribute, same_speaker
from fidelity.models.encoders import load_encoder

from .conftest import CNN, FIRSTPOST, read_exact

DANISH = "It would be a very visible, real way to strengthen the relations between Japan and NATO"
NATO_SPOKESPERSON = "As to plans to open a liaison office in Japan, we won’t go into the details of ongoing"


@pytest.fixture(scope="module")
def docs():
    from fidelity.checking.pipeline import prepare

    return {"cnn": prepare(CNN, "original"), "firstpost": prepare(FIRSTPOST, "rewrite")}


@pytest.fixture(scope="module")
def traced(docs):
    traces = trace_quotes(docs["cnn"], [docs["firstpost"]], load_encoder("use"))
    return {t.match.quotation.text: t.match for t in traces}


def speakers_of(doc):
    quotes = extract_quotations(doc.text)
    found = attribute(doc.text, quotes, [(s.start, s.end) for s in doc.sentences])
    return {q.text: s for q, s in zip(quotes, found)}


# ----------------------------------------------------------------------------- markup


def test_shortcode_attributes_are_not_quotations():
    text = read_exact(FIRSTPOST)
    assert '[caption id=“attachment_12095152” align=“alignnone” width=“640”]' in text
    quotes = [q.text for q in extract_quotations(text)]
    assert not {"attachment_12095152", "alignnone", "640"} & set(quotes)
    assert "free and open Indo-Pacific" in quotes and DANISH in quotes  # the quotations around it stay


def test_markup_and_identifiers_are_not_quotations():
    text = ('<img src="/a/b.jpg" alt="Japan’s Prime Minister"> He called it “wp_post_12”, “id12095152” '
            'and “640”; she said “the G7 matters” and “COVID-19”.')
    assert [q.text for q in extract_quotations(text)] == ["the G7 matters", "COVID-19"]


# ----------------------------------------------------------------------------- speakers


def test_speakers_read_from_the_seed_sentences(docs):
    cnn, firstpost = speakers_of(docs["cnn"]), speakers_of(docs["firstpost"])
    nato = next(s for t, s in cnn.items() if t.startswith(NATO_SPOKESPERSON))
    assert nato.names == ("NATO",)  # “In a statement to CNN last week, a NATO spokesperson said:”
    assert "Hayashi" in " ".join(cnn["more and more severe, and also complex"].names)  # “he added”
    assert "Mao Ning" in cnn["NATO’s eastward push and interference in Asia Pacific matters will definitely "
                             "undermine regional peace and stability."].names  # same paragraph as Mao Ning's
    assert cnn["have a long-standing cooperation."].names == ("NATO",)  # “She added”
    assert firstpost[DANISH].names and same_speaker(firstpost[DANISH], nato) is False  # “he said”: the ambassador
    assert same_speaker(firstpost["most significant threat"], cnn["more and more severe, and also complex"]) is False
    assert firstpost["most significant threat"].names == ("NATO",)  # “NATO has previously claimed that …”
    mao = firstpost["promising land for cooperation and development and should not be a battle arena for geopolitics"]
    assert same_speaker(mao, cnn["NATO’s eastward push and interference in Asia Pacific matters will definitely "
                                 "undermine regional peace and stability."]) is True


# ----------------------------------------------------------------------------- tracing


def test_other_speakers_quotations_are_not_altered(traced):
    for words in (DANISH, "most significant threat", "systemic challenges",
                  "This is why it is important for NATO to keep up relations with our partners in this region."):
        m = traced[words]
        assert m.status == "not_found", (words, m.message())
    assert not [t for t in traced if "attachment" in t or t in ("alignnone", "640")]


def test_same_speaker_reworded_quotation_stays_altered(traced):
    m = traced["promising land for cooperation and development and should not be a battle arena for geopolitics"]
    assert m.status == "altered" and m.source.text.startswith("promising land for cooperation")
    m = next(m for t, m in traced.items() if t.startswith("NATO’s continual eastward expansion"))
    assert m.status == "altered" and m.source.text.startswith("NATO’s eastward push")
