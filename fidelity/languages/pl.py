"""Polish."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="pl",
    name="Polish",
    profanity_list="polish",
    # Universal Dependencies (UD_Polish-PDB: PART Polarity=Neg "nie"; PronType=Neg nikt, nic, nigdy, żaden).
    negation=(r"nie", r"nigdy", r"nikt", r"nikogo", r"nikomu", r"nic", r"niczego", r"niczym", r"nigdzie", r"żaden",
              r"żadn\w*", r"bez"),
    negation_exceptions=(r"nie tylko(?=[^.;:!?]*\bale\b)",),
    source_words=("źródło",),
)
