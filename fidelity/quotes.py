"""Quotations: find them in a text and trace each one to its source in the original.

Two halves, both pure functions over plain data:

* **Extraction** (:func:`extract_quotations`) scans a text for quotation marks of every
  common style — “…” ‘…’ "…" '…' «…» »…« „…“ „…” ‚…‘ ”…” — with a stack, so quotations
  nest («…„…“…»), span sentences, and (when the next paragraph re-opens with the same
  family of mark, the typographic convention) span paragraphs.  ``’`` and ``'`` are also
  apostrophes: a single mark opens only at a word start and closes only at a word end,
  so ``Russia’s``, ``won’t`` and ``don't`` are never quotes.  An opening mark left open at
  a paragraph break that is not continued is dropped: an unbalanced mark is reported as
  nothing rather than as a wrong quotation.  Offsets are exact: ``text[q.start:q.end] ==
  q.text``.

* **Matching** (:func:`match_quotation`) compares one quotation with the original's
  quotations (and, failing those, its plain sentences): ``verbatim`` when the words are
  the same after normalisation (case, quote and apostrophe styles, English contractions,
  hyphens, ellipses, editorial insertions in brackets such as “(have been)” or
  “[becomes]”; a contiguous part of an original quotation is verbatim too, and so is an
  elision marked with an ellipsis), ``altered`` (with a word-level diff) or ``not_found``.

:func:`trace_quotes` and :func:`render_quote_traces` drive ``fidelity quotes``.

Every cut-off is either one of the encoder's own :class:`~fidelity.encoders.Thresholds`
or a constant of :class:`QuoteSettings` below; nothing else hard-codes a number.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Sequence

import numpy as np

from .encoders import Encoder, Thresholds
from .tokens import script_of
from .types import Bead, Document, Severity, Span

__all__ = [
    "Quotation",
    "QuoteMatch",
    "QuoteSettings",
    "QuoteTrace",
    "WordChange",
    "DEFAULT_SETTINGS",
    "extract_quotations",
    "document_quotations",
    "match_quotation",
    "trace_quotes",
    "sentence_context",
    "back_translated_quote",
    "nearest_context",
    "render_quote_traces",
]


# =============================================================================== settings


@dataclass(frozen=True)
class QuoteSettings:
    """The quotation matcher's own cut-offs (encoder cosines come from ``encoder.thresholds``).

    * ``lexical_min`` — share of the quotation's content words that must occur in a
      candidate for a purely lexical match (no encoder support needed).
    * ``lexical_support`` — share of content words a candidate outside the aligned
      context must share when its encoder similarity is only ``related``, not
      ``equivalent`` (everything in one news story is topically "related").
    * ``text_min`` — share of a quotation's words that must occur, in order, in an original
      sentence for that sentence (not a quotation there) to count as the source.
    * ``window_min`` — share of the quotation's words found in a longer source above
      which only the matching stretch of the source is compared (the quotation quotes a
      part of it); below it the whole source is compared.
    * ``diff_min`` — token match ratio (difflib ``ratio``) above which an alteration is
      described word by word; below it the quotation is described as reworded.
    * ``context_bonus`` / ``lexical_weight`` — how candidates are ranked: encoder
      similarity + ``lexical_weight`` x content-word overlap + ``context_bonus`` when the
      candidate lies in the original sentences aligned with the quotation's sentence.
    * ``context_neighbours`` — how many nearest original sentences (at or above
      ``related``) count as context besides the aligned bead (itself context only when its
      score is at or above ``related``).
    * ``edge_words`` — when a quotation matches part of a longer source and has unmatched
      words at an edge, at most this many further source words beyond that edge are taken
      into the comparison (they were replaced, not left unquoted).
    * ``short_context_words`` — a quotation of at most this many words may match a
      quotation of the aligned context with an encoder similarity as low as
      ``align_min``: a few translated words ("hard and heavy") score low with any
      encoder. A longer quotation needs ``related`` plus lexical support.
    * ``short_words`` — a quotation of at most this many words is "short": without a
      source it is a minor finding (scare quotes, a term), not a major one.
    * ``max_changes`` — word changes listed in a message.
    """

    lexical_min: float = 0.6
    lexical_support: float = 0.25
    text_min: float = 0.6
    window_min: float = 0.5
    diff_min: float = 0.5
    context_bonus: float = 0.25
    lexical_weight: float = 0.5
    context_neighbours: int = 1
    edge_words: int = 2
    short_words: int = 2
    short_context_words: int = 8
    max_changes: int = 5


DEFAULT_SETTINGS = QuoteSettings()


# =============================================================================== extraction

# Quotation-mark families: a closing mark only closes an opening mark of its own family.
_FAMILY = {
    "“": "double", "”": "double", "„": "double", '"': "double",
    "«": "guillemet", "»": "guillemet",
    "‘": "single", "’": "single", "‚": "single", "'": "single",
}
QUOTE_MARKS = frozenset(_FAMILY)
_OPENERS = frozenset("“„\"”«»‘‚'’")
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
_SENTENCE_END = frozenset(".!?…:;")
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
        return len(_WORD_RE.findall(self.text))

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


@dataclass
class _Open:
    mark: str
    family: str
    content_start: int
    depth: int
    parts: list[tuple[int, int]] = field(default_factory=list)
    region_start: int = 0


def _is_space(ch: str | None) -> bool:
    return ch is None or ch.isspace()


def _is_word(ch: str | None) -> bool:
    return ch is not None and (ch.isalnum() or unicodedata.category(ch) == "Mn")


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Paragraph spans of ``text[start:end]``; a single line break inside a sentence is a soft wrap."""
    paragraphs: list[tuple[int, int]] = []
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
            paragraphs.append((para_start, para_start + len(before)))
        para_start = brk_end
    tail = text[para_start:end].rstrip()
    if tail:
        paragraphs.append((para_start, para_start + len(tail)))
    return paragraphs


