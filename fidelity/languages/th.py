"""Thai: only its insult list (tone) so far."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="th",
    name="Thai",
    unspaced=True,
    unspaced_letters="\u0e00-\u0e7f",
    profanity_list="thai",
)
