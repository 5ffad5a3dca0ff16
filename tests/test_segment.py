"""Tests for the sentence segmentation stage (fidelity.text.segment)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fidelity.text.segment import _cuts_from_pieces, backend_for, literal_spans, quote_pairs, segment

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(p for p in SEEDS.glob("*.txt"))
CNN = SEEDS / "001_77e8c4707eb41a8b.txt"
DEFNET = SEEDS / "000_a2e2bae9bb3cb44c.txt"
INSIDER = SEEDS / "003_e7a9e3d448b427a1.txt"


def paragraph_blocks(text: str) -> list[tuple[int, int]]:
    """Non-empty paragraphs separated by blank lines, as (start, end) spans."""
    return [(m.start(), m.end()) for m in re.finditer(r"\S(?:.|\n(?![^\S\n]*\n))*", text)]


def line_blocks(text: str) -> list[tuple[int, int]]:
    """Every non-empty line as its own block."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def seg(text: str, language: str = "en", blocks=None):
    return segment(text, paragraph_blocks(text) if blocks is None else blocks, language)


def texts(text: str, language: str = "en", blocks=None) -> list[str]:
    return [s.text for s in seg(text, language, blocks)]


def check_invariants(text, blocks, sentences, language):
    prev_end = -1
    for i, s in enumerate(sentences):
        assert s.index == i
        assert s.text == text[s.start : s.end]
        assert s.text and s.text == s.text.strip()
        assert s.language == language
        assert s.start >= prev_end, "sentences overlap or are out of order"
        prev_end = s.end
        assert any(b0 <= s.start and s.end <= b1 for b0, b1 in blocks), "sentence crosses a block boundary"


# --- offsets on every seed --------------------------------------------------------


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("make_blocks", [paragraph_blocks, line_blocks], ids=["paragraphs", "lines"])
def test_offsets_exact_on_seeds(path, make_blocks):
    text = read(path)
    blocks = make_blocks(text)
    sentences = segment(text, blocks, "en")
    assert sentences
    check_invariants(text, blocks, sentences, "en")
    # Nothing with letters in it is lost: every alphanumeric char of a block lies in a sentence.
    covered = set()
    for s in sentences:
        covered.update(range(s.start, s.end))
    for b0, b1 in blocks:
        for i in range(b0, b1):
            if text[i].isalnum():
                assert i in covered, f"char {i} {text[max(0, i - 20):i + 20]!r} dropped"


def test_seed_sentence_counts():
    assert len(seg(read(CNN))) == 28
    assert len(seg(read(DEFNET))) == 24
    assert len(seg(read(INSIDER))) == 17


# --- quotations ---------------------------------------------------------------------


def test_cnn_multi_sentence_quotation_is_one_unit():
    units = texts(read(CNN))
    quote = [u for u in units if "Something happening in East Europe" in u]
    assert len(quote) == 1
    q = quote[0]
    assert q.startswith("“Something happening")
    assert "That’s why a cooperation" in q
    assert q.endswith("increasingly important.”")
    # the neighbours are untouched
    i = units.index(q)
    assert units[i - 1].endswith("he said.")
    assert units[i + 1].startswith("He added that Japan")


@pytest.mark.parametrize("backend", ["regex", "sentencex", "pysbd"])
def test_quotation_merge_does_not_depend_on_the_splitter(backend):
    # the regex splitter cuts at every ". " -- the merge rules must glue the quotation back
    text = read(CNN)
    units = [s.text for s in segment(text, paragraph_blocks(text), "en", backend=backend)]
    q = [u for u in units if "Something happening in East Europe" in u]
    assert len(q) == 1 and q[0].startswith("“Something") and q[0].endswith("increasingly important.”")
    assert any(u.startswith('"We have the feeling that Ukraine today\nmay be') for u in texts(read(DEFNET)))


def test_cnn_other_quotations():
    units = texts(read(CNN))
    assert (
        "“Asia is a promising land for cooperation and a hotbed for peaceful development. It should not be a "
        "platform for those who seek geopolitical fights,” said Chinese Foreign Ministry spokesperson Mao Ning "
        "in a briefing last week."
    ) in units
    assert "“NATO’s eastward push and interference in Asia Pacific matters will definitely undermine regional peace and stability.”" in units
    assert "She added that NATO and Japan “have a long-standing cooperation.”" in units
    assert any(u.endswith("“I don’t feel that’s the case.”") for u in units)


def test_insider_quotation_is_one_unit():
    units = texts(read(INSIDER))
    q = [u for u in units if u.startswith("“What is happening in Eastern Europe")]
    assert len(q) == 1 and q[0].endswith("more and more important.”")


