"""Named-entity candidates without an NER model: capitalised words that the documents never
use in lower case (so "Office" in a Title Case headline is not one, "Vienna" is)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from fidelity.languages import registered
from fidelity.text.tokens import TOKEN_RE, Token, stem, tokenize

if TYPE_CHECKING:
    import numpy as np

    from fidelity.models.encoder_types import Encoder
    from fidelity.text.name_index import NameIndex

# Function words that start sentences, and weekday and month names: they are never names, even
# in a one-sentence text (every registered language's ``Language.not_names``).
NOT_NAMES = set().union(*(lang.not_names for lang in registered()))
_CAPITALISED = re.compile(r"^[A-ZА-ЯЁ]")
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_START = re.compile(r"[\s\"“”«»„‘’'(\[—–-]*$")


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        # "Russian" and "Russia", "Japanese" and "Japan" share a key.
        return stem(self.text.split()[0])[:5]


def lower_case_vocabulary(*texts: str) -> set[str]:
    """Words written in lower case somewhere in ``texts`` (the tokens of ``tokenize``)."""
    return set().union(*(_lower_case_words(text) for text in texts))


@lru_cache(maxsize=8)  # a document's, asked for by the entities and by each side's speaker reader
def _lower_case_words(text: str) -> frozenset[str]:
    return frozenset(w for w in TOKEN_RE.findall(text) if w[:1].islower())


def mid_sentence_capitals(text: str, ranges: list[tuple[int, int]]) -> set[str]:
    """Capitalised words seen somewhere other than at the start of a sentence."""
    seen = set()
    for start, end in ranges:
        for match in TOKEN_RE.finditer(text, start, end):  # tokenize's tokens, without making them
            word = match.group()
            # match(text, pos, endpos), not a slice: a range may be a whole text, and a slice per
            # token would copy it over and over (quadratic in the text's length)
            if _CAPITALISED.match(word) and not _SENTENCE_START.match(text, start, match.start()):
                seen.add(_POSSESSIVE.sub("", word))
    return seen


def find_entities(text: str, ranges: list[tuple[int, int]], vocabulary: set[str],
                  known_names: set[str] | None = None) -> list[Entity]:
    """Runs of capitalised tokens that are not function words and never appear in lower case.

    A capitalised word at the start of a sentence counts only if ``known_names`` (capitalised
    words seen mid-sentence) has it, or it is an acronym or a country's name.
    """
    entities: list[Entity] = []
    for start, end in ranges:
        run: list[Token] = []
        for token in tokenize(text, start, end) + [None]:
            word = _POSSESSIVE.sub("", token.text) if token is not None else ""
            is_name = (
                token is not None
                and _CAPITALISED.match(word)
                and word.lower() not in NOT_NAMES
                and word.lower() not in vocabulary
                and not word.isdigit()
                and (
                    run
                    or not _SENTENCE_START.match(text, start, token.start)
                    or word.isupper()
                    or (known_names is not None and word in known_names)
                    or country_code(word, "en") is not None  # "China opened…": a country even first
                )
            )
            adjacent = bool(run) and token is not None and text[run[-1].end : token.start].strip() == ""
            if is_name and token is not None and (not run or adjacent):  # a name is a token
                run.append(token)
                continue
            if run:
                last = run[-1]
                end_at = last.start + len(_POSSESSIVE.sub("", last.text))
                entities.append(Entity(run[0].start, end_at, text[run[0].start : end_at]))
            run = [token] if is_name and token is not None else []
    return entities


def entity_keys(entity: Entity) -> set[str]:
    """Stems of the entity's words, hyphens split: 'Asia-Pacific' ~ 'Asia Pacific', 'Russian' ~ 'Russia'."""
    return {stem(w) for w in re.split(r"[\s\-‐]+", entity.text) if w}


# Two keys match when equal or when one begins the other and both are at least this long
# (``fidelity/text/name_index.py`` indexes keys by the same rule).
KEY_PREFIX_MIN = 4  # word stems: 'japan' ~ 'japanes'
SKELETON_PREFIX_MIN = 3  # transliteration skeletons


