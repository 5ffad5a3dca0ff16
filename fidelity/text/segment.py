"""Sentence segmentation stage.

``segment(text, blocks, language)`` turns the content blocks found by the cleaning stage
into :class:`~fidelity.types.Sentence` units whose offsets point exactly into ``text``.

How a block is cut:

1. Line breaks inside the block are classified.  A *hard* break (blank line, a line
   with no sentence-final punctuation followed by a capitalised line, i.e. a headline or
   a date line, a list item, a line ending in ``:``) always separates units.  A *soft*
   break (next line starts in lower case, previous line ends in ``,`` or ``-``, or the
   break sits inside an open quotation) is treated as an ordinary space.
2. Each stretch between hard breaks is handed to a sentence splitter chosen by
   language: razdel for Russian, pysbd for the other languages pysbd knows, sentencex
   for the long tail.  Soft line breaks are replaced by spaces (same length) before
   that, so offsets do not move.  The splitter's pieces are mapped back onto the text
   by walking non-whitespace characters (never trusting the library's own offsets),
   with a search-from-cursor fallback if a library changed the text.
3. Cuts are then removed where they would break a unit apart: inside a quotation
   (any quote style, apostrophes excluded), after a piece that has no sentence-final
   punctuation (e.g. ``"..." Hayashi told CNN``), before a piece that starts in lower
   case (``“Do it!” he said.``), or around a piece made only of punctuation.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from fidelity.text.lang import base_language
from fidelity.text.quote_marks import SEGMENT_STYLE, scan_marks
from fidelity.types import Sentence

__all__ = ["segment", "backend_for", "quote_pairs", "PYSBD_LANGUAGES"]

# Languages pysbd 0.3.4 ships rules for (pysbd.languages.LANGUAGE_CODES); kept literal so
# that choosing a backend does not import pysbd.
PYSBD_LANGUAGES = frozenset(
    "am ar bg da de el en es fa fr hi hy it ja kk mr my nl pl ru sk ur zh".split()
)
RAZDEL_LANGUAGES = frozenset({"ru"})

# Sentence-final punctuation across scripts.
_TERMINALS = frozenset(".!?…。！？｡।॥؟۔։።፧፨။‼⁇⁈⁉")
# Characters that may trail a sentence-final mark: closing quotes and brackets.
_TRAILERS = frozenset("\"'”’‘»«›‹“」』)]}）】》〉")
# Characters that only ever close something; a piece starting with one belongs to the
# previous piece.
_CLOSERS_START = frozenset(",;:)]}）】》〉")
_BULLET_RE = re.compile(r"(?:[-–—•·*▪►◦]|\d{1,3}[.)]|[a-zA-Z][.)])\s")
_URL_RE = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+$", re.IGNORECASE)

# ---------------------------------------------------------------------------------
# Quotation pairing
# ---------------------------------------------------------------------------------


def quote_pairs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Matched quotation marks in ``text[start:end]`` as absolute (open, close) positions.

    Unmatched marks are ignored; pairing never crosses a blank line or a line break
    after sentence-final punctuation.
    """
    end = len(text) if end is None else end

    def clear_at(i: int) -> bool:
        # A blank line, or a line that ends a sentence, closes every open quotation:
        # an opener left over there is a stray mark (or a multi-paragraph quotation
        # whose paragraphs are better kept apart).
        j = i + 1
        while j < end and text[j] != "\n" and text[j].isspace():
            j += 1
        line_from = text.rfind("\n", start, i) + 1 if text.rfind("\n", start, i) != -1 else start
        return (j < end and text[j] == "\n") or _ends_sentence(text[line_from:i])

    pairs, _ = scan_marks(text, start, end, SEGMENT_STYLE, clear_at=clear_at)
    return sorted((p.opened.at, p.close_at) for p in pairs)


def _inside_quote(pos: int, pairs: Sequence[tuple[int, int]]) -> bool:
    """True if a cut whose right-hand unit starts at ``pos`` would split a quotation."""
    for o, c in pairs:
        if o >= pos:
            break
        if pos <= c:
            return True
    return False


