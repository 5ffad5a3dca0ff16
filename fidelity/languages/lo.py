"""Lao: only its script (written without spaces) so far."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="lo",
    name="Lao",
    unspaced=True,
    unspaced_letters="\u0e80-\u0eff",
)