def keys_match(a: set[str], b: set[str]) -> bool:
    """Any word stem of one is a prefix of one of the other ('japan' ~ 'japanes'; not 'austria' ~ 'australia')."""
    return any(x == y or (min(len(x), len(y)) >= KEY_PREFIX_MIN and (x.startswith(y) or y.startswith(x)))
               for x in a for y in b)


def initials(name: str) -> str:
    """The first letters of a name's capitalised words: 'NATO' for 'North Atlantic Treaty Organization'."""
    return "".join(w[0] for w in re.split(r"[\s\-]+", name) if w[:1].isupper())


def is_acronym_of(short: str, long: str) -> bool:
    """'NATO' for 'North Atlantic Treaty Organization'."""
    return short.isupper() and len(short) >= 2 and initials(long) == short


def is_abbreviation_of(short: str, long: str) -> bool:
    """'Sts' for 'Saints', 'St' for 'Saint', 'Dept' for 'Department', 'Mt' for 'Mount': the short
    word's letters in order in the long one (at most half as many), the same first letter, and
    either the same last letter (a contraction) or a start of the long word (a truncation)."""
    short = short.rstrip(".")
    if short.isupper():
        return False  # an acronym ('UK' is not 'Ukraine'): is_acronym_of's
    small, full = short.lower(), long.lower()
    if not (2 <= len(small) <= 0.5 * len(full)) or not small.isalpha() or not full.isalpha() or small[0] != full[0]:
        return False
    letters = iter(full)
    if not all(c in letters for c in small):
        return False
    return small[-1] == full[-1] or (len(small) >= 3 and full.startswith(small))


def same_entity(a: Entity, b: Entity) -> bool:
    return (keys_match(entity_keys(a), entity_keys(b)) or is_acronym_of(a.text, b.text)
            or is_acronym_of(b.text, a.text) or is_abbreviation_of(a.text, b.text)
            or is_abbreviation_of(b.text, a.text))


# --- Names across languages and scripts -------------------------------------------------
# "Вене" is "Vienna", "Японию" is "Japan", "Хаяси" is "Hayashi", but "Австрии" is not
# "Vienna" and "Осаке" is not "Tokyo". Three tests, in order: country names through the
# ISO 3166 names and their translations (pycountry), a transliteration skeleton (unidecode,
# then the consonants), and the encoder's similarity of the two names.

# Spellings that transliteration swaps: Russian has no h (г or х: 'Томагавк' for 'Tomahawk'),
# writes w as в and ends 'Ning' as 'Нин'.
_DIGRAPHS = (("dzh", "j"), ("kh", "h"), ("sch", "s"), ("sh", "s"), ("ch", "c"), ("zh", "z"), ("ts", "c"), ("tz", "c"),
             ("ph", "f"), ("ck", "k"), ("qu", "k"), ("w", "v"), ("x", "ks"), ("j", "i"), ("y", "i"), ("h", "g"))


@lru_cache(maxsize=4096)
def skeleton(word: str) -> str:
    """A spelling key that survives transliteration: 'Hayashi' and 'Хаяси' are both 'hs'."""
    from unidecode import unidecode

    latin = re.sub(r"[^a-z]", "", unidecode(stem(word)).lower())
    for digraph, single in _DIGRAPHS:
        latin = latin.replace(digraph, single)
    latin = re.sub(r"ng$", "n", latin).replace("c", "k")  # 'Carolina' / 'Каролины' 
    if not latin:
        return ""
    rest = re.sub(r"[aeiou]", "", latin[1:])
    return re.sub(r"(.)\1+", r"\1", latin[0] + rest)


def skeletons_match(a: str, b: str) -> bool:
    return _skeletons_match_keys(skeleton(a), skeleton(b))


def _skeletons_match_keys(x: str, y: str) -> bool:
    if not x or not y:
        return False
    return x == y or (min(len(x), len(y)) >= SKELETON_PREFIX_MIN and (x.startswith(y) or y.startswith(x)))


@lru_cache(maxsize=65536)
def _plain(word: str) -> str:
    """Lower case, diacritics dropped: 'Rakitić' is 'rakitic'."""
    from unidecode import unidecode

    return unidecode(word).lower()


