"""Quotations: extraction (all quote styles, apostrophes), matching and the quote detector."""

from __future__ import annotations

import json
import re

import pytest

from fidelity.checking.detectors.base import AlignedPair
from fidelity.checking.detectors.quotes import QuoteDetector
from fidelity.checking.quotations import extract_quotations, match_quotation, trace_quotes
from fidelity.frontends.render.quotes import render_quote_traces
from fidelity.models.encoders import load_encoder
from fidelity.types import Bead, Document, Sentence, Severity

from .conftest import CNN, DEFNET, INSIDER, SPUTNIK

# ----------------------------------------------------------------------------- helpers


def quoted(text: str, start: int = 0, end: int | None = None) -> list[str]:
    out = []
    for q in extract_quotations(text, start, end):
        assert text[q.start : q.end] == q.text
        out.append(q.text)
    return out


def line_doc(text: str, language: str = "und", path: str | None = None,
             back: dict[int, str] | None = None) -> Document:
    """One Sentence per non-empty line: enough structure for the quote matcher."""
    sentences = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            i = len(sentences)
            sentences.append(Sentence(i, m.start(), m.end(), m.group(), language,
                                      (back or {}).get(i)))
    return Document(text, path, language, sentences)


@pytest.fixture(scope="module")
def encoder():
    return load_encoder("use")


@pytest.fixture(scope="module")
def seeds():
    from fidelity.checking.pipeline import prepare

    return {
        "cnn": prepare(CNN, "original"),
        "defnet": prepare(DEFNET, "rewrite"),
        "insider": prepare(INSIDER, "rewrite"),
        "sputnik": prepare(SPUTNIK, "rewrite"),
    }


def seed_pair(seeds, encoder, name: str) -> AlignedPair:
    from fidelity.checking.align import align
    from fidelity.checking.detectors import judge

    original, rewrite = seeds["cnn"], seeds[name]
    beads = align([s.text for s in original.sentences], [s.text for s in rewrite.sentences], encoder)
    return AlignedPair(original, rewrite, judge(beads, encoder.thresholds), encoder)


@pytest.fixture(scope="module")
def findings(seeds, encoder):
    out = {}
    for name in ("defnet", "insider", "sputnik"):
        pair = seed_pair(seeds, encoder, name)
        found = QuoteDetector().detect(pair)
        for f in found:  # exact offsets on both sides, always
            assert pair.rewrite.text[f.rewrite.start : f.rewrite.end] == f.rewrite.text
            if f.original is not None:
                assert pair.original.text[f.original.start : f.original.end] == f.original.text
        out[name] = found
    return out


def finding_for(found, rewrite_prefix: str):
    hits = [f for f in found if f.rewrite.text.startswith(rewrite_prefix)]
    assert len(hits) == 1, [f.rewrite.text for f in found]
    return hits[0]


# ----------------------------------------------------------------------------- extraction


def test_curly_double_quotes_with_exact_offsets():
    text = "He said “we are ready,” and left. “Next one.”"
    qs = extract_quotations(text)
    assert [q.text for q in qs] == ["we are ready", "Next one."]
    assert (qs[0].open_mark, qs[0].close_mark) == ("“", "”")
    assert text[qs[0].start : qs[0].end] == "we are ready"


def test_straight_quotes_and_apostrophes_are_not_confused():
    text = "She said 'it won't work' and Russia's plan don't matter. It's \"fine\"."
    assert quoted(text) == ["it won't work", "fine"]
    # DEFNET: the comma of the quoted word sits inside the marks, another one outside
    defnet = 'the necessity of "self-defense,", Hayashi reminded: "We do not attack anyone."'
    assert quoted(defnet) == ["self-defense", "We do not attack anyone."]


def test_curly_single_quotes_versus_apostrophes():
    text = "The ‘hard’ part: Russia’s invasion won’t stop; the students’ views vary."
    assert quoted(text) == ["hard"]
    assert quoted("No quotes in Russia’s and Japan’s plans, they don’t say.") == []


def test_russian_guillemets_with_nested_low_quotes():
    text = "Он сказал: «Мы ни на кого не нападаем, „это ложь“ и всё». Потом — «ещё»."
    qs = extract_quotations(text)
    assert [q.text for q in qs] == ["Мы ни на кого не нападаем, „это ложь“ и всё", "это ложь", "ещё"]
    assert [q.depth for q in qs] == [0, 1, 0]
    assert qs[1].open_mark + qs[1].close_mark == "„“"


