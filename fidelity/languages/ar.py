"""Arabic: only its insult list (tone) so far."""

from __future__ import annotations

from .base import Language

LANGUAGE = Language(
    code="ar",
    name="Arabic",
    profanity_list="arabic",
)
