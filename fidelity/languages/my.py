"""Burmese: only its script (written without spaces) so far."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="my",
    name="Burmese",
    unspaced=True,
    unspaced_letters="\u1000-\u109f",
)
