"""Swedish: only its insult list (tone) so far."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="sv",
    name="Swedish",
    profanity_list="swedish",
)
