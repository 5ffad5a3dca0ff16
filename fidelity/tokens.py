"""Word tokens with exact offsets, and the light normalisation the detectors share."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words (with inner apostrophes or hyphens) and numbers (with inner separators).
_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*(?:st|nd|rd|th)?|\w+(?:['’\-]\w+)*", re.UNICODE)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def norm(self) -> str:
        return normalise_word(self.text)


def normalise_word(word: str) -> str:
    return word.lower().replace("’", "'").replace("ё", "е")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text``."""
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text, start, end)]


def stem(word: str) -> str:
    """A crude language-agnostic stem: enough to match 'Russia'/'Russian', 'reported'/'reports'."""
    word = normalise_word(word)
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 4:
        return word
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ns", "n", "s", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word