# ---------------------------------------------------------------------------------
# Backends
# ---------------------------------------------------------------------------------

_LOCK = threading.Lock()


def backend_for(language: str) -> str:
    """Name of the splitter used for ``language``: 'razdel', 'pysbd' or 'sentencex'."""
    base = base_language(language)
    if base in RAZDEL_LANGUAGES:
        return "razdel"
    if base in PYSBD_LANGUAGES:
        return "pysbd"
    return "sentencex"


@cache
def _splitter(backend: str, base: str) -> Callable[[str], list[str]]:
    """A cached ``text -> pieces`` function; the libraries are imported lazily."""
    if backend == "razdel":
        import razdel

        return lambda t: [s.text for s in razdel.sentenize(t)]
    if backend == "pysbd":
        seg = _pysbd_segmenter(base)

        def run(t: str) -> list[str]:
            with _LOCK:  # a pysbd Segmenter keeps per-call state
                return [str(p) for p in seg.segment(t)]

        return run
    if backend == "sentencex":
        import sentencex

        code = base if base and base != "und" else "en"
        return lambda t: list(sentencex.segment(code, t))
    if backend == "regex":
        return _regex_split
    raise ValueError(f"unknown segmentation backend: {backend!r}")


_TRAILING_SPACE = re.compile(r"\s*")


def literal_spans(pieces: Sequence[str], text: str) -> list[tuple[str, int, int]]:
    """Where pysbd's ``Segmenter.sentences_with_char_spans`` finds each piece in ``text``, found
    by ``str.find`` instead of a regular expression per piece: ``re.finditer(re.escape(piece) +
    r"\\s*", text)``, the first match ending after the previous piece's match (its trailing
    whitespace included), as (matched text, start, end); a piece never found is left out. The
    same spans (``tests/test_segment.py``); pysbd compiled a new pattern for every sentence of a
    text, which also pushed its recurring patterns out of ``re``'s cache (a 1 MB rewrite:
    13,613 sentences, 9,061 patterns)."""
    spans: list[tuple[str, int, int]] = []
    prior_end = 0
    for piece in pieces:
        if not piece:  # an empty pattern matches everywhere: pysbd's own search, kept for it
            for match in _TRAILING_SPACE.finditer(text):
                if match.end() > prior_end:
                    spans.append((match.group(), match.start(), match.end()))
                    prior_end = match.end()
                    break
            continue
        at = text.find(piece)
        while at >= 0:
            end = _TRAILING_SPACE.match(text, at + len(piece)).end()  # type: ignore[union-attr]
            if end > prior_end:
                spans.append((text[at:end], at, end))
                prior_end = end
                break
            at = text.find(piece, end)  # finditer's matches do not overlap: on from this one's end
    return spans


def _pysbd_segmenter(base: str) -> Any:
    """pysbd's ``Segmenter`` for ``base``, mapping its sentences back onto the text with
    :func:`literal_spans`."""
    import pysbd
    from pysbd.utils import TextSpan

    class Segmenter(pysbd.Segmenter):
        def sentences_with_char_spans(self, sentences: list[str]) -> list[Any]:
            return [TextSpan(*span) for span in literal_spans(sentences, self.original_text)]

    return Segmenter(language=base, clean=False, char_span=False)


_REGEX_CUT = re.compile(r"(?<=[.!?…。！？])[\"'”’»)\]]*\s+")


def _regex_split(t: str) -> list[str]:
    out, last = [], 0
    for m in _REGEX_CUT.finditer(t):
        out.append(t[last : m.end()])
        last = m.end()
    out.append(t[last:])
    return out


# ---------------------------------------------------------------------------------
# Mapping pieces back onto the text
# ---------------------------------------------------------------------------------


