"""Ukrainian."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="uk",
    name="Ukrainian",
    # Snowball has no Ukrainian; ``tokens.stem`` stems Cyrillic words with Russian's stemmer.
    stemmer=None,
    # Universal Dependencies' annotation of negation (UD_Ukrainian-IU, -ParlaMint: PART
    # Polarity=Neg "не", "ні"; PronType=Neg ні-/жоден), per the treebank statistics pages at
    # https://universaldependencies.org/treebanks/<treebank>/<treebank>-feat-Polarity.html.
    negation=(r"не", r"ні", r"ніхто", r"нікого", r"нікому", r"нічого", r"ніщо", r"нічим", r"ніколи", r"ніде",
              r"нікуди", r"жодн\w*", r"жоден", r"без"),
    negation_exceptions=(r"не тільки(?=[^.;:!?]*\bа?\s*й\b|[^.;:!?]*\bале\b)",
                         r"не лише(?=[^.;:!?]*\bа?\s*й\b|[^.;:!?]*\bале\b)"),
    distinctive_letters=frozenset("іїєґІЇЄҐ"),
)
