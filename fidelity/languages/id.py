"""Indonesian: only the header of a page's source list so far."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="id",
    name="Indonesian",
    source_words=("sumber",),
)
