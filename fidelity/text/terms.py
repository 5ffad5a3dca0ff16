"""Finding a glossary's terms in text: whole words only, inflected forms included, a multi-word
term as a sequence of words.

A text word is a term word when the two share their Snowball stem in the text's language
(``Language.stemmer``), or when the text word is the term word plus one of the language's
inflection endings (``Language.inflection_endings``: German 'Verbindungsbüro|s', which the
stemmer keeps apart). 'Kievan' is not 'Kiev' (two stems), and a word is never matched inside
another. Words are split at hyphens ('Peking-Ente' holds 'Peking'). Matching ignores case,
except for a case-sensitive entry and for acronyms ('US' is never 'us'; 'NATO' may be 'Nato'). A language written
without spaces (Chinese, Japanese, Thai) is searched for the term as a substring.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from fidelity.languages import Language, language
from fidelity.text.tokens import _stemmer, normalise_word
from fidelity.types import Span

# Words split at hyphens and dashes, inner apostrophes kept ("Kiev's" is one word, its possessive dropped).
_WORD = re.compile(r"[^\W_]+(?:['’‘ʼ][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’‘ʼ]s?$")
_APOSTROPHES = str.maketrans({"‘": "'", "ʼ": "'"})
_GAP = re.compile(r"[\s\-‐‑–]*")  # what may stand between two words of one term


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str  # as written, its possessive left out
    norm: str  # lower case, letter folds
    stem: str

    def bases(self, endings: Sequence[str]) -> set[str]:
        """The word, and the word less each inflection ending it has (at least three letters left)."""
        return {self.norm} | {self.norm[: -len(e)] for e in endings if self.norm.endswith(e) and len(self.norm) - len(e) >= 3}


@lru_cache(maxsize=65536)
def _stem(word: str, algorithm: str | None) -> str:
    return _stemmer(algorithm).stemWord(word) if algorithm else word


def words_of(text: str, start: int, end: int, lang: Language) -> list[Word]:
    words = []
    for m in _WORD.finditer(text, start, end):
        surface = m.group()
        possessive = _POSSESSIVE.search(surface) if any(a in surface for a in "'’‘ʼ") else None
        if possessive is not None:
            surface = surface[: possessive.start()]
        if not surface:
            continue
        norm = normalise_word(surface.translate(_APOSTROPHES))
        words.append(Word(m.start(), m.start() + len(surface), surface, norm, _stem(norm, lang.stemmer)))
    return words


@lru_cache(maxsize=4096)
def term_words(term: str, code: str) -> tuple[Word, ...]:
    return tuple(words_of(term, 0, len(term), language(code)))


def _acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _same_word(found: Word, term: Word, lang: Language, case_sensitive: bool, compound: bool = False) -> bool:
    """One word in two forms: the same but for inflection endings ('Nationaltheaters' /
    'Nationaltheater'), or for a language without an ending list the same Snowball stem; with
    ``compound``, also a compound the term word begins ('Marsoberfläche')."""
    endings = lang.inflection_endings
    same = bool(found.bases(endings) & term.bases(endings)) if endings else found.stem == term.stem
    if not same and compound and lang.compounds and len(term.norm) >= 4:
        if found.norm.endswith(term.norm):  # 'Nordindien' holds 'Indien' (its own capital is the compound's)
            return not case_sensitive or term.text[:1].isupper() == found.text[:1].isupper()
        same = found.norm.startswith(term.norm)  # 'Marsoberfläche' holds 'Mars'
    if not same:
        return False
    if _acronym(term.text):
        # 'US' is never 'us' nor 'Us'; a longer acronym may be written as a name ('NATO' / 'Nato').
        return found.text[: len(term.text)] == term.text or (len(term.text) >= 4 and found.text[:1].isupper())
    return not case_sensitive or found.text[:1] == term.text[:1]


class TermIndex:
    """The words of some sentences of a text in one language, indexed for term look-ups."""

    def __init__(self, text: str, ranges: Sequence[tuple[int, int]], code: str) -> None:
        self.text = text
        self.ranges = list(ranges)
        self.code = code
        self.language = language(code)
        self.words = [w for s, e in self.ranges for w in words_of(text, s, e, self.language)]
        # Each word's index by its first and by its end character: a name is grown word by word.
        self._starting_at = {w.start: i for i, w in enumerate(self.words)}
        self._ending_at = {w.end: i for i, w in enumerate(self.words)}
        self._by_key: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(self.words):
            for key in {w.stem} | w.bases(self.language.inflection_endings):
                self._by_key[key].append(i)

    def find(self, term: str, case_sensitive: bool = False, compounds: bool = False) -> list[Span]:
        """Every occurrence of ``term``, in text order (exact offsets of the words as written).
        ``compounds``: a term's last word may begin a compound (where the language writes them)."""
        if self.language.unspaced:
            return self._substrings(term, case_sensitive)
        wanted = term_words(term, self.code)
        if not wanted:
            return []
        lang = self.language
        first = wanted[0]
        if compounds and lang.compounds and len(wanted) == 1:
            starts = list(range(len(self.words)))
        else:
            keys = {first.stem} | first.bases(lang.inflection_endings)
            starts = sorted({i for key in keys for i in self._by_key.get(key, [])})
        found = []
        for i in starts:
            if i + len(wanted) > len(self.words):
                continue
            run = self.words[i : i + len(wanted)]
            if all(_same_word(w, t, lang, case_sensitive, compounds and n == len(wanted) - 1)
                   for n, (w, t) in enumerate(zip(run, wanted))) and all(
                    _GAP.fullmatch(self.text, a.end, b.start) for a, b in zip(run, run[1:])):
                found.append(Span(run[0].start, run[-1].end, self.text[run[0].start : run[-1].end]))
        return found

    def inside_longer_name(self, span: Span) -> bool:
        """Whether a capitalised occurrence is part of a longer name (``whole_name``): 'Sunday' in
        'Fox News Sunday', 'America' in 'All-America', 'Greece' in 'National Theater of Greece'."""
        return self.whole_name(span) != span

    def whole_name(self, span: Span) -> Span:
        """The name a capitalised occurrence is part of: the capitalised words around it
        (``longer_name``), also across a word joining a name's words (``Language.name_joiners``)
        and an article after it ('President of the Republic', 'National Council for Childhood');
        the span itself when it stands alone. Never across a comma, a list word or another
        preposition ('Bulgaria and Greece', 'from Bulgaria to Greece'). The glossary extraction
        and the terminology detector share it: a term only seen inside longer names is no entry,
        and such an occurrence asks nothing of the rewrite."""
        from fidelity.text.names import NOT_NAMES

        if not span.text[:1].isupper():  # 'policy' in 'policy for Greece' is no name's word
            return span
        words, starts, ends = self.words, self._starting_at, self._ending_at
        joiners, articles = frozenset(self.language.name_joiners), frozenset(self.language.articles)

        def spaced(a: int, b: int) -> bool:
            return self.text[words[min(a, b)].end : words[max(a, b)].start].isspace()

        def across(i: int, step: int) -> int | None:
            """The capitalised word that a joiner (and an article) lead to from word ``i``, going ``step``."""
            path = [i]
            while len(path) < 4:  # the word, a joiner, an article, the next name's word
                j = path[-1] + step
                if not 0 <= j < len(words) or not spaced(path[-1], j):
                    return None
                path.append(j)
                if words[j].text.islower() and words[j].norm in joiners | articles:
                    continue
                between = [words[k].norm for k in sorted(path[1:-1])]  # in text order
                capitalised = words[j].text[:1].isupper() and words[j].norm not in NOT_NAMES
                if capitalised and between[:1] and between[0] in joiners and all(a in articles for a in between[1:]):
                    return j
                return None
            return None

        name = self.longer_name(span)
        while name.start in starts and name.end in ends:  # words, not a substring of an unspaced language
            left, right = across(starts[name.start], -1), across(ends[name.end], 1)
            if left is None and right is None:
                return name
            start = self.longer_name(Span.of(words[left])).start if left is not None else name.start
            end = self.longer_name(Span.of(words[right])).end if right is not None else name.end
            name = Span(start, end, self.text[start:end])
        return name

    def longer_name(self, span: Span) -> Span:
        """The run of capitalised words a capitalised occurrence is in: a capitalised word right
        before or after it ('Sunday' in 'Fox News Sunday', 'White House' in 'White House
        Correspondents Association'), function words aside ('The White House'), or any
        capitalised word joined to it by a hyphen ('America' in 'All-America'); the span itself
        when it stands alone."""
        run = self._name_run(span)
        if run is None:
            return span
        start, end = self.words[run[0]].start, self.words[run[3]].end
        return span if (start, end) == (span.start, span.end) else Span(start, end, self.text[start:end])

    def names_around(self, span: Span) -> list[Span]:
        """Each part of the longer name a capitalised occurrence is in that holds the occurrence
        and more ('Ice Scotland' and 'Ice Scotland Hannah Smith' around 'Scotland')."""
        run = self._name_run(span)
        if run is None:
            return []
        first, inner_first, inner_last, last = run
        return [Span(self.words[a].start, self.words[b].end, self.text[self.words[a].start : self.words[b].end])
                for a in range(first, inner_first + 1) for b in range(inner_last, last + 1)
                if (a, b) != (inner_first, inner_last)]

    def _name_run(self, span: Span) -> tuple[int, int, int, int] | None:
        """Word indices (name's first, span's first, span's last, name's last) of the capitalised
        run around a capitalised occurrence; None when it is not one."""
        from fidelity.text.names import NOT_NAMES

        if not span.text[:1].isupper():
            return None
        first, last = self._starting_at.get(span.start), self._ending_at.get(span.end)
        if first is None or last is None:
            return None

        def joined(word: Word, a: Word, b: Word) -> bool:
            """``word`` (a or b) is part of the name beside it: capitalised right beside it and no
            function word ('Fox News'), or capitalised and hyphened to it ('All-America')."""
            gap = self.text[a.end : b.start]
            if not _GAP.fullmatch(gap) or not word.text[:1].isupper():
                return False
            return (bool(gap) and not any(c.isspace() for c in gap)) or word.norm not in NOT_NAMES

        inner_first, inner_last = first, last
        while first > 0 and joined(self.words[first - 1], self.words[first - 1], self.words[first]):
            first -= 1
        while last + 1 < len(self.words) and joined(self.words[last + 1], self.words[last], self.words[last + 1]):
            last += 1
        return first, inner_first, inner_last, last

    def derived(self, term: str) -> list[Span]:
        """Words derived from a one-word name: the name as an adjective or a people ('chinesischen'
        from 'China', 'deutsche' from 'Deutschland', 'pakistanische' from 'Pakistan', 'Engländer'
        from 'England'), as a translation writes it where the original says "China's Huawei",
        "the Pakistan batsman" or "England's Darren Till". Such a word begins with the name's first
        half (four letters at least) and goes on."""
        if self.language.unspaced:
            return []
        wanted = term_words(term, self.code)
        if len(wanted) != 1 or _acronym(wanted[0].text) or len(wanted[0].norm) < 4:
            return []
        name = wanted[0].norm
        shared = max(4, (len(name) + 1) // 2)
        return [Span(w.start, w.end, w.text) for w in self.words
                if len(w.norm) > shared + 2 and w.norm[:shared] == name[:shared] and w.norm != name]

    def _substrings(self, term: str, case_sensitive: bool) -> list[Span]:
        needle = term if case_sensitive else term.casefold()
        found = []
        for s, e in self.ranges:
            hay = self.text[s:e] if case_sensitive else self.text[s:e].casefold()
            if len(hay) != e - s:  # casefold changed lengths (ß): offsets would drift; compare as written
                hay, needle = self.text[s:e], term
            at = hay.find(needle)
            while at >= 0 and needle:
                found.append(Span(s + at, s + at + len(needle), self.text[s + at : s + at + len(needle)]))
                at = hay.find(needle, at + len(needle))
        return found
