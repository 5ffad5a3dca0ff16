"""Persian: only its insult list (tone) so far."""

from __future__ import annotations

from .base import Language

LANGUAGE = Language(
    code="fa",
    name="Persian",
    profanity_list="persian",
)
