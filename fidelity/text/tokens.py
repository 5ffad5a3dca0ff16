"""Word tokens with exact offsets, and the light normalisation the detectors share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Protocol

from fidelity.languages import language, letter_folds, stemmer_for_script

# Words (with inner apostrophes or hyphens) and numbers (with inner separators).
TOKEN_RE = re.compile(r"\d+(?:[.,:/]\d+)*(?:st|nd|rd|th)?|\w+(?:['’\-]\w+)*", re.UNICODE)  # a word or a number: no groups, so findall gives the tokens


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def norm(self) -> str:
        return normalise_word(self.text)


def normalise_word(word: str) -> str:
    """Lower case, one apostrophe, and each language's letter folds (``Language.letter_folds``)."""
    word = word.lower().replace("’", "'")
    for letter, written in letter_folds():
        word = word.replace(letter, written)
    return word


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]`` with offsets into ``text``."""
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group(0)) for m in TOKEN_RE.finditer(text, start, end)]


def script_of(text: str) -> str:
    """The script most of the letters are in ("LATIN", "CYRILLIC", "CJK"...)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            key = name.split(" ")[0] if name else "OTHER"
            counts[key] = counts.get(key, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "NONE"


class _Stemmer(Protocol):
    """What snowballstemmer's (untyped) stemmers are used for."""

    def stemWord(self, word: str) -> str: ...


@cache
def _stemmer(language: str) -> _Stemmer:
    import snowballstemmer

    stemmer: _Stemmer = snowballstemmer.stemmer(language)
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem by the word's script (a word's language is rarely known word by word): the
    stemmer of the language that stems the script (``Language.stems_script``: Russian's for
    Cyrillic, English's for any other word). 'reported' ~ 'reports', 'Японии' ~ 'Япония'.
    Lower-cased, possessive dropped."""
    word = normalise_word(word)
    if word.endswith("'s"):
        word = word[:-2]
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in word)
    algorithm = stemmer_for_script("CYRILLIC" if cyrillic else "LATIN")
    return _stemmer(algorithm).stemWord(word) if algorithm else word


# ------------------------------------------------------------------ quoted words

# Words with inner apostrophes (no hyphens: "long-standing" is two words), and, for the
# quotation tokens, ellipses and brackets.
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_QUOTE_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|…|\.{3,}|[()\[\]]")

def word_count(text: str) -> int:
    """Words in ``text`` (inner apostrophes kept, hyphens and underscores split)."""
    return len(_WORD_RE.findall(text))


def expand_word(word: str) -> list[str]:
    """:func:`normalise_word` after NFKC, with English contractions spelled out ("won't" -> will not)."""
    w = normalise_word(unicodedata.normalize("NFKC", word))
    english = language("en")
    if w in english.contractions:
        return list(english.contractions[w])
    for suffix, full in english.contraction_endings.items():
        if w.endswith(suffix) and len(w) > len(suffix):
            return [w[: -len(suffix)], full]
    return [w]


@dataclass(frozen=True)
class WordToken:
    """A normalised word (one of :func:`expand_word`'s) and the offsets of the word it came from."""

    norm: str
    start: int
    end: int
    editorial: bool  # inside brackets: an editor's insertion such as "(have been)"


def quoted_words(text: str, parts: Sequence[tuple[int, int]]) -> tuple[list[WordToken], set[int]]:
    """Normalised word tokens of ``text``'s ``parts`` with exact offsets, and the token
    indices an ellipsis precedes."""
    return _quoted_words(text, tuple(tuple(p) for p in parts))


@lru_cache(maxsize=4096)
def _quoted_words(text: str, parts: tuple[tuple[int, int], ...]) -> tuple[list[WordToken], set[int]]:
    # Cached: every rewrite quotation is compared with the same original candidates.
    tokens: list[WordToken] = []
    elisions: set[int] = set()
    for s, e in parts:
        depth = 0
        for m in _QUOTE_TOKEN_RE.finditer(text, s, e):
            piece = m.group()
            if piece in "([":
                depth += 1
            elif piece in ")]":
                depth = max(0, depth - 1)
            elif piece == "…" or piece.startswith("..."):
                elisions.add(len(tokens))
            else:
                # hyphens separate words, so "long-standing" == "long standing"
                for norm in expand_word(piece):
                    tokens.append(WordToken(norm, m.start(), m.end(), depth > 0))
    return tokens, elisions


# ------------------------------------------------------------------ display


def one_line(text: str) -> str:
    """``text`` with every run of white space folded to one space."""
    return " ".join(text.split())


def short(text: str, limit: int = 80) -> str:
    """One line of at most ``limit`` characters, for messages."""
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
