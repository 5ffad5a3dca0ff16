"""Back-translation: translators (transformers, CTranslate2, none), the pivot, the pipeline.

No hub: a tiny MarianMT model is built at test time (tests/tiny_mt.py). Its random weights
give garbage text, so these tests check plumbing (counts, determinism, devices, offsets,
settings), never translation quality.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import pytest

import fidelity
from fidelity.checking.pivot import map_finding, map_span, pivot_document, with_back_translations
from fidelity.errors import FidelityError, ModelUnavailableError, TranslationError
from fidelity.models.device import DeviceError
from fidelity.models.manifest import is_offline
from fidelity.models.translate import (
    CTranslate2Translator,
    NoTranslator,
    TransformersTranslator,
    Translator,
    load_translator,
    nllb_code,
    translator_signature,
)
from fidelity.types import Category, Document, Finding, Sentence, Severity, Span

from .conftest import CNN, ROOT, read_exact
from .tiny_mt import RUSSIAN, build_tiny_marian, convert_to_ctranslate2

TEXTS = [
    "Япония ведёт переговоры об открытии офиса НАТО.",
    "Министр заявил это в среду.",
    "",
    "По его словам, мир стал менее стабильным.",
    "Хаяси",
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian") / "opus-mt-ru-en-tiny")


@pytest.fixture(scope="module")
def tiny_ct2(tiny, tmp_path_factory):
    return convert_to_ctranslate2(tiny, tmp_path_factory.mktemp("tiny-ct2") / "opus-mt-ru-en-tiny-ct2")


# ----------------------------------------------------------------------------- translators


def test_tiny_model_has_the_marian_files(tiny):
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "config.json"):
        assert (tiny / name).is_file()


def test_load_from_directory_offline(tiny, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert is_offline()
    translator = TransformersTranslator(tiny, device="cpu", offline=True)
    assert isinstance(translator, Translator)
    settings = translator.settings()
    assert settings["backend"] == "transformers" and settings["architecture"] == "marian"
    assert settings["device"] == "cpu" and settings["dtype"] == "float32"
    assert settings["batch_size"] == 16 and settings["sampling"] is False
    out = translator.translate(TEXTS[:2], "ru", "en")
    assert len(out) == 2 and all(isinstance(t, str) and t for t in out)


def test_batching_keeps_count_and_order(tiny):
    translator = TransformersTranslator(tiny, device="cpu", batch_size=2, offline=True)
    out = translator.translate(TEXTS, "ru", "en")
    assert len(out) == len(TEXTS)
    assert out[2] == ""  # an empty sentence is not sent to the model
    assert all(out[i] for i in (0, 1, 3, 4))
    assert translator.translate([], "ru", "en") == []
    # one batch (sorted by length inside): the input order is restored in the output
    whole = TransformersTranslator(tiny, device="cpu", batch_size=16, offline=True)
    assert whole.translate(TEXTS[::-1], "ru", "en") == whole.translate(TEXTS, "ru", "en")[::-1]


def test_deterministic(tiny):
    first = TransformersTranslator(tiny, device="cpu", offline=True)
    second = TransformersTranslator(tiny, device="cpu", offline=True)  # a fresh load
    assert first.translate(TEXTS, "ru", "en") == first.translate(TEXTS, "ru", "en")
    assert first.translate(TEXTS, "ru", "en") == second.translate(TEXTS, "ru", "en")


def test_device_selection(tiny):
    import torch

    auto = TransformersTranslator(tiny, device="auto", offline=True)
    assert auto.settings()["device"] == ("cuda" if torch.cuda.is_available() else "cpu")
    if auto.settings()["device"] == "cuda":
        assert auto.settings()["dtype"] in ("bfloat16", "float16")
    with pytest.raises(DeviceError, match="unknown device"):
        TransformersTranslator(tiny, device="tpu", offline=True)


def test_fixed_pair_model_refuses_another_pair(tiny):
    translator = load_translator(tiny, device="cpu", offline=True)
    with pytest.raises(TranslationError, match="ru→en"):
        translator.translate(["Guten Tag."], "de", "en")


def test_load_translator_specs_and_cache(tiny):
    assert isinstance(load_translator(None), NoTranslator)
    assert isinstance(load_translator("none"), NoTranslator)
    assert NoTranslator().translate(["a"], "ru", "en") == ["a"]
    first = load_translator(str(tiny), device="cpu")
    assert isinstance(first, TransformersTranslator)
    assert load_translator(tiny, device="cpu") is first  # cached per (spec, device)
    assert translator_signature(first.settings()) == "opus-mt-ru-en-tiny@cpu.float32.b16.beam1"
    assert translator_signature(None) == "none"


def test_ctranslate2_int8(tiny_ct2):
    translator = load_translator(tiny_ct2, device="cpu")
    assert isinstance(translator, CTranslate2Translator)
    settings = translator.settings()
    assert settings["backend"] == "ctranslate2" and settings["dtype"] == "int8" and settings["device"] == "cpu"
    out = translator.translate(TEXTS, "ru", "en")
    assert len(out) == len(TEXTS) and out[2] == "" and all(out[i] for i in (0, 1, 3, 4))
    assert translator.translate(TEXTS, "ru", "en") == out
    assert CTranslate2Translator(tiny_ct2, device="cpu").translate(TEXTS, "ru", "en") == out


def test_nllb_codes():
    assert nllb_code("ru") == "rus_Cyrl" and nllb_code("en") == "eng_Latn"
    assert nllb_code("zh-tw") == "zho_Hant" and nllb_code("pt-BR") == "por_Latn"
    with pytest.raises(TranslationError, match="no NLLB language code is mapped for 'xx'"):
        nllb_code("xx")


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailableError, match="no such directory"):
        load_translator(str(tmp_path / "no" / "such" / "model"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelUnavailableError, match="cannot load translation model"):
        load_translator(str(empty))


def test_hub_name_offline_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(ModelUnavailableError, match="not in the local cache and offline mode is on"):
        TransformersTranslator("Helsinki-NLP/opus-mt-ru-en", offline=True)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_hub_name_with_no_network_fails_fast_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "FIDELITY_OFFLINE", "TRANSFORMERS_OFFLINE")}
    # an empty cache and a hub that cannot be reached (a closed local port)
    env.update(HF_HOME=str(tmp_path / "hf"), HF_HUB_CACHE=str(tmp_path / "hf" / "hub"),
               HF_ENDPOINT=f"http://127.0.0.1:{_closed_port()}", FIDELITY_HUB_TIMEOUT="5")
    code = textwrap.dedent("""
        import sys
        from fidelity.errors import FidelityError
        from fidelity.models.translate import load_translator
        try:
            load_translator("Helsinki-NLP/opus-mt-ru-en")
        except FidelityError as error:
            print(type(error).__name__ + ": " + str(error))
            sys.exit(2)
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    line = done.stdout.strip()
    assert "\n" not in line
    assert line.startswith("ModelUnavailableError: model Helsinki-NLP/opus-mt-ru-en is not in the local cache")
    assert "hub cannot be reached" in line and "fidelity models fetch Helsinki-NLP/opus-mt-ru-en" in line


