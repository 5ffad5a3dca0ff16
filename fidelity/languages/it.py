"""Italian: only its insult list (tone) so far."""

from __future__ import annotations

from .base import Language

LANGUAGE = Language(
    code="it",
    name="Italian",
    profanity_list="italian",
)
