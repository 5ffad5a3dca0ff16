"""One config object for a check: detector selection and each detector's config, threshold
overrides, the aligner's options. Built in Python or read from TOML (``--config FILE.toml``,
any subset); an unknown key is an error that names it.

TOML layout::

    detectors = ["negation", "numbers"]     # default: every registered detector
    parallel_word_overlap = 0.5

    [thresholds]                            # override the encoder's own
    equivalent = 0.82

    glossary = ["house.csv"]                # glossary files, relative to this file (fidelity.text.glossary)

    [align]                                 # fidelity.checking.align.AlignOptions
    window = 5

    [wording]                               # one table per detector, by its name
    synonym = 0.3
"""

from __future__ import annotations

import tomllib
import types
import typing
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from fidelity.checking.align import AlignOptions
from fidelity.checking.detectors.registry import REGISTRY, plain, resolve
from fidelity.errors import FidelityError
from fidelity.models.encoder_types import Thresholds


class ConfigError(FidelityError):
    pass


@dataclass(frozen=True)
class ThresholdOverrides:
    """Cosine cut-offs that replace the encoder's own (None: keep the encoder's)."""

    equivalent: float | None = None
    related: float | None = None
    align_min: float | None = None
    counterpart: float | None = None

    def apply(self, thresholds: Thresholds) -> Thresholds:
        return replace(thresholds, **{f.name: getattr(self, f.name) for f in fields(self)
                                      if getattr(self, f.name) is not None})

    def any(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))


@dataclass(frozen=True)
class CheckConfig:
    detectors: tuple[str, ...] | None = None  # which detectors run (None: all), in reporting order
    thresholds: ThresholdOverrides = ThresholdOverrides()
    align: AlignOptions = AlignOptions()
    # Share of words two same-language sentences must share (difflib ratio) to be compared word
    # by word rather than clause by clause.
    parallel_word_overlap: float = 0.5
    detector: Mapping[str, Any] = field(default_factory=dict)  # detector name -> its config
    # Glossary files the terminology detector follows (CSV, TSV, TOML or TBX; fidelity.text.glossary).
    glossary: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "glossary", tuple(Path(p) for p in self.glossary))  # str or Path
        if self.detectors is not None:
            resolve(self.detectors)  # unknown names fail here, not half-way through a check
        for name, config in self.detector.items():
            registration = resolve([name])[0]
            if not isinstance(config, registration.config):
                raise ConfigError(f"detector {name!r} takes a {registration.config.__name__}, "
                                  f"not a {type(config).__name__}")

    def detector_config(self, name: str) -> Any:
        """The config detector ``name`` runs with: the one given, else its defaults."""
        return self.detector.get(name) or REGISTRY[name].config()

    def with_detector(self, name: str, **changes: Any) -> CheckConfig:
        """This config with some of one detector's settings changed."""
        return replace(self, detector={**self.detector, name: replace(self.detector_config(name), **changes)})

    def to_dict(self) -> dict[str, Any]:
        """Every setting, defaults included (what ``fidelity detectors`` and the TOML show)."""
        out = {"detectors": list(self.detectors) if self.detectors is not None else list(REGISTRY),
               "parallel_word_overlap": self.parallel_word_overlap,
               "thresholds": plain(self.thresholds), "align": plain(self.align)}
        if self.glossary:  # listed only when set
            out["glossary"] = [str(p) for p in self.glossary]
        out.update({name: plain(self.detector_config(name)) for name in REGISTRY})
        return out

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "config") -> CheckConfig:
        data = dict(data)
        known = {"detectors", "parallel_word_overlap", "thresholds", "align", "glossary", *REGISTRY}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown setting {unknown[0]!r} in {source} (known: {', '.join(sorted(known))})")
        detectors = data.pop("detectors", None)
        if detectors is not None:
            if isinstance(detectors, str):
                detectors = [d.strip() for d in detectors.split(",") if d.strip()]
            detectors = tuple(_convert(detectors, list[str], "detectors", source))
        glossary = data.pop("glossary", [])
        glossary = tuple(Path(p) for p in _convert([glossary] if isinstance(glossary, str) else glossary,
                                                   list[str], "glossary", source))
        top: CheckConfig = _build(cls, {k: data.pop(k) for k in ("parallel_word_overlap",) if k in data}, "", source,
                     skip={"detectors", "thresholds", "align", "detector", "glossary"})
        thresholds = _build(ThresholdOverrides, data.pop("thresholds", {}), "thresholds.", source)
        align = _build(AlignOptions, data.pop("align", {}), "align.", source)
        per_detector = {name: _build(REGISTRY[name].config, table, f"{name}.", source)
                        for name, table in data.items()}
        try:
            return replace(top, detectors=detectors, thresholds=thresholds, align=align, detector=per_detector,
                           glossary=glossary)
        except FidelityError as exc:
            raise ConfigError(f"{source}: {exc}") from None

    @classmethod
    def from_toml(cls, path: str | Path) -> CheckConfig:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from None
        config = cls.from_mapping(data, str(path))
        # A glossary named in the file is found next to it.
        return replace(config, glossary=tuple(path.parent / p for p in config.glossary))


def _build(cls: type, table: Any, where: str, source: str, skip: Collection[str] = frozenset()) -> Any:
    """An instance of dataclass ``cls`` from a TOML table: its defaults, with the table's keys."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{source}: '{where.rstrip('.')}' must be a table of settings")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in fields(cls) if f.name not in skip]
    values = {}
    by_name = {f.name: f for f in fields(cls)}
    for key, value in table.items():
        if key not in names:
            raise ConfigError(f"unknown setting '{where}{key}' in {source} "
                              f"(known: {', '.join(where + n for n in names)})")
        values[key] = _convert(value, hints[key], where + key, source)
        _check_range(values[key], by_name[key].metadata.get("range"), where + key, source)
    return cls(**values)


def _check_range(value: Any, given: tuple[float | None, float | None] | None, key: str, source: str) -> None:
    """A setting out of its range is a one-line error. A field may say its range in its metadata
    (``field(metadata={"range": (lo, hi)})``); otherwise a number is a share, a cosine, a position
    between two thresholds or a confidence (0 to 1), and a count is at least 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    low, high = given if given is not None else ((0.0, 1.0) if isinstance(value, float) else (0, None))
    if value != value or (low is not None and value < low) or (high is not None and value > high):
        span = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ConfigError(f"{source}: '{key}' must be {span}, not {value!r}")


def _convert(value: Any, hint: Any, key: str, source: str) -> Any:
    """``value`` (from TOML) as type ``hint``; a one-line error when it does not fit."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _convert(value, options[0], key, source)
    if origin in (list, tuple, frozenset, set) and isinstance(value, list):
        item = args[0] if args else Any
        converted = [_convert(v, item, key, source) for v in value]
        return {list: list, tuple: tuple, frozenset: frozenset, set: frozenset}[origin](converted)
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError:
            choices = ", ".join(str(m.value) for m in hint)
            raise ConfigError(f"{source}: '{key}' must be one of {choices}, not {value!r}") from None
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hint is Any or (isinstance(hint, type) and isinstance(value, hint)
                       and not (hint is int and isinstance(value, bool))):
        return value
    if isinstance(hint, type) and is_dataclass(hint):  # a hint is a class, never an instance
        return _build(hint, value, key + ".", source)
    wanted = getattr(hint, "__name__", str(hint))
    raise ConfigError(f"{source}: '{key}' must be {wanted}, not {value!r}")
