"""The optional NLI judge (fidelity/models/nli.py) and its detector (fidelity/checking/detectors/nli.py).

No hub: a tiny BERT sequence classifier is built at test time. Its random weights say nothing
about entailment, so these tests check plumbing (loading, labels, batching, determinism, spans,
settings, CLI), and the detector's logic with a stub judge.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import fidelity
from fidelity.checking.detectors.base import AlignedPair
from fidelity.checking.detectors.nli import NliDetector
from fidelity.errors import FidelityError, ModelUnavailableError
from fidelity.models.nli import NliJudge, NliResult, label_indices, load_nli, nli_signature
from fidelity.types import Bead, Document, Sentence, Severity, Verdict

ORIGINAL = ("Japan is in talks to open a NATO office in Tokyo. The minister said this on Wednesday. "
            "The office will work with four countries.")
REWRITE = ("Japan is in talks to open a NATO office in Tokyo. The minister denied this on Wednesday. "
           "The office will work with four countries in Asia.")
LABELS = {0: "entailment", 1: "neutral", 2: "contradiction"}


def build_tiny_nli(path, id2label=None, bias=(0.0, 0.0, 3.0)):
    """A 1-layer BERT classifier with a vocabulary from the test texts. The classifier's bias
    favours the last class (contradiction), so that the end-to-end run reports something."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    path.mkdir(parents=True, exist_ok=True)
    words = sorted({w.strip(".,").lower() for w in (ORIGINAL + " " + REWRITE).split()})
    vocab = path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ","] + words) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer(str(vocab))
    id2label = id2label or LABELS
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, initializer_range=0.5,
                        id2label=id2label, label2id={v: k for k, v in id2label.items()})
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.bias.copy_(torch.tensor(bias[: len(id2label)]))
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_nli(tmp_path_factory):
    return build_tiny_nli(tmp_path_factory.mktemp("tiny-nli") / "nli-tiny")


@pytest.fixture(scope="module")
def judge(tiny_nli):
    return load_nli(str(tiny_nli), device="cpu", offline=True)


# ----------------------------------------------------------------------------- the judge


