from pathlib import Path

import pytest

from fidelity.errors import InputError
from fidelity.text.clean import clean
from fidelity.text.load import load

from .conftest import CNN, DEFNET, FIRSTPOST, INSIDER, read_exact


def _reasons(path: Path, side: str = "rewrite") -> dict[str, list[str]]:
    text = read_exact(path)
    out: dict[str, list[str]] = {}
    for piece in clean(text, side).set_aside:
        assert text[piece.start : piece.end] == piece.text
        out.setdefault(piece.reason, []).append(piece.text)
    return out


def test_cnn_boilerplate_is_set_aside():
    reasons = _reasons(CNN, "original")
    assert reasons["view counter"] == ["by -605 Views"]
    assert reasons["source credit"] == ["Sumber: www.cnn.com"]
    assert any("No more pages to load." in t for t in reasons["page furniture"])


def test_defnet_boilerplate_is_set_aside():
    reasons = _reasons(DEFNET)
    assert reasons["date line"] == ["11/05/2023"]
    assert len(reasons["rule line"]) == 3
    assert reasons["translator credit"] == ["Translated and arranged by : DEFNET Military English"]
    source_list = "\n".join(reasons["source list"])
    assert "moscowtimes.ru" in source_list and "Meeting with NATO Secretary General" in source_list


def test_blocks_keep_content_and_exact_offsets():
    text = read_exact(DEFNET)
    cleaned = clean(text, "rewrite")
    blocks = [text[s:e] for s, e in cleaned.blocks]
    assert blocks[0] == "Japan to Open the First NATO Liaison Office in Asia Due to Russian Threats"
    # A wrapped line continues its sentence's block.
    assert blocks[-1] == "\"We have the feeling that Ukraine today\nmay be tomorrow's East Asia.\""
    # Nothing is lost: every non-space character is in a block or set aside.
    covered = [False] * len(text)
    for s, e in cleaned.blocks + [(p.start, p.end) for p in cleaned.set_aside]:
        covered[s:e] = [True] * (e - s)
    assert all(c.isspace() for c, cov in zip(text, covered) if not cov)


def test_firstpost_menus_are_set_aside_but_article_kept():
    text = read_exact(FIRSTPOST)
    cleaned = clean(text, "rewrite")
    content = "\n".join(text[s:e] for s, e in cleaned.blocks)
    assert "NATO spokesperson Oana Lungescu" in content
    assert "• Home" not in content
    assert "Whatsapp Facebook Twitter" not in content


def test_insider_exit_line():
    assert _reasons(INSIDER)["page furniture"] == ["Exit mobile version"]


def test_single_sentence_is_never_cleaned_away():
    assert clean("Hello world", "original").blocks == [(0, 11)]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"  \n\n ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("Привет, мир".encode("cp1251"), "not valid UTF-8"),
    ],
)
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        load(tmp_path)


def test_crlf_is_not_translated(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"First line.\r\nSecond line.\r\n")
    assert load(path).text == "First line.\r\nSecond line.\r\n"


def test_html_is_reduced_to_article_text(tmp_path):
    paragraph = "Japan is in talks to open a NATO liaison office, the first of its kind in Asia, the minister said."
    html = f"""<!DOCTYPE html><html><head><title>t</title></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
    <article><h1>Japan and NATO</h1><p>{paragraph}</p>
    <p>Hayashi said the world has become more unstable since Russia invaded Ukraine last year.</p></article>
    <footer>Copyright 2023. All rights reserved.</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    loaded = load(path)
    assert loaded.from_html
    assert paragraph in loaded.text
    assert "Home" not in loaded.text.split()


CHINESE = "2023年5月10日\n\n日本正在就在东京开设北约办事处进行谈判，外长周三表示。\n\n这将是亚洲第一个此类办事处。\n\n谈判上周开始。\n"


def test_chinese_lines_are_content_not_labels():
    # No spaces between words: a line's length says it is a sentence, not a two-word label.
    cleaned = clean(CHINESE, "rewrite")
    assert [a.reason for a in cleaned.set_aside] == ["date line"]
    assert "这将是亚洲第一个此类办事处。" in "".join(CHINESE[s:e] for s, e in cleaned.blocks)


@pytest.mark.parametrize("line, language, day", [
    ("2023年5月10日", "zh", "2023-05-10"),
    ("10. Mai 2023", "de", "2023-05-10"),
    ("10 мая 2023 г.", "ru", "2023-05-10"),
    ("May 10, 2023 14:05 EDT", "en", "2023-05-10"),
])
def test_date_lines_in_several_languages_give_the_article_date(line, language, day):
    import fidelity

    body = "Japan is in talks to open a NATO office.\n\nIt would be the first in Asia.\n\nTalks began last week.\n"
    report = fidelity.check(body, f"{line}\n\n{body}", original_lang="en", rewrite_lang="en")
    assert report.rewrite.date is not None and report.rewrite.date.day.isoformat() == day
    assert report.rewrite.date.source == "date line"
