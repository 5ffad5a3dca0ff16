"""English."""

from __future__ import annotations

from fidelity.languages.base import Language

# Contractions as typed without the apostrophe ("dont", "didnt"): informal text drops it.
_BARE_CONTRACTIONS = (r"dont", r"cant", r"wont", r"didnt", r"doesnt", r"isnt", r"arent", r"wasnt", r"werent",
                      r"couldnt", r"wouldnt", r"shouldnt", r"hasnt", r"havent", r"hadnt", r"aint")
# "not only" negates nothing in "not only X but also Y", but does in "is not only confined to X".
_BUT = r"(?=[^.;:!?]*\bbut\b)"
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

LANGUAGE = Language(
    code="en",
    name="English",
    stemmer="english",
    inflection_endings=("s", "es"),
    stems_script="LATIN",
    profanity_list="english",
    # Lexical negation counts as polarity too ("disagree" is "nicht einverstanden", "unless" is
    # "sofern ... keine", "refuse" is "не согласился"), so a translation that spells it out with
    # "not" is no flip.
    negation=(r"not", r"\w+n't", r"\w+n’t", r"no", r"never", r"none", r"nobody", r"nothing", r"neither",
              r"without", r"cannot", r"refused?", r"refuses", r"refusing", r"denied", r"denies", r"deny", r"non-\w+",
              r"hardly", r"barely", r"scarcely", r"unless", r"disagree\w*", *_BARE_CONTRACTIONS),
    negation_exceptions=(
        r"not only" + _BUT, r"no longer only", r"no doubt", r"nothing but", r"not just" + _BUT,
        # "won't be finished until next spring": the time it happens, which German "erst",
        # Czech "až" or Chinese "才" say without a negation word; counted on neither side
        # (in one clause: "did not work..., and did not begin painting until" keeps the first).
        r"(?:not|\w+n't|\w+n’t|never|cannot|dont|didnt|doesnt|wont|cant|isnt|wasnt)(?=[^.;:!?,]*\buntil\b)",
        # A question tag asks, it does not deny ("You hate ceiling fans, don't you?"); nor does
        # "or not" of an open question ("whether a student has to fulfil it or not?").
        r"\w+n['’]t(?=\s+(?:you|it|they|we|he|she|i|there)\s*\?)", r"(?<=\bor )not(?=\s*[?.!,]|$)"),
    # "stable"/"unstable", "clockwise"/"counter-clockwise": the antonym check.
    antonym_prefixes=("un", "in", "im", "il", "ir", "non-", "non", "dis", "counter-", "anti-", "de"),
    # Words negated by a prefix ("unable", "insufficient", "unsupported") say "not" without a
    # cue word. Narrower than ``antonym_prefixes`` ("de", "anti-" are no "not"), and the rest must
    # be a word of the context model's vocabulary ('un|able', not 'un|ique').
    lexical_negation_prefixes=("un", "in", "im", "il", "ir", "dis", "non"),
    lexical_negation_words=r"fail(?:s|ed|ing|ure)?|lack(?:s|ed|ing)?|absent|short of",
    lemma_suffixes=frozenset({"", "s", "es", "ed", "d", "ing", "ied", "ies", "ion", "ions", "ment", "ly", "er"}),
    antonyms=(
        ("agree", "refuse"), ("agree", "disagree"), ("accept", "reject"), ("confirm", "deny"),
        ("increase", "decrease"), ("increase", "reduce"), ("rise", "fall"), ("rise", "drop"), ("rise", "decline"),
        ("grow", "shrink"), ("grow", "decline"), ("gain", "lose"), ("win", "lose"), ("won", "lost"),
        ("allow", "forbid"), ("allow", "ban"), ("allow", "prohibit"), ("permit", "forbid"), ("support", "oppose"),
        ("supporting", "opposing"), ("open", "close"), ("join", "leave"), ("strengthen", "weaken"),
        ("bolster", "weaken"), ("boost", "weaken"), ("boost", "cut"), ("boost", "reduce"), ("angrily", "warmly"),
        ("angry", "warm"), ("more", "less"), ("more", "fewer"),
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
        ("wide", "narrow"), ("safe", "dangerous"), ("stable", "volatile"), ("calm", "tense")),
    hedges={
        # "considering" (is considering opening), not "considered" / "consider the claim": a court
        # that will consider a case examines it, and "is considered" regards.
        "negotiating": (r"in talks", r"talks to", r"negotiat\w+", r"discussing", r"in discussions?",
                        r"under discussion", r"considering", r"under consideration", r"exploring", r"weighing"),
        "planning": (r"plans? to", r"planning", r"planned", r"intends? to", r"intention", r"aims? to", r"proposed?",
                     r"expected to", r"set to", r"is to", r"are to", r"work(?:s|ing)?['’]?\s+towards?"),
        # "wish" as a verb: "their wishes" (a noun) hedges nothing.
        # "would like to" wants (not a possibility), except as a formula: "we would like to note".
        "wanting": (r"wants? to", r"wanted to", r"hopes? to", r"hoped to", r"seeks? to", r"sought to",
                    r"wish(?:es|ed)? to", r"wishing to",
                    r"would (?:like|love) to(?!\s+(?:note|say|add|thank|remind|stress|point|emphasi[sz]e|mention|ask|"
                    r"congratulate|express|welcome|inform|draw|appeal)\b)"),
        # "wouldn't" is "would not": one cue either way, so the spelling is no change.
        "possibility": (r"may(?!\s+\d)", r"might", r"could", r"possibl[ey]", r"possibilit(?:y|ies)", r"likely",
                        r"unlikely", r"perhaps",
                        r"potential(?:ly)?", r"would(?:n['’]t)?(?!\s+(?:like|love)\b)"),
        "reported": (r"reportedly", r"allegedly", r"apparently", r"claim(?:ed|ing)", r"claims?(?= that\b)",
                     r"rumou?r\w*", r"perceived",
                     r"suspected", r"probably", r"presumably", r"supposedly", r"seemingly", r"believed to",
                     r"thought to", r"said to", r"understood to", r"appears? to", r"appeared to", r"seems? to",
                     r"seemed to", r"speculation", r"impl(y|ies|ied)", r"suggests?", r"suggested",
                     r"I think", r"I believe", r"in my (?:view|opinion)", r"it seems to me"),
    },
    # "may participate" / "can participate", "wants to" / "named his wishes": these say a hedge's
    # kind of uncertainty without being one the detector would raise ("can" states an ability).
    hedge_counterparts=(r"can", r"able to", r"ideas?", r"proposals?", r"wish(?:es)?", r"desire", r"chances?",
                        r"maybe", r"want\w*", r"recommend\w*", r"advis\w*", r"expect\w*"),
    # Reported speech shifts tenses: "he said the rise would continue" reports "the rise will
    # continue"; that "would" is a future seen from the past, not a hedge.
    reported_speech_before=(
        r"\b(?:said|says|say|added|adds|noted|notes|reported|reports|announced|announces|stated|states|told|tells|"
        r"explained|promised|warned|expected|confirmed|declared|wrote|believed|thought|knew|decided|agreed)\b"
        r"[^.!?;]*$"),
    # A narrative's future seen from the past: "Pacelli, who would become Pope six years later",
    # "would later", "would go on to", "in six years' time". A time that the clause names makes it
    # a fact told in order, not a possibility.
    future_in_past_after=(
        r"^\s+(?:later|eventually|go on to|soon)\b|^[^.!?;]{0,60}?\b(?:(?:years?|months?|weeks?|days?|decades?) later|"
        r"in \w+ (?:years?|months?|weeks?|days?|decades?)['’]? time)\b"),
    attribution=(
        r"report\w*", r"said", r"says", r"say", r"told", r"tells", r"stated", r"states", r"according to",
        r"citing", r"quoted", r"announced", r"claimed", r"wrote", r"writes", r"noted", r"added",
        r"in a statement", r"sources?", r"stressed", r"emphasi[sz]ed", r"explained", r"recalled", r"insisted",
        r"argued", r"warned", r"confirmed", r"admitted", r"declared", r"reminded",
        # reporting verbs a second translator picks as often: "Meteorologists reported on the
        # weather" / "Weather forecasters speak about the weather"
        r"speak\w*", r"spoke", r"talked about", r"commented", r"pointed out", r"mentioned", r"posted",
        r"tweeted", r"described"),
    loaded=(r"unlawful", r"illegal", r"illegitimate", r"aggressi\w+", r"regime", r"puppets?", r"so-called",
            r"pretext", r"brutal\w*", r"barbar\w+", r"terroris\w+", r"vassal\w*", r"junta", r"propaganda",
            r"provocat\w+", r"hostile", r"notorious", r"shameful", r"criminal", r"thugs?", r"hawkish",
            r"warmonger\w*", r"sham", r"stooges?", r"atrocit\w+", r"heroic", r"glorious", r"evil", r"nazis?",
            r"hysteri\w+", r"russophob\w+", r"infamous", r"lackeys?", r"scheme\w*", r"ploy", r"subservient",
            r"servile", r"reckless", r"belligerent", r"hegemon\w*", r"imperialist\w*", r"neo-?nazi\w*", r"sinister",
            r"cynical\w*"),
    ambiguous_months={"may": (r"\s+(\d|of\b|this\b|last\b|next\b)", r"\b(in|since|until|by|of|from|to|early|late|mid-?)\s+$")},
    speaker_verbs=(
        "said|says|say|saying|told|tells|added|adds|adding|noted|notes|stated|states|claimed|claims|explained|"
        "warned|argued|insisted|stressed|emphasi[sz]ed|emphasi[sz]es|described|describes|reminded|recalled|"
        "highlighted|wrote|writes|asked|replied|answered|acknowledged|admitted|announced|declared|commented|"
        "remarked|concluded|continued|according to|quoted as saying"
    ),
    speaker_verbs_before_source=frozenset({"according to"}),
    speaker_participles=frozenset({"saying", "adding"}),
    prepositions=frozenset("to in at from of for with by on about into over than as".split()),
    inverted_speaker_stop=r",|\b(?:in|at|on|during|last|this|to|from|that|when|after|before)\b",
    contractions={
        "won't": ("will", "not"), "can't": ("can", "not"), "shan't": ("shall", "not"), "ain't": ("is", "not"),
        "it's": ("it", "is"), "that's": ("that", "is"), "what's": ("what", "is"), "there's": ("there", "is"),
        "here's": ("here", "is"), "he's": ("he", "is"), "she's": ("she", "is"), "let's": ("let", "us"),
        "who's": ("who", "is"),
    },
    contraction_endings={"n't": "not", "'re": "are", "'ve": "have", "'ll": "will", "'m": "am"},
    determiners=frozenset("the a an this that its their his her".split()),
    person_pronouns=frozenset("he she they".split()),
    day_halves=frozenset({"am", "pm", "a.m", "p.m", "a.m.", "p.m."}),
    stopwords=frozenset("""a an the this that these those there here their theirs they them he him his she her hers it its
        we us our ours you your yours i me my mine who whom whose which what when where why how
        in on at of for to from by with as into onto over under about after before during since until upon within
        without through between among against toward towards across along around behind beyond off out up down
        and or but nor so yet also too very just only even still already both either each every all any some
        is are was were be been being am do does did done doing has have had having will would shall should can
        could may might must not no yes than then there's it's that's one ones such other another same own more most
        much many few less least said says say told tell tells says added adding noted according while however
        whether if because although though thus therefore moreover meanwhile s t""".split()),
    # Narrower than ``stopwords``: inside a quotation reporting verbs, most prepositions and
    # "one" are words of the quotation.
    quotation_stopwords=frozenset("""a an the and or but nor so yet of in on at to for from by with about as into onto
        over under than then that this these those there here it its it's is are was were be been being am do does
        did done have has had having will would shall should can could may might must i me my we us our
        ours ourselves you your he him his she her they them their what which who whom whose when where why
        how all any some each every other such only very also just too more most much many not no never
        if because while again further once both either neither same own up down out off s t""".split()),
    negation_words=frozenset("not no never none nobody nothing neither nor".split()),
    not_negating_after={"not": frozenset({"only", "just"}), "no": frozenset({"doubt"}),
                        "nothing": frozenset({"but"})},
    not_negating_needs={"only": "but", "just": "but"},
    clause_conjunctions=("but", "while", "although", "whereas", "adding that", "saying that", "which", "however"),
    list_joiners=("and", "or"),
    articles=("the", "a", "an"),
    name_joiners=("of", "for"),
    not_names=frozenset("""a an the this that these those there their they them he she it its his her we our you your i my
        me in on at of for to from by with as and or but if when while after before since despite although though
        however nevertheless moreover thus so also not no yes according separately meanwhile speaking
        exclusive what why how who which where some any all many more most such other another each every
        last next first new said says will would could may might can should must has have had is are was were be
        monday tuesday wednesday thursday friday saturday sunday january february march april june july august
        september october november december""".split()),
    number_words={
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
        "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
        "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
        "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12, "half": 0.5, "twice": 2, "double": 2,
        "doubled": 2, "triple": 3, "tripled": 3},
    tens={"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
          "ninety": 90},
    units={"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9},
    # "mln", "bln", "tln": the abbreviations of English written by Russian and Italian newsrooms.
    scale_words={3: (r"thousand",), 6: (r"millions?", r"mln", r"mio\.?"), 9: (r"billions?", r"bn", r"bln"),
                 12: (r"trillions?", r"tln", r"trln")},
    percent_words=(r"percent", r"per cent"),
    ordinal_suffixes=("st", "nd", "rd", "th"),
    month_first_dates=True,
    day_month_connectors=("of",),
    month_names=MONTHS,
    month_abbreviations={**{m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)},
                         "sept": 9},
    weekday_names=WEEKDAYS,
    ordinals={"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
              "ninth": 9, "tenth": 10},
    relative_times=((r"last", "last"), (r"next", "next"), (r"this", "this"), (r"previous", "last"),
                    (r"past", "last"), (r"coming", "next")),
    relative_units=tuple((unit, unit) for unit in
                         "week month year decade weekend summer winter spring autumn fall".split()),
    view_words=(r"views?", r"reads?"),
    source_words=("source", "sources"),
    translator_credit_words=(r"(translated|translation|arranged|edited|compiled)\b.*\bby\b",),
    page_furniture=(
        r"no more (pages|posts)\b.*|exit mobile version|advertisement|share( this( article)?)?|read more|"
        r"related( articles| posts)?|subscribe( now)?|sign (in|up)|log ?in|follow us\b.*|"
        r"(whatsapp|facebook|twitter|telegram|linkedin|email)(\s+(whatsapp|facebook|twitter|telegram|linkedin|email))+|"
        r"copyright\b.*|.*\ball rights reserved\b.*|©.*|about us\b.*|skip to (main )?content",),
)