def test_german_low_quotes_and_single_low_quotes():
    assert quoted("Er sagte: „Das ist gut“, und ging. Dann ‚klein‘ hier.") == ["Das ist gut", "klein"]


def test_french_spaced_guillemets_and_reversed_guillemets():
    assert quoted("Il a dit « bonjour à tous » hier. Er sagte »Hallo« dort.") == ["bonjour à tous", "Hallo"]


def test_quotation_over_paragraphs_continues_only_when_reopened():
    text = "“First paragraph of a long quote.\n\n“Second paragraph,” he said."
    (q,) = extract_quotations(text)
    assert len(q.parts) == 2
    assert q.words(text) == "First paragraph of a long quote. Second paragraph"
    assert text[q.start : q.end] == q.text
    # an opening mark that is neither closed nor continued is dropped, not guessed
    assert quoted("“Unclosed quote here.\n\nNext paragraph is narration.” Stray.") == []


def test_soft_line_wrap_inside_a_quotation():
    text = '"We have the feeling that Ukraine today\nmay be tomorrow\'s East Asia."'
    assert quoted(text) == ["We have the feeling that Ukraine today\nmay be tomorrow's East Asia."]


def test_mixed_single_marks_and_span_limits():
    text = "‘Ukraine affects directly the situation here in the Pacific' is a slip’, Brown said. 'Other'"
    assert quoted(text)[0] == "Ukraine affects directly the situation here in the Pacific"
    cut = text.index("Brown")
    assert quoted(text, cut) == ["Other"]


def test_seed_quotations(seeds):
    cnn = [q.text for q in extract_quotations(seeds["cnn"].text)]
    assert len(cnn) == 13
    assert cnn[0] == "We are already in discussions, but no details (have been) finalized yet"
    assert "engaging in a very steady manner" in cnn
    sputnik = [q.text for q in extract_quotations(seeds["sputnik"].text)]
    assert "We are already in discussions, but no details (have been) finalized yet" in sputnik
    assert "Ukraine affects directly the situation here in the Pacific" in sputnik
    # Sputnik's outer “… never closes in its paragraph nor re-opens: no quotation is invented
    assert not any(t.startswith("Tokyo is working") for t in sputnik)
    assert not any("’" in t[-1:] or "'" in t[-1:] for t in sputnik)


# ----------------------------------------------------------------------------- matching

ORIGINAL = (
    "Hayashi said: “We are already in discussions, but no details (have been) finalized yet.”\n"
    "“That’s why a cooperation between us in East Asia and NATO (is) becoming … increasingly important.”\n"
    "“We are not offending anyone, we’re defending ourselves from any kind of interference and concerns,"
    " and in some cases threats,” he said.\n"
)


def match(rewrite: str, encoder, **kw):
    oq = extract_quotations(ORIGINAL)
    (q,) = [q for q in extract_quotations(rewrite) if q.depth == 0]
    return match_quotation(q, oq, ORIGINAL, encoder, rewrite_text=rewrite, **kw)


@pytest.mark.parametrize(
    "rewrite",
    [
        # straight marks, case, no editorial brackets
        "He said \"we are already in discussions, but no details have been finalized yet\".",
        # a contiguous part of the original quotation
        "He said they were 'no details (have been) finalized yet'.",
        # contraction and curly apostrophe vs the original's spelled-out words
        "“We’re already in discussions,” he said.",
        # an elision marked with an ellipsis; an editorial [is] for the original's (is)
        "“That’s why a cooperation between us … [is] becoming increasingly important.”",
    ],
)
def test_verbatim_after_normalisation(rewrite, encoder):
    m = match(rewrite, encoder)
    assert m.status == "verbatim", m.message()
    assert m.source_kind == "quotation"
    assert ORIGINAL[m.source.start : m.source.end] == m.source.text


def test_altered_quotation_gets_a_word_diff(encoder):
    rewrite = ('"We do not attack anyone. We protect ourselves from any other means of interference, '
               'and in some cases, threats."')
    m = match(rewrite, encoder)
    assert m.status == "altered"
    assert m.severity is Severity.CRITICAL
    pairs = {(c.op, c.original, c.rewrite) for c in m.changes}
    assert ("replaced", "offending", "attack") in pairs
    assert ("dropped", "and concerns", "") in pairs
    assert "'offending' became 'attack'" in m.message()
    assert m.source.text.startswith("We are not offending anyone")


