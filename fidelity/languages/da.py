"""Danish: only its insult list (tone) so far."""

from __future__ import annotations

from .base import Language

LANGUAGE = Language(
    code="da",
    name="Danish",
    profanity_list="danish",
)
