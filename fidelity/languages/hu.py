"""Hungarian: only its insult list (tone) so far."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="hu",
    name="Hungarian",
    profanity_list="hungarian",
)
