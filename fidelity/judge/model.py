"""The learned judge: per sentence pair, P(meaning deviates) and P(critical), from the features of
``fidelity.judge.features``: either per-language-group linear heads (the shipped design) or a small
MLP. Weights ship as numpy arrays
(``fidelity/data/judge/judge.npz``, trained by ``scripts/train_judge.py``; ``MODEL_CARD.md`` beside
it); the forward pass is numpy, so judging needs no torch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import numpy as np

from fidelity.judge.alignment import Aligner, PairAlignment, align_pairs
from fidelity.judge.features import pair_features, row_groups

if TYPE_CHECKING:
    from fidelity.types import Finding

SENSITIVITIES = ("high", "balanced", "precise")
# Where every head's calibration puts its own high / balanced / precise cut-offs (as probabilities),
# so that one set of thresholds serves every language group and head.
SHARED_CUTOFFS = {"high": 0.3, "balanced": 0.5, "precise": 0.7}
_SHARED_LOGITS = np.log(np.array(list(SHARED_CUTOFFS.values())) / (1 - np.array(list(SHARED_CUTOFFS.values()))))


@dataclass(frozen=True)
class Judgement:
    p_deviation: float  # the probability that the pair's meaning deviates
    p_critical: float  # the probability that it deviates critically


@dataclass(frozen=True)
class Thresholds:
    deviation: float  # p_deviation at or above: a deviation (major)
    critical: float  # p_critical at or above: critical


@dataclass(frozen=True)
class Head:
    """A linear head over the whole feature row (zero weights on the columns it does not read), two
    outputs (deviation, critical), each followed by a monotone map of its logit that puts this head's
    own cut-offs, chosen on dev, at ``SHARED_CUTOFFS``."""

    weights: np.ndarray  # (features, 2)
    bias: np.ndarray  # (2,)
    knots: np.ndarray  # (2, 3): per output, the logits of this head's high / balanced / precise cut-offs

    def logits(self, x: np.ndarray) -> np.ndarray:
        """(n, 2) calibrated logits."""
        raw = x @ self.weights + self.bias
        return np.stack([_calibrate(raw[:, k], self.knots[k]) for k in range(2)], axis=1)


def _calibrate(z: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Piecewise linear through (knots[i], shared logit i), slope 1 beyond the outer knots."""
    inner: np.ndarray = np.asarray(np.interp(z, knots, _SHARED_LOGITS), dtype=np.float32)
    below, above = z < knots[0], z > knots[-1]
    inner[below] = _SHARED_LOGITS[0] + (z[below] - knots[0])
    inner[above] = _SHARED_LOGITS[-1] + (z[above] - knots[-1])
    return inner


@dataclass(frozen=True)
class JudgeModel:
    """Either per-language-group heads (``heads``: a row is flagged where any head of its group
    is), or an MLP: standardise, then hidden layers with ReLU, then two sigmoid outputs."""

    name: str
    version: str
    encoder: str  # the encoder whose vectors the features hold (fidelity.models.encoders.load_encoder name)
    vectors: bool  # whether the features hold the vectors themselves (else only their cosine)
    evidence: bool  # whether the model was trained with the detectors' evidence
    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # (W, b) per layer; W is (inputs, outputs)
    thresholds: dict[str, Thresholds]  # per sensitivity
    heads: dict[str, tuple[Head, ...]] = field(default_factory=dict)  # per language group (features.GROUPS)
    alignment: bool = False  # whether the features hold the token alignment features (fidelity.judge.alignment)

    def predict(self, features: np.ndarray) -> np.ndarray:
        """(n, 2) probabilities: deviation, critical."""
        x = np.asarray(features, dtype=np.float32)
        if self.heads:
            return self._predict_heads(x)
        x = (x - self.mean) / self.scale
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i < len(self.layers) - 1:
                x = np.maximum(x, 0.0)
        return _sigmoid(x)

    def _predict_heads(self, x: np.ndarray) -> np.ndarray:
        """Each row by its language group's heads (the pooled "other" heads for a group without
        its own); the most alarmed head decides, each at its own dev-chosen cut-offs."""
        groups = row_groups(x)
        z = np.full((len(x), 2), -np.inf, dtype=np.float32)
        for group in np.unique(groups):
            rows = groups == group
            for head in self.heads.get(str(group)) or self.heads["other"]:
                z[rows] = np.maximum(z[rows], head.logits(x[rows]))
        return _sigmoid(z)

    def threshold(self, sensitivity: str = "balanced") -> Thresholds:
        if sensitivity not in self.thresholds:
            raise ValueError(f"unknown sensitivity {sensitivity!r}; choose from {', '.join(SENSITIVITIES)}")
        return self.thresholds[sensitivity]

    def save(self, path: Path, meta: dict[str, Any] | None = None) -> None:
        arrays: dict[str, np.ndarray] = {"mean": self.mean, "scale": self.scale}
        for i, (w, b) in enumerate(self.layers):
            arrays[f"w{i}"], arrays[f"b{i}"] = w.astype(np.float32), b.astype(np.float32)
        for group, heads in self.heads.items():
            for j, head in enumerate(heads):
                arrays[f"{group}.{j}.w"] = head.weights.astype(np.float32)
                arrays[f"{group}.{j}.b"] = head.bias.astype(np.float32)
                arrays[f"{group}.{j}.knots"] = head.knots.astype(np.float32)
        header = {"name": self.name, "version": self.version, "encoder": self.encoder, "vectors": self.vectors,
                  "evidence": self.evidence, "alignment": self.alignment, "layers": len(self.layers),
                  "heads": {group: len(heads) for group, heads in self.heads.items()},
                  "thresholds": {k: vars(t) for k, t in self.thresholds.items()}, **(meta or {})}
        arrays["header"] = np.array(json.dumps(header))
        np.savez_compressed(path, allow_pickle=False, **arrays)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)


