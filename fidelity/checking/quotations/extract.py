"""Quotation extraction: every quotation of a text, with exact offsets.

:func:`extract_quotations` scans a text for quotation marks of every common style — “…”
‘…’ "…" '…' «…» »…« „…“ „…” ‚…‘ ”…” — with a stack (:mod:`.marks`), so quotations nest
(«…„…“…»), span sentences, and (when the next paragraph re-opens with the same family of
mark, the typographic convention) span paragraphs.  ``’`` and ``'`` are also apostrophes:
a single mark opens only at a word start and closes only at a word end, so ``Russia’s``,
``won’t`` and ``don't`` are never quotes.  An opening mark left open at a paragraph
break that is not continued is dropped: an unbalanced mark is reported as nothing rather
than as a wrong quotation.  Offsets are exact: ``text[q.start:q.end] == q.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fidelity.text.quote_marks import FAMILY, QUOTATION_STYLE, MarkPair, OpenMark, is_word_char, scan_marks
from fidelity.text.spans import SpanIndex
from fidelity.text.tokens import word_count
from fidelity.types import Document, Span

__all__ = ["Quotation", "extract_quotations", "document_quotations", "paragraphs", "trim"]

_SENTENCE_END = frozenset(".!?…:;")
# An attribute value of markup left in page text: ``[caption id="attachment_1" align="alignnone"]``,
# ``<img src="…">``: the value follows ``=``.
_ATTRIBUTE = re.compile(r"=\s*$")
# An identifier, not words: one token with an underscore, or letters run into a long number.
_IDENTIFIER = re.compile(r"^\S*(?:_|[A-Za-z][-_]?\d{3,})\S*$")
_TRAILING_TRIM = ",;:"


@dataclass(frozen=True)
class Quotation:
    """A quoted stretch of text, without its marks.

    ``parts`` are the quoted pieces: one for an ordinary quotation, one per paragraph for
    a quotation that continues over paragraphs (the re-opening marks lie between parts).
    ``region_start``/``region_end`` delimit the paragraph(s) that hold it.
    """

    start: int
    end: int
    text: str
    open_mark: str
    close_mark: str
    parts: tuple[tuple[int, int], ...]
    region_start: int
    region_end: int
    depth: int = 0  # 0 = outermost; 1 = a quotation inside a quotation, ...

    def words(self, source: str) -> str:
        """The quoted words as one string (paragraph parts joined by a space)."""
        return " ".join(source[s:e] for s, e in self.parts)

    @property
    def span(self) -> Span:
        return Span.of(self)

    @property
    def word_count(self) -> int:
        return word_count(self.text)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "marks": self.open_mark + self.close_mark,
        }
        if len(self.parts) > 1:
            out["parts"] = [list(p) for p in self.parts]
        if self.depth:
            out["depth"] = self.depth
        return out


def paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Paragraph spans of ``text[start:end]``; a single line break inside a sentence is a soft wrap."""
    found: list[tuple[int, int]] = []
    para_start = start
    for m in re.finditer(r"[ \t\r\f\v\u00a0]*\n\s*", text[start:end]):
        brk_start, brk_end = start + m.start(), start + m.end()
        before = text[para_start:brk_start].rstrip()
        soft = (
            m.group().count("\n") == 1
            and bool(before)
            and before[-1] not in _SENTENCE_END
            and before[-1] not in "”»“\"’'"
            and brk_end < end
        )
        if soft:
            continue
        if before:
            found.append((para_start, para_start + len(before)))
        para_start = brk_end
    tail = text[para_start:end].rstrip()
    if tail:
        found.append((para_start, para_start + len(tail)))
    return found


