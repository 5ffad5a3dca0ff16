"""Word diff of a quotation against its source, and how serious the differences are.

Words are compared after normalisation (:func:`fidelity.text.tokens.quoted_words`: case, quote
and apostrophe styles, English contractions, hyphens); ellipses mark elisions and words
in brackets are editorial insertions, neither of which counts as a change.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from fidelity.checking.quotations.settings import QuoteSettings
from fidelity.languages import Language, registered
from fidelity.models.encoder_types import Thresholds
from fidelity.text.tokens import WordToken
from fidelity.types import Severity

SAME_MEANING = "reworded, same meaning"  # severity_of's reasons for a minor rewording
CLOSE_MEANING = "reworded, close in meaning"

__all__ = ["WordChange", "WordDiff", "diff_words", "severity_of", "content_words"]


def content_words(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in _words(registered()).stopwords]


@dataclass(frozen=True)
class _QuotationWords:
    """Every registered language's quotation word lists in one (a quotation is read in any language)."""

    stopwords: frozenset[str]
    negation: frozenset[str]
    # "not only X but also Y", "no doubt", "nothing but": a negation word that negates nothing
    # (the negation detector's exceptions, for the normalised words a quotation diff has).
    # "not only" needs its "but" later on: "is not only confined to X" does negate.
    not_negating_after: Mapping[str, frozenset[str]]
    needs: Mapping[str, str]


@cache
def _words(languages: tuple[Language, ...]) -> _QuotationWords:
    after: dict[str, frozenset[str]] = {}
    for lang in languages:
        for word, following in lang.not_negating_after.items():
            after[word] = after.get(word, frozenset()) | following
    return _QuotationWords(frozenset().union(*(lang.quotation_stopwords for lang in languages)),
                           frozenset().union(*(lang.negation_words for lang in languages)), after,
                           {k: v for lang in languages for k, v in lang.not_negating_needs.items()})


def negation_count(words: list[str]) -> int:
    """Negation words among normalised ``words``, less those of a fixed phrase that negates nothing."""
    lists = _words(registered())
    count = 0
    for k, w in enumerate(words):
        if w not in lists.negation:
            continue
        after = words[k + 1] if k + 1 < len(words) else ""
        if after in lists.not_negating_after.get(w, ()) and (
                after not in lists.needs or lists.needs[after] in words[k + 2:]):
            continue
        count += 1
    return count


def same_stem(a: str, b: str) -> bool:
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= 4 and n >= 0.6 * min(len(a), len(b))


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
class WordDiff:
    changes: list[WordChange]
    ratio: float  # difflib ratio over the compared tokens
    matched: int  # tokens of the quotation found in the source, in order
    window: tuple[int, int]  # source token window compared
    changed_original: list[list[str]]  # per change, original tokens
    changed_rewrite: list[list[str]]


def diff_words(a: list[WordToken], b: list[WordToken], elisions: set[int], settings: QuoteSettings) -> WordDiff:
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
    for tag, i1, i2, j1, j2 in opcodes:
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
    return WordDiff(changes, sm.ratio(), matched, (ws, we), ch_a, ch_b)


def severity_of(d: WordDiff, a_window: list[str], b_words: list[str], similarity: float | None,
                thresholds: Thresholds | None, settings: QuoteSettings) -> tuple[Severity, str]:
    """How serious an alteration is, and why (for the message)."""
    # Reworded as a whole, the words no longer line up: a negation word counted on each side
    # is no evidence ("out of the question" / "cannot"); the negation detector reads polarity.
    reworded = d.ratio < settings.diff_min
    if not reworded and negation_count(a_window) != negation_count(b_words):
        return Severity.CRITICAL, "negation changed"
    nums_a = sorted(w for w in a_window if any(c.isdigit() for c in w))
    nums_b = sorted(w for w in b_words if any(c.isdigit() for c in w))
    if nums_a != nums_b:
        return Severity.CRITICAL, "number changed"
    if similarity is not None and thresholds is not None:
        # Reworded as a whole or throughout, as a second translation of the same words is (an
        # edit of a quotation changes a word or two and keeps the rest): the encoder, not the
        # word diff, says whether the meaning moved.
        if similarity >= thresholds.equivalent and (reworded or len(d.changes) >= settings.retranslated_changes):
            return Severity.MINOR, SAME_MEANING
        if reworded and similarity >= thresholds.faithful_floor(settings.faithful_floor):
            return Severity.MINOR, CLOSE_MEANING
    equivalent = thresholds.equivalent if thresholds is not None else 1.0
    # pair changed content words by stem: inside one change = inflection; across changes = moved
    left = [(k, w) for k, ws in enumerate(d.changed_original) for w in content_words(ws)]
    right = [(k, w) for k, ws in enumerate(d.changed_rewrite) for w in content_words(ws)]
    moved = False
    for k, w in list(left):
        hit = next((r for r in right if same_stem(w, r[1]) and r[0] == k), None)
        if hit is None:
            hit = next((r for r in right if same_stem(w, r[1])), None)
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

