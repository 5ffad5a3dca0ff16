"""The detector registry: each detector registers under its name with a frozen config class and
its traits (spaCy-style: a component is a name, a default config and a factory).

The pipeline never names a detector: what it needs to know (is this a cue detector? does it
judge whole sentences?) it reads from the traits, and what a detector was run with it reads
from ``settings()``, which is generated from the config, so a report records every cut-off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from fidelity.errors import FidelityError
from fidelity.types import Category

if TYPE_CHECKING:
    from fidelity.checking.detectors.base import AlignedPair, BeadView

# A detector class (every registered detector is a ``Configured``).
D = TypeVar("D", bound="Configured")


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
    # The ``Language`` field (fidelity.languages) holding the detector's cue list: a language whose
    # field is empty is not covered, and the detector's findings on it are dropped. None: the
    # detector manages its own coverage (tone reads a package's lists).
    cue_table: str | None = None
    scope: Scope = Scope.CROSS_LINGUAL
    # A cue detector that grades its own findings across languages (negation: major on an
    # equivalent bead, critical below it), so the pipeline does not turn them into hints.
    grades_cross_lingual: bool = False
    needs: str | None = None  # a model the detector needs besides the encoder ("nli"); runs only with it

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level.value, "cue": self.cue, "scope": self.scope.value,
                "grades_cross_lingual": self.grades_cross_lingual, "needs": self.needs}


class Resources:
    """Models detectors may need besides the encoder (which every detector gets from the pair), by
    the name a detector declares (``Traits.needs``): the checker gives a loader for each model its
    run names (``fidelity.checking.checker.MODELS``), and each is loaded on first use, once."""

    def __init__(self, loaders: Mapping[str, Callable[[], Any]] | None = None, **models: Any) -> None:
        self._loaders = dict(loaders or {})
        self._loaded: dict[str, Any] = {name: model for name, model in models.items() if model is not None}

    def provides(self, name: str) -> bool:
        return name in self._loaded or name in self._loaders

    def get(self, name: str) -> Any:
        """The model named ``name``, or None when the run has none."""
        if name not in self._loaded:
            loader = self._loaders.get(name)
            if loader is None:
                return None
            self._loaded[name] = loader()
        return self._loaded[name]


@dataclass(frozen=True)
class Registration:
    name: str
    cls: type
    config: type  # a frozen dataclass; its defaults are the detector's defaults
    traits: Traits
    factory: Callable[[Any, Resources], Any]
    categories: tuple[Category, ...]  # every category its findings may carry

    @property
    def summary(self) -> str:
        return (self.cls.__doc__ or "").strip().splitlines()[0] if self.cls.__doc__ else ""

    def available(self, resources: Resources) -> bool:
        return self.traits.needs is None or resources.provides(self.traits.needs)

    def create(self, config: Any = None, resources: Resources = Resources()) -> Any:
        return self.factory(self.config() if config is None else config, resources)


REGISTRY: dict[str, Registration] = {}  # in reporting order (``put_in_order``), else registration order


def put_in_order(names: tuple[str, ...]) -> None:
    """Reorder ``REGISTRY``: ``names`` first, in that order, then every other detector as registered."""
    ordered = {n: REGISTRY[n] for n in names if n in REGISTRY}
    ordered.update({n: r for n, r in REGISTRY.items() if n not in ordered})
    REGISTRY.clear()
    REGISTRY.update(ordered)


def register(name: str, *, config: type, categories: tuple[Category, ...], traits: Traits = Traits(),
             factory: Callable[[Any, Resources], Any] | None = None) -> Callable[[type[D]], type[D]]:
    """Class decorator: ``@register("negation", config=NegationConfig, categories=(Category.NEGATION,),
    traits=Traits(cue=True))``. ``categories``: every category the detector's findings may carry."""

    def decorate(cls: type[D]) -> type[D]:
        if name in REGISTRY:
            raise ValueError(f"detector {name!r} is registered twice")
        cls.name = name
        cls.traits = traits
        cls.categories = categories
        REGISTRY[name] = Registration(name, cls, config, traits, factory or (lambda c, _resources: cls(c)),
                                      categories)
        return cls

    return decorate


def declared_categories() -> list[Category]:
    """The categories the registered detectors declare, in ``Category`` order."""
    declared = {c for r in REGISTRY.values() for c in r.categories}
    return [c for c in Category if c in declared]


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
    categories: tuple[Category, ...]

    def __init__(self, config: Any = None) -> None:
        self.config = REGISTRY[self.name].config() if config is None else config

    def settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = plain(self.config)  # a dataclass: a dict
        return settings

    def views(self, pair: AlignedPair) -> list[BeadView]:
        """The matched beads this detector reads, in order: only same-language ones when its
        traits' scope says so."""
        return pair.views(self.traits.scope)

    def covered_views(self, pair: AlignedPair) -> list[BeadView]:
        """``views``, less the beads where this cue detector has no table for a side's language:
        an empty table means "unknown", never "no negation" or "no hedge"."""
        from fidelity.text.cues import cue_covered

        table = self.traits.cue_table
        return [v for v in self.views(pair) if table is None
                or (cue_covered(table, v.original.language) and cue_covered(table, v.rewrite.language))]