def test_negation_change_is_critical_even_when_similar(encoder):
    m = match("“We are already in discussions, and the details (have been) finalized.”", encoder)
    assert m.status == "altered"
    assert m.severity is Severity.CRITICAL
    assert any("no" in c.original.split() for c in m.changes)
    assert "negation changed" in m.message()


def test_inflection_only_is_minor(encoder):
    m = match("“We are already in discussion, but no detail has been finalized yet.”", encoder)
    assert m.status == "altered" and m.severity is Severity.MINOR, (m.severity, m.changes)


def test_unrelated_quotation_is_not_found(encoder):
    m = match("Brown said: ‘NATO will use Taiwan as a proxy against China’.", encoder)
    assert m.status == "not_found"
    assert m.source is None


def test_lexical_mode_without_encoder():
    assert match("“We’re already in discussions,” he said.", None).status == "verbatim"
    m = match("“We are not attacking anyone, we’re defending ourselves from any kind of interference”", None)
    assert m.status == "altered" and any(c.rewrite == "attacking" for c in m.changes)


def test_russian_quotations(encoder):
    original = "Министр сказал: «Мы ни на кого не нападаем, мы защищаем себя от любого вмешательства и угроз»."
    oq = extract_quotations(original)

    def run(rewrite):
        (q,) = extract_quotations(rewrite)
        return match_quotation(q, oq, original, encoder, rewrite_text=rewrite)

    assert run("По его словам, «мы ни на кого не нападаем, мы защищаем себя от любого вмешательства».").status \
        == "verbatim"
    m = run("По его словам, «мы нападаем, мы защищаем себя от любого вмешательства и угроз».")
    assert m.status == "altered" and m.severity is Severity.CRITICAL
    assert [c.describe() for c in m.changes] == ["'ни на кого не' dropped"]


# ----------------------------------------------------------------------------- detector


def test_detector_cross_lingual_and_back_translation(encoder):
    original = line_doc(
        "Hayashi said: “We are already in discussions, but no details (have been) finalized yet.”\n"
        "He added: “We are not offending anyone.”\n", "en")
    rewrite = line_doc(
        "Хаяси заявил: «Мы уже ведём переговоры, но никаких деталей пока не согласовано».\n"
        "Он добавил: «Мы уже обо всём договорились, и офис откроется в июне».\n", "ru")
    beads = [Bead((0,), (0,), 0.7), Bead((1,), (1,), 0.5)]
    found = QuoteDetector().detect(AlignedPair(original, rewrite, beads, encoder))
    # the faithful translation passes; the invented one is reported without a source
    assert len(found) == 1
    assert found[0].rewrite.text.startswith("Мы уже обо всём")
    assert found[0].category == "addition"

    back = {1: "He added: “We have already agreed on everything, and the office opens in June.”"}
    rewrite_bt = line_doc(rewrite.text, "ru", back=back)
    beads = [Bead((0,), (0,), 0.7), Bead((1,), (1,), 0.7)]
    pair = AlignedPair(original, rewrite_bt, beads, encoder)
    matches = [m for m, _ in QuoteDetector().matches(pair)]
    assert matches[1].pivot is not None and "agreed on everything" in matches[1].pivot
    assert matches[1].status in ("altered", "not_found")


def test_paraphrase_without_quotation_marks_gives_no_quote_finding(encoder):
    original = line_doc("“We are not offending anyone, we’re defending ourselves,” he said.\n", "en")
    rewrite = line_doc("He said Japan does not attack anyone and only protects itself.\n", "en")
    pair = AlignedPair(original, rewrite, [Bead((0,), (0,), 0.6)], encoder)
    assert QuoteDetector().detect(pair) == []


def test_original_against_itself_has_no_quote_findings(seeds, encoder):
    cnn = seeds["cnn"]
    beads = [Bead((i,), (i,), 1.0) for i in range(len(cnn.sentences))]
    assert QuoteDetector().detect(AlignedPair(cnn, cnn, beads, encoder)) == []


