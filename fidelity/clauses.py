"""Split a sentence into clause-sized chunks with exact offsets.

Span-level comparison of heavy paraphrases works on clauses: words are too small to carry
meaning on their own and whole sentences are too big to say what changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tokens import tokenize

# Punctuation and conjunctions where a clause may end; the delimiter stays outside both clauses.
_BOUNDARY = re.compile(
    r"[,;:—–\"“”«»„]|(?<=[.!?])\s+(?=\S)|\s-\s|(?<=\s)(?=(?:but|while|although|whereas|adding that|saying that|which|"
    r"however|но|а|однако|хотя|который|которая|которые)\s)",
    re.IGNORECASE,
)
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
    cuts = [start] + [m.start() for m in _BOUNDARY.finditer(text, start, end)] + [end]
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