def trim(text: str, s: int, e: int, last: bool) -> tuple[int, int]:
    """``(s, e)`` without surrounding white space (and, for a quotation's last part, trailing ``,;:``)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or (last and text[e - 1] in _TRAILING_TRIM)):
        e -= 1
    return s, e


def _quotation(text: str, pair: MarkPair, region_end: int) -> Quotation | None:
    """The quotation a pair of marks delimits; ``None`` when it holds no word."""
    entry = pair.opened
    pieces = entry.parts + [(entry.at + 1, pair.close_at)]
    trimmed = []
    for k, (s, e) in enumerate(pieces):
        s, e = trim(text, s, e, last=k == len(pieces) - 1)
        if e > s:
            trimmed.append((s, e))
    if not trimmed or not any(is_word_char(c) for s, e in trimmed for c in text[s:e]):
        return None
    q_start, q_end = trimmed[0][0], trimmed[-1][1]
    if is_markup(text, entry.at, q_start, q_end):
        return None
    return Quotation(q_start, q_end, text[q_start:q_end], entry.mark, pair.close_mark, tuple(trimmed),
                     entry.region_start, region_end, entry.depth)


def is_markup(text: str, open_at: int, start: int, end: int) -> bool:
    """Whether the quoted ``text[start:end]`` (opened at ``open_at``) is markup, not a quotation:
    an attribute value (``align="alignnone"``, inside a ``[caption …]`` shortcode or an HTML tag),
    or words without a letter or an identifier such as ``attachment_12095152``."""
    quoted = text[start:end]
    if not any(c.isalpha() for c in quoted) or _IDENTIFIER.match(quoted):
        return True
    return bool(_ATTRIBUTE.search(text[max(0, open_at - 8):max(0, open_at)]))


def _continued(text: str, stack: list[OpenMark], para_end: int, nxt_para: tuple[int, int] | None,
               skip: set[int]) -> list[OpenMark]:
    """Marks still open at a paragraph break: the outermost continues only if the next
    paragraph re-opens with a mark of its family; everything else is dropped."""
    if not stack:
        return []
    outer = stack[0]
    if nxt_para is not None and text[nxt_para[0]] in FAMILY and FAMILY[text[nxt_para[0]]] == FAMILY[outer.mark]:
        outer.parts.append((outer.at + 1, para_end))
        outer.at = nxt_para[0]
        skip.add(nxt_para[0])
        return [outer]
    return []


# A text that starts inside a quotation: one segment of a longer text (a sentence pair, a
# translation unit) whose quotation opened in the segment before. (One that ends inside a
# quotation is left as it was: across languages nested marks of one style ("…"Легион"…")
# leave such a tail too ambiguous to compare.)
_OPENED_BEFORE = ("“", "«")  # the families whose closing mark may close a quotation opened before the text
_QUOTE_END = frozenset(".,!?…;:")


def _opened_before(text: str, ps: int, pe: int, skip: set[int]) -> tuple[list[MarkPair], list[OpenMark]] | None:
    """The first paragraph of a text read as continuing a quotation opened before it: the
    pairs and open marks when a closing mark there has no opening mark, else ``None``."""
    for mark in _OPENED_BEFORE:
        virtual = OpenMark(mark, ps - 1, 0, region_start=ps)
        pairs, stack = scan_marks(text, ps, pe, QUOTATION_STYLE, stack=[virtual], skip=skip)
        closing = next((p for p in pairs if p.opened is virtual), None)
        # A quotation ends with its sentence's punctuation ('yet...",' 'fans",'); a lone mark
        # elsewhere is more likely an inch sign or a typo than the end of a quotation.
        if closing is not None and (text[closing.close_at - 1] in _QUOTE_END
                                    or text[closing.close_at + 1:closing.close_at + 2] in (",", ".")):
            return pairs, stack
    return None


def extract_quotations(text: str, start: int = 0, end: int | None = None) -> list[Quotation]:
    """Every quotation in ``text[start:end]``, ordered by position (outer before inner).

    When ``text[start:end]`` is the whole text, a quotation may have opened before its start
    (the text is one segment of a longer one)."""
    end = len(text) if end is None else end
    found: list[Quotation] = []
    paras = paragraphs(text, start, end)
    stack: list[OpenMark] = []
    skip: set[int] = set()
    whole = not text[:start].strip() and not text[end:].strip()
    for k, (ps, pe) in enumerate(paras):
        scanned = _opened_before(text, ps, pe, skip) if whole and k == 0 else None
        pairs, stack = scanned or scan_marks(text, ps, pe, QUOTATION_STYLE, stack=stack, skip=skip)
        found += [q for q in (_quotation(text, p, pe) for p in pairs) if q is not None]
        stack = _continued(text, stack, pe, paras[k + 1] if k + 1 < len(paras) else None, skip)
    found.sort(key=lambda q: (q.start, -q.end))
    return found


def document_quotations(doc: Document) -> list[Quotation]:
    """The quotations of a document that overlap its sentences (set-aside text is skipped)."""
    quotes = extract_quotations(doc.text)
    if not doc.sentences:
        return quotes
    sentences = SpanIndex([(s.start, s.end) for s in doc.sentences])
    return [q for q in quotes if sentences.overlapping(q.start, q.end)]
