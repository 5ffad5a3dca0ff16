"""Indexes of names, so that a long document's names are not compared every one with every other
(issue 19): which of an original's distinct names a name may be the same entity as, looked up by
the keys that the tests of ``fidelity/text/names.py`` need.

Each lookup returns every name its test can accept (the reason stands beside each index) and may
return a few more; the test itself stays the final check, so the answers are those of comparing
every pair. ``NameMatcher.same_as_any`` adds the names the encoder finds close enough.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from fidelity.text.names import (
    KEY_PREFIX_MIN,
    SKELETON_PREFIX_MIN,
    SPELLED_ALIKE_MIN,
    SPELLED_ALIKE_RATIO,
    Entity,
    _plain,
    country_code,
    initials,
    is_acronym_of,
    keys_match,
    skeleton,
)


class PrefixIndex:
    """Keys that match a query when equal to it, or when one begins the other and both have at
    least ``min_len`` characters (``keys_match`` on word stems, ``_skeletons_match_keys`` on
    transliteration skeletons). Exact: a key x matches a query y when x == y (``_exact``); when y
    begins x, both of ``min_len`` or more (``_starts`` holds every beginning of x of that length);
    when x begins y, both of ``min_len`` or more (x is y[:k] for one k from ``min_len`` to len(y),
    looked up in ``_long``). Items are positions in the caller's list."""

    def __init__(self, min_len: int) -> None:
        self.min_len = min_len
        self._exact: dict[str, set[int]] = defaultdict(set)
        self._long: dict[str, set[int]] = defaultdict(set)  # keys of min_len characters or more
        self._starts: dict[str, set[int]] = defaultdict(set)  # their beginnings of min_len or more

    def add(self, key: str, item: int) -> None:
        self._exact[key].add(item)
        if len(key) >= self.min_len:
            self._long[key].add(item)
            for k in range(self.min_len, len(key) + 1):
                self._starts[key[:k]].add(item)

    def matching(self, key: str) -> set[int]:
        found = set(self._exact.get(key, ()))
        if len(key) >= self.min_len:
            found |= self._starts.get(key, set())
            for k in range(self.min_len, len(key) + 1):
                found |= self._long.get(key[:k], set())
        return found


class KeyIndex:
    """A set of word stems (an original's names' ``entity_keys``), asked whether any of them
    ``keys_match`` one of a name's: the stems that can match found by ``PrefixIndex``, then
    ``keys_match`` itself, instead of every stem of the original against every one of the name."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = sorted(set(keys))
        self._index = PrefixIndex(KEY_PREFIX_MIN)
        for position, key in enumerate(self.keys):
            self._index.add(key, position)

    def matches(self, keys: set[str]) -> bool:
        return any(keys_match({x}, {self.keys[i]}) for x in keys for i in sorted(self._index.matching(x)))


class InitialsIndex:
    """Names by their initials, asked whether an acronym stands for one of them: ``is_acronym_of(
    short, long)`` holds only when ``initials(long) == short``, so the names of those initials are
    all the candidates."""

    def __init__(self, names: Sequence[Entity]) -> None:
        self.names = list(names)
        self._by_initials: dict[str, list[int]] = defaultdict(list)
        for position, name in enumerate(self.names):
            self._by_initials[initials(name.text)].append(position)

    def expanded_by(self, acronym: str) -> bool:
        """``any(is_acronym_of(acronym, name.text) for name in names)``."""
        return any(is_acronym_of(acronym, self.names[i].text) for i in self._by_initials.get(acronym, ()))


def _letters(plain: str) -> list[tuple[str, int]]:
    """A spelling's letters as a set: each letter with its count so far ('anna': a1, n1, n2, a2),
    so that two spellings' common elements are the letters they have in common (a multiset)."""
    seen: Counter[str] = Counter()
    out = []
    for c in plain:
        seen[c] += 1
        out.append((c, seen[c]))
    return out


def _least_shared(length: int) -> int:
    """The fewest letters a spelling of ``length`` letters shares with one it is spelled alike:
    quick_ratio 2·I/(la + lb) ≥ r with I ≤ lb gives I ≥ r·la/(2 − r) (two thirds for 0.8)."""
    r = SPELLED_ALIKE_RATIO
    return math.ceil(r * length / (2 - r) - 1e-9)


