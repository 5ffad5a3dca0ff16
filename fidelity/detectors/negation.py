"""Negation: polarity flipped between original and rewrite ("not" added or dropped, antonyms)."""

from __future__ import annotations

from ..cues import ANTONYMS, NEGATION, NEGATION_EXCEPTIONS, base_language, compile_cues, find_cues
from ..tokens import tokenize
from ..types import Finding, Severity, Span
from .base import AlignedPair, Cue, counterpart_threshold, cue_changes, side_language

_EN_SUFFIXES = {"", "s", "es", "ed", "d", "ing", "ied", "ies", "ion", "ions", "ment", "ly", "er"}


def negation_cues(language: str):
    """A cue finder for one language: negation words minus fixed phrases like 'not only'."""
    exceptions = NEGATION_EXCEPTIONS.get(base_language(language), [])

    def find(text: str, start: int, end: int) -> list[Cue]:
        skip = [(m.start(), m.end()) for m in compile_cues(tuple(exceptions)).finditer(text, start, end)] \
            if exceptions else []
        return [Cue(m.start(), m.end(), m.group(0), "negation")
                for m in find_cues(NEGATION, language, text, start, end)
                if not any(s <= m.start() < e for s, e in skip)]

    return find


def _is_form(token: str, word: str, language: str) -> bool:
    """Is ``token`` an inflected form of ``word``? Russian entries are stems, English entries lemmas."""
    if base_language(language) != "en":
        return token.startswith(word) and len(token) - len(word) <= 5
    stems = [word, word[:-1]] if word.endswith("e") else [word]
    return any(token.startswith(stem) and token[len(stem):] in _EN_SUFFIXES for stem in stems)


def antonym_flip(o_text: str, o_range: tuple[int, int], r_text: str, r_range: tuple[int, int], language: str
                 ) -> tuple[Span, Span] | None:
    """The first word on one side whose antonym replaces it on the other side."""
    o_tokens = tokenize(o_text, *o_range)
    r_tokens = tokenize(r_text, *r_range)
    for a, b in ANTONYMS.get(base_language(language), []):
        for x, y in ((a, b), (b, a)):
            o_hit = next((t for t in o_tokens if _is_form(t.norm, x, language)), None)
            r_hit = next((t for t in r_tokens if _is_form(t.norm, y, language)), None)
            if o_hit and r_hit and not any(_is_form(t.norm, y, language) for t in o_tokens) \
                    and not any(_is_form(t.norm, x, language) for t in r_tokens):
                return Span(o_hit.start, o_hit.end, o_hit.text), Span(r_hit.start, r_hit.end, r_hit.text)
    return None


class NegationDetector:
    name = "negation"

    def detect(self, pair: AlignedPair) -> list[Finding]:
        findings = []
        for bead_index, bead in pair.matched_beads():
            o_lang = side_language(pair.original, bead.original)
            r_lang = side_language(pair.rewrite, bead.rewrite)
            changes = cue_changes(pair, bead_index, negation_cues(o_lang), negation_cues(r_lang))
            for change in changes:
                cue = Span(change.cue.start, change.cue.end, change.cue.text)
                if change.change == "added":
                    findings.append(Finding(
                        "", "negation", Severity.CRITICAL, 0.75, change.counterpart, cue,
                        f"negation added: '{cue.text}' in the rewrite has no counterpart in the original",
                        bead_index))
                else:
                    findings.append(Finding(
                        "", "negation", Severity.CRITICAL, 0.75, cue, change.counterpart,
                        f"negation dropped: the original's '{cue.text}' is missing in the rewrite", bead_index))
            if changes or base_language(o_lang) != base_language(r_lang):
                continue
            clauses = pair.clauses(bead_index)
            for ri, r in enumerate(clauses.rewrite):
                oi, sim = clauses.best_original(ri)
                if sim < counterpart_threshold(pair):
                    continue
                o = clauses.original[oi]
                flip = antonym_flip(pair.original.text, (o.start, o.end), pair.rewrite.text, (r.start, r.end), o_lang)
                if flip:
                    findings.append(Finding(
                        "", "negation", Severity.CRITICAL, 0.6, flip[0], flip[1],
                        f"meaning reversed: '{flip[0].text}' became its opposite '{flip[1].text}'", bead_index))
                    break
        return findings