def _cuts_from_pieces(region: str, pieces: Sequence[str]) -> list[int]:
    """Positions in ``region`` where a new piece starts (first non-space char).

    Pieces are aligned by their non-whitespace characters, which is exact whenever the
    library returned the text unchanged (whatever it did with whitespace), and immune
    to repeated sentences.  Otherwise each piece is searched from a cursor.
    """
    nonspace = [i for i, ch in enumerate(region) if not ch.isspace()]
    squeezed = ["".join(p.split()) for p in pieces]
    if "".join(squeezed) == "".join(region[i] for i in nonspace):
        cuts, k = [], 0
        for sq in squeezed[:-1]:
            k += len(sq)
            if sq and k < len(nonspace):
                cuts.append(nonspace[k])
        return sorted(set(cuts))
    # Fallback: the library altered characters; find each stripped piece in order.
    cuts, cursor = [], 0
    for p in pieces:
        p = p.strip()
        if not p:
            continue
        idx = region.find(p, cursor)
        if idx < 0:
            continue
        if idx > 0:
            cuts.append(idx)
        cursor = idx + len(p)
    return sorted(set(cuts))


# ---------------------------------------------------------------------------------
# Line breaks inside a block
# ---------------------------------------------------------------------------------


def _ends_sentence(s: str) -> bool:
    s = s.rstrip()
    while s and s[-1] in _TRAILERS:
        s = s[:-1].rstrip()
    return bool(s) and s[-1] in _TERMINALS