def _trim(text: str, s: int, e: int, last: bool) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or (last and text[e - 1] in _TRAILING_TRIM)):
        e -= 1
    return s, e


def extract_quotations(text: str, start: int = 0, end: int | None = None) -> list[Quotation]:
    """Every quotation in ``text[start:end]``, ordered by position (outer before inner)."""
    end = len(text) if end is None else end
    found: list[Quotation] = []
    paragraphs = _paragraphs(text, start, end)
    stack: list[_Open] = []
    skip: set[int] = set()

    def finish(entry: _Open, close_at: int, close_mark: str, region_end: int) -> None:
        pieces = entry.parts + [(entry.content_start, close_at)]
        trimmed = []
        for k, (s, e) in enumerate(pieces):
            s, e = _trim(text, s, e, last=k == len(pieces) - 1)
            if e > s:
                trimmed.append((s, e))
        if not trimmed or not any(_is_word(c) for s, e in trimmed for c in text[s:e]):
            return
        q_start, q_end = trimmed[0][0], trimmed[-1][1]
        found.append(
            Quotation(q_start, q_end, text[q_start:q_end], entry.mark, close_mark, tuple(trimmed),
                      entry.region_start, region_end, entry.depth)
        )

    for k, (ps, pe) in enumerate(paragraphs):
        for i in range(ps, pe):
            ch = text[i]
            if ch not in QUOTE_MARKS or i in skip:
                continue
            prev = text[i - 1] if i > ps else None
            nxt = text[i + 1] if i + 1 < pe else None
            family = _FAMILY[ch]
            if family == "guillemet":  # French spacing: « mot » — only letters matter
                can_open = not _is_word(prev)
                can_close = not _is_word(nxt)
            else:
                can_open = not _is_space(nxt) and (
                    prev is None or prev.isspace() or prev in _OPEN_AFTER
                    or (family == "double" and not _is_word(prev))
                )
                can_close = not _is_space(prev) and not _is_word(nxt)
            target = next((j for j in range(len(stack) - 1, -1, -1) if stack[j].family == family), None)
            if target is not None and can_close and ch in _CLOSERS_FOR[stack[target].mark]:
                entry = stack[target]
                del stack[target:]  # unclosed inner quotations are dropped
                finish(entry, i, ch, pe)
            elif ch in _OPENERS and can_open:
                stack.append(_Open(ch, family, i + 1, len(stack), region_start=ps))
        if not stack:
            continue
        # Paragraph break with quotations open: the outermost continues only if the next
        # paragraph re-opens with a mark of its family; everything else is dropped.
        outer = stack[0]
        nxt_para = paragraphs[k + 1] if k + 1 < len(paragraphs) else None
        if nxt_para is not None and text[nxt_para[0]] in _OPENERS and _FAMILY[text[nxt_para[0]]] == outer.family:
            outer.parts.append((outer.content_start, pe))
            outer.content_start = nxt_para[0] + 1
            skip.add(nxt_para[0])
            stack = [outer]
        else:
            stack = []
    found.sort(key=lambda q: (q.start, -q.end))
    return found