class SpelledAlikeIndex:
    """Spellings that ``_spelled_alike`` may find alike. The same plain spelling: by a dict.
    Otherwise both have ``SPELLED_ALIKE_MIN`` letters or more and difflib's two cheap bounds reach
    ``SPELLED_ALIKE_RATIO``: real_quick_ratio (their lengths) and quick_ratio (I, the letters they
    have in common, a multiset). Two spellings that share I ≥ t letters share one among the first
    l − t + 1 of each in one order of all letters, rarest in the index first (prefix filtering, as
    in set-similarity joins: the smallest shared letter lies there in both), with t from
    ``_least_shared``; so each spelling is indexed by those letters, and the candidates that share
    one are kept where the two bounds hold, computed as difflib computes them (in float64)."""

    def __init__(self, spellings: Sequence[str]) -> None:
        import numpy as np

        self.spellings = list(spellings)
        self._exact: dict[str, list[int]] = defaultdict(list)
        letters = [_letters(s) for s in self.spellings]
        self._frequency: Counter[tuple[str, int]] = Counter(t for ls in letters for t in ls)
        postings: dict[tuple[str, int], list[int]] = defaultdict(list)
        for position, (spelling, its_letters) in enumerate(zip(self.spellings, letters)):
            self._exact[spelling].append(position)
            if len(spelling) >= SPELLED_ALIKE_MIN:
                for letter in self._rarest(its_letters):
                    postings[letter].append(position)
        self._postings = {letter: np.array(positions, dtype=np.int64) for letter, positions in postings.items()}
        self._lengths = np.array([len(s) for s in self.spellings], dtype=np.int64)
        # Each spelling's letter counts, a column per character the index has (a character it has
        # not adds nothing to what a spelling shares with its spellings).
        self._columns = {c: k for k, c in enumerate(sorted({c for s in self.spellings for c in s}))}
        self._counts = np.zeros((len(self.spellings), len(self._columns)), dtype=np.int64)
        for position, spelling in enumerate(self.spellings):
            for c, count in Counter(spelling).items():
                self._counts[position, self._columns[c]] = count

    def _rarest(self, letters: list[tuple[str, int]]) -> list[tuple[str, int]]:
        ordered = sorted(letters, key=lambda t: (self._frequency[t], t))
        return ordered[:len(letters) - _least_shared(len(letters)) + 1]

    def candidates(self, spelling: str) -> set[int]:
        import numpy as np

        found = set(self._exact.get(spelling, ()))
        n = len(spelling)
        if n < SPELLED_ALIKE_MIN:
            return found
        lists = [self._postings[t] for t in self._rarest(_letters(spelling)) if t in self._postings]
        if not lists:
            return found
        positions = np.unique(np.concatenate(lists))
        m = self._lengths[positions]
        counts = np.zeros(len(self._columns), dtype=np.int64)
        for c, count in Counter(spelling).items():
            if c in self._columns:
                counts[self._columns[c]] = count
        shared = np.minimum(self._counts[positions], counts).sum(axis=1)
        # difflib's _calculate_ratio, 2.0 * matches / length, in the same float64 operations
        real_quick, quick = 2.0 * np.minimum(n, m) / (n + m), 2.0 * shared / (n + m)
        alike = (real_quick >= SPELLED_ALIKE_RATIO) & (quick >= SPELLED_ALIKE_RATIO)
        return found.union(positions[alike].tolist())


def _as_abbreviation(text: str) -> str | None:
    """``text`` as ``is_abbreviation_of`` reads a short form (its dot dropped, lower case), or
    None where it can be none (an acronym, not letters, under two letters)."""
    short = text.rstrip(".")
    if short.isupper():
        return None
    small = short.lower()
    return small if len(small) >= 2 and small.isalpha() else None


def _as_abbreviated(text: str) -> str | None:
    """``text`` as ``is_abbreviation_of`` reads a long form (lower case), or None where it can be
    none (not letters, or under four: an abbreviation has two letters or more, at most half)."""
    full = text.lower()
    return full if len(full) >= 4 and full.isalpha() else None


