"""Italian: only its insult list (tone) so far."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="it",
    name="Italian",
    profanity_list="italian",
)
