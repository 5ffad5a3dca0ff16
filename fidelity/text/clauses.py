"""Split a sentence into clause-sized chunks with exact offsets.

Span-level comparison of heavy paraphrases works on clauses: words are too small to carry
meaning on their own and whole sentences are too big to say what changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from fidelity.languages import registered
from fidelity.languages.base import Language
from fidelity.text.tokens import tokenize


@lru_cache(maxsize=4)
def _boundary(languages: tuple[Language, ...]) -> re.Pattern[str]:
    """Punctuation and conjunctions where a clause may end (every registered language's
    ``clause_conjunctions``); the delimiter stays outside both clauses."""
    words = "|".join(dict.fromkeys(w for lang in languages for w in lang.clause_conjunctions))
    conjunction = rf"|(?<=\s)(?=(?:{words})\s)" if words else ""
    return re.compile(rf"[,;:—–\"“”«»„]|(?<=[.!?])\s+(?=\S)|\s-\s{conjunction}", re.IGNORECASE)

MIN_WORDS = 3


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str
    words: int


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ")]"):
        end -= 1
    return start, end


def split_clauses(text: str, start: int, end: int) -> list[Clause]:
    """Clauses of ``text[start:end]``; pieces under MIN_WORDS words join a neighbour."""
    cuts = [start] + [m.start() for m in _boundary(registered()).finditer(text, start, end)] + [end]
    pieces: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        a, b = _trim(text, a, b)
        if a < b:
            pieces.append((a, b))
    # A short piece ("but", "he said") joins the piece after it; a short last piece joins the one before.
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for a, b in pieces:
        a = a if pending is None else pending
        if len(tokenize(text, a, b)) < MIN_WORDS:
            pending = a
            continue
        pending = None
        merged.append((a, b))
    if pending is not None:
        if merged:
            merged[-1] = (merged[-1][0], pieces[-1][1])
        else:
            merged.append((pending, pieces[-1][1]))
    return [Clause(a, b, text[a:b], len(tokenize(text, a, b))) for a, b in merged]
