"""Hindi: only its insult list (tone) so far."""

from __future__ import annotations

from .base import Language

LANGUAGE = Language(
    code="hi",
    name="Hindi",
    profanity_list="hindi",
)
