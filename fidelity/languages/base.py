"""What the tool knows about one language, as one frozen value.

A field a language lacks is empty (or ``None``), and empty means "not covered": a cue detector
that reads an empty table has nothing to say about that language (its findings there are
unknown, not absent). Word tables are lower case; "patterns" are regular expressions matched
case-insensitively at word boundaries (inside words for a language written without spaces).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per language
class Language:
    code: str  # ISO 639-1 ("en"); "und" for the empty language
    name: str = ""
    # Written without spaces between words (Chinese, Japanese, Thai): cues are matched inside
    # words, a line's length is counted in characters, a profanity entry as a substring.
    unspaced: bool = False
    # The letters of an unspaced script, as the body of a regex character class ("\u0e00-\u0e7f"):
    # about two of them make a word when a line's length is counted.
    unspaced_letters: str = ""
    # Snowball algorithm (snowballstemmer's name) that stems this language's words; None: none.
    stemmer: str | None = None
    # Words are stemmed by their script, since a word's language is rarely known word by word (a
    # Latin name in a Russian sentence): this language's stemmer stems every word of this script.
    stems_script: str | None = None
    # Endings an inflected form adds to a word that its stemmer keeps (German's 'Verbindungsbüro|s',
    # 'Nordkorea|s'): a glossary term matches a word that is the term plus one of them.
    inflection_endings: tuple[str, ...] = ()
    # Writes compounds as one word ('Marsoberfläche'): a required glossary term may begin one.
    compounds: bool = False
    # The glin-profanity dictionary holding the language's insults and swear words (tone).
    profanity_list: str | None = None

    # ---- cue tables (patterns); each cue detector declares the one it reads (coverage)
    negation: tuple[str, ...] = ()  # negation words
    # Phrases holding a negation word that negate nothing ("not only ... but", "no doubt").
    negation_exceptions: tuple[str, ...] = ()
    # A bound negating prefix ("ne|otevře"): a word with it negates only if the rest is a word.
    bound_negation_prefix: str | None = None
    # Prefixes that make a word its antonym ("stable"/"unstable"): the antonym check.
    antonym_prefixes: tuple[str, ...] = ()
    # Prefixes of words negated by meaning ("unable"): these only cancel a cue difference.
    lexical_negation_prefixes: tuple[str, ...] = ()
    lexical_negation_words: str | None = None  # one pattern: negative by meaning ("fail", "lack")
    # Antonym pairs. Entries are stems (a token is the stem and at most five more letters), or,
    # where ``lemma_suffixes`` is given, lemmas (a token is the lemma, less a final "e", plus one).
    antonyms: tuple[tuple[str, str], ...] = ()
    lemma_suffixes: frozenset[str] = frozenset()
    hedges: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> patterns
    hedge_counterparts: tuple[str, ...] = ()  # words that only cancel a hedge said on the other side
    # "would" that is no hedge: the future of reported speech (a reporting verb before it in the
    # clause) or of a narrative (a time named after it). Patterns; None: every "would" hedges.
    reported_speech_before: str | None = None
    future_in_past_after: str | None = None
    attribution: tuple[str, ...] = ()  # reporting verbs and phrases that introduce a source
    loaded: tuple[str, ...] = ()  # evaluative words a neutral report would not use

    # ---- function words (whole normalised words)
    stopwords: frozenset[str] = frozenset()  # a span made only of these carries no content
    quotation_stopwords: frozenset[str] = frozenset()  # narrower: inside a quotation most words count
    negation_words: frozenset[str] = frozenset()  # negation words a quotation's word diff counts
    # "not only ... but": a negation word followed by one of these negates nothing, provided
    # the word's own "but" (``not_negating_needs``) follows later when it names one.
    not_negating_after: Mapping[str, frozenset[str]] = field(default_factory=dict)
    not_negating_needs: Mapping[str, str] = field(default_factory=dict)
    clause_conjunctions: tuple[str, ...] = ()  # words a clause may start with ("but", "which")
    list_joiners: tuple[str, ...] = ()  # "and", "or": words joining the members of a list
    articles: tuple[str, ...] = ()  # words between a list joiner and the member ("and the")
    # Lower-case words inside one name, between its capitalised words ("of" in "Isle of Wight",
    # "for" in "Council for Childhood"); not "to" nor "and" ("from Bulgaria to Greece" is two names).
    name_joiners: tuple[str, ...] = ()
    not_names: frozenset[str] = frozenset()  # capitalised at a sentence start but never a name
    # Contractions spelled out ("won't" -> will not), whole words and by their endings ("n't").
    contractions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    contraction_endings: Mapping[str, str] = field(default_factory=dict)
    determiners: frozenset[str] = frozenset()  # "the report" names a source, not a person (attribution)
    person_pronouns: frozenset[str] = frozenset()  # "he", "she", "they": a speaker named by a pronoun
    day_halves: frozenset[str] = frozenset()  # "am", "pm": a time's half of the day (the numbers detector's)
    # Who said a quotation ("..., the minister said"): reporting verbs (one pattern), those that come
    # only before their source ("according to"), participles whose clause's subject is the speaker
    # ("saying"), prepositions (a name after one is no speaker), and the words that end an inverted
    # speaker ("said Ms Mao *in* Beijing").
    speaker_verbs: str | None = None
    speaker_verbs_before_source: frozenset[str] = frozenset()
    speaker_participles: frozenset[str] = frozenset()
    prepositions: frozenset[str] = frozenset()
    inverted_speaker_stop: str | None = None
    vowels: frozenset[str] = frozenset()  # a bound negating prefix's rest must hold one to be a word

    # ---- numbers, dates and times (read in any text, whatever its language)
    number_words: Mapping[str, float] = field(default_factory=dict)  # "four" 4, "четырёх" 4
    tens: Mapping[str, int] = field(default_factory=dict)  # "forty" in "forty-six"
    units: Mapping[str, int] = field(default_factory=dict)  # "six" in "forty-six"
    scale_words: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # power of ten -> patterns
    percent_words: tuple[str, ...] = ()  # patterns: "percent", "процент\w*"
    ordinal_suffixes: tuple[str, ...] = ()  # after a digit: "1st", "2e"
    month_first_dates: bool = False  # "May 3rd": the day after the month, with an ordinal suffix
    day_month_connectors: tuple[str, ...] = ()  # "3 of May", "3 de mayo"
    day_suffixes: tuple[str, ...] = ()  # "25-го июля": a day number's case endings (with optional hyphen)
    month_names: tuple[str, ...] = ()  # January first; stems where ``month_pattern`` is given
    month_pattern: str | None = None  # the inflected month names, where the names are stems
    month_abbreviations: Mapping[str, int] = field(default_factory=dict)
    lowercase_month_names: frozenset[str] = frozenset()  # month names that count written lower case
    # Month names that are also common words ("May" / "may"): (pattern that must follow, pattern
    # that must precede) — the name is a month only when either matches next to it.
    ambiguous_months: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    weekday_names: tuple[str, ...] = ()  # Monday first; stems where ``weekday_pattern`` is given
    weekday_pattern: str | None = None
    ordinals: Mapping[str, int] = field(default_factory=dict)  # "first" 1; stems with ``ordinal_endings``
    ordinal_endings: tuple[str, ...] = ()  # case endings after an ordinal stem ("перв|ый")
    relative_times: tuple[tuple[str, str], ...] = ()  # (pattern, "last"/"next"/"this")
    relative_units: tuple[tuple[str, str], ...] = ()  # (pattern, "week"/"month"/"year"/...)
    year_words: tuple[str, ...] = ()  # patterns after a year in a date line ("2023 г.")
    date_line_patterns: tuple[str, ...] = ()  # whole date-line forms of the language ("2023年5月10日")

    # ---- page furniture (cleaning) and script
    view_words: tuple[str, ...] = ()  # patterns: "views", "просмотр\w*" (a page's view counter)
    source_words: tuple[str, ...] = ()  # "source", "источник": the header of a source list
    translator_credit_words: tuple[str, ...] = ()  # patterns that start a translator's credit line
    page_furniture: tuple[str, ...] = ()  # patterns of a whole line of page furniture ("read more")
    # Letters written as another in normalised words ("ё" as "е": Russian prints ё only at times).
    letter_folds: Mapping[str, str] = field(default_factory=dict)
    # Letters of the script that only this language (among those sharing it) writes (і ї є ґ).
    distinctive_letters: frozenset[str] = frozenset()

    def covers(self, table: str) -> bool:
        """Does the language have the table (a field name): is a detector reading it informed?"""
        return bool(getattr(self, table))


TABLE_FIELDS = frozenset(f.name for f in fields(Language))
