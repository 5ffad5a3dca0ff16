"""Tone and register: insults, slurs and profanity added, removed or softened by the rewrite.

The lexicon is not ours: it is the per-language word lists that ship in the ``glin-profanity``
package (MIT; its lists are the LDNOOBW "List of Dirty, Naughty, Obscene and Otherwise Bad
Words", CC-BY 4.0), 24 languages, among them en, de, fr, es, ru, cs, ja and zh. The lists
differ in size and in what they count as bad (sexual terms, slurs, swear words), so a finding
compares presence, not counts: an original sentence with a listed word whose rewrite has none,
or the reverse. A language without a list is unknown, not clean: such a bead gets no finding.

Matching:

* languages written with spaces: a listed word or phrase as a whole word, case-insensitive
  ("ass" is not found in "assume"; no stemming, so a list's entries are the forms it finds);
* languages written without spaces (ja, zh, th): a listed entry in their script as a substring,
  since there are no word boundaries to use, except that one-character entries are not matched
  (zh 性 "sex" is also the suffix "-ness"), and an entry written wholly in katakana must be a
  whole katakana run (グロ is not found in グローバル); Latin-script entries of these lists are
  matched as whole words, as in spaced languages.

Offsets are those of the match in the document text, so every span is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lang import base_language
from ..types import Finding, Severity, Span, Verdict
from .base import AlignedPair, sentence_span, side_language, side_ranges
from .registry import Configured, Traits, register

# ISO 639-1 code -> the name of glin-profanity's dictionary for that language.
LEXICON_LANGUAGES: dict[str, str] = {
    "ar": "arabic", "zh": "chinese", "cs": "czech", "da": "danish", "nl": "dutch", "en": "english",
    "eo": "esperanto", "fi": "finnish", "fr": "french", "de": "german", "hi": "hindi", "hu": "hungarian",
    "it": "italian", "ja": "japanese", "ko": "korean", "no": "norwegian", "nb": "norwegian", "fa": "persian",
    "pl": "polish", "pt": "portuguese", "ru": "russian", "es": "spanish", "tr": "turkish", "sv": "swedish",
    "th": "thai",
}
UNSPACED = frozenset({"ja", "zh", "th"})  # no spaces between words: entries matched as substrings

_KATAKANA = "\u30a1-\u30fa\u30fc"  # katakana letters and the prolonged sound mark ー
_WHOLE_WORD = r"(?<![\w-])(?:{})(?![\w-])"


@dataclass(frozen=True)
class Lexicon:
    """One language's list, compiled: ``find`` gives the matches between two offsets."""

    language: str
    patterns: tuple[re.Pattern[str], ...]
    size: int

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
        end = len(text) if end is None else end
        matches = [m for p in self.patterns for m in p.finditer(text, start, end)]
        matches.sort(key=lambda m: (m.start(), -m.end()))
        kept: list[re.Match[str]] = []
        for m in matches:  # one match per stretch of text: overlapping entries count once
            if not kept or m.start() >= kept[-1].end():
                kept.append(m)
        return kept


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=None)
def lexicon(language: str) -> Lexicon | None:
    """The compiled list for a language (ISO 639-1, regional variants folded), or None when the
    package has none: that side's insults are unknown."""
    code = base_language(language)
    name = LEXICON_LANGUAGES.get(code)
    if name is None:
        return None
    from glin_profanity.data.dictionary import DictionaryLoader

    words = sorted({w.strip().lower() for w in DictionaryLoader().get_words(name) if w and w.strip()})
    if not words:
        return None
    flags = re.IGNORECASE | re.UNICODE
    patterns = []
    if code in UNSPACED:
        latin = [w for w in words if w.isascii()]
        katakana = [w for w in words if not w.isascii() and re.fullmatch(f"[{_KATAKANA}]+", w)]
        other = [w for w in words if not w.isascii() and w not in katakana and len(w) >= 2]
        if other:
            patterns.append(re.compile(_alternation(other), flags))
        if katakana:
            patterns.append(re.compile(rf"(?<![{_KATAKANA}])(?:{_alternation(katakana)})(?![{_KATAKANA}])", flags))
        if latin:
            patterns.append(re.compile(_WHOLE_WORD.format(_alternation(latin)), flags))
    else:
        patterns.append(re.compile(_WHOLE_WORD.format(_alternation(words)), flags))
    return Lexicon(code, tuple(patterns), len(words))


@dataclass(frozen=True)
class ToneConfig:
    added: Severity = Severity.CRITICAL  # the rewrite insults where the original did not
    removed: Severity = Severity.MAJOR  # the original's insult or swear word is gone or softened
    # Across languages, on a sentence the encoder calls equivalent: the encoder barely registers
    # an insult ("Thanks for fixing the article." / "Danke ..., du Arschloch." is equivalent), so
    # it is no evidence against the list; a list can still miss a translation of an insult, so
    # an added one is major there, not critical.
    equivalent_cross_lingual_added: Severity = Severity.MAJOR
    added_confidence: float = 0.6
    removed_confidence: float = 0.5


def _quoted(matches: list[re.Match[str]]) -> str:
    words = list(dict.fromkeys(m.group(0) for m in matches))
    return ", ".join(f"'{w}'" for w in words[:3]) + (" ..." if len(words) > 3 else "")


@register("tone", config=ToneConfig, traits=Traits(cue=True, grades_cross_lingual=True))
class ToneDetector(Configured):
    """Insults, slurs and profanity added, removed or softened (per-language lists from glin-profanity)."""

    config: ToneConfig

    def detect(self, pair: AlignedPair) -> list[Finding]:
        c = self.config
        findings = []
        for bead_index, bead in pair.matched_beads():
            o_lex = lexicon(side_language(pair.original, bead.original))
            r_lex = lexicon(side_language(pair.rewrite, bead.rewrite))
            if o_lex is None or r_lex is None:
                continue  # a side without a list: we cannot tell
            o_hits = [m for s, e in side_ranges(pair.original, bead.original) for m in o_lex.find(pair.original.text, s, e)]
            r_hits = [m for s, e in side_ranges(pair.rewrite, bead.rewrite) for m in r_lex.find(pair.rewrite.text, s, e)]
            if o_hits and not r_hits:
                first = o_hits[0]
                findings.append(Finding(
                    "", "tone", c.removed, c.removed_confidence,
                    Span(first.start(), first.end(), first.group(0)),
                    sentence_span(pair.rewrite, bead.rewrite),
                    f"insult removed or softened: {_quoted(o_hits)} has no offensive counterpart in the rewrite",
                    bead_index))
            elif r_hits and not o_hits:
                first = r_hits[0]
                added = c.added
                if bead.verdict is Verdict.EQUIVALENT and not pair.same_language(bead_index):
                    added = c.equivalent_cross_lingual_added
                findings.append(Finding(
                    "", "tone", added, c.added_confidence,
                    sentence_span(pair.original, bead.original),
                    Span(first.start(), first.end(), first.group(0)),
                    f"insult added: {_quoted(r_hits)} has no offensive counterpart in the original",
                    bead_index))
        return findings