def document_quotations(doc: Document) -> list[Quotation]:
    """The quotations of a document that overlap its sentences (set-aside text is skipped)."""
    quotes = extract_quotations(doc.text)
    if not doc.sentences:
        return quotes
    spans = [(s.start, s.end) for s in doc.sentences]
    return [q for q in quotes if any(q.start < e and s < q.end for s, e in spans)]


# =============================================================================== tokens

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|…|\.{3,}|[()\[\]]")

_CONTRACTIONS = {
    "won't": ["will", "not"], "can't": ["can", "not"], "shan't": ["shall", "not"], "ain't": ["is", "not"],
    "it's": ["it", "is"], "that's": ["that", "is"], "what's": ["what", "is"], "there's": ["there", "is"],
    "here's": ["here", "is"], "he's": ["he", "is"], "she's": ["she", "is"], "let's": ["let", "us"],
    "who's": ["who", "is"],
}
_SUFFIXES = {"n't": "not", "'re": "are", "'ve": "have", "'ll": "will", "'m": "am"}

_STOPWORDS = frozenset(
    """a an the and or but nor so yet of in on at to for from by with about as into onto over under
    than then that this these those there here it its it's is are was were be been being am do does
    did done have has had having will would shall should can could may might must i me my we us our
    ours ourselves you your he him his she her they them their what which who whom whose when where why
    how all any some each every other such only very also just too more most much many not no never
    if because while again further once both either neither same own up down out off s t
    и в во не ни на с со по к ко у о об от до из за для а но же ли бы что как это этот эта эти то
    так уже еще ещё он она оно они мы вы я ты его ее её их нам нас вам вас мне меня был была было были
    быть есть будет все всё весь вся тоже также или либо да нет при под над через между""".split()
)
_NEGATIONS = frozenset("not no never none nobody nothing neither nor не ни нет никогда никто ничто ничего".split())


@dataclass(frozen=True)
class _Token:
    norm: str
    start: int
    end: int
    editorial: bool


def _normalise_word(word: str) -> list[str]:
    w = unicodedata.normalize("NFKC", word).lower().replace("’", "'").replace("ё", "е")
    if w in _CONTRACTIONS:
        return list(_CONTRACTIONS[w])
    for suffix, full in _SUFFIXES.items():
        if w.endswith(suffix) and len(w) > len(suffix):
            return [w[: -len(suffix)], full]
    return [w]


def _tokens(text: str, parts: Sequence[tuple[int, int]]) -> tuple[list[_Token], set[int]]:
    """Normalised word tokens with exact offsets, and the token indices an ellipsis precedes."""
    return _tokens_cached(text, tuple(tuple(p) for p in parts))


@lru_cache(maxsize=4096)
def _tokens_cached(text: str, parts: tuple[tuple[int, int], ...]) -> tuple[list[_Token], set[int]]:
    # Cached: every rewrite quotation is compared with the same original candidates.
    tokens: list[_Token] = []
    elisions: set[int] = set()
    for s, e in parts:
        depth = 0
        for m in _TOKEN_RE.finditer(text, s, e):
            piece = m.group()
            if piece in "([":
                depth += 1
            elif piece in ")]":
                depth = max(0, depth - 1)
            elif piece == "…" or piece.startswith("..."):
                elisions.add(len(tokens))
            else:
                # hyphens separate words, so "long-standing" == "long standing"
                for norm in _normalise_word(piece):
                    tokens.append(_Token(norm, m.start(), m.end(), depth > 0))
    return tokens, elisions


def _content(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in _STOPWORDS]


def _same_stem(a: str, b: str) -> bool:
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= 4 and n >= 0.6 * min(len(a), len(b))


# =============================================================================== diff


@dataclass(frozen=True)
class WordChange:
    """One difference between the source's words and the quotation's words."""

    op: str  # "replaced" | "dropped" | "added"
    original: str  # normalised words, space-joined ("" for added)
    rewrite: str  # normalised words ("" for dropped)

    def describe(self) -> str:
        if self.op == "replaced":
            return f"'{self.original}' became '{self.rewrite}'"
        if self.op == "dropped":
            return f"'{self.original}' dropped"
        return f"'{self.rewrite}' added"

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "original": self.original, "rewrite": self.rewrite}


