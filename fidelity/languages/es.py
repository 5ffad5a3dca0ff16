"""Spanish."""

from __future__ import annotations

from fidelity.languages.base import Language

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")

LANGUAGE = Language(
    code="es",
    name="Spanish",
    stemmer="spanish",
    profanity_list="spanish",
    negation=(r"no", r"nunca", r"ningún", r"ninguna?", r"nada", r"sin"),
    scale_words={3: (r"mil",), 6: (r"millones",)},
    ordinal_suffixes=("º", "ª"),  # 1º
    day_month_connectors=("de",),
    month_names=MONTHS,
    # Lower case is how Spanish writes them ("3 de junio"); "mayo" is also mayonnaise.
    lowercase_month_names=frozenset(MONTHS) - {"mayo"},
    source_words=("fuente",),
)