def test_quote_then_attribution_is_not_split():
    units = texts(read(DEFNET))
    assert any(u.startswith('"We\'re still discussing this" Hayashi told CNN') for u in units)
    assert texts("“Do it!” he said. Then he left.") == ["“Do it!” he said.", "Then he left."]
    assert texts("“We won,” she said. “Now we rest.”") == ["“We won,” she said.", "“Now we rest.”"]


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("en", 'He said: "One. Two." Then left.', ['He said: "One. Two."', "Then left."]),
        ("en", "He said: ‘One. Two.’ Then left.", ["He said: ‘One. Two.’", "Then left."]),
        ("de", "Er sagte: „Eins. Zwei.“ Dann ging er.", ["Er sagte: „Eins. Zwei.“", "Dann ging er."]),
        ("de", "Er sagte: »Eins. Zwei.« Dann ging er.", ["Er sagte: »Eins. Zwei.«", "Dann ging er."]),
        ("de", "Er sagte: ‚Eins. Zwei.‘ Dann ging er.", ["Er sagte: ‚Eins. Zwei.‘", "Dann ging er."]),
        ("fr", "Il dit : « Un. Deux. » Puis il part.", ["Il dit : « Un. Deux. »", "Puis il part."]),
        ("sv", "Han sa: ”Ett. Två.” Sedan gick han.", ["Han sa: ”Ett. Två.”", "Sedan gick han."]),
        ("pl", "Powiedział: „Jeden. Dwa.” Potem wyszedł.", ["Powiedział: „Jeden. Dwa.”", "Potem wyszedł."]),
    ],
)
def test_quote_styles(language, text, expected):
    assert texts(text, language) == expected


def test_apostrophes_are_not_quotes():
    assert quote_pairs("Russia’s invasion, we won’t go; the students’ books.") == []
    text = "Russia’s war. It won’t end. That’s clear."
    assert texts(text) == ["Russia’s war.", "It won’t end.", "That’s clear."]


def test_stray_quote_does_not_swallow_following_lines():
    text = "“Tokyo is opening an office. What is behind it?\nThe first point. The second point.\nA third line.”"
    units = texts(text)
    assert "The first point." in units and "The second point." in units


# --- headlines, date lines, line breaks ------------------------------------------------


def test_date_line_and_headlines_are_own_units():
    units = texts(read(DEFNET))
    assert units[0] == "11/05/2023"
    assert units[1] == "Japan to Open the First NATO Liaison Office in Asia Due to Russian Threats"
    assert all("----" not in u for u in units)
    cnn = texts(read(CNN))
    assert cnn[0] == "Exclusive: Japan is in talks to open a NATO office in Tokyo, foreign minister says"
    assert cnn[1] == "by -605 Views"
    assert texts(read(INSIDER))[0] == "In Japan, they wanted to open a NATO office amid the war in Ukraine"


def test_headline_block_never_merged_with_next_block():
    text = "Exclusive: Japan is in talks to open a NATO office\nin Tokyo the minister says.\n"
    # as two blocks the lower-case continuation must NOT be glued on
    cut = text.index("\n")
    units = texts(text, blocks=[(0, cut), (cut + 1, len(text))])
    assert units == ["Exclusive: Japan is in talks to open a NATO office", "in Tokyo the minister says."]


def test_line_break_inside_sentence_is_one_unit():
    units = texts(read(DEFNET))
    assert '"We have the feeling that Ukraine today\nmay be tomorrow\'s East Asia."' in units


def test_line_breaks_inside_block():
    text = "Breaking News Headline\r\nThe text starts here and\r\ncontinues. Second one.\n- a list item\nhttps://example.com/a"
    assert texts(text) == [
        "Breaking News Headline",
        "The text starts here and\r\ncontinues.",
        "Second one.",
        "- a list item",
        "https://example.com/a",
    ]


# --- abbreviations ---------------------------------------------------------------------


def test_abbreviations_do_not_split():
    units = texts(read(DEFNET))
    ie = [u for u in units if "i.e." in u]
    assert ie == [
        "NATO Liaison Offices are located in both NATO countries and others, which are not members of the "
        "alliance, i.e. Ukraine and Austria."
    ]
    assert texts("Mr. Smith met Dr. Jones in the U.S. on Monday. They talked.") == [
        "Mr. Smith met Dr. Jones in the U.S. on Monday.",
        "They talked.",
    ]


# --- other languages -------------------------------------------------------------------


def test_backend_choice():
    assert backend_for("ru") == "razdel"
    assert backend_for("en") == backend_for("en-US") == backend_for("de") == backend_for("ja") == "pysbd"
    assert backend_for("tr") == backend_for("sv") == backend_for("xx") == backend_for("und") == "sentencex"


def test_russian_with_razdel():
    text = (
        "Министр заявил: «Мы уже ведём переговоры. Но детали пока не согласованы». "
        "Это случилось в мае 2023 г. в Токио, т. е. совсем недавно. "
        "Затем он уехал."
    )
    sentences = seg(text, "ru")
    check_invariants(text, paragraph_blocks(text), sentences, "ru")
    assert [s.text for s in sentences] == [
        "Министр заявил: «Мы уже ведём переговоры. Но детали пока не согласованы».",
        "Это случилось в мае 2023 г. в Токио, т. е. совсем недавно.",
        "Затем он уехал.",
    ]