@dataclass
class _Diff:
    changes: list[WordChange]
    ratio: float  # difflib ratio over the compared tokens
    matched: int  # tokens of the quotation found in the source, in order
    window: tuple[int, int]  # source token window compared
    changed_original: list[list[str]]  # per change, original tokens
    changed_rewrite: list[list[str]]


def _diff(a: list[_Token], b: list[_Token], elisions: set[int], settings: QuoteSettings) -> _Diff:
    """Diff source tokens ``a`` against quotation tokens ``b``, first narrowing ``a`` to the quoted part."""
    aw = [t.norm for t in a]
    bw = [t.norm for t in b]
    sm = difflib.SequenceMatcher(None, aw, bw, autojunk=False)
    blocks = [blk for blk in sm.get_matching_blocks() if blk.size]
    matched = sum(blk.size for blk in blocks)
    ws, we = 0, len(a)
    if blocks and matched >= max(1, min(2, len(b))) and matched >= settings.window_min * len(b):
        first, last = blocks[0], blocks[-1]
        b_tail = len(b) - last.b - last.size
        ws = max(0, first.a - first.b)
        we = min(len(a), last.a + last.size + b_tail)
        # The quotation's unmatched edge words stand in for the source's edge words; when only
        # a couple of source words lie beyond them, they were replaced too ("have a" -> "has").
        if first.b and ws <= settings.edge_words:
            ws = 0
        if b_tail and len(a) - we <= settings.edge_words:
            we = len(a)
        sm = difflib.SequenceMatcher(None, aw[ws:we], bw, autojunk=False)
    changes: list[WordChange] = []
    ch_a: list[list[str]] = []
    ch_b: list[list[str]] = []
    window_a = a[ws:we]
    opcodes = sm.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            continue
        ta = [t for t in window_a[i1:i2] if not t.editorial]
        tb = [t for t in b[j1:j2] if not t.editorial]
        if tag == "delete" and any(j1 == pos for pos in elisions):
            continue  # the quotation marks this elision with an ellipsis
        if not ta and not tb:
            continue  # editorial insertions only: "(have been)", "[becomes]"
        if tag == "replace" and [t.norm for t in ta] == [t.norm for t in tb]:
            continue
        wa, wb = [t.norm for t in ta], [t.norm for t in tb]
        op = "replaced" if wa and wb else ("dropped" if wa else "added")
        changes.append(WordChange(op, " ".join(wa), " ".join(wb)))
        ch_a.append(wa)
        ch_b.append(wb)
    return _Diff(changes, sm.ratio(), matched, (ws, we), ch_a, ch_b)


def _severity(d: _Diff, a_window: list[str], b_words: list[str], similarity: float | None,
              equivalent: float) -> tuple[Severity, str]:
    """How serious an alteration is, and why (for the message)."""
    neg_a = sum(w in _NEGATIONS for w in a_window)
    neg_b = sum(w in _NEGATIONS for w in b_words)
    if neg_a != neg_b:
        return Severity.CRITICAL, "negation changed"
    nums_a = sorted(w for w in a_window if any(c.isdigit() for c in w))
    nums_b = sorted(w for w in b_words if any(c.isdigit() for c in w))
    if nums_a != nums_b:
        return Severity.CRITICAL, "number changed"
    # pair changed content words by stem: inside one change = inflection; across changes = moved
    left = [(k, w) for k, ws in enumerate(d.changed_original) for w in _content(ws)]
    right = [(k, w) for k, ws in enumerate(d.changed_rewrite) for w in _content(ws)]
    moved = False
    for k, w in list(left):
        hit = next((r for r in right if _same_stem(w, r[1]) and r[0] == k), None)
        if hit is None:
            hit = next((r for r in right if _same_stem(w, r[1])), None)
            if hit is not None:
                moved = True
        if hit is not None:
            right.remove(hit)
            left.remove((k, w))
    if not left and not right:
        return (Severity.MAJOR, "words reordered") if moved else (Severity.MINOR, "wording only")
    if similarity is not None and similarity >= equivalent:
        return Severity.MAJOR, "wording changed"
    return Severity.CRITICAL, "content words substituted or dropped"


# =============================================================================== matching