# _spelled_alike: two spellings this long or longer are alike with this share of their letters in
# order (``fidelity/text/name_index.py`` indexes spellings by the same rule).
SPELLED_ALIKE_MIN = 5
SPELLED_ALIKE_RATIO = 0.8


def _spelled_alike(a: str, b: str) -> bool:
    """The same letters but for diacritics ('Nääs' / 'Naas'), or near-identical Latin spellings
    (a typo, another transliteration): 0.8 of the letters in order."""
    import difflib

    x, y = _plain(a), _plain(b)
    if x == y:
        return True
    if min(len(x), len(y)) < SPELLED_ALIKE_MIN:
        return False
    # The cheap upper bounds first (lengths, then letter counts): most pairs fail there without the
    # full diff.
    matcher = difflib.SequenceMatcher(a=x, b=y, autojunk=False)
    return (matcher.real_quick_ratio() >= SPELLED_ALIKE_RATIO and matcher.quick_ratio() >= SPELLED_ALIKE_RATIO
            and matcher.ratio() >= SPELLED_ALIKE_RATIO)


def words_alike(a: str, b: str) -> bool:
    """One word of a name in two languages, a stricter twin of ``_spelled_alike`` for a glossary's
    proposals: the same letters but for diacritics ('Rakitić' / 'Rakitic'), the same
    transliteration skeleton ('Kaschmir' / 'Kashmir'), or one's skeleton of four consonants or more
    beginning the other's when the two begin alike and differ by a few letters at most ('Algerien' /
    'Algeria'); never a compound ('Spanienreisende') nor a mere shared start ('Konsulats' /
    'Chinese', 'Sonntag' / 'Senate')."""
    plain_a, plain_b = _plain(a), _plain(b)
    x, y = skeleton(a), skeleton(b)
    if plain_a == plain_b or (x and x == y):
        return True
    return (min(len(x), len(y)) >= 4 and (x.startswith(y) or y.startswith(x)) and plain_a[:1] == plain_b[:1]
            and abs(len(plain_a) - len(plain_b)) <= 3)


# What the country tables are made of: a new value builds them again in the user's cache.
_COUNTRY_TABLES = 1


@lru_cache(maxsize=16)
def _country_names(language: str, other_names: bool = True) -> dict[tuple[str, ...], str]:
    """Stemmed country names (English, and ``language`` where pycountry has it) -> ISO code;
    with ``other_names`` also the English demonyms and other spellings of countryinfo. Built once
    per version of the packages it reads, then read from the user's cache (building took about
    0.2 s of each check that compares names: loading pycountry and countryinfo, and stemming)."""
    from importlib.metadata import version

    from fidelity.models.cache_files import derived

    made_from = "|".join([str(_COUNTRY_TABLES), language, str(other_names)]
                         + [f"{package} {version(package)}" for package in ("pycountry", "countryinfo", "snowballstemmer")])
    return derived(f"countries_{language}_{int(other_names)}", made_from,
                   lambda: _build_country_names(language, other_names))


def _build_country_names(language: str, other_names: bool) -> dict[tuple[str, ...], str]:
    import gettext

    import pycountry

    try:
        translate = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
    except OSError:
        translate = None
    names: dict[tuple[str, ...], str] = {}
    for country in pycountry.countries:
        spellings: set[str] = {s for s in (getattr(country, f, None) for f in ("name", "common_name", "official_name"))
                               if s is not None}
        if translate is not None:
            spellings |= {translate(s) for s in spellings}
        for spelling in spellings:
            names[tuple(stem(w) for w in re.split(r"[\s,\-]+", spelling) if w)] = country.alpha_2
    # English demonyms and other names ('British', 'Great Britain', 'UK'; 'Dutch', 'Holland'),
    # from countryinfo: a rewrite that says 'British Foreign Secretary' kept 'Great Britain'.
    for code, other_spellings in (_english_other_names() if other_names else {}).items():
        for spelling in other_spellings:
            names.setdefault(tuple(stem(w) for w in re.split(r"[\s,\-]+", spelling) if w), code)
    return names


