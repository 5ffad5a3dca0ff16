"""Clean stage: split a text into content blocks and set page boilerplate aside.

Boilerplate (menus, view counters, rule lines, source lists, translator credits...) is
kept out of the comparison but never deleted: each piece is returned as a ``SetAside``
with its offsets and a reason, and the report lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from fidelity.languages import registered
from fidelity.languages.base import Language
from fidelity.text.numbers import month_name_pattern
from fidelity.types import SetAside

_LINE = re.compile(r"[^\r\n\u2028\u2029]*(?:\r\n|[\r\n\u2028\u2029])?")
_TERMINAL = tuple(".!?:;\"”»’)…'。！？；：」』）")


def _words(languages: tuple[Language, ...], table: str) -> str:
    return "|".join(dict.fromkeys(w for lang in languages for w in getattr(lang, table)))


@lru_cache(maxsize=4)
def _line_rules(languages: tuple[Language, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(reason, pattern) tried in order against each stripped line; the first match wins. The
    words are every registered language's (a page's furniture may be in any language)."""
    month = month_name_pattern()
    # "2023 г.": words after a day-month-year date's year
    year_words = _words(languages, "year_words")
    year = rf"(?:\s*(?:{year_words}))?" if year_words else ""
    # "3 de mayo de 2023": the connectors of the languages that put the day first
    connectors = "|".join(dict.fromkeys(c for lang in languages if not lang.month_first_dates
                                        for c in lang.day_month_connectors))
    connector = rf"(?:{connectors}\s+)?" if connectors else ""
    other_forms = "".join(f"|{p}" for p in dict.fromkeys(p for lang in languages for p in lang.date_line_patterns))
    return (
        ("rule line", re.compile(r"^[-=_*~—–•·.\s]{3,}$")),
        ("view counter", re.compile(rf"^(by\s*)?-?\s*\d[\d,.]*\s*({_words(languages, 'view_words')})$", re.I)),
        ("link", re.compile(r"^(https?://|www\.)\S+$", re.I)),
        ("source credit", re.compile(rf"^({_words(languages, 'source_words')})\s*:", re.I)),
        ("translator credit", re.compile(rf"^({_words(languages, 'translator_credit_words')})", re.I)),
        (
            "date line",
            re.compile(
                r"^(\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
                rf"|{month}\.?\s+\d{{1,2}},?\s+\d{{4}}"
                rf"|\d{{1,2}}\.?\s+{connector}{month}\.?\s+{connector}\d{{4}}{year}"
                rf"{other_forms})"
                r"([,\s]+\d{1,2}:\d{2}(:\d{2})?(\s*[A-Z]{2,4})?)?$",
                re.I,
            ),
        ),
        ("page furniture", re.compile(rf"^({_words(languages, 'page_furniture')})$", re.I)),
        ("navigation menu", re.compile(r"^[•·▪►▸*]\s*\S+(\s+\S+){0,5}$")),
    )


@lru_cache(maxsize=4)
def _unspaced(languages: tuple[Language, ...]) -> re.Pattern[str]:
    """A letter of a script written without spaces (``Language.unspaced_letters``): there a line's
    length, not its spaces, says how long it is."""
    letters = "".join(dict.fromkeys(lang.unspaced_letters for lang in languages if lang.unspaced))
    return re.compile(f"[{letters}]" if letters else "(?!)")
# A list item or URL right after a "Source:" header belongs to the source list.
_SOURCE_LIST_ITEM = re.compile(r"^([-•*]\s+|\d+[.)]\s+|https?://|www\.)")
# Heuristics that only make sense on a whole page, not on a sentence given as a string.
_MIN_LINES_FOR_PAGE_RULES = 4


@dataclass
class CleanedText:
    blocks: list[tuple[int, int]] = field(default_factory=list)  # content paragraphs (start, end)
    set_aside: list[SetAside] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content without its line break; blank lines included."""
    spans = []
    for match in _LINE.finditer(text):
        if match.start() == match.end():
            continue
        line = match.group(0).rstrip("\r\n\u2028\u2029")
        spans.append((match.start(), match.start() + len(line)))
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace() or start < end and text[start] == "\ufeff":
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _classify(line: str, *, page_rules: bool, seen: set[str], in_source_list: bool) -> str | None:
    if in_source_list and _SOURCE_LIST_ITEM.match(line):
        return "source list"
    for reason, pattern in _line_rules(registered()):
        if pattern.match(line):
            return reason
    if not page_rules:
        return None
    if line in seen:
        return "duplicate line"
    words = len(line.split()) + len(_unspaced(registered()).findall(line)) // 2  # about two characters a word in Chinese
    if words <= 2 and not line.endswith(_TERMINAL) and not any(c.isdigit() for c in line):
        return "short label line"
    return None


def clean(text: str, side: str) -> CleanedText:
    """Split ``text`` into content blocks and set-aside boilerplate, all with exact offsets."""
    lines = [_strip_span(text, s, e) for s, e in _lines(text)]
    non_empty = [(s, e) for s, e in lines if s < e]
    page_rules = len(non_empty) >= _MIN_LINES_FOR_PAGE_RULES
    out = CleanedText()
    seen: set[str] = set()
    in_source_list = False
    previous_was_content = False
    for start, end in lines:
        if start == end:
            previous_was_content = False
            continue
        line = text[start:end]
        reason = _classify(line, page_rules=page_rules, seen=seen, in_source_list=in_source_list)
        seen.add(line)
        if reason is not None:
            in_source_list = reason in {"source credit", "source list", "link"} and (
                reason != "source credit" or line.rstrip().endswith(":")
            ) or (in_source_list and reason in {"source list", "link"})
            last = out.set_aside[-1] if out.set_aside else None
            gap = text[last.end : start] if last else ""
            if last and last.reason == reason and not gap.strip():
                out.set_aside[-1] = SetAside(side, last.start, end, text[last.start : end], reason)
            else:
                out.set_aside.append(SetAside(side, start, end, line, reason))
            previous_was_content = False
            continue
        in_source_list = False
        # A line that continues an unfinished sentence (wrapped text) joins the previous block.
        if previous_was_content and out.blocks:
            prev_start, prev_end = out.blocks[-1]
            if not text[prev_start:prev_end].endswith(_TERMINAL) and line[:1].islower():
                out.blocks[-1] = (prev_start, end)
                continue
        out.blocks.append((start, end))
        previous_was_content = True
    return out


def content_only(text: str, side: str) -> CleanedText:
    """Every non-empty line is content, nothing set aside: a bilingual file's segment was extracted
    already, and a short one ("Source: CNN", a date) is text to check, not page boilerplate."""
    spans = [_strip_span(text, s, e) for s, e in _lines(text)]
    return CleanedText(blocks=[(s, e) for s, e in spans if s < e])
