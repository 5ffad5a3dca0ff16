"""Persian: only its insult list (tone) so far."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="fa",
    name="Persian",
    profanity_list="persian",
)
