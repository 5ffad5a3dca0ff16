"""What every encoder is and carries: the ``Encoder`` interface and its ``Thresholds``.

Apart from the encoders themselves (``encoders.py``), so that what only needs the types
(calibration, the aligner, the detectors) does not load the encoders' module: calibration is
used by the encoders, and must not import them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Thresholds:
    """Cosine cut-offs for one encoder, fixed so output is reproducible."""

    equivalent: float  # at or above: same meaning
    related: float  # at or above: a counterpart whose meaning changed; below: unrelated
    align_min: float  # a bead scoring below this is not kept as a match
    counterpart: float  # two clauses at or above this say roughly the same thing (cue detectors compare them)

    def faithful_floor(self, position: float | None = None) -> float:
        """The cosine at ``position`` between ``related`` (0) and ``equivalent`` (1); by default
        :data:`FAITHFUL_FLOOR`, how far down faithful independent translations reach."""
        position = FAITHFUL_FLOOR if position is None else position
        return self.related + position * (self.equivalent - self.related)


# Faithful independent translations reach down to 0.70 on USE (related 0.45, equivalent 0.80):
# one in ten WMT21 ru-en sentence pairs (translator A vs B) scores below 0.77, and English
# against the Russian source has a median of 0.77 (scripts/eval_faithful.py). Below it a
# rewording is a change of meaning; above it, at most "may have changed".
FAITHFUL_FLOOR = (0.70 - 0.45) / (0.80 - 0.45)


class Encoder(Protocol):
    name: str
    languages: frozenset[str]
    thresholds: Thresholds

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return L2-normalised float32 embeddings, one row per text."""
        ...

    def settings(self) -> dict[str, Any]:
        """What a report records about this encoder (name, backend, thresholds...)."""
        ...


class SpanEncoder(Protocol):
    """Vectors of runs of one document's sentences joined by a space (the aligner's merged beads)."""

    def text(self, start: int, end: int) -> str:
        """Sentences ``start``..``end - 1`` joined by a space: the text a span's vector stands for."""
        ...

    def encode(self, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """Per (start, end), the L2-normalised float32 vector of ``text(start, end)``."""
        ...


class JoinedTexts:
    """The plain span encoder: each span's joined text through ``encoder.encode``."""

    def __init__(self, encoder: Encoder, sentences: Sequence[str]) -> None:
        self.encoder = encoder
        self.sentences = list(sentences)

    def text(self, start: int, end: int) -> str:
        return " ".join(self.sentences[start:end])

    def encode(self, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        return self.encoder.encode([self.text(a, b) for a, b in spans])


def span_encoder(encoder: Encoder, sentences: Sequence[str]) -> SpanEncoder:
    """The span encoder of ``sentences``: the encoder's own where it has one (an optional method
    ``span_encoder(sentences)``, which may return None: USE builds a joined span's vector from its
    sentences' token features, ``fidelity/models/use_spans.py``), else :class:`JoinedTexts`."""
    own: Any = getattr(encoder, "span_encoder", None)
    made: SpanEncoder | None = own(sentences) if own is not None else None
    return made if made is not None else JoinedTexts(encoder, sentences)