@dataclass(frozen=True)
class QuoteMatch:
    """Where one quotation comes from in the original, and how faithfully it is quoted."""

    status: str  # "verbatim" | "altered" | "not_found"
    quotation: Quotation
    quotation_words: str  # the quoted words (paragraph parts joined)
    source: Span | None = None  # the original's words compared (exact offsets)
    source_quote: Quotation | None = None  # the original quotation, when the source is one
    source_kind: str | None = None  # "quotation" | "text" (an original sentence, unquoted there)
    similarity: float | None = None  # encoder cosine between quotation and source
    overlap: float = 0.0  # difflib ratio of normalised tokens
    changes: tuple[WordChange, ...] = ()
    severity: Severity | None = None
    reason: str = ""
    partial: bool = False  # the quotation quotes part of a longer source
    translated: bool = False  # quotation and source are in different languages
    in_context: bool = False  # the source lies in the aligned original sentences
    pivot: str | None = None  # the back-translated quotation the words were compared through

    def message(self, max_changes: int = DEFAULT_SETTINGS.max_changes) -> str:
        """One line a translator understands."""
        from .detectors.base import short

        via = " (compared through the back-translation)" if self.pivot is not None else ""
        if self.status == "verbatim":
            if self.translated and self.pivot is None:
                return f"quotation translated with the same meaning (similarity {self.similarity:.2f})"
            return "quotation verbatim" + (" (part of a longer quotation)" if self.partial else "") + via
        if self.status == "not_found":
            return f"quotation has no source in the original: “{short(self.quotation_words, 70)}”"
        assert self.source is not None
        src = short(self.source.text, 70)
        sim = f"similarity {self.similarity:.2f}" if self.similarity is not None else f"overlap {self.overlap:.2f}"
        unquoted = "; the original has these words without quotation marks" if self.source_kind == "text" else ""
        if self.translated and self.pivot is None:
            return f"translated quotation differs in meaning from “{src}” ({sim}){unquoted}"
        if self.changes and self.overlap >= DEFAULT_SETTINGS.diff_min:
            listed = "; ".join(c.describe() for c in self.changes[:max_changes])
            more = len(self.changes) - max_changes
            if more > 0:
                listed += f"; and {more} more change{'s' if more > 1 else ''}"
            why = f" ({self.reason})" if self.reason in ("negation changed", "number changed") else ""
            return f"quotation altered{why}: {listed}{unquoted}{via}"
        return f"quotation reworded: the original says “{src}” ({sim}){unquoted}{via}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": self.status,
            "quotation": self.quotation.to_dict(),
            "source": self.source.to_dict() if self.source else None,
            "source_kind": self.source_kind,
            "similarity": None if self.similarity is None else round(float(self.similarity), 4),
            "overlap": round(float(self.overlap), 4),
            "changes": [c.to_dict() for c in self.changes],
            "severity": self.severity.value if self.severity else None,
            "reason": self.reason,
            "partial": self.partial,
            "translated": self.translated,
            "in_context": self.in_context,
            "message": self.message(),
        }
        if self.pivot is not None:
            out["pivot"] = self.pivot
        return out


@dataclass
class _Candidate:
    kind: str  # "quotation" | "text"
    parts: tuple[tuple[int, int], ...]
    quote: Quotation | None
    in_context: bool


def _cosines(encoder: Encoder | None, query: str, texts: list[str]) -> np.ndarray | None:
    if encoder is None or not texts:
        return None
    vectors = encoder.encode([query] + texts)
    return vectors[1:] @ vectors[0]