class AbbreviationIndex:
    """Names that ``is_abbreviation_of`` may pair with a name, either way round. It holds only
    when the short form has the long one's first letter and at most half its letters, and either
    ends with the long one's last letter (a contraction: looked up by first and last letter, then
    by length) or, of three letters or more, begins it (a truncation: looked up by the long
    form's beginnings of three letters up to half its length)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._shorts: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)  # (len, position)
        self._shorts_exact: dict[str, list[int]] = defaultdict(list)
        self._longs: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        self._long_starts: dict[str, list[int]] = defaultdict(list)
        for position, text in enumerate(texts):
            small = _as_abbreviation(text)
            if small is not None:
                self._shorts[(small[0], small[-1])].append((len(small), position))
                if len(small) >= 3:
                    self._shorts_exact[small].append(position)
            full = _as_abbreviated(text)
            if full is not None:
                self._longs[(full[0], full[-1])].append((len(full), position))
                for k in range(3, len(full) // 2 + 1):
                    self._long_starts[full[:k]].append(position)
        for bucket in (*self._shorts.values(), *self._longs.values()):
            bucket.sort()

    def abbreviations_of(self, text: str) -> set[int]:
        """The names that may be an abbreviation of ``text``."""
        full = _as_abbreviated(text)
        if full is None:
            return set()
        bucket = self._shorts.get((full[0], full[-1]), [])
        found = {p for _, p in bucket[:bisect.bisect_right(bucket, len(full) // 2, key=lambda entry: entry[0])]}
        for k in range(3, len(full) // 2 + 1):
            found.update(self._shorts_exact.get(full[:k], ()))
        return found

    def abbreviated_by(self, text: str) -> set[int]:
        """The names that ``text`` may be an abbreviation of."""
        small = _as_abbreviation(text)
        if small is None:
            return set()
        bucket = self._longs.get((small[0], small[-1]), [])
        found = {p for _, p in bucket[bisect.bisect_left(bucket, 2 * len(small), key=lambda entry: entry[0]):]}
        if len(small) >= 3:
            found.update(self._long_starts.get(small, ()))
        return found


class NameIndex:
    """An original's distinct names, indexed for ``NameMatcher.same`` against a rewrite's name by
    spelling: the same country, a transliteration skeleton of one word matching one of the other's
    (``skeletons_match``), the original an acronym of the rewrite's name, an abbreviation either
    way, a near-identical spelling. ``NameMatcher.same_as_any`` adds the encoder's candidates."""

    def __init__(self, names: Sequence[Entity], original_language: str, rewrite_language: str) -> None:
        self.names = list(names)
        self.languages = (original_language, rewrite_language)
        self.same_language = original_language == rewrite_language  # as NameMatcher.same reads country names
        self._countries: dict[str, list[int]] = defaultdict(list)
        self._skeletons = PrefixIndex(SKELETON_PREFIX_MIN)
        self._acronyms: dict[str, list[int]] = defaultdict(list)
        texts = [name.text for name in self.names]
        for position, text in enumerate(texts):
            code = country_code(text, original_language, self.same_language)
            if code is not None:
                self._countries[code].append(position)
            for word in text.split():
                key = skeleton(word)
                if key:
                    self._skeletons.add(key, position)
            if text.isupper() and len(text) >= 2:
                self._acronyms[text].append(position)
        self._abbreviations = AbbreviationIndex(texts)
        self._spellings = SpelledAlikeIndex([_plain(text) for text in texts])

    def candidates(self, name: Entity) -> set[int]:
        """Positions of the names that ``NameMatcher.same`` may find the same as ``name`` (a
        rewrite's) by spelling, a key per test of ``_same_uncached``. Two countries are compared by
        their codes alone: the names of ``name``'s country are candidates (another country's may be
        one by another key, and ``same`` then says no)."""
        text = name.text
        found: set[int] = set()
        code = country_code(text, self.languages[1], self.same_language)
        if code is not None:
            found.update(self._countries.get(code, ()))
        for word in text.split():
            key = skeleton(word)
            if key:
                found |= self._skeletons.matching(key)
        found.update(self._acronyms.get(initials(text), ()))
        found |= self._abbreviations.abbreviations_of(text)
        found |= self._abbreviations.abbreviated_by(text)
        found |= self._spellings.candidates(_plain(text))
        return found
