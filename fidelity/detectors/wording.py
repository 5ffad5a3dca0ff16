"""Word-level differences inside aligned same-language sentences: dropped, added and
substituted content words ("interference and concerns" → "interference").

Words that occur elsewhere on the other side are reordering, not change; function words
never count; a substitution whose two sides the encoder finds close (a synonym) is a
paraphrase. A single changed word is minor unless it was cut out of (or put into) a list
("Finland and Sweden" → "Finland"); phrases are major.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..cues import STOPWORDS
from ..entities import Entity, is_acronym_of
from ..lang import base_language
from ..tokens import Token
from ..types import Finding, Severity
from .base import AlignedPair, DiffOp, short, side_language, token_span
from .negation import is_antonym_pair
from .registry import Configured, Scope, Traits, register

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


@dataclass(frozen=True)
class WordingConfig:
    # Cosine cut-offs as positions between the encoder's 'related' (0) and 'equivalent' (1)
    # thresholds. A substitution whose two sides embed at least this close is a synonym (0.55
    # on USE's 0.45..0.80 scale).
    synonym: float = (0.55 - 0.45) / (0.80 - 0.45)
    # A single-word substitution below this is a clear change of meaning, major (0.50 on USE).
    major_below: float = (0.50 - 0.45) / (0.80 - 0.45)
    major: Severity = Severity.MAJOR
    minor: Severity = Severity.MINOR
    major_confidence: float = 0.7  # a dropped or added phrase, list member or name
    minor_confidence: float = 0.4
    entity_confidence: float = 0.75  # two capitalised words substituted: a name changed


@register("wording", config=WordingConfig, traits=Traits(scope=Scope.SAME_LANGUAGE))
class WordingDetector(Configured):
    """Content words dropped, added or substituted in close same-language rewrites (word diff)."""

    config: WordingConfig

    def _cut(self, pair: AlignedPair, position: float) -> float:
        t = pair.encoder.thresholds
        return t.related + position * (t.equivalent - t.related)

    def detect(self, pair: AlignedPair) -> list[Finding]:
        if pair.encoder is None:
            return []
        c = self.config
        findings: list[Finding] = []
        synonym = self._cut(pair, c.synonym)
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
                        "", "omission", c.major if major else c.minor,
                        c.major_confidence if major else c.minor_confidence, span, None,
                        f"dropped: '{short(span.text, 60)}' is not in the rewrite", bead_index))
                elif added:
                    span = token_span(pair.rewrite.text, added)
                    major = len(added) > 1 or _in_list(op.rewrite, added, pair.rewrite.text) \
                        or _is_name(added[0], pair.rewrite.text)
                    findings.append(Finding(
                        "", "addition", c.major if major else c.minor,
                        c.major_confidence if major else c.minor_confidence, None, span,
                        f"added: '{short(span.text, 60)}' is not in the original", bead_index))
        return findings

    @staticmethod
    def _is_name(pair: AlignedPair, token: Token, doc) -> bool:
        """A capitalised word mid-sentence, or first in a sentence but capitalised mid-sentence
        somewhere in either text ('China, which has...')."""
        if _is_name(token, doc.text):
            return True
        return token.text in pair.capitalised_words()

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
        if is_acronym_of(o_span.text, r_span.text) or is_acronym_of(r_span.text, o_span.text):
            return []
        names = all(t.text[:1].isupper() for t in dropped + added)
        if names and self._is_name(pair, dropped[0], pair.original) and self._is_name(pair, added[0], pair.rewrite):
            # Names are never synonyms, however close the encoder puts them ('China' and
            # 'Russia'); the same name in another spelling ('Degtyaryov', 'Degtyarev') is no change.
            if pair.name_matcher(bead_index).same(Entity(o_span.start, o_span.end, o_span.text),
                                                  Entity(r_span.start, r_span.end, r_span.text)):
                return []
            return [Finding(
                "", "entity_changed", self.config.major, self.config.entity_confidence, o_span, r_span,
                f"name changed: '{o_span.text}' became '{r_span.text}'", bead_index)]
        va, vb = pair.encoder.encode([o_span.text, r_span.text])
        similarity = float(va @ vb)
        if similarity >= synonym:
            return []
        if names:
            return [Finding(
                "", "entity_changed", self.config.major, self.config.entity_confidence, o_span, r_span,
                f"name changed: '{o_span.text}' became '{r_span.text}'", bead_index)]
        # Single words: only clear changes of meaning are major ('boost' → 'reduce', not 'draw' → 'move').
        major = len(dropped) + len(added) > 2 or similarity < self._cut(pair, self.config.major_below)
        return [Finding(
            "", "mistranslation", self.config.major if major else self.config.minor,
            min(0.9, 0.5 + (synonym - similarity)), o_span, r_span,
            f"wording changed: '{short(o_span.text, 50)}' became '{short(r_span.text, 50)}' "
            f"(similarity {similarity:.2f})", bead_index)]