def _overlaps(spans: Sequence[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < ce and cs < e for cs, ce in spans)


def match_quotation(
    q: Quotation,
    original_quotes: Sequence[Quotation],
    original_text: str,
    encoder: Encoder | None,
    *,
    rewrite_text: str | None = None,
    context: Sequence[tuple[int, int]] = (),
    sentences: Sequence[tuple[int, int]] | None = None,
    cross_lingual: bool | None = None,
    pivot: str | None = None,
    settings: QuoteSettings = DEFAULT_SETTINGS,
) -> QuoteMatch:
    """Trace quotation ``q`` to the original.

    ``rewrite_text`` is the text ``q``'s offsets point into (default: ``q.text`` is used,
    so multi-paragraph quotations keep their re-opening marks as punctuation).
    ``context`` lists original regions (the aligned bead's sentences) whose quotations are
    preferred; ``sentences`` the original's sentence spans searched when no quotation
    matches (default: its paragraphs).  ``cross_lingual`` says whether the two sides are in
    different languages (default: decided by the writing systems of the quotation and the
    original).  ``pivot`` is the quotation rendered in the original's language (taken
    from a back-translation): when given, words are compared through it.  With
    ``encoder=None`` the matcher is purely lexical.
    """
    words = q.words(rewrite_text) if rewrite_text is not None else q.text
    base = QuoteMatch("not_found", q, words, pivot=pivot)
    if pivot is not None:
        compare = pivot
        b_tokens, elisions = _tokens(pivot, [(0, len(pivot))])
        cross_lingual = False
    else:
        compare = words
        if rewrite_text is not None:
            b_tokens, elisions = _tokens(rewrite_text, q.parts)
        else:
            b_tokens, elisions = _tokens(q.text, [(0, len(q.text))])
        if cross_lingual is None:
            cross_lingual = script_of(words) != script_of(original_text)
    b_core = [t for t in b_tokens if not t.editorial] or b_tokens
    if not b_core:
        return base
    thresholds = encoder.thresholds if encoder is not None else None
    translated = cross_lingual or pivot is not None

    candidates = [
        _Candidate("quotation", oq.parts, oq, _overlaps(context, oq.start, oq.end)) for oq in original_quotes
    ]
    text_spans = list(sentences) if sentences is not None else _paragraphs(original_text, 0, len(original_text))
    b_norm = [t.norm for t in b_core]
    b_content = set(_content(b_norm)) or set(b_norm)
    short = len(b_core) <= settings.short_context_words

    def lexical(cand_tokens: list[_Token]) -> float:
        have = {t.norm for t in cand_tokens}
        return sum(1 for w in b_content if w in have) / len(b_content)

    # ---- score the original quotations
    quote_texts = [oq.words(original_text) for oq in original_quotes]
    sims = _cosines(encoder, compare, quote_texts)
    scored: list[tuple[float, int, list[_Token], _Diff | None]] = []
    for n, cand in enumerate(candidates):
        a_tokens, _ = _tokens(original_text, cand.parts)
        if not a_tokens:
            continue
        sim = float(sims[n]) if sims is not None else None
        lex = 0.0 if cross_lingual else lexical(a_tokens)
        diff = None if cross_lingual else _diff(a_tokens, b_tokens, elisions, settings)
        if diff is not None and not diff.changes and (
            len(b_core) >= 2 or cand.in_context or diff.window == (0, len(a_tokens))
        ):
            return _verbatim(base, cand, a_tokens, diff, original_text, sim, translated)
        if sim is None:
            ok = lex >= settings.lexical_min and diff is not None and diff.matched >= 2
            score = lex + (settings.context_bonus if cand.in_context else 0.0)
        else:
            assert thresholds is not None
            if cross_lingual:
                # No words to compare: inside the aligned context ``related`` is enough, outside
                # it (where everything in one story is topically related) the midpoint is needed.
                ok = sim >= (thresholds.related if cand.in_context else _midpoint(thresholds)) or (
                    cand.in_context and short and sim >= thresholds.align_min
                )
            else:
                ok = (
                    sim >= thresholds.equivalent
                    or (sim >= thresholds.related and lex >= settings.lexical_support)
                    or (cand.in_context and short and sim >= thresholds.align_min)
                    or (lex >= settings.lexical_min and diff is not None and diff.matched >= 2)
                )
            score = sim + settings.lexical_weight * lex + (settings.context_bonus if cand.in_context else 0.0)
        if ok:
            scored.append((score, n, a_tokens, diff))
    if scored:
        _, n, a_tokens, diff = max(scored, key=lambda x: (x[0], -x[1]))
        return _altered(base, candidates[n], a_tokens, b_tokens, diff, original_text, encoder, compare,
                        translated)

    # ---- no quotation: the words may stand unquoted in an original sentence
    best: tuple[float, _Candidate, list[_Token], _Diff | None] | None = None
    sent_texts = [original_text[s:e] for s, e in text_spans]
    sent_sims = _cosines(encoder, compare, sent_texts) if cross_lingual else None
    for n, (s, e) in enumerate(text_spans):
        cand = _Candidate("text", ((s, e),), None, _overlaps(context, s, e))
        a_tokens, _ = _tokens(original_text, cand.parts)
        if not a_tokens:
            continue
        if cross_lingual:
            sim = float(sent_sims[n]) if sent_sims is not None else 0.0
            if thresholds is not None and sim >= thresholds.equivalent and (best is None or sim > best[0]):
                best = (sim, cand, a_tokens, None)
            continue
        diff = _diff(a_tokens, b_tokens, elisions, settings)
        share = min(diff.matched / len(b_tokens), lexical(a_tokens))
        enough = diff.matched >= 2 or (len(b_tokens) == 1 and diff.matched == 1 and cand.in_context)
        if enough and share >= settings.text_min and (best is None or share > best[0]):
            best = (share, cand, a_tokens, diff)
    if best is None:
        return base
    _, cand, a_tokens, diff = best
    if diff is not None and not diff.changes:
        return _verbatim(base, cand, a_tokens, diff, original_text, None, translated)
    return _altered(base, cand, a_tokens, b_tokens, diff, original_text, encoder, compare, translated)


def _midpoint(thresholds: Thresholds) -> float:
    return (thresholds.related + thresholds.equivalent) / 2


def _window_span(text: str, cand: _Candidate, a_tokens: list[_Token], window: tuple[int, int]) -> tuple[Span, bool]:
    ws, we = window
    full = (ws, we) == (0, len(a_tokens))
    if full and cand.quote is not None:
        return cand.quote.span, False
    if full or we <= ws:
        s, e = cand.parts[0][0], cand.parts[-1][1]
        s, e = _trim(text, s, e, last=False)
        return Span(s, e, text[s:e]), False
    s, e = a_tokens[ws].start, a_tokens[we - 1].end
    return Span(s, e, text[s:e]), True


def _verbatim(base: QuoteMatch, cand: _Candidate, a_tokens: list[_Token], diff: _Diff, text: str,
              sim: float | None, translated: bool) -> QuoteMatch:
    span, partial = _window_span(text, cand, a_tokens, diff.window)
    return QuoteMatch("verbatim", base.quotation, base.quotation_words, span, cand.quote, cand.kind, sim,
                      1.0, (), None, "same words", partial, translated, cand.in_context, base.pivot)


def _altered(base: QuoteMatch, cand: _Candidate, a_tokens: list[_Token], b_tokens: list[_Token],
             diff: _Diff | None, text: str, encoder: Encoder | None, compare: str, translated: bool) -> QuoteMatch:
    if diff is None:  # across languages without a back-translation: only the encoder can judge
        span, partial = _window_span(text, cand, a_tokens, (0, len(a_tokens)))
        sim = float(_cosines(encoder, compare, [span.text])[0]) if encoder is not None else 0.0
        th = encoder.thresholds if encoder is not None else None
        if th is not None and sim >= th.related:
            return QuoteMatch("verbatim", base.quotation, base.quotation_words, span, cand.quote, cand.kind, sim,
                              0.0, (), None, "translated; same meaning as far as the encoder can tell", partial,
                              True, cand.in_context)
        return QuoteMatch("altered", base.quotation, base.quotation_words, span, cand.quote, cand.kind, sim, 0.0,
                          (), Severity.MAJOR, "translated quotation differs in meaning", partial, True,
                          cand.in_context)
    span, partial = _window_span(text, cand, a_tokens, diff.window)
    sim = None
    if encoder is not None:
        sim = float(_cosines(encoder, compare, [span.text])[0])
    a_window = [t.norm for t in a_tokens[diff.window[0]:diff.window[1]] if not t.editorial]
    b_words = [t.norm for t in b_tokens if not t.editorial]
    equivalent = encoder.thresholds.equivalent if encoder is not None else 1.0
    severity, reason = _severity(diff, a_window, b_words, sim, equivalent)
    return QuoteMatch("altered", base.quotation, base.quotation_words, span, cand.quote, cand.kind, sim, diff.ratio,
                      tuple(diff.changes), severity, reason, partial, translated, cand.in_context, base.pivot)


# =============================================================================== context


def nearest_context(
    rewrite_sentences: Sequence[str], original_sentences: Sequence[str], encoder: Encoder | None,
    settings: QuoteSettings = DEFAULT_SETTINGS,
) -> list[list[int]]:
    """For each rewrite sentence, the original sentences most similar to it (at or above ``related``)."""
    if encoder is None or not rewrite_sentences or not original_sentences:
        return [[] for _ in rewrite_sentences]
    r = encoder.encode(list(rewrite_sentences))
    o = encoder.encode(list(original_sentences))
    sims = r @ o.T
    out = []
    for row in sims:
        order = np.argsort(-row, kind="stable")[: settings.context_neighbours]
        out.append([int(j) for j in order if row[j] >= encoder.thresholds.related])
    return out


def sentence_context(
    original: Document, rewrite: Document, encoder: Encoder | None, beads: Sequence[Bead] | None = None,
    settings: QuoteSettings = DEFAULT_SETTINGS,
) -> list[list[int]]:
    """For each rewrite sentence, the original sentences whose quotations it most likely quotes.

    Those of its aligned bead (when the bead scores at least ``related``) and its nearest
    original sentences. With ``beads=None`` and an encoder, the project aligner is run.
    """
    if encoder is None or not rewrite.sentences or not original.sentences:
        return [[] for _ in rewrite.sentences]
    original_texts = [s.text for s in original.sentences]
    rewrite_texts = [s.text for s in rewrite.sentences]
    if beads is None:
        from .align import align

        beads = align(original_texts, rewrite_texts, encoder)
    out = nearest_context(rewrite_texts, original_texts, encoder, settings)
    for bead in beads:
        if bead.original and bead.rewrite and bead.score >= encoder.thresholds.related:
            for r in bead.rewrite:
                out[r] = list(dict.fromkeys(list(bead.original) + out[r]))
    return out


def back_translated_quote(q: Quotation, doc: Document, quotes: Sequence[Quotation]) -> str | None:
    """``q`` as it reads in its sentence's back-translation, if the translate stage made one.

    The k-th quotation of the sentence is paired with the k-th quotation (same nesting
    depth) of the back-translation, and only when both have the same number of them.
    """
    holders = [s for s in doc.sentences if s.start <= q.start and q.end <= s.end]
    if len(holders) != 1 or not holders[0].back_translation:
        return None
    sentence = holders[0]
    mine = [x for x in quotes if x.depth == q.depth and sentence.start <= x.start and x.end <= sentence.end]
    theirs = [x for x in extract_quotations(sentence.back_translation) if x.depth == q.depth]
    if len(mine) != len(theirs) or q not in mine:
        return None
    return theirs[mine.index(q)].words(sentence.back_translation)


# =============================================================================== trace


@dataclass(frozen=True)
class QuoteTrace:
    """One quotation of another text traced to the original."""

    path: str | None
    match: QuoteMatch

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.path, **self.match.to_dict()}