# ----------------------------------------------------------------------------- pivot


def _doc(text: str, language: str, pieces: list[str]) -> Document:
    sentences, at = [], 0
    for i, piece in enumerate(pieces):
        start = text.index(piece, at)
        sentences.append(Sentence(i, start, start + len(piece), piece, language))
        at = start + len(piece)
    return Document(text=text, path=None, language=language, sentences=sentences)


def test_pivot_offsets_separators_and_mapping():
    rewrite = _doc("Первое.  Второе.\nТретье.\n\nЧетвёртое.", "ru", ["Первое.", "Второе.", "Третье.", "Четвёртое."])
    translations = ["First.", "The  second\none.", None, ""]
    rewrite = with_back_translations(rewrite, translations)
    pivot = pivot_document(rewrite, translations, "en")
    assert pivot.text == "First. The second one.\nТретье.\n\nЧетвёртое."
    assert [s.index for s in pivot.sentences] == [0, 1, 2, 3]
    assert all(pivot.text[s.start:s.end] == s.text for s in pivot.sentences)
    assert [s.language for s in pivot.sentences] == ["en", "en", "ru", "ru"]  # kept and empty: as given
    assert rewrite.sentences[1].back_translation == "The second one." and rewrite.sentences[2].back_translation is None

    span = Span(11, 17, "second")
    assert pivot.text[span.start:span.end] == "second"
    mapped = map_span(span, pivot, rewrite)
    assert mapped == Span(9, 16, "Второе.") and rewrite.text[mapped.start:mapped.end] == mapped.text
    across = map_span(Span(3, 14, pivot.text[3:14]), pivot, rewrite)  # crosses two sentences
    assert across.start == 0 and across.end == 16 and across.text == rewrite.text[0:16]
    assert map_span(Span(6, 6, ""), pivot, rewrite).text in ("Первое.", "Второе.")  # a point between them

    finding = Finding(category=Category.NUMBER_CHANGED, severity=Severity.MAJOR, confidence=0.8,
                      original=Span(0, 5, "First"), rewrite=span, message="number changed: 'two'")
    moved = map_finding(finding, pivot, rewrite)
    assert moved.rewrite == mapped and moved.original == finding.original
    assert moved.message == "number changed: 'two' (in the back-translation: 'second')"
    quoted = map_finding(Finding(category=Category.MISTRANSLATION, severity=Severity.MINOR, confidence=0.5,
                                 original=None, rewrite=span, message="'second' changed"), pivot, rewrite)
    assert quoted.message.endswith("(quoted from the back-translation)")
    assert map_finding(Finding(category=Category.OMISSION, severity=Severity.MAJOR, confidence=0.5,
                               original=Span(0, 5, "First"), rewrite=None, message="m"), pivot, rewrite).rewrite is None


