"""Norwegian Bokmål: only its insult list (tone) so far."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="nb",
    name="Norwegian Bokmål",
    profanity_list="norwegian",
)