def test_defnet_quotations(findings):
    found = findings["defnet"]
    f = finding_for(found, "We're still discussing this")
    assert f.category == "quote_altered"
    assert f.original.text == "We are already in discussions, but no details (have been) finalized yet"
    f = finding_for(found, "inclusively and systematically cooperating")
    assert f.category == "quote_altered" and f.original.text == "engaging in a very steady manner"
    f = finding_for(found, "hard and heavy")
    assert f.category == "quote_altered" and f.original.text == "more and more severe, and also complex"
    f = finding_for(found, "We do not attack anyone")
    assert f.category == "quote_altered" and f.severity is Severity.CRITICAL
    assert f.original.text.startswith("We are not offending anyone")
    assert "'offending' became 'attack'" in f.message and "'and concerns' dropped" in f.message
    f = finding_for(found, "What is happening now in Eastern Europe")
    assert f.category == "quote_altered" and f.original.text.startswith("Something happening in East Europe")
    # Kishida's quotation comes from another source
    f = finding_for(found, "We have the feeling that Ukraine today")
    assert f.category == "addition" and f.original is None and f.severity is Severity.MAJOR
    assert "no source in the original" in f.message


def test_insider_quotations(findings):
    found = findings["insider"]
    f = finding_for(found, "cooperate very steadily")
    assert f.category == "quote_altered" and f.original.text == "engaging in a very steady manner"
    f = finding_for(found, "What is happening in Eastern Europe is not only a problem for her")
    assert f.category == "quote_altered" and f.original.text.startswith("Something happening in East Europe")
    f = finding_for(found, "is another aggravation of the situation")  # Peskov, not in CNN
    assert f.category == "addition"


def test_sputnik_verbatim_is_not_flagged_and_altered_is(findings):
    found = findings["sputnik"]
    assert not [f for f in found if f.rewrite.text.startswith("We are already in discussions")]
    f = finding_for(found, "Ukraine affects directly the situation here in the Pacific")
    assert f.category == "quote_altered" and f.severity is Severity.CRITICAL
    assert f.original.text == "that affects directly the situation here in the Pacific"
    assert "'that' became 'ukraine'" in f.message


def test_trace_quotes_render_and_json(seeds, encoder):
    traces = trace_quotes(seeds["cnn"], [seeds["sputnik"]], encoder)
    by_text = {t.match.quotation.text: t.match for t in traces}
    verbatim = by_text["We are already in discussions, but no details (have been) finalized yet"]
    assert verbatim.status == "verbatim" and verbatim.source_kind == "quotation"
    altered = by_text["Ukraine affects directly the situation here in the Pacific"]
    assert altered.status == "altered"
    assert "affects directly the situation here in the Pacific" in altered.source.text
    assert altered.source_quote.text.startswith("Something happening in East Europe")
    assert by_text["working"].status == "not_found"
    text = render_quote_traces(traces)
    assert "verbatim" in text and "'that' became 'ukraine'" in text and "not found" in text
    data = json.loads(json.dumps([t.to_dict() for t in traces]))
    assert {d["status"] for d in data} == {"verbatim", "altered", "not_found"}
    for t in traces:
        q = t.match.quotation
        assert seeds["sputnik"].text[q.start : q.end] == q.text
        if t.match.source is not None:
            s = t.match.source
            assert seeds["cnn"].text[s.start : s.end] == s.text


def test_a_segment_may_close_a_quotation_opened_before_it():
    # WMT21 ru-en, translator A: the quotation opened in the previous segment.
    text = 'My team won the game, but Jordan still scored 44 points”, the head of the RBF added.'
    quotes = extract_quotations(text)
    assert [q.text for q in quotes] == ["My team won the game, but Jordan still scored 44 points"]
    assert quotes[0].start == 0
    # An inch sign is no closing mark; a text that does not start inside a quotation is read as before.
    assert extract_quotations('It is the 5" pipe.') == []
    assert [q.text for q in extract_quotations('"Hello," he said.')] == ["Hello"]


def test_not_only_but_is_no_negation_in_a_quotation():
    from fidelity.checking.quotations.diff import negation_count

    assert negation_count("has become not only the worst but also the most partisan".split()) == 0
    assert negation_count("is not only confined to the issue".split()) == 1
    assert negation_count("we did not have any".split()) == 1