def test_loads_offline_from_a_directory(judge, tiny_nli, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert isinstance(judge, NliJudge)
    settings = judge.settings()
    assert settings["name"] == "nli-tiny" and settings["backend"] == "transformers"
    assert settings["device"] == "cpu" and settings["dtype"] == "float32" and settings["batch_size"] == 16
    assert settings["labels"] == {"entailment": [0], "neutral": [1], "contradiction": [2]}
    assert settings["max_length"] == 64  # the model's position limit, not 512
    assert nli_signature(settings) == "nli-tiny@cpu.float32.b16"
    assert load_nli(tiny_nli, device="cpu") is judge  # cached per (directory, device)
    assert load_nli(None) is None and load_nli("none") is None and load_nli(" None ") is None


def test_label_mapping():
    assert label_indices({0: "ENTAILMENT", 1: "NEUTRAL", 2: "CONTRADICTION"}) == {
        "entailment": [0], "neutral": [1], "contradiction": [2]}
    assert label_indices({"0": "contradiction", "1": "neutral", "2": "entailment"}) == {
        "entailment": [2], "neutral": [1], "contradiction": [0]}
    assert label_indices({0: "entailment", 1: "not_entailment"}) == {
        "entailment": [0], "neutral": [1], "contradiction": []}
    for labels in ({0: "LABEL_0", 1: "LABEL_1"}, {0: "positive", 1: "negative"}, {0: "entailment"}, {}):
        with pytest.raises(ModelUnavailableError, match="not an NLI model"):
            label_indices(labels)


def test_a_model_without_nli_labels_is_a_clear_error(tmp_path):
    plain = build_tiny_nli(tmp_path / "sentiment", id2label={0: "LABEL_0", 1: "LABEL_1"})
    with pytest.raises(ModelUnavailableError, match=r"not an NLI model: its labels \(LABEL_0, LABEL_1\)"):
        NliJudge(plain, device="cpu")


def test_missing_models_fail_fast_and_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("FIDELITY_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ModelUnavailableError, match="no model directory"):
        load_nli(str(tmp_path / "no-such-model"), offline=True)
    with pytest.raises(ModelUnavailableError, match="offline mode is on"):
        load_nli("mdeberta-xnli", offline=True)  # in the manifest, not in the (empty) cache
    with pytest.raises(ModelUnavailableError, match="translator model, not a nli"):
        load_nli("opus-mt-ru-en", offline=True)
    assert issubclass(ModelUnavailableError, FidelityError)


def test_probabilities_batching_and_determinism(judge):
    pairs = [(ORIGINAL, REWRITE), (REWRITE, ORIGINAL), ("Japan", "Tokyo"), ("", ""),
             ("The minister said this.", "The minister denied this.")] * 3
    first = judge.judge(pairs)
    assert len(first) == len(pairs) and all(isinstance(r, NliResult) for r in first)
    for r in first:
        assert abs(r.entailment + r.neutral + r.contradiction - 1.0) < 1e-5
        assert r.label in ("entailment", "neutral", "contradiction")
    assert judge.judge(pairs) == first  # deterministic
    assert first[:5] == first[5:10] == first[10:]  # the same pair in another batch position
    one_by_one = NliJudge(judge.model_dir, device="cpu", batch_size=1).judge(pairs[:5])
    for a, b in zip(one_by_one, first[:5]):  # batching (padding) does not change the answer
        assert a.entailment == pytest.approx(b.entailment, abs=1e-5)
        assert a.contradiction == pytest.approx(b.contradiction, abs=1e-5)
    assert judge.judge([]) == []
    assert len({(r.entailment, r.contradiction) for r in first[:5]}) > 1  # inputs do matter


# ----------------------------------------------------------------------------- the detector


def _doc(sentences: list[str]) -> Document:
    text = " ".join(sentences)
    out, pos = [], 0
    for i, s in enumerate(sentences):
        out.append(Sentence(i, pos, pos + len(s), s, "en"))
        pos += len(s) + 1
    return Document(text, None, "en", out)


class StubJudge:
    """Answers from a table keyed by (premise, hypothesis); neutral for anything else."""

    def __init__(self, table):
        self.table, self.calls = table, []

    def judge(self, pairs):
        self.calls.append(list(pairs))
        return [self.table.get(p, NliResult(0.1, 0.8, 0.1)) for p in pairs]


def test_detector_findings_with_exact_spans():
    o = _doc(["A met B.", "C said yes.", "D has two cats.", "E left.", "F is here.", "Only here."])
    r = _doc(["A met B.", "C said no.", "D has cats.", "E left at noon.", "F is here.", "Only there."])
    beads = [Bead((0,), (0,), 0.95, Verdict.EQUIVALENT), Bead((1,), (1,), 0.7, Verdict.CHANGED),
             Bead((2,), (2,), 0.8, Verdict.CHANGED), Bead((3,), (3,), 0.8, Verdict.CHANGED),
             Bead((4,), (4,), 0.9, Verdict.EQUIVALENT), Bead((5,), (), 0.0, Verdict.OMITTED),
             Bead((), (5,), 0.0, Verdict.ADDED)]
    both = NliResult(0.9, 0.05, 0.05)
    stub = StubJudge({
        ("A met B.", "A met B."): both,
        ("C said no.", "C said yes."): NliResult(0.02, 0.05, 0.93),  # contradiction one way is enough
        ("D has two cats.", "D has cats."): NliResult(0.9, 0.08, 0.02),  # original ⊨ rewrite only
        ("E left at noon.", "E left."): NliResult(0.8, 0.15, 0.05),  # rewrite ⊨ original only
        ("F is here.", "F is here."): NliResult(0.4, 0.2, 0.4),  # neither: nothing
    })
    pair = AlignedPair(o, r, beads)
    findings = NliDetector(judge=stub).detect(pair)
    assert len(stub.calls) == 1 and len(stub.calls[0]) == 10  # 5 matched beads, both ways, one call
    assert [(f.bead, f.category, f.severity) for f in findings] == [
        (1, "mistranslation", Severity.CRITICAL), (2, "omission", Severity.MAJOR), (3, "addition", Severity.MAJOR)]
    contra, omission, addition = findings
    assert contra.message == "contradicts the original (NLI p=0.93)" and contra.confidence == pytest.approx(0.93)
    assert omission.message.startswith("the rewrite says less than the original (NLI")
    assert addition.message.startswith("the rewrite says more than the original (NLI")
    for f in findings:
        assert o.text[f.original.start:f.original.end] == f.original.text == o.sentences[f.bead].text
        assert r.text[f.rewrite.start:f.rewrite.end] == f.rewrite.text == r.sentences[f.bead].text
        assert 0.0 < f.confidence <= 1.0
    assert NliDetector(judge=stub).name == "nli"
    assert NliDetector(judge=stub).detect(AlignedPair(o, r, beads[5:])) == []  # no matched beads: no call


def test_detector_joins_multi_sentence_beads():
    o = _doc(["One.", "Two  words.", "Three."])
    r = _doc(["One and two words.", "Three."])
    stub = StubJudge({})
    NliDetector(judge=stub).detect(AlignedPair(o, r, [Bead((0, 1), (0,), 0.9), Bead((2,), (1,), 0.9)]))
    assert stub.calls[0][0] == ("One. Two words.", "One and two words.")
    assert stub.calls[0][2] == ("One and two words.", "One. Two words.")


# ----------------------------------------------------------------------------- pipeline and CLI


def test_check_end_to_end_with_the_tiny_model(tiny_nli):
    report = fidelity.check(ORIGINAL, REWRITE, nli=str(tiny_nli), device="cpu", offline=True)
    settings = report.settings
    assert settings["nli"]["name"] == "nli-tiny" and list(settings["detectors"])[-1] == "nli"
    assert "+nli|nli:nli-tiny@cpu.float32.b16|dev:cpu|cfg:" in settings["signature"]
    nli_findings = [f for f in report.findings if "(NLI p=" in f.message]
    assert nli_findings  # the biased tiny model says 'contradiction' to everything
    for f in nli_findings:
        assert f.category == "mistranslation" and f.severity is Severity.CRITICAL
        assert ORIGINAL[f.original.start:f.original.end] == f.original.text
        assert REWRITE[f.rewrite.start:f.rewrite.end] == f.rewrite.text
    assert [f.id for f in report.findings] == [f"F{n:03d}" for n in range(1, len(report.findings) + 1)]
    without = fidelity.check(ORIGINAL, REWRITE)
    assert without.settings["nli"] is None and "nli" not in without.settings["signature"]
    assert "nli" not in without.settings["detectors"]
    # The NLI findings come on top: everything else is reported as without the judge.
    assert [(f.category, f.message) for f in report.findings if "(NLI p=" not in f.message] == [
        (f.category, f.message) for f in without.findings]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fidelity.frontends.cli", *args], capture_output=True, timeout=120,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})


def test_cli_nli(tiny_nli, tmp_path):
    original, rewrite = tmp_path / "original.txt", tmp_path / "rewrite.txt"
    original.write_text(ORIGINAL, encoding="utf-8")
    rewrite.write_text(REWRITE, encoding="utf-8")
    out = _cli("check", str(original), str(rewrite), "--nli", str(tiny_nli), "--format", "json", "--offline")
    assert out.returncode == 0, out.stderr.decode()
    data = json.loads(out.stdout)
    assert data["settings"]["nli"]["name"] == "nli-tiny"
    assert any("(NLI p=" in f["message"] for f in data["findings"])
    missing = _cli("check", str(original), str(rewrite), "--nli", str(tmp_path / "no-such-model"), "--offline")
    err = missing.stderr.decode()
    assert missing.returncode == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "no-such-model" in err


def test_cli_help_lists_nli():
    out = _cli("check", "--help")
    assert out.returncode == 0 and "--nli" in out.stdout.decode() and "FIDELITY_NLI" in out.stdout.decode()


def test_back_translated_pairs_are_judged_in_the_pivot_and_mapped_back(monkeypatch):
    from .test_translate import TableTranslator

    original = "The minister said Japan will open the office next year. The office will work with four countries."
    rewrite = "Министр сказал, что Япония откроет офис в следующем году. Офис будет работать с пятью странами."
    translator = TableTranslator({
        "Министр сказал, что Япония откроет офис в следующем году.": "The minister said Japan will open the office next year.",
        "Офис будет работать с пятью странами.": "The office will work with five countries.",
    })

    class FiveJudge(StubJudge):
        def judge(self, pairs):
            self.calls.append(list(pairs))
            return [NliResult(0.05, 0.05, 0.9) if "five" in p + h else NliResult(0.9, 0.05, 0.05) for p, h in pairs]

        def settings(self):
            return {"name": "five", "device": "cpu", "dtype": "float32", "batch_size": 1}

    stub = FiveJudge({})
    monkeypatch.setattr("fidelity.checking.checker.load_nli", lambda spec, **kw: stub if spec else None)
    report = fidelity.check(original, rewrite, translator=translator, nli="five")
    assert all(not any(c in p + h for c in "Офис") for p, h in stub.calls[0])  # English pivot only
    nli_findings = [f for f in report.findings if "(NLI p=" in f.message]
    assert len(nli_findings) == 1
    f = nli_findings[0]
    assert f.category == "mistranslation" and f.severity is Severity.CRITICAL
    assert f.rewrite.text == "Офис будет работать с пятью странами." == rewrite[f.rewrite.start:f.rewrite.end]
    assert f.original.text == "The office will work with four countries."
    assert "|nli:five@cpu.float32.b1" in report.settings["signature"]