def load_model(path: Path | str | None = None) -> JudgeModel:
    """The judge's weights from ``path`` (default: the shipped ``fidelity/data/judge/judge.npz``)."""
    if path is None:
        return _shipped()
    with np.load(Path(path)) as held:
        header = json.loads(str(held["header"]))
        layers = tuple((held[f"w{i}"], held[f"b{i}"]) for i in range(header["layers"]))
        heads = {group: tuple(Head(held[f"{group}.{j}.w"], held[f"{group}.{j}.b"], held[f"{group}.{j}.knots"])
                              for j in range(n)) for group, n in header.get("heads", {}).items()}
        return JudgeModel(name=header["name"], version=header["version"], encoder=header["encoder"],
                          vectors=header["vectors"], evidence=header["evidence"],
                          mean=held["mean"], scale=held["scale"], layers=layers,
                          thresholds={k: Thresholds(**t) for k, t in header["thresholds"].items()}, heads=heads,
                          alignment=header.get("alignment", False))


@lru_cache(maxsize=1)
def _shipped() -> JudgeModel:
    from fidelity.data import resource

    with resource("judge/judge.npz").open("rb") as handle:
        return load_model(_as_path(handle))


def _as_path(handle: IO[bytes]) -> Path:
    name = getattr(handle, "name", None)
    if name and Path(name).exists():
        return Path(name)
    import tempfile

    tmp = Path(tempfile.mkstemp(suffix=".npz")[1])
    tmp.write_bytes(handle.read())
    return tmp


@dataclass(frozen=True)
class JudgePair:
    """One bead to judge: the two sides' text and languages, and optionally the detectors'
    findings on it as (detector name, severity) pairs."""

    src: str
    tgt: str
    src_lang: str
    tgt_lang: str
    evidence: tuple[tuple[str, str], ...] | None = None


class Encoder(Protocol):
    """What the judge needs of an encoder (``fidelity.models.encoders``): L2-normalised vectors."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


def judge_pairs(pairs: Sequence[JudgePair], *, model: JudgeModel | None = None, encoder: Encoder | None = None,
                aligner: Aligner | None = None, batch: int = 256) -> list[Judgement]:
    """P(deviation) and P(critical) for each pair, embedding both sides in batches with the model's
    encoder (``encoder`` overrides; it must be the one the model was trained on) and, for a model
    with alignment features, aligning their tokens (``aligner`` overrides: e.g. one that reads a
    disk cache). A model trained with evidence reads a pair without ``evidence`` as "no detector ran"."""
    model = model or load_model()
    if encoder is None:
        from fidelity.models.encoders import load_encoder

        encoder = load_encoder(model.encoder)
    if model.alignment and aligner is None:
        aligner = token_aligner()
    out: list[Judgement] = []
    for start in range(0, len(pairs), batch):
        part = pairs[start:start + batch]
        u = encoder.encode([p.src for p in part])
        v = encoder.encode([p.tgt for p in part])
        aligned: list[PairAlignment | None] = [None] * len(part)
        if model.alignment and aligner is not None:
            aligned = list(aligner([(p.src, p.tgt) for p in part]))
        rows = [pair_features(p.src, p.tgt, p.src_lang, p.tgt_lang, u[i], v[i],
                              p.evidence if model.evidence else None, vectors=model.vectors,
                              alignment=a.features if a is not None else None)
                for i, (p, a) in enumerate(zip(part, aligned))]
        for p_dev, p_crit in model.predict(np.stack(rows)):
            out.append(Judgement(float(p_dev), float(p_crit)))
    return out


def token_aligner(encoder: Any = None, threads: int | None = None) -> Aligner:
    """``align_pairs`` over USE's token vectors (the weights of ``encoder``, a USE encoder; default:
    the model store's)."""
    from fidelity.models.use_tokens import load_token_vectors

    tokens = load_token_vectors(encoder, threads)
    return lambda pairs: align_pairs(pairs, tokens)


def evidence_of(findings: Iterable[Finding]) -> tuple[tuple[str, str], ...]:
    """A bead's findings (``fidelity.types.Finding``) as the judge's evidence."""
    return tuple((f.detector, str(getattr(f.severity, "value", f.severity))) for f in findings)
