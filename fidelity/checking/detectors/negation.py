"""Negation: polarity flipped between original and rewrite ("not" added or dropped, antonyms)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from fidelity.checking.detectors.base import (
    AlignedPair,
    BeadView,
    Cue,
    CueFinder,
    cue_changes,
    sentence_span,
    token_span,
)
from fidelity.checking.detectors.registry import Configured, Traits, register
from fidelity.languages import language as language_of
from fidelity.text.cues import bounded, compile_cues, cue_covered, find_cues
from fidelity.text.tokens import tokenize
from fidelity.types import Category, Finding, Severity, Span, Verdict


def negation_cues(language: str) -> CueFinder:
    """A cue finder for one language: negation words minus fixed phrases like 'not only'."""
    exceptions = language_of(language).negation_exceptions

    def find(text: str, start: int, end: int) -> list[Cue]:
        skip = [(m.start(), m.end()) for m in compile_cues(tuple(exceptions), bounded(language)).finditer(text, start, end)] \
            if exceptions else []
        return [Cue(m.start(), m.end(), m.group(0), "negation")
                for m in find_cues("negation", language, text, start, end)
                if not any(s <= m.start() < e for s, e in skip)
                and not (bounded(language) and _inside_name(text, m.start(), m.end()))
                and _bound_prefix_negates(m.group(0), language)]

    return find


# Languages that write negation as a bound prefix ("neotevře": does not open;
# ``Language.bound_negation_prefix``). A word with the prefix negates only when what follows it
# is a word of the language ("ne|otevře", "ne|správné"), not when the letters only begin another
# word ("nech" let, "neustále" constantly, "nenávist" hatred). The words are those of
# simplemma's dictionary for the language (word forms, MIT).
def _bound_prefix_negates(word: str, language: str) -> bool:
    prefix = language_of(language).bound_negation_prefix
    lower = word.lower()
    if prefix is None or lower == prefix or not lower.startswith(prefix):
        return True
    rest = lower[len(prefix):]
    # A word with a vowel: "ne|ní", "ne|má", "ne|ví" are; "ne|ch" (nech: let) is not.
    return any(c in language_of(language).vowels for c in rest) and rest in _word_forms(language_of(language).code)


@lru_cache(maxsize=4)
def _word_forms(language: str) -> Mapping[str, str]:
    """The word forms simplemma knows for a language (a mapping; membership is what is asked)."""
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    return DefaultDictionaryFactory().get_dictionary(language)


def _inside_name(text: str, start: int, end: int) -> bool:
    """'no' in "Fujiwara no Hirotsugu" or "Teatro di Nō": a particle between two capitalised words."""
    word = text[start:end]
    if word.lower() == "no" and re.match(r"\.?\s*\d", text[end:end + 4]):
        return True  # "No. 3": a number sign
    before = text[max(0, start - 30):start].split()
    after = text[end:end + 30].split()
    return bool(before and after and before[-1][:1].isupper() and after[0][:1].isupper() and len(word) <= 3)


# Words negated by a prefix ("unable", "insufficient", "unsupported") say "not" without a cue
# word (``Language.lexical_negation_prefixes`` and ``lexical_negation_words``). They only ever
# cancel a cue difference ("unable" / "couldn't"), never raise one: a prefix is often no negation
# ("unveil", "increase"), and then the same word on both sides cancels out.
@lru_cache(maxsize=16)
def _lexical_words(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Whole English words from the context model's WordPiece vocabulary (its package ships it):
    what is left after a prefix must be a word ('un|able', not 'un|ique'). Empty without it."""
    from fidelity.errors import ModelUnavailableError
    from fidelity.models.manifest import resolve

    try:
        path = resolve("all-minilm-l6-v2", offline=True).path
    except ModelUnavailableError:
        return frozenset()
    vocab = path / "vocab.txt" if path is not None else None
    if vocab is None or not vocab.is_file():
        return frozenset()
    return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha() and len(w) >= 4)


def lexical_negations(text: str, start: int, end: int, language: str) -> int:
    """How many words negated by a prefix, or negative by meaning ('fail', 'lack'), a stretch holds."""
    lang = language_of(language)
    prefixes = lang.lexical_negation_prefixes
    if not prefixes:
        return 0
    words = _english_words()
    count = len(_lexical_words(lang.lexical_negation_words).findall(text, start, end)) \
        if lang.lexical_negation_words else 0
    for token in tokenize(text, start, end):
        norm = token.norm
        count += any(norm.startswith(p) and norm[len(p):] in words for p in prefixes)
    return count