@lru_cache(maxsize=1)
def _english_other_names() -> dict[str, tuple[str, ...]]:
    """ISO alpha-2 code -> the demonym and alternative spellings countryinfo knows (English).
    A spelling several countries claim names the most populous ('American': the United States,
    not the Northern Mariana Islands; 'French': France); letter codes ('GBR', 'AND') are too
    easily words or noise."""
    import countryinfo

    claims: dict[str, tuple[int, str]] = {}
    for country in countryinfo.all_countries():
        iso = country.iso() or {}
        code = iso.get("alpha2")
        if not code:
            continue
        codes = {v for v in iso.values() if isinstance(v, str)}
        population = country.population() or 0
        for spelling in [country.demonym() or ""] + list(country.alt_spellings() or []):
            if spelling and spelling not in codes and (len(spelling) > 3 or spelling.isupper()):
                if spelling not in claims or population > claims[spelling][0]:
                    claims[spelling] = (population, code)
    out: dict[str, list[str]] = {}
    for spelling, (_, code) in claims.items():
        out.setdefault(code, []).append(spelling)
    return {code: tuple(spellings) for code, spellings in out.items()}


@lru_cache(maxsize=65536)  # asked for every pair of names compared, in a long document often
def country_code(name: str, language: str, other_names: bool = True) -> str | None:
    """The ISO code of a country name. ``other_names=False`` reads the ISO names only, as
    across languages, where only those have translations ('UAE' would be a country opposite
    'ОАЭ', which is not one)."""
    return _country_names(language, other_names).get(tuple(stem(w) for w in re.split(r"[\s,\-]+", name) if w))


_NAME_BLOCK = 256  # NameMatcher.same_as_any: rewrite names per matrix product


