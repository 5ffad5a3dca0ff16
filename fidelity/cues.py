"""Cue lexicons per language for the rule-based detectors.

Keys are ISO 639-1 codes; each entry is a list of lower-case regular expressions matched at
word boundaries. Kept in one place so that a linguist can extend them without touching code.
"""

from __future__ import annotations

import re
from functools import lru_cache

NEGATION: dict[str, list[str]] = {
    "en": [r"not", r"\w+n't", r"\w+n’t", r"no", r"never", r"none", r"nobody", r"nothing", r"neither", r"nor",
           r"without", r"cannot", r"refused?", r"refuses", r"denied", r"denies", r"deny"],
    "ru": [r"не", r"нет", r"ни", r"никогда", r"никто", r"ничего", r"ничто", r"без", r"отказал\w*", r"отказыва\w*",
           r"отрица\w*"],
    "de": [r"nicht", r"kein\w*", r"nie", r"niemals", r"nichts", r"ohne"],
    "fr": [r"ne", r"n'", r"pas", r"jamais", r"aucun\w*", r"sans", r"rien"],
    "es": [r"no", r"nunca", r"ningún", r"ninguna?", r"nada", r"sin"],
}
# Phrases that contain a negation word but do not negate the claim.
NEGATION_EXCEPTIONS: dict[str, list[str]] = {
    "en": [r"not only", r"no longer only", r"no doubt", r"nothing but", r"not just"],
    "ru": [r"не только", r"не раз", r"не менее", r"тем не менее", r"не смотря", r"несмотря"],
}
# Antonym pairs: a change from one to the other flips the claim.
ANTONYMS: dict[str, list[tuple[str, str]]] = {
    "en": [("agree", "refuse"), ("accept", "reject"), ("confirm", "deny"), ("increase", "decrease"),
           ("rise", "fall"), ("win", "lose"), ("allow", "forbid"), ("allow", "ban"), ("support", "oppose"),
           ("open", "close"), ("join", "leave"), ("strengthen", "weaken"), ("more", "less"), ("before", "after"),
           ("approve", "reject"), ("succeed", "fail"), ("stable", "unstable"), ("legal", "illegal"),
           ("always", "never"), ("everyone", "no one"), ("expand", "shrink"), ("raise", "cut")],
    "ru": [("согласил", "отказал"), ("принял", "отклонил"), ("подтвердил", "опроверг"), ("увелич", "уменьш"),
           ("вырос", "упал"), ("поддерж", "выступ"), ("открыт", "закрыт"), ("вступ", "выход"), ("больше", "меньше")],
}
# Hedging and modality, grouped by the kind of uncertainty they express.
HEDGES: dict[str, dict[str, list[str]]] = {
    "en": {
        "negotiating": [r"in talks", r"talks to", r"negotiat\w+", r"discussing", r"in discussions?", r"under discussion", r"consider\w*",
                        r"exploring", r"weighing"],
        "planning": [r"plans? to", r"planning", r"planned", r"intends? to", r"intention", r"aims? to", r"proposed?",
                     r"expected to", r"set to", r"is to", r"are to"],
        "wanting": [r"wants? to", r"wanted to", r"hopes? to", r"hoped to", r"seeks? to", r"sought to", r"wish\w*"],
        "possibility": [r"may", r"might", r"could", r"possibl[ey]", r"likely", r"unlikely", r"perhaps",
                        r"potentially", r"would"],
        "reported": [r"reportedly", r"allegedly", r"apparently", r"claim\w*", r"rumou?r\w*", r"perceived",
                     r"suspected"],
    },
    "ru": {
        "negotiating": [r"переговор\w*", r"обсужда\w*", r"обсужден\w*", r"рассматрива\w*"],
        "planning": [r"планиру\w*", r"намерен\w*", r"собира\w*", r"предполага\w*"],
        "wanting": [r"хоч\w*", r"хот\w*", r"хотел\w*", r"надеет\w*", r"стрем\w*"],
        "possibility": [r"может", r"могут", r"мог\w*", r"возможн\w*", r"вероятн\w*", r"якобы", r"бы"],
        "reported": [r"якобы", r"предположительно", r"по слухам", r"сообщается"],
    },
}
# Words that introduce a source for a claim.
ATTRIBUTION: dict[str, list[str]] = {
    "en": [r"report\w*", r"said", r"says", r"say", r"told", r"tells", r"stated", r"states", r"according to",
           r"citing", r"cited", r"quoted", r"announced", r"claimed", r"wrote", r"writes", r"noted", r"added",
           r"in a statement", r"sources?"],
    "ru": [r"сообщ\w*", r"заявил\w*", r"сказал\w*", r"рассказал\w*", r"по данным", r"по словам", r"со ссылкой",
           r"ссылаясь", r"пишет", r"написал\w*", r"отметил\w*", r"источник\w*", r"передает", r"передаёт"],
}
# Evaluative or loaded words that a neutral report would not use of its own voice.
LOADED: dict[str, list[str]] = {
    "en": [r"unlawful", r"illegal", r"illegitimate", r"aggressi\w+", r"regime", r"puppets?", r"so-called",
           r"pretext", r"brutal\w*", r"barbar\w+", r"terroris\w+", r"vassal\w*", r"junta", r"propaganda",
           r"provocat\w+", r"hostile", r"notorious", r"shameful", r"criminal", r"thugs?", r"hawkish",
           r"warmonger\w*", r"sham", r"stooges?", r"atrocit\w+", r"heroic", r"glorious", r"evil", r"nazis?",
           r"hysteri\w+", r"russophob\w+", r"infamous", r"lackeys?", r"scheme\w*", r"ploy"],
    "ru": [r"незаконн\w*", r"агресси\w*", r"режим\w*", r"марионет\w*", r"так называем\w*", r"предлог\w*",
           r"жесток\w*", r"варвар\w*", r"террорист\w*", r"вассал\w*", r"хунт\w*", r"пропаганд\w*", r"провокац\w*",
           r"враждебн\w*", r"преступн\w*", r"нацист\w*", r"истери\w*", r"русофоб\w*"],
}


def base_language(code: str) -> str:
    return (code or "und").split("-")[0].lower()


@lru_cache(maxsize=None)
def compile_cues(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching any cue as a whole word (or phrase), case-insensitive."""
    alternatives = "|".join(sorted(patterns, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE | re.UNICODE)


def find_cues(lexicon: dict[str, list[str]], language: str, text: str, start: int = 0, end: int | None = None
              ) -> list[re.Match[str]]:
    patterns = lexicon.get(base_language(language))
    if not patterns:
        return []
    return list(compile_cues(tuple(patterns)).finditer(text, start, len(text) if end is None else end))