def _is_form(token: str, word: str, suffixes: frozenset[str] | tuple[str, ...]) -> bool:
    """Is ``token`` an inflected form of ``word``? Entries are stems (Russian, with the language's
    ``lemma_suffixes``) or lemmas (English, none)."""
    if not suffixes:
        return token.startswith(word) and len(token) - len(word) <= 5
    stems = [word, word[:-1]] if word.endswith("e") else [word]
    return any(token.startswith(stem) and token[len(stem):] in suffixes for stem in stems)


@lru_cache(maxsize=64)
def _antonyms_by_letter(antonyms: tuple[tuple[str, str], ...]) -> dict[str, list[tuple[str, str]]]:
    """A lexicon's pairs both ways round, by the first letter of the word a form of the first must
    start with (every stem ``_is_form`` tries starts with its word's first letter); pairs with a
    one-letter word, whose stem may be empty, under "" (tried for every word)."""
    index: dict[str, list[tuple[str, str]]] = {}
    for x, y in antonyms:
        for first, second in ((x, y), (y, x)):
            index.setdefault(first[:1] if len(first) > 1 else "", []).append((first, second))
    return index


def is_antonym_pair(a: str, b: str, language: str) -> bool:
    """Are two (normalised) words opposites: a lexicon pair, or one is the other with a negating prefix?"""
    lang = language_of(language)
    by_letter = _antonyms_by_letter(tuple(lang.antonyms))
    suffixes = lang.lemma_suffixes
    for x, y in (*by_letter.get(a[:1], ()), *by_letter.get("", ())):
        if _is_form(a, x, suffixes) and _is_form(b, y, suffixes):
            return True
    return _negated_by_prefix(a, b, language)


def _negated_by_prefix(a: str, b: str, language: str) -> bool:
    """Is one word the other with a negating prefix ('supported' / 'unsupported')?"""
    return any(q.startswith(prefix) and q[len(prefix):] == p and len(p) > 3
               for prefix in language_of(language).antonym_prefixes for p, q in ((a, b), (b, a)))


def _counts(view: BeadView, find_original: CueFinder, find_rewrite: CueFinder) -> tuple[int, int]:
    """How many negations each side of the bead holds."""
    return len(view.original.find(find_original)), len(view.rewrite.find(find_rewrite))


def _lexical_counts(view: BeadView, original_language: str, rewrite_language: str) -> tuple[int, int]:
    """How many lexical negations ('unable', 'fail') each side of the bead holds."""
    return (sum(lexical_negations(view.original.text, s, e, original_language) for s, e in view.original.ranges),
            sum(lexical_negations(view.rewrite.text, s, e, rewrite_language) for s, e in view.rewrite.ranges))


def _clean_flip(view: BeadView, o_total: int, r_total: int, o_lexical: int, r_lexical: int) -> bool:
    """One clause on each side, and one negation on one side against none at all on the other."""
    clauses = view.clauses
    if len(clauses.original) != 1 or len(clauses.rewrite) != 1:
        return False
    return sorted((o_total + o_lexical, r_total + r_lexical)) == [0, 1]


@dataclass(frozen=True)
class NegationConfig:
    severity: Severity = Severity.CRITICAL  # a flipped polarity reverses the claim
    diff_confidence: float = 0.8  # a negation inside a changed stretch of a close rewrite
    antonym_confidence: float = 0.7
    clause_confidence: float = 0.75  # paired clause by clause (paraphrase, across languages)
    # Across languages a negation that one clause has and its counterpart lacks, both languages
    # having a negation list, is this severe on a bead the encoder calls equivalent (the
    # similarity does not corroborate it: a list misses a construction more often than a
    # translation drops a negation); below equivalence it is ``severity``. Minor: as major it
    # flagged 0.046 of REFreSD's no-difference pairs (French "ne ... que", "sans") for 0.33 of
    # the en-ru negation minimal pairs.
    equivalent_cross_lingual_severity: Severity = Severity.MINOR
    # ... except a clean flip: one clause each side, one negation on one side and none (not even
    # a lexical one) on the other ("Japan will not open the office this year." / "日本今年将开设
    # 该办事处。"): nothing else in the sentence for a list to miss.
    clean_flip_severity: Severity = Severity.MAJOR


@register("negation", config=NegationConfig, categories=(Category.NEGATION,),
          traits=Traits(cue=True, cue_table="negation", grades_cross_lingual=True))
