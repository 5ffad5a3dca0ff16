"""Word-level differences inside aligned same-language sentences: dropped, added and
substituted content words ("interference and concerns" → "interference").

Words that occur elsewhere on the other side are reordering, not change; function words
never count; a substitution whose two sides the encoder finds close (a synonym) is a
paraphrase. A single changed word is minor unless it was cut out of (or put into) a list
("Finland and Sweden" → "Finland"); phrases are major.
"""

from __future__ import annotations

from ..cues import STOPWORDS
from ..lang import base_language
from ..entities import is_acronym_of
from ..tokens import Token
from ..types import Finding, Severity
from .base import AlignedPair, DiffOp, short, side_language, token_span
from .negation import is_antonym_pair

# A substitution whose two sides embed at least this close is a synonym (USE scale; scaled for others).
SYNONYM_SIMILARITY = 0.55
_LIST_WORDS = {"and", "or", "и", "или"}


def _content(tokens: list[Token], stopwords: frozenset[str]) -> list[Token]:
    return [t for t in tokens if t.norm not in stopwords and not any(c.isdigit() for c in t.norm) and len(t.norm) > 1]


def _in_list(op_tokens: list[Token], changed: list[Token], text: str) -> bool:
    """Was the change a list member: 'and'/'or' in the diff, or a comma or 'and' right before it?"""
    if any(t.norm in _LIST_WORDS for t in op_tokens):
        return True
    before = text[max(0, changed[0].start - 6) : changed[0].start].lower()
    return before.rstrip().endswith((",", " and", " or", " и", " или"))


def _is_name(token: Token, text: str) -> bool:
    """A capitalised word that does not start a sentence: a name dropped or added matters."""
    if not token.text[:1].isupper():
        return False
    before = text[: token.start].rstrip(" \"“‘'«(")
    return bool(before) and before[-1] not in ".!?:\n"


class WordingDetector:
    name = "wording"

    def _synonym_threshold(self, pair: AlignedPair) -> float:
        # The same place between an encoder's 'related' and 'equivalent' as 0.55 is on USE's scale.
        t = pair.encoder.thresholds
        return t.related + (SYNONYM_SIMILARITY - 0.45) / (0.80 - 0.45) * (t.equivalent - t.related)

    def detect(self, pair: AlignedPair) -> list[Finding]:
        if pair.encoder is None:
            return []
        findings: list[Finding] = []
        synonym = self._synonym_threshold(pair)
        for bead_index, bead in pair.matched_beads():
            if not pair.parallel(bead_index):
                continue
            language = base_language(side_language(pair.original, bead.original))
            stopwords = STOPWORDS.get(language, frozenset())
            ops = pair.word_diff(bead_index)
            changes = [(op, _content(op.only_original, stopwords), _content(op.only_rewrite, stopwords)) for op in ops]
            # Single words dropped in one place and added in another may be synonyms moved around.
            loose_added = [a for _, d, a in changes if len(a) == 1 and not d]
            for op, dropped, added in changes:
                swap = op.op == "replace" and len(op.original) == 1 and len(op.rewrite) == 1
                if swap and not (dropped and added) and op.original[0].text[:1].isupper() \
                        and op.rewrite[0].text[:1].isupper():
                    # Two names swapped that both occur elsewhere ("Finland and Sweden ... Sweden joined").
                    dropped, added = op.original, op.rewrite
                if dropped and added:
                    findings += self._substitution(pair, bead_index, op, dropped, added, synonym, language)
                elif dropped:
                    if len(dropped) == 1 and self._has_synonym(pair, dropped[0], loose_added, synonym):
                        continue
                    span = token_span(pair.original.text, dropped)
                    major = len(dropped) > 1 or _in_list(op.original, dropped, pair.original.text) \
                        or _is_name(dropped[0], pair.original.text)
                    findings.append(Finding(
                        "", "omission", Severity.MAJOR if major else Severity.MINOR, 0.7 if major else 0.4, span, None,
                        f"dropped: '{short(span.text, 60)}' is not in the rewrite", bead_index))
                elif added:
                    span = token_span(pair.rewrite.text, added)
                    major = len(added) > 1 or _in_list(op.rewrite, added, pair.rewrite.text) \
                        or _is_name(added[0], pair.rewrite.text)
                    findings.append(Finding(
                        "", "addition", Severity.MAJOR if major else Severity.MINOR, 0.7 if major else 0.4, None, span,
                        f"added: '{short(span.text, 60)}' is not in the original", bead_index))
        return findings

    def _has_synonym(self, pair: AlignedPair, word: Token, candidates: list[list[Token]], synonym: float) -> bool:
        if not candidates:
            return False
        vectors = pair.encoder.encode([word.text] + [c[0].text for c in candidates])
        return bool((vectors[1:] @ vectors[0]).max() >= synonym)

    def _substitution(self, pair: AlignedPair, bead_index: int, op: DiffOp, dropped: list[Token],
                      added: list[Token], synonym: float, language: str) -> list[Finding]:
        if any(is_antonym_pair(d.norm, a.norm, language) for d in dropped for a in added):
            return []  # a reversal: the negation detector reports it
        o_span = token_span(pair.original.text, dropped)
        r_span = token_span(pair.rewrite.text, added)
        va, vb = pair.encoder.encode([o_span.text, r_span.text])
        similarity = float(va @ vb)
        if similarity >= synonym:
            return []
        if is_acronym_of(o_span.text, r_span.text) or is_acronym_of(r_span.text, o_span.text):
            return []
        if all(t.text[:1].isupper() for t in dropped + added):
            return [Finding(
                "", "entity_changed", Severity.MAJOR, 0.75, o_span, r_span,
                f"name changed: '{o_span.text}' became '{r_span.text}'", bead_index)]
        # Single words: only clear changes of meaning are major ('boost' → 'reduce', not 'draw' → 'move').
        major = len(dropped) + len(added) > 2 or similarity < synonym - 0.05
        return [Finding(
            "", "mistranslation", Severity.MAJOR if major else Severity.MINOR,
            min(0.9, 0.5 + (synonym - similarity)), o_span, r_span,
            f"wording changed: '{short(o_span.text, 50)}' became '{short(r_span.text, 50)}' "
            f"(similarity {similarity:.2f})", bead_index)]
