"""The detector registry: each detector registers under its name with a frozen config class and
its traits (spaCy-style: a component is a name, a default config and a factory).

The pipeline never names a detector: what it needs to know (is this a cue detector? does it
judge whole sentences?) it reads from the traits, and what a detector was run with it reads
from ``settings()``, which is generated from the config, so a report records every cut-off.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from typing import Any, Callable

from ..errors import FidelityError


class Level(str, Enum):
    """What a detector's findings cover."""

    VERDICT = "verdict"  # a bead's sentence-level verdict; dropped where span findings explain it
    SENTENCE = "sentence"  # whole sentences judged by a model (NLI): no span evidence
    SPAN = "span"  # words, clauses, cues inside aligned sentences


class Scope(str, Enum):
    """Which beads a detector can read."""

    SAME_LANGUAGE = "same-language"  # word-diff detectors: both sides in one language
    CROSS_LINGUAL = "cross-lingual"  # same-language and cross-lingual beads alike


@dataclass(frozen=True)
class Traits:
    level: Level = Level.SPAN
    # Relies on per-language cue lists (negation, hedges, reporting verbs, loaded words): lists
    # cover languages unevenly, so across languages its finding on an equivalent bead is a hint.
    cue: bool = False
    scope: Scope = Scope.CROSS_LINGUAL
    # A cue detector that grades its own findings across languages (negation: major on an
    # equivalent bead, critical below it), so the pipeline does not turn them into hints.
    grades_cross_lingual: bool = False
    needs: str | None = None  # a model the detector needs besides the encoder ("nli"); runs only with it

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level.value, "cue": self.cue, "scope": self.scope.value,
                "grades_cross_lingual": self.grades_cross_lingual, "needs": self.needs}


@dataclass(frozen=True)
class Resources:
    """Models a detector may need besides the encoder (which every detector gets from the pair)."""

    nli: Any = None  # an NLI judge (fidelity.nli.NliJudge)


@dataclass(frozen=True)
class Registration:
    name: str
    cls: type
    config: type  # a frozen dataclass; its defaults are the detector's defaults
    traits: Traits
    factory: Callable[[Any, Resources], Any]

    @property
    def summary(self) -> str:
        return (self.cls.__doc__ or "").strip().splitlines()[0] if self.cls.__doc__ else ""

    def available(self, resources: Resources) -> bool:
        return self.traits.needs is None or getattr(resources, self.traits.needs) is not None

    def create(self, config: Any = None, resources: Resources = Resources()) -> Any:
        return self.factory(self.config() if config is None else config, resources)


REGISTRY: dict[str, Registration] = {}  # in registration (= reporting) order


def register(name: str, *, config: type, traits: Traits = Traits(),
             factory: Callable[[Any, Resources], Any] | None = None) -> Callable[[type], type]:
    """Class decorator: ``@register("negation", config=NegationConfig, traits=Traits(cue=True))``."""

    def decorate(cls: type) -> type:
        if name in REGISTRY:
            raise ValueError(f"detector {name!r} is registered twice")
        cls.name = name
        cls.traits = traits
        REGISTRY[name] = Registration(name, cls, config, traits, factory or (lambda c, _resources: cls(c)))
        return cls

    return decorate


class UnknownDetectorError(FidelityError):
    pass


def resolve(names: list[str] | tuple[str, ...] | None) -> list[Registration]:
    """The registrations for ``names`` (all when None), in reporting order; unknown names are an error."""
    if names is None:
        return list(REGISTRY.values())
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise UnknownDetectorError(
            f"unknown detector {', '.join(repr(n) for n in unknown)}; known: {', '.join(REGISTRY)}")
    return [r for r in REGISTRY.values() if r.name in set(names)]


def plain(value: Any) -> Any:
    """A config value as JSON/TOML-friendly data (enums by value, sets sorted, dataclasses as dicts)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


class Configured:
    """Base of every detector: it holds its config and reports it."""

    name: str
    traits: Traits

    def __init__(self, config: Any = None) -> None:
        self.config = REGISTRY[self.name].config() if config is None else config

    def settings(self) -> dict[str, Any]:
        return plain(self.config)
