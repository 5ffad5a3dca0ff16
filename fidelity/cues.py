"""Cue lexicons per language for the rule-based detectors.

Keys are ISO 639-1 codes; each entry is a list of lower-case regular expressions matched at
word boundaries. Kept in one place so that a linguist can extend them without touching code.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lang import base_language

# English contractions as typed without the apostrophe ("dont", "didnt"): informal text drops it.
_EN_BARE_CONTRACTIONS = [r"dont", r"cant", r"wont", r"didnt", r"doesnt", r"isnt", r"arent", r"wasnt", r"werent",
                         r"couldnt", r"wouldnt", r"shouldnt", r"hasnt", r"havent", r"hadnt", r"aint"]
NEGATION: dict[str, list[str]] = {
    # Lexical negation counts as polarity too ("disagree" is "nicht einverstanden", "unless" is
    # "sofern ... keine", "refuse" is "не согласился"), so a translation that spells it out with
    # "not" is no flip.
    "en": [r"not", r"\w+n't", r"\w+n’t", r"no", r"never", r"none", r"nobody", r"nothing", r"neither",
           r"without", r"cannot", r"refused?", r"refuses", r"refusing", r"denied", r"denies", r"deny", r"non-\w+",
           r"hardly", r"barely", r"scarcely", r"unless", r"disagree\w*", *_EN_BARE_CONTRACTIONS],
    "ru": [r"не", r"нет", r"ни", r"никогда", r"никто", r"ничего", r"ничто", r"без", r"отказал\w*", r"отказыва\w*",
           r"отрица\w*"],
    "de": [r"nicht", r"kein\w*", r"nie", r"niemals", r"nichts", r"ohne"],
    # "ne" alone is not counted: "ne ... que" means "only", and the explicative "ne" negates nothing.
    "fr": [r"pas", r"jamais", r"aucun\w*", r"sans", r"rien", r"personne ne", r"nullement", r"non", r"guère"],
    "es": [r"no", r"nunca", r"ningún", r"ninguna?", r"nada", r"sin"],
    # The lists below follow Universal Dependencies' annotation of negation: the words its
    # treebanks mark Polarity=Neg (negative particles, auxiliaries, bound prefixes) and
    # PronType=Neg (negative pronouns and adverbs), per the treebank statistics pages at
    # https://universaldependencies.org/treebanks/<treebank>/<treebank>-feat-Polarity.html.
    # Ukrainian (UD_Ukrainian-IU, -ParlaMint: PART Polarity=Neg "не", "ні"; PronType=Neg ні-/жоден).
    "uk": [r"не", r"ні", r"ніхто", r"нікого", r"нікому", r"нічого", r"ніщо", r"нічим", r"ніколи", r"ніде", r"нікуди",
           r"жодн\w*", r"жоден", r"без"],
    # Polish (UD_Polish-PDB: PART Polarity=Neg "nie"; PronType=Neg nikt, nic, nigdy, żaden).
    "pl": [r"nie", r"nigdy", r"nikt", r"nikogo", r"nikomu", r"nic", r"niczego", r"niczym", r"nigdzie", r"żaden",
           r"żadn\w*", r"bez"],
    # Czech (UD_Czech-PDT/-PUD/-CLTT: Polarity=Neg is the bound prefix ne- on verbs, adjectives,
    # adverbs and nouns, "neotevře", "nezávislé"; PronType=Neg nic, nikdo, nikdy, žádný, ani).
    # Not "nebo"/"neboť" (or, for), "než" (than) and "nejen" (not only, as "not only" in English);
    # a ne- word negates only when the rest is a Czech word (the negation detector checks:
    # "ne|jsou", not "nej|lepší", "nech", "nenávist").
    "cs": [r"ne", r"ne(?!bo(?:ť|t)?(?![\w-])|ž(?![\w-]))\w{2,}", r"nic", r"ničeho", r"ničem", r"ničím", r"nikdo",
           r"nikoho", r"nikomu", r"nikým", r"nikdy", r"nikde", r"nikam", r"žádn\w*", r"ani", r"bez"],
    # Chinese (UD_Chinese-GSD/-GSDSimp: ADV Polarity=Neg 不, 未, 没/沒, 别/別, 无/無; VERB/AUX 没有,
    # 不是, 不能, 未能...: each holds one of the five). Unsegmented script: matched inside words.
    "zh": [r"不", r"未", r"没", r"沒", r"别", r"別", r"无", r"無"],
    # Japanese (UD Japanese: AUX Polarity=Neg ない/ぬ/ん and their forms なかっ(た), ません, ず;
    # spaCy's ja_core_news models, trained on UD_Japanese-GSD, tag them AUX|Polarity=Neg).
    "ja": [r"(?<![少危])ない", r"なかっ", r"ません", r"ずに", r"ず[、。]", r"なし", r"無し"],
}
# Scripts written without spaces between words: their cues are matched inside words.
UNSEGMENTED: frozenset[str] = frozenset({"zh", "ja"})
# Phrases that contain a negation word but do not negate the claim.
# "not only" negates nothing in "not only X but also Y", but does in "is not only confined to X".
_BUT = r"(?=[^.;:!?]*\bbut\b)"
NEGATION_EXCEPTIONS: dict[str, list[str]] = {
    "en": [r"not only" + _BUT, r"no longer only", r"no doubt", r"nothing but", r"not just" + _BUT,
           # "won't be finished until next spring": the time it happens, which German "erst",
           # Czech "až" or Chinese "才" say without a negation word; counted on neither side
           # (in one clause: "did not work..., and did not begin painting until" keeps the first).
           r"(?:not|\w+n't|\w+n’t|never|cannot|dont|didnt|doesnt|wont|cant|isnt|wasnt)(?=[^.;:!?,]*\buntil\b)",
           # A question tag asks, it does not deny ("You hate ceiling fans, don't you?"); nor does
           # "or not" of an open question ("whether a student has to fulfil it or not?").
           r"\w+n['’]t(?=\s+(?:you|it|they|we|he|she|i|there)\s*\?)", r"(?<=\bor )not(?=\s*[?.!,]|$)"],
    "fr": [r"non seulement(?=[^.;:!?]*\bmais\b)", r"pas seulement(?=[^.;:!?]*\bmais\b)"],
    "ru": [r"не только(?=[^.;:!?]*\bно\b)", r"не раз", r"не менее", r"тем не менее", r"не смотря", r"несмотря"],
    # Words that hold a negation character but negate nothing: future, especially, difference,
    # respectively, others, other, not only (... but), continuously, regardless, almost, quite a few, soon.
    # 对不起 "sorry", 不同 "different", 类别 "category": fixed words that only hold the character.
    "zh": [r"对不起", r"對不起", r"不同", r"类别", r"類別", r"未来", r"特别", r"区别", r"區別", r"分别", r"分別", r"别人", r"別人", r"别的", r"別的", r"不仅", r"不僅",
           r"不但", r"不断", r"不斷", r"无论", r"無論", r"不管", r"差不多", r"不少", r"不久"],
    "cs": [r"nejen"],
    # 申し訳ありません / すみません "I'm sorry", かもしれません "may": set phrases in the polite
    # negative form that deny nothing.
    "ja": [r"申し訳(?:ありません|ない|ございません)", r"すみません", r"かもしれません", r"かもしれない"],
    "pl": [r"nie tylko(?=[^.;:!?]*\bale\b)"],
    "uk": [r"не тільки(?=[^.;:!?]*\bа?\s*й\b|[^.;:!?]*\bале\b)", r"не лише(?=[^.;:!?]*\bа?\s*й\b|[^.;:!?]*\bале\b)"],
}
# Antonym pairs: a change from one to the other flips the claim.
ANTONYMS: dict[str, list[tuple[str, str]]] = {
    "en": [("agree", "refuse"), ("agree", "disagree"), ("accept", "reject"), ("confirm", "deny"),
           ("increase", "decrease"), ("increase", "reduce"), ("rise", "fall"), ("rise", "drop"), ("rise", "decline"),
           ("grow", "shrink"), ("grow", "decline"), ("gain", "lose"), ("win", "lose"), ("won", "lost"),
           ("allow", "forbid"), ("allow", "ban"), ("allow", "prohibit"), ("permit", "forbid"), ("support", "oppose"),
           ("supporting", "opposing"), ("open", "close"), ("join", "leave"), ("strengthen", "weaken"),
           ("bolster", "weaken"), ("boost", "weaken"), ("boost", "cut"), ("boost", "reduce"), ("angrily", "warmly"), ("angry", "warm"), ("more", "less"), ("more", "fewer"),
           ("most", "few"), ("most", "least"), ("many", "few"), ("before", "after"), ("approve", "reject"),
           ("succeed", "fail"), ("success", "failure"), ("always", "never"), ("everyone", "nobody"),
           ("expand", "shrink"), ("expand", "contract"), ("raise", "cut"), ("raise", "lower"), ("positive", "negative"),
           ("good", "bad"), ("better", "worse"), ("best", "worst"), ("high", "low"), ("higher", "lower"),
           ("highest", "lowest"), ("great", "small"), ("greater", "lower"), ("greater", "smaller"), ("large", "small"),
           ("larger", "smaller"), ("long", "short"), ("longer", "shorter"), ("heavily", "little"), ("heavily", "lightly"),
           ("much", "little"), ("easy", "difficult"), ("easy", "hard"), ("easier", "harder"),
           ("easier", "difficult"), ("ahead", "behind"), ("above", "below"), ("within", "beyond"), ("inside", "outside"),
           ("early", "late"), ("earlier", "later"), ("first", "last"), ("start", "end"), ("begin", "end"),
           ("double", "halve"), ("doubled", "halved"), ("strong", "weak"), ("stronger", "weaker"), ("rich", "poor"),
           ("friend", "enemy"), ("ally", "enemy"), ("ally", "adversary"), ("peace", "war"), ("legal", "illegal"),
           ("true", "false"), ("present", "absent"), ("include", "exclude"), ("import", "export"), ("buy", "sell"),
           ("attack", "defend"), ("offend", "defend"), ("victory", "defeat"), ("release", "arrest"),
           ("release", "detain"), ("acquit", "convict"), ("guilty", "innocent"), ("alive", "dead"),
           ("survive", "die"), ("private", "public"), ("maximum", "minimum"), ("majority", "minority"),
           ("optimistic", "pessimistic"), ("welcome", "condemn"), ("praise", "criticize"), ("praised", "criticized"),
           ("up", "down"), ("north", "south"), ("east", "west"), ("left", "right"), ("fast", "slow"),
           ("quickly", "slowly"), ("rapidly", "slowly"), ("deepen", "ease"), ("escalate", "de-escalate"),
           ("escalate", "ease"), ("same", "different"), ("similar", "different"), ("closer", "further"),
           ("wide", "narrow"), ("safe", "dangerous"), ("stable", "volatile"), ("calm", "tense")],
    "ru": [("согласил", "отказал"), ("принял", "отклонил"), ("подтвердил", "опроверг"), ("увелич", "уменьш"),
           ("вырос", "упал"), ("поддерж", "выступ"), ("открыт", "закрыт"), ("вступ", "выход"), ("больше", "меньше"),
           ("более", "менее"), ("укреп", "ослаб"), ("усил", "ослаб"), ("рост", "снижен"), ("повыс", "пониз"),
           ("стабильн", "нестабильн"), ("побед", "поражен"), ("друг", "враг"), ("союзник", "противник"),
           ("положительн", "отрицательн"), ("лучш", "худш"), ("сначала", "потом"), ("до", "после")],
}
# Prefixes that negate a word: "stable"/"unstable", "clockwise"/"counter-clockwise".
NEGATING_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": ("un", "in", "im", "il", "ir", "non-", "non", "dis", "counter-", "anti-", "de"),
    "ru": ("не", "анти", "без", "бес"),
}
# Hedging and modality, grouped by the kind of uncertainty they express.
HEDGES: dict[str, dict[str, list[str]]] = {
    "en": {
        # "considering" (is considering opening), not "considered" / "consider the claim": a court
        # that will consider a case examines it, and "is considered" regards.
        "negotiating": [r"in talks", r"talks to", r"negotiat\w+", r"discussing", r"in discussions?", r"under discussion",
                        r"considering", r"under consideration", r"exploring", r"weighing"],
        "planning": [r"plans? to", r"planning", r"planned", r"intends? to", r"intention", r"aims? to", r"proposed?",
                     r"expected to", r"set to", r"is to", r"are to", r"work(?:s|ing)?['’]?\s+towards?"],
        # "wish" as a verb: "their wishes" (a noun) hedges nothing.
        # "would like to" wants (not a possibility), except as a formula: "we would like to note".
        "wanting": [r"wants? to", r"wanted to", r"hopes? to", r"hoped to", r"seeks? to", r"sought to",
                    r"wish(?:es|ed)? to", r"wishing to",
                    r"would (?:like|love) to(?!\s+(?:note|say|add|thank|remind|stress|point|emphasi[sz]e|mention|ask|"
                    r"congratulate|express|welcome|inform|draw|appeal)\b)"],
        # "wouldn't" is "would not": one cue either way, so the spelling is no change.
        "possibility": [r"may(?!\s+\d)", r"might", r"could", r"possibl[ey]", r"possibilit(?:y|ies)", r"likely",
                        r"unlikely", r"perhaps",
                        r"potential(?:ly)?", r"would(?:n['’]t)?(?!\s+(?:like|love)\b)"],
        "reported": [r"reportedly", r"allegedly", r"apparently", r"claim(?:ed|ing)", r"claims?(?= that\b)", r"rumou?r\w*", r"perceived",
                     r"suspected", r"probably", r"presumably", r"supposedly", r"seemingly", r"believed to",
                     r"thought to", r"said to", r"understood to", r"appears? to", r"appeared to", r"seems? to",
                     r"seemed to", r"speculation", r"impl(y|ies|ied)", r"suggests?", r"suggested",
                     r"I think", r"I believe", r"in my (?:view|opinion)", r"it seems to me"],
    },
    "ru": {
        "negotiating": [r"переговор\w*", r"обсужда\w*", r"обсужден\w*", r"рассматрива\w*"],
        "planning": [r"планиру\w*", r"намерен\w*", r"собира\w*", r"предполага\w*", r"ожида\w*"],
        "wanting": [r"хоч\w*", r"хот\w*", r"хотел\w*", r"надеет\w*", r"стрем\w*"],
        "possibility": [r"может", r"могут", r"мог\w*", r"возможн\w*", r"вероятн\w*", r"якобы", r"бы"],
        "reported": [r"якобы", r"предположительно", r"по слухам", r"сообщается", r"судя по всему",
                     r"по всей видимости", r"видимо", r"по-видимому", r"вероятно", r"кажется"],
    },
}
# Words that say a hedge's kind of uncertainty without being a hedge the detector would raise
# ("may participate" / "can participate", "wants to" / "named his wishes", "put forward the
# idea" / "proposed"). Like the lexical negations, they only ever cancel a hedge said on the
# other side, never raise one: "can" alone states an ability, not a doubt.
HEDGE_COUNTERPARTS: dict[str, list[str]] = {
    "en": [r"can", r"able to", r"ideas?", r"proposals?", r"wish(?:es)?", r"desire", r"chances?", r"maybe",
           r"want\w*", r"recommend\w*", r"advis\w*", r"expect\w*"],
    "ru": [r"можно", r"способн\w*", r"иде\w*", r"предложени\w*", r"желани\w*", r"шанс\w*"],
}
# Words that introduce a source for a claim.
ATTRIBUTION: dict[str, list[str]] = {
    "en": [r"report\w*", r"said", r"says", r"say", r"told", r"tells", r"stated", r"states", r"according to",
           r"citing", r"quoted", r"announced", r"claimed", r"wrote", r"writes", r"noted", r"added",
           r"in a statement", r"sources?", r"stressed", r"emphasi[sz]ed", r"explained", r"recalled", r"insisted",
           r"argued", r"warned", r"confirmed", r"admitted", r"declared", r"reminded",
           # reporting verbs a second translator picks as often: "Meteorologists reported on the
           # weather" / "Weather forecasters speak about the weather"
           r"speak\w*", r"spoke", r"talked about", r"commented", r"pointed out", r"mentioned", r"posted",
           r"tweeted", r"described"],
    "ru": [r"сообщ\w*", r"заявил\w*", r"сказал\w*", r"рассказал\w*", r"по данным", r"по словам", r"со ссылкой",
           r"ссылаясь", r"пишет", r"написал\w*", r"отметил\w*", r"источник\w*", r"передает", r"передаёт",
           r"подчеркнул\w*", r"добавил\w*", r"указал\w*", r"объявил\w*", r"пояснил\w*", r"уточнил\w*",
           r"напомнил\w*", r"признал\w*", r"предупредил\w*", r"считает", r"полагает"],
}
# Evaluative or loaded words that a neutral report would not use of its own voice.
LOADED: dict[str, list[str]] = {
    "en": [r"unlawful", r"illegal", r"illegitimate", r"aggressi\w+", r"regime", r"puppets?", r"so-called",
           r"pretext", r"brutal\w*", r"barbar\w+", r"terroris\w+", r"vassal\w*", r"junta", r"propaganda",
           r"provocat\w+", r"hostile", r"notorious", r"shameful", r"criminal", r"thugs?", r"hawkish",
           r"warmonger\w*", r"sham", r"stooges?", r"atrocit\w+", r"heroic", r"glorious", r"evil", r"nazis?",
           r"hysteri\w+", r"russophob\w+", r"infamous", r"lackeys?", r"scheme\w*", r"ploy", r"subservient", r"servile",
           r"reckless", r"belligerent", r"hegemon\w*", r"imperialist\w*", r"neo-?nazi\w*", r"sinister", r"cynical\w*"],
    "ru": [r"незаконн\w*", r"агресси\w*", r"режим\w*", r"марионет\w*", r"так называем\w*", r"предлог\w*",
           r"жесток\w*", r"варвар\w*", r"террорист\w*", r"вассал\w*", r"хунт\w*", r"пропаганд\w*", r"провокац\w*",
           r"враждебн\w*", r"преступн\w*", r"нацист\w*", r"истери\w*", r"русофоб\w*"],
}


@lru_cache(maxsize=None)
def compile_cues(patterns: tuple[str, ...], bounded: bool = True) -> re.Pattern[str]:
    """One regex matching any cue as a whole word (or phrase), case-insensitive; ``bounded=False``
    for scripts without spaces (Chinese, Japanese), where a cue is matched inside words."""
    alternatives = "|".join(sorted(patterns, key=len, reverse=True))
    if not bounded:
        return re.compile(f"(?:{alternatives})", re.IGNORECASE | re.UNICODE)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE | re.UNICODE)


def bounded(language: str) -> bool:
    """Are words in ``language`` separated by spaces (so cues match at word boundaries)?"""
    return base_language(language) not in UNSEGMENTED


def find_cues(lexicon: dict, language: str, text: str, start: int = 0, end: int | None = None
              ) -> list[re.Match[str]]:
    patterns = lexicon.get(base_language(language))
    if not patterns:
        return []
    return list(compile_cues(tuple(patterns), bounded(language)).finditer(text, start, len(text) if end is None else end))


# Each cue detector's lexicon: a detector has nothing to say about a language its lexicon lacks
# (no list is "unknown", never "no cue"), so its findings are kept only where both sides are covered.
CUE_LEXICONS: dict[str, dict] = {"negation": NEGATION, "certainty": HEDGES, "attribution": ATTRIBUTION,
                                 "loaded_language": LOADED}


def cue_covered(detector: str, language: str) -> bool:
    """Does ``detector`` (a registered cue detector's name) have a list for ``language``? A cue
    detector not listed in ``CUE_LEXICONS`` manages its own coverage and counts as covered."""
    lexicon = CUE_LEXICONS.get(detector)
    return lexicon is None or bool(lexicon.get(base_language(language)))

# Function words: a span made only of these carries no content of its own.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("""a an the this that these those there here their theirs they them he him his she her hers it its
        we us our ours you your yours i me my mine who whom whose which what when where why how
        in on at of for to from by with as into onto over under about after before during since until upon within
        without through between among against toward towards across along around behind beyond off out up down
        and or but nor so yet also too very just only even still already both either each every all any some
        is are was were be been being am do does did done doing has have had having will would shall should can
        could may might must not no yes than then there's it's that's one ones such other another same own more most
        much many few less least said says say told tell tells says added adding noted according while however
        whether if because although though thus therefore moreover meanwhile s t""".split()),
    "ru": frozenset("""и в во на с со к ко по о об от до из за для у при без над под про через между а но или ни же ли бы
        не то что это этот эта эти тот та те как так там тут где когда кто чей который которая которое которые
        он она оно они мы вы я его её ее их им ему ей нам вам нас вас себя свой своя свои был была было были быть
        есть будет будут уже еще ещё также тоже только даже очень все всё весь вся сказал заявил отметил""".split()),
}
# The quotation matcher's function words (both languages in one set): narrower than
# STOPWORDS, because inside a quotation reporting verbs, most prepositions and "one" are
# words of the quotation.
QUOTATION_STOPWORDS: frozenset[str] = frozenset(
    """a an the and or but nor so yet of in on at to for from by with about as into onto over under
    than then that this these those there here it its it's is are was were be been being am do does
    did done have has had having will would shall should can could may might must i me my we us our
    ours ourselves you your he him his she her they them their what which who whom whose when where why
    how all any some each every other such only very also just too more most much many not no never
    if because while again further once both either neither same own up down out off s t
    и в во не ни на с со по к ко у о об от до из за для а но же ли бы что как это этот эта эти то
    так уже еще ещё он она оно они мы вы я ты его ее её их нам нас вам вас мне меня был была было были
    быть есть будет все всё весь вся тоже также или либо да нет при под над через между""".split()
)
# Negation words as whole normalised words (a quotation's word diff counts them; the
# detectors' NEGATION above are patterns).
NEGATION_WORDS: frozenset[str] = frozenset(
    "not no never none nobody nothing neither nor не ни нет никогда никто ничто ничего".split()
)
