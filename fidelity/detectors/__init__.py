"""Deviation detectors, one module per kind of deviation."""

from __future__ import annotations

from ..encoders import Encoder
from .attribution import AttributionDetector
from .base import AlignedPair, Detector, judge, sentence_span, short
from .certainty import CertaintyShiftDetector
from .clauses import ClauseDetector
from .entities import EntityDetector
from .loaded import LoadedLanguageDetector
from .negation import NegationDetector
from .numbers import NumberDetector
from .quotes import QuoteDetector
from .sentence import SentenceDeviationDetector
from .wording import WordingDetector


def default_detectors(encoder: Encoder) -> list[Detector]:
    """The detectors a check runs, in reporting order."""
    detectors: list[Detector] = [
        SentenceDeviationDetector(encoder.thresholds),
        ClauseDetector(encoder),
        WordingDetector(),
        NegationDetector(),
        CertaintyShiftDetector(),
        NumberDetector(),
        EntityDetector(),
        AttributionDetector(),
        LoadedLanguageDetector(),
    ]
    return detectors[:1] + [QuoteDetector(encoder)] + detectors[1:]


__all__ = ["AlignedPair", "Detector", "default_detectors", "judge", "sentence_span", "short"]
