"""Cue matching for the rule-based detectors.

The cue lists themselves (negation words, hedges, reporting verbs, loaded words...) live in
each language's module in :mod:`fidelity.languages`; a detector names the ``Language`` field it
reads, and a language whose field is empty is not covered by that detector.
"""

from __future__ import annotations

import re
from functools import cache

from fidelity.languages import language as language_of


@cache
def compile_cues(patterns: tuple[str, ...], bounded: bool = True) -> re.Pattern[str]:
    """One regex matching any cue as a whole word (or phrase), case-insensitive; ``bounded=False``
    for scripts without spaces (Chinese, Japanese), where a cue is matched inside words."""
    alternatives = "|".join(sorted(patterns, key=len, reverse=True))
    if not bounded:
        return re.compile(f"(?:{alternatives})", re.IGNORECASE | re.UNICODE)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE | re.UNICODE)


def bounded(language: str) -> bool:
    """Are words in ``language`` separated by spaces (so cues match at word boundaries)?"""
    return not language_of(language).unspaced


def find_cues(table: str, language: str, text: str, start: int = 0, end: int | None = None
              ) -> list[re.Match[str]]:
    """Matches of one of ``language``'s cue lists (a ``Language`` field: "negation", "attribution")."""
    patterns = getattr(language_of(language), table)
    if not patterns:
        return []
    return list(compile_cues(tuple(patterns), bounded(language)).finditer(text, start, len(text) if end is None else end))


def cue_covered(table: str | None, language: str) -> bool:
    """Does ``language`` have the cue list ``table`` (the ``Language`` field a cue detector reads,
    its ``Traits.cue_table``)? A detector has nothing to say about a language its list lacks (no
    list is "unknown", never "no cue"). ``None``: the detector manages its own coverage (tone)."""
    return table is None or language_of(language).covers(table)
