"""Quotation marks: the one scanner that pairs opening and closing marks.

:func:`scan_marks` walks ``text[start:end]`` with a stack of open marks. What differs
between its callers is a :class:`MarkStyle`:

* :data:`QUOTATION_STYLE` (quotation extraction): marks of three families (double,
  single, guillemet); a closing mark closes the innermost open mark of its own family;
  ``’`` and ``'`` open only at a word start and close only at a word end, so apostrophes
  (``Russia’s``, ``won’t``) are never quotes.
* :data:`SEGMENT_STYLE` (sentence segmentation): every common quote character, CJK
  corner brackets included; a closing mark closes the innermost open mark it can close;
  whether a mark may open or close is read from the characters around it.
* :data:`DOUBLE_STYLE` (a quick look for quoted words): double marks and guillemets only
  (“…” "…" «…» „…“), not nested and blind to context: an opening mark is paired with the
  first mark after it that can close it, and an opening mark with none is skipped.

Positions are absolute offsets into ``text``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "MarkPair", "MarkStyle", "OpenMark", "DOUBLE_STYLE", "QUOTATION_STYLE", "SEGMENT_STYLE", "QUOTE_MARKS",
    "FAMILY", "is_word_char", "scan_marks", "quoted_regions", "quoted_spans",
]


@dataclass
class OpenMark:
    """A mark waiting for its closing mark."""

    mark: str
    at: int  # position of the mark (for a quotation continued over paragraphs: the re-opening mark)
    depth: int  # how many marks were open when it opened
    region_start: int = 0  # start of the range being scanned when it opened
    parts: list[tuple[int, int]] = field(default_factory=list)  # content of earlier paragraphs, if continued


@dataclass(frozen=True)
class MarkPair:
    opened: OpenMark
    close_at: int
    close_mark: str


Roles = Callable[[str, "str | None", "str | None"], "tuple[bool, bool]"]
Target = Callable[[Sequence[OpenMark], str], "int | None"]


@dataclass(frozen=True)
class MarkStyle:
    """How one caller reads quotation marks.

    ``roles(ch, prev, nxt)`` says whether a mark may open and whether it may close
    (``prev``/``nxt`` are ``None`` at the edges of the scanned range); ``target(stack, ch)``
    is the index of the open mark that ``ch`` closes, or ``None``; with ``nested=False`` a
    mark opens only when none is open, and an opening mark never closed is skipped.
    """

    marks: frozenset[str]
    roles: Roles
    target: Target
    nested: bool = True


def _is_space(ch: str | None) -> bool:
    return ch is None or ch.isspace()


def _is_punct(ch: str | None) -> bool:
    return ch is not None and not ch.isalnum() and not ch.isspace()


def is_word_char(ch: str | None) -> bool:
    return ch is not None and (ch.isalnum() or unicodedata.category(ch) == "Mn")


def scan_marks(
    text: str, start: int = 0, end: int | None = None, style: MarkStyle | None = None, *,
    stack: Sequence[OpenMark] = (), skip: frozenset[int] | set[int] = frozenset(),
    clear_at: Callable[[int], bool] | None = None,
) -> tuple[list[MarkPair], list[OpenMark]]:
    """Pair the marks of ``text[start:end]``: (pairs in the order they close, marks left open).

    ``stack`` holds marks still open from an earlier range, ``skip`` positions that are not
    read as marks, and ``clear_at(i)`` (asked at each line break while a mark is open) says
    whether every open mark is dropped there.
    """
    style = style or QUOTATION_STYLE
    end = len(text) if end is None else end
    open_marks = list(stack)
    pairs: list[MarkPair] = []
    i = start
    while i < end:
        ch = text[i]
        if ch == "\n" and open_marks and clear_at is not None and clear_at(i):
            open_marks.clear()
        elif ch in style.marks and i not in skip:
            prev = text[i - 1] if i > start else None
            nxt = text[i + 1] if i + 1 < end else None
            can_open, can_close = style.roles(ch, prev, nxt)
            k = style.target(open_marks, ch) if can_close and open_marks else None
            if k is not None:
                pairs.append(MarkPair(open_marks[k], i, ch))
                del open_marks[k:]  # unclosed inner marks are dropped
            elif can_open and (style.nested or not open_marks):
                open_marks.append(OpenMark(ch, i, len(open_marks), region_start=start))
        i += 1
        if i == end and open_marks and not style.nested:
            i = open_marks.pop().at + 1  # never closed: not an opening mark after all
    return pairs, open_marks


# ------------------------------------------------------------------ quotation extraction

# Quotation-mark families: a closing mark only closes an opening mark of its own family.
FAMILY = {
    "“": "double", "”": "double", "„": "double", '"': "double",
    "«": "guillemet", "»": "guillemet",
    "‘": "single", "’": "single", "‚": "single", "'": "single",
}
QUOTE_MARKS = frozenset(FAMILY)
# opening mark -> the marks that close it
_CLOSERS_FOR = {
    "“": frozenset("”\"“"),
    "„": frozenset("“”\""),
    '"': frozenset("\"”“"),
    "”": frozenset("”\""),
    "«": frozenset("»"),
    "»": frozenset("«"),
    "‘": frozenset("’'"),
    "‚": frozenset("‘’'"),
    "'": frozenset("'’"),
    "’": frozenset("’'"),
}
# characters after which a single quotation mark may open (besides space / line start)
_OPEN_AFTER = frozenset("([{<—–-/\u00a0") | QUOTE_MARKS


def _quotation_roles(ch: str, prev: str | None, nxt: str | None) -> tuple[bool, bool]:
    family = FAMILY[ch]
    if family == "guillemet":  # French spacing: « mot » — only letters matter
        return not is_word_char(prev), not is_word_char(nxt)
    can_open = not _is_space(nxt) and (
        prev is None or prev.isspace() or prev in _OPEN_AFTER or (family == "double" and not is_word_char(prev))
    )
    return can_open, not _is_space(prev) and not is_word_char(nxt)


def _same_family(stack: Sequence[OpenMark], ch: str) -> int | None:
    family = FAMILY[ch]
    k = next((j for j in range(len(stack) - 1, -1, -1) if FAMILY[stack[j].mark] == family), None)
    return k if k is not None and ch in _CLOSERS_FOR[stack[k].mark] else None


QUOTATION_STYLE = MarkStyle(QUOTE_MARKS, _quotation_roles, _same_family)


# ------------------------------------------------------------------ sentence segmentation

# closing char -> opening chars it can close
_OPENERS_FOR = {
    '"': frozenset('"'),
    "”": frozenset("“„”"),
    "“": frozenset("„"),  # German/Russian „…“
    "’": frozenset("‘‚"),
    "‘": frozenset("‚"),  # German ‚…‘
    "»": frozenset("«"),
    "«": frozenset("»"),  # Danish/German »…«
    "›": frozenset("‹"),
    "‹": frozenset("›"),
    "」": frozenset("「"),
    "』": frozenset("『"),
}


def _segment_roles(ch: str, prev: str | None, nxt: str | None) -> tuple[bool, bool]:
    """(can_open, can_close) for a quote character in its context."""
    left = not _is_space(nxt) and (_is_space(prev) or _is_punct(prev))  # can start a quote
    right = not _is_space(prev) and (_is_space(nxt) or _is_punct(nxt))  # can end a quote
    if ch == '"':
        if left and right:
            return True, True
        return left, right
    if ch == "“":
        return left or not right, right and not left
    if ch == "”":
        return left and not right, right or not left
    if ch in "„‚":
        return (True if ch == "„" else left), False
    if ch == "‘":
        return left, right and not left
    if ch == "’":
        # Between two letters it is an apostrophe (Russia’s, won’t): neither role.
        return False, right and not left
    if ch in "«‹":
        return left or not right, right and not left
    if ch in "»›":
        return left and not right, right or not left
    if ch in "「『":
        return True, False
    return False, True  # 」』


def _innermost_opener(stack: Sequence[OpenMark], ch: str) -> int | None:
    openers = _OPENERS_FOR.get(ch, frozenset())
    return next((k for k in range(len(stack) - 1, -1, -1) if stack[k].mark in openers), None)


SEGMENT_STYLE = MarkStyle(frozenset('"“”„‘’‚«»‹›「」『』'), _segment_roles, _innermost_opener)


# ------------------------------------------------------------------ double marks only

_DOUBLE_CLOSERS = {"“": frozenset("”"), "«": frozenset("»"), "„": frozenset("“”"), '"': frozenset('"')}


def _double_roles(ch: str, prev: str | None, nxt: str | None) -> tuple[bool, bool]:
    return ch in _DOUBLE_CLOSERS, ch in "”»“\""


def _closes_last(stack: Sequence[OpenMark], ch: str) -> int | None:
    return len(stack) - 1 if ch in _DOUBLE_CLOSERS[stack[-1].mark] else None


DOUBLE_STYLE = MarkStyle(frozenset("“”«»„\""), _double_roles, _closes_last, nested=False)


def quoted_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each quotation in ``text[start:end]``, marks included (double-quote styles only)."""
    pairs, _ = scan_marks(text, start, end, DOUBLE_STYLE)
    return [(p.opened.at, p.close_at + 1) for p in pairs]


def quoted_regions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks within text[start:end] (double-quote styles only)."""
    return [(s + 1, e - 1) for s, e in quoted_spans(text, start, end)]
