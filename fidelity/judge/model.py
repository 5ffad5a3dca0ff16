"""The learned judge: a small MLP over the features of ``fidelity.judge.features`` giving, per
sentence pair, P(meaning deviates) and P(critical). Weights ship as numpy arrays
(``fidelity/data/judge/judge.npz``, trained by ``scripts/train_judge.py``; ``MODEL_CARD.md`` beside
it); the forward pass is numpy, so judging needs no torch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from fidelity.judge.features import pair_features

SENSITIVITIES = ("high", "balanced", "precise")


@dataclass(frozen=True)
class Judgement:
    p_deviation: float  # the probability that the pair's meaning deviates
    p_critical: float  # the probability that it deviates critically


@dataclass(frozen=True)
class Thresholds:
    deviation: float  # p_deviation at or above: a deviation (major)
    critical: float  # p_critical at or above: critical


@dataclass(frozen=True)
class JudgeModel:
    """An MLP: standardise, then hidden layers with ReLU, then two sigmoid outputs."""

    name: str
    version: str
    encoder: str  # the encoder whose vectors the features hold (fidelity.models.encoders.load_encoder name)
    vectors: bool  # whether the features hold the vectors themselves (else only their cosine)
    evidence: bool  # whether the model was trained with the detectors' evidence
    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # (W, b) per layer; W is (inputs, outputs)
    thresholds: dict[str, Thresholds]  # per sensitivity

    def predict(self, features: np.ndarray) -> np.ndarray:
        """(n, 2) probabilities: deviation, critical."""
        x = (np.asarray(features, dtype=np.float32) - self.mean) / self.scale
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i < len(self.layers) - 1:
                x = np.maximum(x, 0.0)
        return 1.0 / (1.0 + np.exp(-x))

    def threshold(self, sensitivity: str = "balanced") -> Thresholds:
        if sensitivity not in self.thresholds:
            raise ValueError(f"unknown sensitivity {sensitivity!r}; choose from {', '.join(SENSITIVITIES)}")
        return self.thresholds[sensitivity]

    def save(self, path: Path, meta: dict | None = None) -> None:
        arrays = {"mean": self.mean, "scale": self.scale}
        for i, (w, b) in enumerate(self.layers):
            arrays[f"w{i}"], arrays[f"b{i}"] = w.astype(np.float32), b.astype(np.float32)
        header = {"name": self.name, "version": self.version, "encoder": self.encoder, "vectors": self.vectors,
                  "evidence": self.evidence, "layers": len(self.layers),
                  "thresholds": {k: vars(t) for k, t in self.thresholds.items()}, **(meta or {})}
        np.savez_compressed(path, header=np.array(json.dumps(header)), **arrays)


def load_model(path: Path | str | None = None) -> JudgeModel:
    """The judge's weights from ``path`` (default: the shipped ``fidelity/data/judge/judge.npz``)."""
    if path is None:
        return _shipped()
    with np.load(Path(path)) as held:
        header = json.loads(str(held["header"]))
        layers = tuple((held[f"w{i}"], held[f"b{i}"]) for i in range(header["layers"]))
        return JudgeModel(name=header["name"], version=header["version"], encoder=header["encoder"],
                          vectors=header["vectors"], evidence=header["evidence"],
                          mean=held["mean"], scale=held["scale"], layers=layers,
                          thresholds={k: Thresholds(**t) for k, t in header["thresholds"].items()})


@lru_cache(maxsize=1)
def _shipped() -> JudgeModel:
    from fidelity.data import resource

    with resource("judge/judge.npz").open("rb") as handle:
        return load_model(_as_path(handle))


def _as_path(handle) -> Path:
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


def judge_pairs(pairs: Sequence[JudgePair], *, model: JudgeModel | None = None, encoder=None,
                batch: int = 256) -> list[Judgement]:
    """P(deviation) and P(critical) for each pair, embedding both sides in batches with the model's
    encoder (``encoder`` overrides; it must be the one the model was trained on). A model trained
    with evidence reads a pair without ``evidence`` as "no detector ran"."""
    model = model or load_model()
    if encoder is None:
        from fidelity.models.encoders import load_encoder

        encoder = load_encoder(model.encoder)
    out: list[Judgement] = []
    for start in range(0, len(pairs), batch):
        part = pairs[start:start + batch]
        u = encoder.encode([p.src for p in part])
        v = encoder.encode([p.tgt for p in part])
        rows = [pair_features(p.src, p.tgt, p.src_lang, p.tgt_lang, u[i], v[i],
                              p.evidence if model.evidence else None, vectors=model.vectors)
                for i, p in enumerate(part)]
        for p_dev, p_crit in model.predict(np.stack(rows)):
            out.append(Judgement(float(p_dev), float(p_crit)))
    return out


def evidence_of(findings: Iterable) -> tuple[tuple[str, str], ...]:
    """A bead's findings (``fidelity.types.Finding``) as the judge's evidence."""
    return tuple((f.detector, str(getattr(f.severity, "value", f.severity))) for f in findings)
