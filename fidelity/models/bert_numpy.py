"""A BERT encoder's forward pass in numpy: the context model (all-MiniLM-L6-v2) on the CPU without
torch or transformers.

Importing torch and transformers and building the model through ``AutoModel`` cost about 6.5 s of
a process that checks one same-language pair with a substituted word (issue 19); here the weights
are read memory-mapped from ``model.safetensors``, the tokenizer from ``tokenizer.json`` (the
``tokenizers`` library that transformers' fast tokenizer wraps), in about 0.1 s. The last hidden
states match transformers' (float32; ``tests/test_context_numpy.py`` compares the two).

Only what all-MiniLM-L6-v2 is: a BERT encoder with absolute positions and exact GELU; any other
model goes through transformers (``supports``).
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fidelity.models.cores import blas_limiter

_DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32}


@dataclass(frozen=True)
class BertShape:
    hidden: int
    heads: int
    layers: int
    eps: float


def supports(directory: Path) -> bool:
    """True when ``directory`` holds a BERT model this module runs: config.json, tokenizer.json and
    model.safetensors in float32, absolute positions, exact GELU."""
    try:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
            and config.get("position_embedding_type", "absolute") == "absolute"
            and (directory / "tokenizer.json").is_file() and (directory / "model.safetensors").is_file())


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file as read-only arrays over one memory map (pages are read
    when used: most of the word-embedding table never is)."""
    with path.open("rb") as handle:
        (size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}, which this reader does not read")
        start, end = info["data_offsets"]
        tensors[name] = data[start:end].view(dtype).reshape(info["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    out: np.ndarray = centred / np.sqrt(variance + eps) * weight + bias
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to within 1.2e-7 (Numerical Recipes' erfc Chebyshev fit, in float64): BERT's GELU is the
    exact one, and numpy has no erf (scipy.special would cost 0.4 s of import)."""
    z = np.abs(x.astype(np.float64))
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    erfc = t * np.exp(poly)
    out: np.ndarray = np.where(x >= 0, 1.0 - erfc, erfc - 1.0)
    return out


def _gelu(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = (0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))).astype(np.float32)
    return out


class NumpyBert:
    """Tokenizer and encoder of a BERT model directory: ``states(sentence)`` gives the last hidden
    states (tokens x hidden) and each token's character offsets, as transformers' ``AutoModel``
    and fast tokenizer give them for ``truncation=True, max_length=max_length``."""

    def __init__(self, directory: Path, max_length: int = 256) -> None:
        from tokenizers import Tokenizer

        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        self.shape = BertShape(int(config["hidden_size"]), int(config["num_attention_heads"]),
                               int(config["num_hidden_layers"]), float(config.get("layer_norm_eps", 1e-12)))
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        # tokenizer.json may carry a fixed padding and its own truncation; transformers' call with
        # truncation=True, max_length=N and no padding replaces both, and so does this.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length)
        weights = read_safetensors(directory / "model.safetensors")
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        self._w = {name[len(prefix):]: tensor for name, tensor in weights.items() if name.startswith(prefix)}
        self._threadpool = blas_limiter()

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        out: np.ndarray = x @ self._w[f"{name}.weight"].T + self._w[f"{name}.bias"]
        return out

    def states(self, sentence: str) -> tuple[np.ndarray, list[tuple[int, int]]]:
        encoding = self._tokenizer.encode(sentence)
        offsets = [(int(s), int(e)) for s, e in encoding.offsets]
        ids = np.asarray(encoding.ids, dtype=np.int64)
        if self._threadpool is None:
            return self._forward(ids), offsets
        from fidelity.models.encoders import blas_threads

        with self._threadpool(limits=blas_threads(), user_api="blas"):
            return self._forward(ids), offsets

    def _forward(self, ids: np.ndarray) -> np.ndarray:
        w, shape = self._w, self.shape
        n, heads = len(ids), shape.heads
        size = shape.hidden // heads
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], shape.eps)
        for layer in range(shape.layers):
            at = f"encoder.layer.{layer}"
            q, k, v = (self._dense(x, f"{at}.attention.self.{part}").reshape(n, heads, size).transpose(1, 0, 2)
                       for part in ("query", "key", "value"))
            scores = q @ k.transpose(0, 2, 1) / np.float32(math.sqrt(size))
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, shape.hidden)
            x = _layer_norm(self._dense(context, f"{at}.attention.output.dense") + x,
                            w[f"{at}.attention.output.LayerNorm.weight"], w[f"{at}.attention.output.LayerNorm.bias"],
                            shape.eps)
            inner = _gelu(self._dense(x, f"{at}.intermediate.dense"))
            x = _layer_norm(self._dense(inner, f"{at}.output.dense") + x,
                            w[f"{at}.output.LayerNorm.weight"], w[f"{at}.output.LayerNorm.bias"], shape.eps)
        out: np.ndarray = np.asarray(x, dtype=np.float32)
        return out
