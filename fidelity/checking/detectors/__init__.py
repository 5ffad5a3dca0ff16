"""Deviation detectors, one module per kind of deviation, each registered by name (registry.py).

Importing a module registers its detector; ``REPORTING_ORDER`` below is the order they run and
report in (which of two detectors reporting the same change in the same words keeps it), with
any detector registered elsewhere after them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fidelity.checking.detectors import (  # noqa: F401
    attribution,
    certainty,
    clauses,
    entities,
    loaded,
    negation,
    nli,
    numbers,
    quotes,
    sentence,
    terminology,
    tone,
    wording,
)
from fidelity.checking.detectors.attribution import AttributionDetector
from fidelity.checking.detectors.base import AlignedPair, Detector, judge, sentence_span
from fidelity.checking.detectors.certainty import CertaintyShiftDetector
from fidelity.checking.detectors.clauses import ClauseDetector
from fidelity.checking.detectors.entities import EntityDetector
from fidelity.checking.detectors.loaded import LoadedLanguageDetector
from fidelity.checking.detectors.negation import NegationDetector
from fidelity.checking.detectors.nli import NliDetector
from fidelity.checking.detectors.numbers import NumberDetector
from fidelity.checking.detectors.quotes import QuoteDetector
from fidelity.checking.detectors.registry import REGISTRY, Level, Resources, Scope, Traits, put_in_order, resolve
from fidelity.checking.detectors.sentence import SentenceDeviationDetector
from fidelity.checking.detectors.tone import ToneDetector
from fidelity.checking.detectors.wording import WordingDetector
from fidelity.text.tokens import short

REPORTING_ORDER = ("sentence", "quotes", "clauses", "negation", "wording", "certainty", "numbers", "entities",
                   "attribution", "loaded_language", "tone", "terminology", "nli")
put_in_order(REPORTING_ORDER)

if TYPE_CHECKING:
    from fidelity.checking.config import CheckConfig


def build_detectors(config: CheckConfig, resources: Resources = Resources()) -> list[Detector]:
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