def test_german_and_turkish():
    de = "Der Minister sagte: „Wir verhandeln. Details gibt es noch nicht.“ Das war z. B. am 3. Mai so. Dr. Müller schwieg."
    assert texts(de, "de") == [
        "Der Minister sagte: „Wir verhandeln. Details gibt es noch nicht.“",
        "Das war z. B. am 3. Mai so.",
        "Dr. Müller schwieg.",
    ]
    tr = "Bakan, \"Görüşmeler sürüyor. Ayrıntılar henüz belli değil\" dedi. Dr. Ahmet de katıldı. Saat 3.15 idi."
    sentences = seg(tr, "tr")
    check_invariants(tr, paragraph_blocks(tr), sentences, "tr")
    assert [s.text for s in sentences] == [
        "Bakan, \"Görüşmeler sürüyor. Ayrıntılar henüz belli değil\" dedi.",
        "Dr. Ahmet de katıldı.",
        "Saat 3.15 idi.",
    ]


def test_japanese():
    ja = "日本は事務所を開設する。「我々は議論している。まだ決まっていない」と外相は述べた。"
    assert texts(ja, "ja") == ["日本は事務所を開設する。", "「我々は議論している。まだ決まっていない」と外相は述べた。"]


# --- robustness ----------------------------------------------------------------------------


def test_empty_blocks_give_no_sentences():
    assert segment("", [], "en") == []
    assert segment("abc", [], "en") == []
    assert segment("abc", [(1, 1), (2, 1)], "en") == []
    assert segment("  \n\t \n", [(0, 6)], "en") == []
    assert segment("-----\n=====", [(0, 11)], "en") == []


def test_repeated_sentences_get_distinct_offsets():
    text = "Hello there. Hello there.\n\nHello there."
    sentences = seg(text)
    assert [(s.start, s.end) for s in sentences] == [(0, 12), (13, 25), (27, 39)]


def test_blocks_out_of_order_and_out_of_range():
    text = "Second block. Yes.\nFirst."
    sentences = segment(text, [(19, 100), (0, 18)], "en")
    assert [s.text for s in sentences] == ["Second block.", "Yes.", "First."]
    assert [s.index for s in sentences] == [0, 1, 2]


def test_overlapping_blocks_do_not_duplicate():
    text = "One here. Two here. Three here."
    sentences = segment(text, [(0, 19), (10, len(text))], "en")
    assert [s.text for s in sentences] == ["One here.", "Two here.", "Three here."]


def test_alignment_fallback_when_library_changes_text():
    region = "One  two. Three four. Five."
    # pieces identical up to whitespace: exact mapping
    assert _cuts_from_pieces(region, ["One two. ", "Three four.", " Five."]) == [10, 22]
    # a piece the library altered is skipped; the others are still found from a cursor
    assert _cuts_from_pieces(region, ["One  two.", "Thr3e four.", "Five."]) == [22]


def test_regex_backend():
    text = "First one. Second one! Third?"
    assert [s.text for s in segment(text, [(0, len(text))], "en", backend="regex")] == [
        "First one.",
        "Second one!",
        "Third?",
    ]


def test_speed_on_seed():
    text = read(CNN)
    blocks = paragraph_blocks(text)
    segment(text, blocks, "en")  # libraries loaded and cached
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        segment(text, blocks, "en")
        best = min(best, time.perf_counter() - t0)
    assert best < 0.1, f"segmenting the CNN seed took {best * 1000:.1f} ms"


def test_libraries_load_lazily():
    code = "import sys, fidelity.text.segment; print(any(m in sys.modules for m in ('pysbd', 'razdel', 'sentencex')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=SEEDS.parent, check=True)
    assert out.stdout.strip() == "False"


# --- pysbd's sentences mapped back by a literal search ------------------------------


def _pysbd_regex_spans(pieces, text):
    """pysbd's own ``sentences_with_char_spans`` (a regular expression per piece)."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
    segmenter.original_text = text
    return [(span.sent, span.start, span.end) for span in segmenter.sentences_with_char_spans(pieces)]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_literal_spans_are_pysbds_regex_spans_on_the_seeds(path):
    import pysbd

    text = read(path)
    for start, end in paragraph_blocks(text):
        block = text[start:end]
        pieces = pysbd.Segmenter(language="en", clean=False, char_span=False).processor(block).process()
        assert literal_spans(pieces, block) == _pysbd_regex_spans(pieces, block)


@pytest.mark.parametrize("pieces, text", [
    (["Yes.", "Yes.", "No."], "Yes.  Yes.\u00a0\u2003No.\n"),  # a repeated piece, Unicode spaces
    (["b", "a", "b"], "a b a b"),  # a piece found only before the previous one's end, then after
    (["missing", "a."], "a. b."),  # a piece never found is left out
    (["", "a."], " a. "),  # an empty piece: pysbd's own search
    (["a+b (c)?", "[d]"], "a+b (c)? [d]"),  # characters that a pattern would read as syntax
])
def test_literal_spans_edge_cases_are_pysbds(pieces, text):
    assert literal_spans(pieces, text) == _pysbd_regex_spans(pieces, text)