# ----------------------------------------------------------------------------- pipeline


class TableTranslator:
    """A translator that looks sentences up: meaningful back-translations without a model."""

    name = "table"

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.calls: list[tuple[str, str]] = []

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        self.calls.append((source, target))
        return [self.table[t] for t in texts]

    def settings(self) -> dict:
        return {"name": "table", "device": "cpu", "dtype": "-", "batch_size": 1, "num_beams": 1}


def test_findings_on_the_back_translation_map_onto_the_rewrite():
    original = ("The minister said Japan will open the office next year. He gave no details about the timing. "
                "The office will work with four countries.")
    rewrite = ("Министр сказал, что Япония откроет офис в следующем году. Он не сообщил никаких подробностей о сроках. "
               "Офис будет работать с пятью странами.")
    translator = TableTranslator({
        "Министр сказал, что Япония откроет офис в следующем году.": "The minister said Japan will open the office next year.",
        "Он не сообщил никаких подробностей о сроках.": "He gave details about the timing.",
        "Офис будет работать с пятью странами.": "The office will work with five countries.",
    })
    report = fidelity.check(original, rewrite, translator=translator)
    assert translator.calls == [("ru", "en")]
    assert [s.back_translation for s in report.rewrite.sentences] == list(translator.table.values())
    by_category = {f.category: f for f in report.findings}
    negation = by_category["negation"]
    assert negation.rewrite.text == "Он не сообщил никаких подробностей о сроках."
    assert "in the back-translation: 'He gave details about the timing.'" in negation.message
    number = by_category["number_changed"]
    assert number.rewrite.text == "Офис будет работать с пятью странами." and "'five'" in number.message
    for f in report.findings:
        assert f.rewrite is None or rewrite[f.rewrite.start:f.rewrite.end] == f.rewrite.text
    assert report.settings["translator"]["name"] == "table"
    assert "|tr:table@cpu" in report.settings["signature"]


