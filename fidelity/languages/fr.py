"""French."""

from __future__ import annotations

from fidelity.languages.base import Language

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
          "décembre")

LANGUAGE = Language(
    code="fr",
    name="French",
    stemmer="french",
    profanity_list="french",
    # "ne" alone is not counted: "ne ... que" means "only", and the explicative "ne" negates nothing.
    negation=(r"pas", r"jamais", r"aucun\w*", r"sans", r"rien", r"personne ne", r"nullement", r"non", r"guère"),
    negation_exceptions=(r"non seulement(?=[^.;:!?]*\bmais\b)", r"pas seulement(?=[^.;:!?]*\bmais\b)"),
    not_names=frozenset("le la les un une et ou mais de du des en au".split()),
    scale_words={3: (r"mille",), 9: (r"milliards?",)},
    ordinal_suffixes=("er", "re", "e", "ème", "eme"),  # 1er, 2e, 2ème
    day_month_connectors=("de",),
    month_names=MONTHS,
    month_abbreviations={"févr": 2, "fevrier": 2, "aout": 8, "decembre": 12, "juil": 7, "janv": 1, "avr": 4,
                         "déc": 12},
    # Month names are no everyday words, so lower case is fine for them ("en juin"); "mars" is
    # also the planet, and "mai" also German's capitalised month.
    lowercase_month_names=frozenset(MONTHS) - {"mars", "mai"},
)
