"""Korean: only its insult list (tone) so far."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="ko",
    name="Korean",
    profanity_list="korean",
)
