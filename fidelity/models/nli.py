"""Optional natural-language-inference judge: a transformers sequence-classification model
(e.g. ``mdeberta-xnli``) that says whether a premise entails, is neutral to, or contradicts a
hypothesis. ``detectors/nli.py`` runs it both ways over aligned sentence pairs.

The model is found like every other model (``models.resolve``: a local directory, a manifest
name, a cached hub id; nothing is downloaded when offline) and run deterministically: eval
mode, no dropout, float32, ``torch.inference_mode``. Its label names come from
``config.id2label`` (names containing ``entail``, ``neutral`` and ``contradict``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fidelity.errors import ModelUnavailableError
from fidelity.models.device import resolve_device
from fidelity.models.manifest import first_line, quiet_loading, resolve
from fidelity.models.store import STORE
from fidelity.models.translate import DEFAULT_BATCH_SIZE, _batches

MAX_LENGTH = 512  # tokens per premise + hypothesis pair (longer pairs are truncated)


@dataclass(frozen=True)
class NliResult:
    """Probabilities (summing to 1) that the premise entails / is neutral to / contradicts the hypothesis."""

    entailment: float
    neutral: float
    contradiction: float

    @property
    def label(self) -> str:
        scores = {"entailment": self.entailment, "neutral": self.neutral, "contradiction": self.contradiction}
        return max(scores, key=scores.__getitem__)


def label_indices(id2label: dict[Any, str]) -> dict[str, list[int]]:
    """Class indices for 'entailment', 'neutral' and 'contradiction' from a config's ``id2label``.

    Case-insensitive substring match (``ENTAILMENT``, ``contradiction``, ``neutral``); a label
    such as ``not_entailment`` counts as neutral. Needs at least an entailment label, and a
    contradiction or neutral one; raises ``ModelUnavailableError`` otherwise (``LABEL_0``...).
    """
    groups: dict[str, list[int]] = {"entailment": [], "neutral": [], "contradiction": []}
    for key, name in (id2label or {}).items():
        low = str(name).lower()
        if "contradict" in low:
            groups["contradiction"].append(int(key))
        elif "entail" in low and not any(neg in low for neg in ("not", "non")):
            groups["entailment"].append(int(key))
        elif "neutral" in low or "entail" in low:
            groups["neutral"].append(int(key))
    if not groups["entailment"] or not (groups["contradiction"] or groups["neutral"]):
        names = ", ".join(str(v) for _, v in sorted((id2label or {}).items(), key=lambda kv: int(kv[0])))
        raise ModelUnavailableError(
            f"not an NLI model: its labels ({names or 'none'}) name no entailment/neutral/contradiction classes"
        )
    return groups


class NliJudge:
    """A transformers ``AutoModelForSequenceClassification`` NLI model."""

    def __init__(
        self,
        model: str | Path,
        device: str = "auto",
        batch_size: int = DEFAULT_BATCH_SIZE,
        offline: bool | None = None,
    ) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        if batch_size < 1:
            raise ModelUnavailableError("NLI batch size must be at least 1")
        self.spec = str(model)
        resolved = resolve(self.spec, role="nli", offline=offline)
        self.model_dir, self.revision = resolved.files("an NLI model"), resolved.revision
        self.name = resolved.entry.name if resolved.entry else (
            self.model_dir.name if resolved.source == "local" else self.spec)
        self.device = resolve_device(device)
        self.batch_size = batch_size
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
            with quiet_loading():
                self.model = AutoModelForSequenceClassification.from_pretrained(
                    self.model_dir, local_files_only=True, dtype=torch.float32)
        except (OSError, ValueError, KeyError) as error:
            raise ModelUnavailableError(f"cannot load NLI model from {self.model_dir}: {first_line(error)}") from None
        self.labels = label_indices(dict(self.model.config.id2label or {}))
        self.model.to(self.device).eval()
        limits = [MAX_LENGTH, getattr(self.tokenizer, "model_max_length", None) or MAX_LENGTH]
        positions = getattr(self.model.config, "max_position_embeddings", None)
        if positions and positions > 0:
            limits.append(positions)
        self.max_length = int(min(limits))
        self._lock = threading.Lock()

    def settings(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "backend": "transformers",
            "model": self.spec,
            "revision": self.revision,
            "architecture": getattr(self.model.config, "model_type", None),
            "labels": {k: v for k, v in self.labels.items() if v},
            "device": self.device,
            "dtype": "float32",
            "batch_size": self.batch_size,
            "max_length": self.max_length,
        }

    def judge(self, pairs: list[tuple[str, str]]) -> list[NliResult]:
        """Premise → hypothesis probabilities for each pair, in order (batched, deterministic)."""
        import torch

        if not pairs:
            return []
        premises = [" ".join(p.split()) for p, _ in pairs]
        hypotheses = [" ".join(h.split()) for _, h in pairs]
        lengths = [p + h for p, h in zip(premises, hypotheses)]
        out: list[NliResult | None] = [None] * len(pairs)
        with self._lock, torch.inference_mode():
            for batch in _batches(lengths, self.batch_size):
                inputs = self.tokenizer([premises[k] for k in batch], [hypotheses[k] for k in batch],
                                        return_tensors="pt", padding=True, truncation=True,
                                        max_length=self.max_length)
                inputs = {k: v.to(self.device) for k, v in inputs.items()}
                probs = torch.softmax(self.model(**inputs).logits.float(), dim=-1).cpu()
                for row, k in zip(probs, batch):
                    sums = {name: float(row[idx].sum()) if idx else 0.0 for name, idx in self.labels.items()}
                    # Probability mass of any other label counts as neutral.
                    neutral = max(0.0, 1.0 - sums["entailment"] - sums["contradiction"])
                    out[k] = NliResult(sums["entailment"], neutral, sums["contradiction"])
        return [r for r in out if r is not None]


def load_nli(spec: str | Path | None, device: str = "auto", offline: bool | None = None) -> NliJudge | None:
    """The NLI judge for ``spec`` (a directory, a manifest name such as ``mdeberta-xnli``, a cached
    hub id), or None for ``None``/``"none"``. Loaded once per (model, device) in
    ``fidelity.models.store``."""
    if spec is None or str(spec).strip().lower() in ("", "none"):
        return None
    path = Path(spec).expanduser()
    device = resolve_device(device)
    return STORE.get("nli", (str(path.resolve()) if path.is_dir() else str(spec), device),
                     lambda: NliJudge(spec, device=device, offline=offline))


def nli_signature(settings: dict[str, Any] | None) -> str:
    """The NLI part of a report's signature line, e.g. ``mdeberta-xnli@cpu.float32.b16``."""
    if not settings:
        return "none"
    return f"{settings['name']}@{settings.get('device')}.{settings.get('dtype')}.b{settings.get('batch_size')}"
