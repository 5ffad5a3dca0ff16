"""Word tokens with exact offsets, and the light normalisation the detectors share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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


def script_of(text: str) -> str:
    """The script most of the letters are in ("LATIN", "CYRILLIC", "CJK"...)."""
    import unicodedata

    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            key = name.split(" ")[0] if name else "OTHER"
            counts[key] = counts.get(key, 0) + 1
    return max(counts, key=counts.get) if counts else "NONE"


@lru_cache(maxsize=None)
def _stemmer(language: str):
    import snowballstemmer

    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem (Russian for Cyrillic words, English otherwise): 'reported' ~ 'reports',
    'Японии' ~ 'Япония'. Lower-cased, possessive dropped."""
    word = normalise_word(word)
    if word.endswith("'s"):
        word = word[:-2]
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in word)
    return _stemmer("russian" if cyrillic else "english").stemWord(word)
