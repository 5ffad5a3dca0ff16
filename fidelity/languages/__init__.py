"""One module per language, each defining one :class:`Language` (``LANGUAGE``), and the lookup.

``language("en-US")`` is English; a code no module covers ("und", "xx") is an empty
``Language``: every table empty, so every cue detector counts it as not covered. A language
living elsewhere (a plug-in, a test's toy language) joins with :func:`register`.
"""

from __future__ import annotations

from importlib import import_module

from fidelity.languages.base import TABLE_FIELDS, Language
from fidelity.text.lang import base_language

__all__ = ["Language", "TABLE_FIELDS", "language", "register", "letter_folds", "register_module", "registered",
           "stemmer_for_script"]

# Built-in modules, in the order their number and date words join the shared readers.
BUILTIN = ("en", "ru", "de", "fr", "es", "uk", "pl", "cs", "zh", "ja", "id", "ar", "da", "nl", "eo", "fi", "hi",
           "hu", "it", "ko", "no", "nb", "fa", "pt", "tr", "sv", "th", "lo", "my")

_REGISTRY: dict[str, Language] = {}
_EMPTY: dict[str, Language] = {}
_FOLDS: list[tuple[str, str]] = []  # every language's letter folds


def register(lang: Language) -> Language:
    """Add (or replace) a language under its base code; returns it."""
    code = base_language(lang.code)
    if code != lang.code:
        raise ValueError(f"a language's code is a base code ('{code}'), not '{lang.code}'")
    _REGISTRY[code] = lang
    _EMPTY.pop(code, None)
    _FOLDS[:] = dict.fromkeys((a, b) for known in _REGISTRY.values() for a, b in known.letter_folds.items())
    return lang


def register_module(module: str) -> Language:
    """Register the ``LANGUAGE`` a module defines ("mypackage.languages.xx")."""
    return register(import_module(module).LANGUAGE)


def language(code: str | None) -> Language:
    """The language of a code (regional variants folded: "pt-BR" is "pt"); empty when unknown."""
    base = base_language(code)
    found = _REGISTRY.get(base)
    if found is None:
        found = _EMPTY.setdefault(base, Language(base))
    return found


def registered() -> tuple[Language, ...]:
    """Every registered language, built-ins first in ``BUILTIN`` order, then in registration order."""
    return tuple(_REGISTRY.values())


def letter_folds() -> list[tuple[str, str]]:
    """Every registered language's ``letter_folds`` as (letter, written as) pairs (kept current)."""
    return _FOLDS


def stemmer_for_script(script: str) -> str | None:
    """The Snowball stemmer for words of a script (the language whose ``stems_script`` it is)."""
    return next((lang.stemmer for lang in _REGISTRY.values() if lang.stems_script == script), None)


for _code in BUILTIN:
    register_module(f"{__name__}.{_code}")
