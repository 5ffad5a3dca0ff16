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

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fidelity.checking.detectors.base import AlignedPair, sentence_span
from fidelity.checking.detectors.registry import Configured, Traits, register
from fidelity.languages import language as language_of
from fidelity.types import Category, Finding, Severity, Span, Verdict

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


def _listed_words(name: str) -> list[str]:
    """glin-profanity's list ``name``: its file ``data/dictionaries/NAME.json`` read as the package's
    ``DictionaryLoader`` reads it, without importing the package, whose ``__init__`` builds its
    scanners and their hundreds of regular expressions (about 0.1 s of a check); the package's
    loader where the file is not there."""
    spec = importlib.util.find_spec("glin_profanity")  # where the package is, without running it
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            data = json.loads((Path(folder) / "data" / "dictionaries" / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        words = data.get("words") if isinstance(data, dict) else data
        return [w for w in words if isinstance(w, str) and w] if isinstance(words, list) else []
    from glin_profanity.data.dictionary import DictionaryLoader

    loaded: list[str] = DictionaryLoader().get_words(name)
    return loaded


@cache
def lexicon(language: str) -> Lexicon | None:
    """The compiled list for a language (ISO 639-1, regional variants folded), or None when the
    package has none: that side's insults are unknown."""
    lang = language_of(language)  # its glin-profanity dictionary: ``Language.profanity_list``
    name = lang.profanity_list
    if name is None:
        return None
    words = sorted({w.strip().lower() for w in _listed_words(name) if w and w.strip()})
    if not words:
        return None
    flags = re.IGNORECASE | re.UNICODE
    patterns = []
    if lang.unspaced:  # no spaces between words: entries matched as substrings
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
    return Lexicon(lang.code, tuple(patterns), len(words))


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


@register("tone", config=ToneConfig, categories=(Category.TONE,),
          traits=Traits(cue=True, grades_cross_lingual=True))
class ToneDetector(Configured):
    """Insults, slurs and profanity added, removed or softened (per-language lists from glin-profanity)."""

    config: ToneConfig

    def detect(self, pair: AlignedPair) -> list[Finding]:
        c = self.config
        findings = []
        for view in self.views(pair):
            bead_index, bead = view.index, view.bead
            o_lex, r_lex = lexicon(view.original.language), lexicon(view.rewrite.language)
            if o_lex is None or r_lex is None:
                continue  # a side without a list: we cannot tell
            o_hits, r_hits = view.original.find(o_lex.find), view.rewrite.find(r_lex.find)
            if o_hits and not r_hits:
                first = o_hits[0]
                findings.append(Finding(
                    category=Category.TONE, severity=c.removed, confidence=c.removed_confidence,
                    original=Span(first.start(), first.end(), first.group(0)),
                    rewrite=sentence_span(pair.rewrite, bead.rewrite),
                    message=f"insult removed or softened: {_quoted(o_hits)} has no offensive counterpart in the "
                    "rewrite",
                    bead=bead_index))
            elif r_hits and not o_hits:
                first = r_hits[0]
                added = c.added
                if bead.verdict is Verdict.EQUIVALENT and not view.same_language:
                    added = c.equivalent_cross_lingual_added
                findings.append(Finding(
                    category=Category.TONE, severity=added, confidence=c.added_confidence,
                    original=sentence_span(pair.original, bead.original),
                    rewrite=Span(first.start(), first.end(), first.group(0)),
                    message=f"insult added: {_quoted(r_hits)} has no offensive counterpart in the original",
                    bead=bead_index))
        return findings