class NameMatcher:
    """Is a name in one language the same entity as a name in another?"""

    def __init__(self, encoder: Encoder | None, original_language: str, rewrite_language: str) -> None:
        self.encoder = encoder  # None: names can still match by spelling, never by meaning
        self.languages = (original_language, rewrite_language)
        self._similar: dict[tuple[str, str], float] = {}
        # ``same`` by the two names' texts: a long document compares the same two names often.
        self._same: dict[tuple[str, str, bool], bool] = {}
        # Each name's vector as the encoder gave it: a name met again is not looked up again.
        self._vectors: dict[str, np.ndarray] = {}

    def _require_encoder(self) -> Encoder:
        if self.encoder is None:
            raise ValueError("comparing two names by meaning needs an encoder")
        return self.encoder

    @staticmethod
    def mentioned(name: Entity, words: Iterable[str]) -> bool:
        """Is one of the name's words among ``words`` in any spelling ('Japanese' ~ 'японское')?"""
        keys = [skeleton(w) for w in name.text.split()]
        keys = [k for k in keys if len(k) >= 2]
        return any(_skeletons_match_keys(k, skeleton(w)) for w in words for k in keys)

    def same(self, original: Entity, rewrite: Entity, by_meaning: bool = True) -> bool:
        """By spelling (country codes, transliteration skeleton, acronym, a near-identical
        spelling) and by the encoder. Within one language (``by_meaning=False``) the encoder's
        closeness mostly says that two names are of one kind ('Putin' / 'Medvedev' 0.36,
        'London' / 'Paris' 0.54), so there it must reach halfway from ``counterpart`` to
        ``equivalent`` ('Navy' / 'Naval' 0.76, 'Sport-Express' / 'Sport Express' 0.80)."""
        key = (original.text, rewrite.text, by_meaning)
        if key not in self._same:
            self._same[key] = self._same_uncached(original, rewrite, by_meaning)
        return self._same[key]

    def same_as_any(self, index: NameIndex, names: Sequence[Entity], by_meaning: bool = True) -> list[bool]:
        """For each of ``names`` (a rewrite's), ``any(self.same(o, name, by_meaning) for o in
        index.names)`` (``index``: an original's distinct names, ``NameIndex(names, *self.languages)``),
        with ``same`` asked of the candidates only: the index's by spelling, and
        those the encoder may find close enough (a block of names against all of the index's in one
        matrix product). A long document's names were compared every one with every other."""
        import numpy as np

        encoder = self.encoder
        if encoder is None or not index.names:  # nothing to narrow by meaning: ``same`` decides, as it would
            return [any(self.same(o, name, by_meaning) for o in index.names) for name in names]
        thresholds = encoder.thresholds
        lowest = ((thresholds.counterpart + thresholds.equivalent) / 2 if not by_meaning
                  else min(thresholds.counterpart, thresholds.equivalent))  # same()'s cut-offs by meaning
        originals = np.stack([self._vector(o.text) for o in index.names])
        # ``similarity`` takes one dot product, this a matrix product: in any order of summation each
        # lies within γ·|a|·|b| of the exact product, γ = n·u/(1 − n·u) (n the dimension, u the unit
        # roundoff: 3.1e-5 for USE's 512 float32s), so a pair at or above a cut-off there is at or
        # above it less 2γ·|a|·|b| here; the margin is twice that.
        n, unit = originals.shape[1], float(np.finfo(originals.dtype).eps) / 2
        per_norm = 4 * n * unit / (1 - n * unit)
        original_norms = np.linalg.norm(originals, axis=1)
        distinct = list({name.text: name for name in names}.values())
        answers: dict[str, bool] = {}
        for start in range(0, len(distinct), _NAME_BLOCK):
            block = distinct[start:start + _NAME_BLOCK]
            vectors = np.stack([self._vector(name.text) for name in block])
            sims = vectors @ originals.T
            margins = per_norm * np.outer(np.linalg.norm(vectors, axis=1), original_norms)
            for name, row, margin in zip(block, sims, margins):
                close = np.flatnonzero(row >= lowest - margin).tolist()
                candidates = index.candidates(name).union(close)
                answers[name.text] = any(self.same(index.names[i], name, by_meaning) for i in sorted(candidates))
        return [answers[name.text] for name in names]

    def _vector(self, text: str) -> np.ndarray:
        """A name's vector as ``similarity`` keeps it; embedded alone where it is not there yet, as
        ``similarity`` embeds a name it meets beside one it has (USE's vectors differ in their last
        bits with the batch a text is embedded in)."""
        if text not in self._vectors:
            self._vectors[text] = self._require_encoder().encode([text])[0]
        return self._vectors[text]

    def _same_uncached(self, original: Entity, rewrite: Entity, by_meaning: bool) -> bool:
        same_language = self.languages[0] == self.languages[1]
        codes = (country_code(original.text, self.languages[0], same_language),
                 country_code(rewrite.text, self.languages[1], same_language))
        if codes[0] and codes[1]:
            return codes[0] == codes[1]  # 'Austria' is never 'Австралия', however alike they look
        o_words, r_words = original.text.split(), rewrite.text.split()
        if any(skeletons_match(a, b) for a in o_words for b in r_words) or is_acronym_of(original.text, rewrite.text):
            return True
        if is_abbreviation_of(original.text, rewrite.text) or is_abbreviation_of(rewrite.text, original.text):
            return True  # 'Saints' / 'Sts' (single words: an abbreviation is letters only)
        if _spelled_alike(original.text, rewrite.text):
            return True  # 'Krasnodar' / 'Kransodar', 'Chelyabinsk' / 'Chelebinsk'
        if not by_meaning:  # halfway between 'counterpart' and 'equivalent' (0.70 on USE)
            t = self._require_encoder().thresholds
            return self.similarity(original.text, rewrite.text) >= (t.counterpart + t.equivalent) / 2
        # The encoder knows 'Geneva' is 'Женева', but also finds 'Tokyo' close to 'Японии': a
        # country against a name that is none must be as close as an equivalent sentence.
        thresholds = self._require_encoder().thresholds
        return self.similarity(original.text, rewrite.text) >= (
            thresholds.equivalent if codes[0] or codes[1] else thresholds.counterpart)

    def similarity(self, a: str, b: str) -> float:
        if (a, b) not in self._similar:
            if a in self._vectors and b in self._vectors:
                va, vb = self._vectors[a], self._vectors[b]
            else:
                va, vb = self._require_encoder().encode([a, b])
                self._vectors[a], self._vectors[b] = va, vb
            self._similar[(a, b)] = float(va @ vb)
        return self._similar[(a, b)]