def _cross_lingual(a: Document, b: Document) -> bool | None:
    if a.language != "und" and b.language != "und":
        return a.language.split("-")[0] != b.language.split("-")[0]
    return None


def trace_quotes(
    original: Document, others: Sequence[Document], encoder: Encoder | None,
    settings: QuoteSettings = DEFAULT_SETTINGS,
) -> list[QuoteTrace]:
    """Every quotation in ``others`` traced to its source in ``original`` (verbatim, altered or not found)."""
    original_quotes = document_quotations(original)
    sentence_spans = [(s.start, s.end) for s in original.sentences] or None
    traces: list[QuoteTrace] = []
    for doc in others:
        context_of = sentence_context(original, doc, encoder, beads=None, settings=settings)
        cross = _cross_lingual(original, doc)
        quotes = document_quotations(doc)
        for q in quotes:
            context = [
                (original.sentences[j].start, original.sentences[j].end)
                for i, s in enumerate(doc.sentences) if q.start < s.end and s.start < q.end
                for j in context_of[i]
            ]
            pivot = back_translated_quote(q, doc, quotes) if cross is not False else None
            m = match_quotation(q, original_quotes, original.text, encoder, rewrite_text=doc.text, context=context,
                                sentences=sentence_spans, cross_lingual=cross, pivot=pivot, settings=settings)
            traces.append(QuoteTrace(doc.path, m))
    return traces


def render_quote_traces(traces: Sequence[QuoteTrace]) -> str:
    """Plain text, one block per quotation."""
    if not traces:
        return "no quotations found\n"
    blocks = []
    for t in traces:
        m = t.match
        q = m.quotation
        status = m.status.replace("_", " ")
        if m.severity is not None:
            status += f" ({m.severity.value})"
        if m.translated:
            status += " [translated]"
        lines = [f"{t.path or '<text>'} {q.start}-{q.end}: {status}", f"  quoted:  {_one_line(m.quotation_words)}"]
        if m.source is not None:
            where = "original quotation" if m.source_kind == "quotation" else "original text (unquoted)"
            lines.append(f"  source:  {_one_line(m.source.text)}  [{where} {m.source.start}-{m.source.end}]")
        if m.status == "altered":
            lines.append(f"  {m.message()}")
        blocks.append("\n".join(lines))
    counts: dict[str, int] = {}
    for t in traces:
        counts[t.match.status] = counts.get(t.match.status, 0) + 1
    summary = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(counts.items()))
    return "\n\n".join(blocks) + f"\n\n{len(traces)} quotations: {summary}\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
