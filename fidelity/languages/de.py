"""German."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="de",
    name="German",
    # Snowball's German algorithm. ``tokens.stem`` stems a word by its script (its language is
    # rarely known word by word), so German words are stemmed by the Latin script's stemmer (en).
    stemmer="german",
    inflection_endings=("s", "es", "n", "en", "e", "er", "ern", "em", "ns", "ens"),
    compounds=True,
    profanity_list="german",
    negation=(r"nicht", r"kein\w*", r"nie", r"niemals", r"nichts", r"ohne"),
    not_names=frozenset("der die das ein eine und oder aber in im am zu von mit".split()),
    scale_words={3: (r"tausend",), 6: (r"millionen",), 9: (r"milliarden", r"mrd\.?")},
    month_names=("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
                 "november", "dezember"),
    month_abbreviations={"mär": 3, "maerz": 3, "okt": 10, "dez": 12},
    source_words=("quelle",),
)