def test_check_with_tiny_model_end_to_end(tiny):
    paragraphs = [p for p in read_exact(CNN).split("\n") if p.startswith(("Japan is in talks", "Hayashi specifically"))]
    original = "\n\n".join(paragraphs)
    report = fidelity.check(original, RUSSIAN, translator=str(tiny), device="cpu")
    assert report.rewrite.language == "ru" and report.original.language == "en"
    assert report.rewrite.sentences and all(s.back_translation for s in report.rewrite.sentences)
    for f in report.findings:
        if f.rewrite is not None:
            assert RUSSIAN[f.rewrite.start:f.rewrite.end] == f.rewrite.text
            assert any(s.start == f.rewrite.start for s in report.rewrite.sentences)  # whole sentences
        if f.original is not None:
            assert original[f.original.start:f.original.end] == f.original.text
    settings = report.settings
    assert settings["translator"]["name"] == "opus-mt-ru-en-tiny" and settings["translator"]["device"] == "cpu"
    assert settings["back_translation"].startswith("opus-mt-ru-en-tiny (ru→en)")
    assert "|tr:opus-mt-ru-en-tiny@cpu.float32.b16.beam1|" in settings["signature"]
    data = report.to_dict()
    assert all("back_translation" in s for s in data["rewrite"]["sentences"])

    from fidelity.frontends.render import RenderOptions, ReportKind, render

    shown = render(ReportKind.PAIR, "text", report, RenderOptions(width=200))
    assert "⇢ " + " ".join(report.rewrite.sentences[0].back_translation.split())[:20] in shown


def test_no_translator_or_none_is_cross_lingual_as_before():
    original = "Japan is in talks to open a NATO office in Tokyo."
    rewrite = "Япония ведёт переговоры об открытии офиса НАТО в Токио."
    for translator in (None, "none"):
        report = fidelity.check(original, rewrite, translator=translator)
        assert report.settings["translator"] is None
        assert report.settings["back_translation"].startswith("none (compared cross-lingually")
        assert "|tr:none|" in report.settings["signature"]
        assert all(s.back_translation is None for s in report.rewrite.sentences)


def test_same_language_pair_loads_no_translator(tmp_path):
    text = "Japan is in talks to open a NATO office in Tokyo."
    # a path that would fail to load: it must not be touched for a same-language pair
    report = fidelity.check(text, text, translator=str(tmp_path / "missing"))
    assert report.settings["translator"] is None
    assert report.settings["back_translation"] == "not needed (same language)"


def test_errors_are_fidelity_errors():
    assert issubclass(ModelUnavailableError, FidelityError) and issubclass(TranslationError, FidelityError)


# ----------------------------------------------------------------------------- CLI


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fidelity.frontends.cli", *args], capture_output=True, timeout=300,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})})


def test_cli_check_with_local_translator_text_and_json(tiny, tmp_path):
    original = tmp_path / "original.txt"
    original.write_text("\n\n".join(p for p in read_exact(CNN).split("\n")
                                    if p.startswith(("Japan is in talks", "Hayashi specifically"))), encoding="utf-8")
    rewrite = tmp_path / "rewrite.txt"
    rewrite.write_bytes(RUSSIAN.encode("utf-8"))
    text = _cli("check", str(original), str(rewrite), "--translator", str(tiny), "--device", "cpu", "--offline")
    assert text.returncode == 0, text.stderr.decode()
    assert "⇢" in text.stdout.decode()  # the back-translation under each rewrite sentence
    out = _cli("check", str(original), str(rewrite), "--translator", str(tiny), "--format", "json", "--offline")
    assert out.returncode == 0, out.stderr.decode()
    import json

    data = json.loads(out.stdout)
    rewrite_text = rewrite.read_bytes().decode("utf-8")
    assert all(s["back_translation"] for s in data["rewrite"]["sentences"])
    for s in data["rewrite"]["sentences"]:
        assert rewrite_text[s["start"]:s["end"]] == s["text"]
    for f in data["findings"]:
        if f["rewrite"]:
            assert rewrite_text[f["rewrite"]["start"]:f["rewrite"]["end"]] == f["rewrite"]["text"]
    assert data["settings"]["translator"]["name"] == "opus-mt-ru-en-tiny"


def test_cli_missing_translator_is_one_line(tmp_path):
    result = _cli("check", str(CNN), str(ROOT / "seeds" / "003_e7a9e3d448b427a1.txt"), "--rewrite-lang", "ru",
                  "--translator", str(tmp_path / "no-such-model"), "--offline")
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
