"""Czech."""

from __future__ import annotations

from fidelity.languages.base import Language

LANGUAGE = Language(
    code="cs",
    name="Czech",
    profanity_list="czech",
    # Universal Dependencies (UD_Czech-PDT/-PUD/-CLTT: Polarity=Neg is the bound prefix ne- on
    # verbs, adjectives, adverbs and nouns, "neotevře", "nezávislé"; PronType=Neg nic, nikdo,
    # nikdy, žádný, ani). Not "nebo"/"neboť" (or, for), "než" (than) and "nejen" (not only, as
    # "not only" in English); a ne- word negates only when the rest is a Czech word
    # (``bound_negation_prefix``: "ne|jsou", not "nej|lepší", "nech", "nenávist").
    negation=(r"ne", r"ne(?!bo(?:ť|t)?(?![\w-])|ž(?![\w-]))\w{2,}", r"nic", r"ničeho", r"ničem", r"ničím", r"nikdo",
              r"nikoho", r"nikomu", r"nikým", r"nikdy", r"nikde", r"nikam", r"žádn\w*", r"ani", r"bez"),
    negation_exceptions=(r"nejen",),
    bound_negation_prefix="ne",
    vowels=frozenset("aeiouyáéěíóúůý"),
)