def _hard_breaks(text: str, start: int, end: int, pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Absolute positions of '\\n' characters in text[start:end] that separate units."""
    hard: list[int] = []
    nl = text.find("\n", start, end)
    while nl != -1:
        prev_nl = text.rfind("\n", start, nl)
        line_start = start if prev_nl == -1 else prev_nl + 1
        prev_line = text[line_start:nl].strip()
        nxt_end = text.find("\n", nl + 1, end)
        nxt_end = end if nxt_end == -1 else nxt_end
        next_line = text[nl + 1 : nxt_end].strip()
        if _line_break_is_hard(prev_line, next_line, nl, pairs):
            hard.append(nl)
        nl = text.find("\n", nl + 1, end)
    return hard


def _line_break_is_hard(prev_line: str, next_line: str, pos: int, pairs: Sequence[tuple[int, int]]) -> bool:
    if not prev_line or not next_line:
        return True  # blank line: paragraph break
    if any(o < pos < c for o, c in pairs):
        return False  # inside a quotation
    if _BULLET_RE.match(next_line) or not any(ch.isalnum() for ch in next_line):
        return True  # list item, separator rule
    if not any(ch.isalnum() for ch in prev_line):
        return True
    if _URL_RE.match(next_line) or _URL_RE.search(prev_line):
        return True  # a bare link on its own line
    if prev_line[-1] in ",;-‐–—/&(":
        return False  # continues on the next line
    if next_line[0].islower():
        return False
    return True


# ---------------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------------


def _has_alnum(s: str) -> bool:
    return any(ch.isalnum() for ch in s)


def _starts_lowercase(s: str) -> bool:
    if not s or not s[0].islower():
        return False
    word = s.split(None, 1)[0]
    return not any(ch.isupper() for ch in word)  # iPhone, eBay start a sentence


def _keep_cut(left: str, right: str, right_start: int, pairs: Sequence[tuple[int, int]]) -> bool:
    if not _has_alnum(left) or not _has_alnum(right):
        return False
    if _inside_quote(right_start, pairs):
        return False
    if not _ends_sentence(left):
        return False
    if right[0] in _CLOSERS_START:
        return False
    if _starts_lowercase(right):
        return False
    return True


def _quote_end_cuts(text: str, start: int, end: int, pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Cuts after a closed quotation that ends a sentence and is followed by a new one.

    ``« Nous sommes prêts. » Puis il est parti.`` -- splitters often miss these.
    """
    cuts: list[int] = []
    for _, c in pairs:
        if not start <= c < end:
            continue
        j = c - 1
        while j >= start and text[j].isspace():
            j -= 1
        if j < start or text[j] not in _TERMINALS:
            continue
        k = c + 1
        while k < end and text[k] in _TRAILERS and not text[k].isspace():
            k += 1
        if k >= end or not text[k].isspace():
            continue
        while k < end and text[k].isspace():
            k += 1
        if k < end and (text[k].isupper() or text[k] in "“„«‘‚\"‹「『"):
            cuts.append(k)
    return cuts


def _shift_cuts(text: str, cuts: Sequence[int], end: int, pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Move a cut that falls just before closing quotes/brackets to just after them.

    Splitters often leave a spaced closing mark (``prêts. »``, ``here. ”``) at the start
    of the next piece; it belongs to the sentence it closes.
    """
    closes = {c for _, c in pairs}
    out: list[int] = []
    for p in cuts:
        moved = False
        while p < end and (p in closes or text[p] in ")]}）】"):
            p += 1
            moved = True
        if moved:
            while p < end and text[p].isspace():
                p += 1
        if p < end and (not out or p > out[-1]):
            out.append(p)
    return out


# ---------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _split_region(text: str, s: int, e: int, split: Callable[[str], list[str]]) -> list[int]:
    region = text[s:e]
    if not any(ch in _TERMINALS for ch in region[:-1]):
        return []  # no sentence-final mark before the end: nothing could be cut
    # Soft line breaks (and other layout whitespace) become plain spaces: same length.
    flat = "".join(" " if ch.isspace() else ch for ch in region)
    try:
        pieces = split(flat)
    except Exception:  # a library failing on odd input must not sink the pipeline
        pieces = _regex_split(flat)
    return [s + c for c in _cuts_from_pieces(flat, pieces)]


def segment(
    text: str,
    blocks: Sequence[tuple[int, int]],
    language: str,
    *,
    backend: str | None = None,
) -> list[Sentence]:
    """Split the content ``blocks`` of ``text`` into sentences.

    ``blocks`` are (start, end) character spans of ``text``; units never cross a block
    boundary.  Each returned :class:`Sentence` satisfies
    ``sentence.text == text[sentence.start:sentence.end]``, has no surrounding
    whitespace, and carries ``language``.  ``backend`` forces 'pysbd', 'razdel',
    'sentencex' or 'regex' instead of choosing by language.
    """
    lang = language or "und"
    split = _splitter(backend or backend_for(lang), base_language(lang))
    spans: list[tuple[int, int]] = []
    n = len(text)
    done = 0  # overlapping blocks: never emit the same characters twice
    for b_start, b_end in sorted((max(0, int(a)), min(n, int(b))) for a, b in blocks):
        b_start, b_end = _strip_span(text, max(b_start, done), b_end)
        done = max(done, b_end)
        if b_start >= b_end:
            continue
        pairs = quote_pairs(text, b_start, b_end)
        hard = _hard_breaks(text, b_start, b_end, pairs)
        bounds = [b_start] + [h + 1 for h in hard]
        ends = hard + [b_end]
        for r_start, r_end in zip(bounds, ends):
            r_start, r_end = _strip_span(text, r_start, r_end)
            if r_start >= r_end:
                continue
            if not _has_alnum(text[r_start:r_end]):
                continue  # a separator rule ("-----") is not a sentence
            cuts = _split_region(text, r_start, r_end, split)
            cuts = _shift_cuts(text, sorted(set(cuts) | set(_quote_end_cuts(text, r_start, r_end, pairs))), r_end, pairs)
            units: list[tuple[int, int]] = []
            for u_start, u_end in zip([r_start] + cuts, cuts + [r_end]):
                u_start, u_end = _strip_span(text, u_start, u_end)
                if u_start >= u_end:
                    continue
                if units and not _keep_cut(text[units[-1][0] : units[-1][1]], text[u_start:u_end], u_start, pairs):
                    units[-1] = (units[-1][0], u_end)
                else:
                    units.append((u_start, u_end))
            spans.extend(units)
    return [Sentence(index=i, start=s, end=e, text=text[s:e], language=lang) for i, (s, e) in enumerate(spans)]