class NegationDetector(Configured):
    """Polarity flipped: a negation added or dropped, or a word replaced by its antonym."""

    config: NegationConfig

    def _same_language(self, view: BeadView, language: str) -> list[Finding]:
        """Minimal edits show in the word diff: a negation or an antonym inside a changed stretch."""
        pair, bead_index, bead = view.pair, view.index, view.bead
        find = negation_cues(language)
        o_total, r_total = _counts(view, find, find)
        o_lexical, r_lexical = _lexical_counts(view, language, language)
        # As many negations on both sides, counted as meaning ("unable" / "couldn't",
        # "no longer supported" / "unsupported"): the polarity held.
        same_polarity = o_total + o_lexical == r_total + r_lexical
        flipped = o_total != r_total and not same_polarity
        findings = []
        for op in view.word_diff:
            o_cues = find(pair.original.text, op.original[0].start, op.original[-1].end) if op.original else []
            r_cues = find(pair.rewrite.text, op.rewrite[0].start, op.rewrite[-1].end) if op.rewrite else []
            if len(o_cues) != len(r_cues) and flipped:
                if len(r_cues) > len(o_cues):
                    cue = r_cues[0]
                    context = token_span(pair.original.text, op.original) if op.original else sentence_span(
                        pair.original, bead.original)
                    findings.append(Finding(
                        category=Category.NEGATION, severity=self.config.severity,
                        confidence=self.config.diff_confidence, original=context, rewrite=Span.of(cue),
                        message=f"negation added: '{cue.text}' in the rewrite has no counterpart in the original",
                        bead=bead_index))
                else:
                    cue = o_cues[0]
                    context = token_span(pair.rewrite.text, op.rewrite) if op.rewrite else sentence_span(
                        pair.rewrite, bead.rewrite)
                    findings.append(Finding(
                        category=Category.NEGATION, severity=self.config.severity,
                        confidence=self.config.diff_confidence, original=Span.of(cue), rewrite=context,
                        message=f"negation dropped: the original's '{cue.text}' is missing in the rewrite",
                        bead=bead_index))
                continue
            swap = op.op == "replace" and len(op.original) <= 2 and len(op.rewrite) <= 2
            o_words = op.original if swap else op.only_original
            r_words = op.rewrite if swap else op.only_rewrite
            for a in o_words:
                b = next((b for b in r_words if is_antonym_pair(a.norm, b.norm, language)
                          and not (same_polarity and _negated_by_prefix(a.norm, b.norm, language))), None)
                if b is not None:
                    findings.append(Finding(
                        category=Category.NEGATION, severity=self.config.severity,
                        confidence=self.config.antonym_confidence, original=Span.of(a), rewrite=Span.of(b),
                        message=f"meaning reversed: '{a.text}' became its opposite '{b.text}'", bead=bead_index))
                    break
        return findings

    def detect(self, pair: AlignedPair) -> list[Finding]:
        findings = []
        for view in self.views(pair):
            bead_index, bead = view.index, view.bead
            o_lang, r_lang = view.original.language, view.rewrite.language
            if view.parallel:
                findings += self._same_language(view, o_lang)
                continue
            if not (cue_covered(self.traits.cue_table, o_lang) and cue_covered(self.traits.cue_table, r_lang)):
                continue  # no list for one side: its negations are unknown, not absent
            find_o, find_r = negation_cues(o_lang), negation_cues(r_lang)
            o_total, r_total = _counts(view, find_o, find_r)
            if o_total == r_total:
                # Across languages (or loose paraphrase) clauses split differently, so a cue is
                # easily paired with the wrong clause; as many negations on both sides is no flip.
                continue
            o_lexical, r_lexical = _lexical_counts(view, o_lang, r_lang)
            if o_total + o_lexical == r_total + r_lexical:
                continue  # counted as meaning, as many ("unable" / "nicht können")
            severity = self.config.severity
            if not view.same_language and bead.verdict is Verdict.EQUIVALENT:
                severity = self.config.equivalent_cross_lingual_severity
                if _clean_flip(view, o_total, r_total, o_lexical, r_lexical):
                    severity = self.config.clean_flip_severity
            for change in cue_changes(view, find_o, find_r):
                cue = Span.of(change.cue)
                if change.change == "added":
                    findings.append(Finding(
                        category=Category.NEGATION, severity=severity, confidence=self.config.clause_confidence,
                        original=change.counterpart, rewrite=cue,
                        message=f"negation added: '{cue.text}' in the rewrite has no counterpart in the original",
                        bead=bead_index))
                else:
                    findings.append(Finding(
                        category=Category.NEGATION, severity=severity, confidence=self.config.clause_confidence,
                        original=cue, rewrite=change.counterpart,
                        message=f"negation dropped: the original's '{cue.text}' is missing in the rewrite",
                        bead=bead_index))
        return findings
