"""Deviation detectors, one module per kind of deviation, each registered by name (registry.py).

Importing a module registers its detector; the import order below is the reporting order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..tokens import short
from . import attribution, certainty, clauses, entities, loaded, negation, nli, numbers, quotes, sentence, tone, wording  # noqa: F401
from .attribution import AttributionDetector
from .base import AlignedPair, Detector, judge, sentence_span
from .certainty import CertaintyShiftDetector
from .clauses import ClauseDetector
from .entities import EntityDetector
from .loaded import LoadedLanguageDetector
from .negation import NegationDetector
from .nli import NliDetector
from .numbers import NumberDetector
from .quotes import QuoteDetector
from .registry import REGISTRY, Level, Resources, Scope, Traits, resolve
from .sentence import SentenceDeviationDetector
from .tone import ToneDetector
from .wording import WordingDetector

if TYPE_CHECKING:
    from ..config import CheckConfig


def build_detectors(config: CheckConfig, resources: Resources = Resources()) -> list[Any]:
    """The detectors a check runs: those the config selects whose models are available, in
    reporting order, each with its config."""
    return [r.create(config.detector_config(r.name), resources)
            for r in resolve(config.detectors) if r.available(resources)]


__all__ = [
    "AlignedPair", "AttributionDetector", "CertaintyShiftDetector", "ClauseDetector", "Detector", "EntityDetector",
    "Level", "LoadedLanguageDetector", "NegationDetector", "NliDetector", "NumberDetector", "QuoteDetector",
    "REGISTRY", "Resources", "Scope", "SentenceDeviationDetector", "ToneDetector", "Traits", "WordingDetector", "build_detectors",
    "judge", "resolve", "sentence_span", "short",
]
