"""Word-level differences inside aligned same-language sentences: dropped, added and
substituted content words ("interference and concerns" → "interference").

Words that occur elsewhere on the other side are reordering, not change; function words
never count; a substitution whose two sides the encoder finds close (a synonym) is a
paraphrase. A single changed word is minor unless it was cut out of (or put into) a list
("Finland and Sweden" → "Finland"); phrases are major.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial

from fidelity.checking.detectors.base import AlignedPair, BeadView, DiffOp, token_span
from fidelity.checking.detectors.negation import is_antonym_pair
from fidelity.checking.detectors.registry import Configured, Resources, Scope, Traits, register
from fidelity.languages import Language, registered
from fidelity.languages import language as language_of
from fidelity.text.lang import base_language
from fidelity.text.names import Entity, is_acronym_of
from fidelity.text.numbers import is_scale_word, is_time_word
from fidelity.text.tokens import Token, short, tokenize
from fidelity.types import Bead, Category, Document, Finding, Severity, Span


def _content(tokens: list[Token], stopwords: frozenset[str]) -> list[Token]:
    # Numbers and their scale words ('640 thousand', '$1 tln'), a time's 'PM' ('5:47 PM' /
    # '17:47'), months and weekdays are the numbers detector's; a contraction of a function
    # word ("I'm", "it'll", "doesn't") is a function word.
    return [t for t in tokens if t.norm not in stopwords and not any(c.isdigit() for c in t.norm) and len(t.norm) > 1
            and not is_scale_word(t.norm) and t.norm not in language_of("en").day_halves and t.norm.split("'")[0] not in stopwords
            and not (is_time_word(t.norm) and (t.text[:1].isupper() or not t.text.isascii()))]  # 'March', not 'march'


_CONTEXT_AHEAD = 64  # beads whose sentences the context model computes together, ahead (two sentences each)

@dataclass(frozen=True)
class _ListPatterns:
    before_member: re.Pattern[str]  # a comma or joiner (and an article) right before a member
    after_member: re.Pattern[str]  # a comma or joiner right after it
    joined_before: re.Pattern[str]  # 'and'/'or' right before
    list_end: re.Pattern[str]  # the list's 'and'/'or' later on


@cache
def _list_patterns(languages: tuple[Language, ...]) -> _ListPatterns:
    """Every registered language's list joiners ('and', 'или') and articles: a list is read the
    same way in any text (``Language.list_joiners``, ``Language.articles``)."""
    joiners = list(dict.fromkeys(j for lang in languages for j in lang.list_joiners))
    articles = "|".join(dict.fromkeys(a for lang in languages for a in lang.articles))
    either = "(?:,|" + "|".join(rf"\b{j}" for j in joiners) + ")"
    words = "|".join(joiners)
    return _ListPatterns(re.compile(either + rf"(?:\s+(?:{articles}))?\s*$", re.I),
                         re.compile(r"\s*" + either + r"(?!\w)", re.I),
                         re.compile(rf"\b(?:{words})\s*$", re.I),
                         re.compile(rf"[^.;:!?]*?\b(?:{words})\b", re.I))


def _in_list(changed: list[Token], text: str) -> bool:
    """Was the change a list member: right after 'and'/'or' ("Finland and Sweden" → "Finland"),
    or between a comma and a comma or 'and' ("threats, new technologies and disinformation")?
    A comma before a clause ("Earlier, mass media") or 'and' before an article and a new clause
    ("and the latter fell") is no list."""
    start, end = changed[0].start, changed[-1].end
    before = text[max(0, start - 12):start]
    patterns = _list_patterns(registered())
    if patterns.joined_before.search(before):
        return True
    if not (patterns.before_member.search(before) and patterns.after_member.match(text, end)):
        return False
    # Between two commas, a list goes on to its 'and'/'or' ("threats, new technologies and
    # disinformation"); without one the commas set off an aside ("race, closer to the midsection,
    # Vaintrub picked up the pace").
    return bool(patterns.list_end.match(text, end))


def _one_phrase(words: list[Token], op_tokens: list[Token], other_tokens: Sequence[Token],
                stopwords: frozenset[str]) -> bool:
    """Are the dropped (or added) words one phrase, not a word or two scattered around a common
    word the other side keeps ('investment demand were restored' / 'investor demand': 'demand'
    is kept)? A name kept there is no such sign: names recur ('and station NATO troops').
    Three words or more are a phrase whatever lies between them."""
    from fidelity.text.tokens import stem

    if len(words) >= 3:
        return True
    other_stems = {stem(t.text) for t in other_tokens}
    inside = [t for t in op_tokens if words[0].start <= t.start and t.end <= words[-1].end]
    return not any(t not in words and t.norm not in stopwords and t.text[:1].islower() and stem(t.text) in other_stems
                   for t in inside)


def _bead_side(pair: AlignedPair, bead: Bead, doc: Document) -> tuple[int, ...]:
    """The bead's sentence indices on ``doc``'s side."""
    return bead.original if doc is pair.original else bead.rewrite


def _is_name(token: Token, text: str) -> bool:
    """A capitalised word that does not start a sentence: a name dropped or added matters."""
    if not token.text[:1].isupper():
        return False
    before = text[: token.start].rstrip(" \"“‘'«(")
    return bool(before) and before[-1] not in ".!?:\n"


@dataclass(frozen=True)
class WordingConfig:
    # Cosine cut-offs as positions between the encoder's 'related' (0) and 'equivalent' (1)
    # thresholds. A substitution whose two sides embed at least this close is a synonym (0.55
    # on USE's 0.45..0.80 scale).
    synonym: float = (0.55 - 0.45) / (0.80 - 0.45)
    # A single-word substitution below this is a clear change of meaning, major (0.50 on USE).
    major_below: float = (0.50 - 0.45) / (0.80 - 0.45)
    # Substitutions judged in context (the run's context model, fidelity/context.py; English): the
    # two words' contextual vectors at least this close are a paraphrase ('wrote' / 'reported'): no
    # finding; below ``major_in_context`` the meaning changed: major; between: minor. Cosines of the
    # context model (all-MiniLM-L6-v2), not of the sentence encoder. Without the context model
    # (other languages) the words alone are compared with the encoder (``synonym``, ``major_below``).
    paraphrase_in_context: float = 0.45
    major_in_context: float = 0.30
    # A substituted, dropped or added phrase is major only when it makes a large share of the
    # difference between the two sentences (deleting it, or putting the rewrite's words in its
    # place, brings them this far towards the same): a reworded sentence spreads its difference
    # over many small changes, a changed fact is one. Dropped or added phrases must also bring
    # the sentences at least ``diffdel_min`` closer (a share of the related→equivalent width,
    # 0.01 on USE). Either must make nearly half the difference: on minimal pairs a real change
    # makes 0.45 to 1.0 of it; the words that differ between two independent translations of the
    # same news (WMT21 A/B, segments outside the measured sample) mostly make 0.1 to 0.4.
    substitution_explains: float = 0.45
    # A word or two substituted (not a name) is minor in a sentence whose content words change in
    # this many places or more: a second translation rewords throughout ('began in fifth place ...
    # first lap' / 'started in fifth position ... first circuit'), an edit that changes a fact
    # changes it in one place. (WMT21 A/B: the single-word substitutions the context model calls
    # no paraphrase sit among 1 to 5 changed places; every minimal-pair change is alone.)
    reworded_places: int = 3
    phrase_explains: float = 0.45
    diffdel_min: float = 0.01 / (0.80 - 0.45)
    major: Severity = Severity.MAJOR
    minor: Severity = Severity.MINOR
    major_confidence: float = 0.7  # a dropped or added phrase, list member or name
    minor_confidence: float = 0.4
    entity_confidence: float = 0.75  # two capitalised words substituted: a name changed


@register("wording", config=WordingConfig,
          categories=(Category.OMISSION, Category.ADDITION, Category.MISTRANSLATION, Category.ENTITY_CHANGED),
          traits=Traits(scope=Scope.SAME_LANGUAGE),
          factory=lambda config, resources: WordingDetector(config, resources))
class WordingDetector(Configured):
    """Content words dropped, added or substituted in close same-language rewrites (word diff)."""

    config: WordingConfig

    def __init__(self, config: WordingConfig | None = None, resources: Resources | None = None) -> None:
        super().__init__(config)
        # The context model ("context") is loaded on first use: only a bead with a substitution needs it.
        self.resources = resources or Resources()

    def _cut(self, pair: AlignedPair, position: float) -> float:
        t = pair.require_encoder().thresholds
        return t.related + position * (t.equivalent - t.related)

    def detect(self, pair: AlignedPair) -> list[Finding]:
        if pair.encoder is None:
            return []
        c = self.config
        findings: list[Finding] = []
        synonym = self._cut(pair, c.synonym)
        views = [view for view in self.views(pair) if view.parallel]
        # A block of beads at a time, the sentences the context model may judge computed first, on
        # the cores (each sentence's states as alone; a block's fit among those kept).
        for begin in range(0, len(views), _CONTEXT_AHEAD):
            block = [(view, *_changes(view)) for view in views[begin : begin + _CONTEXT_AHEAD]]
            self._context_ahead(pair, block)
            for view, language, changes in block:
                bead_index = view.index
                # Computed for the bead's first substitution that needs it, then reused.
                joint_explains = cache(partial(self._joint_explains, view, language, changes))
                # Single words dropped in one place and added in another may be synonyms moved around.
                loose_added = [a for _, d, a in changes if len(a) == 1 and not d]
                places = sum(1 for _, d, a in changes if d or a)  # where content words change
                for op, dropped, added in changes:
                    dropped, added = _swapped_names(op, dropped, added)
                    if dropped and added:
                        findings += self._substitution(pair, bead_index, op, dropped, added, synonym, language, places,
                                                       joint_explains)
                    elif dropped:
                        if len(dropped) == 1 and self._has_synonym(pair, dropped[0], loose_added, synonym):
                            continue
                        findings.append(self._one_sided(pair, bead_index, op.original, dropped, "original", language))
                    elif added:
                        findings.append(self._one_sided(pair, bead_index, op.rewrite, added, "rewrite", language))
        return findings

    def _one_sided(self, pair: AlignedPair, bead_index: int, op_tokens: list[Token], words: list[Token],
                   side: str, language: str) -> Finding:
        """Words only on one side: an omission (side 'original') or an addition ('rewrite').

        Major when a name was dropped or added (not another form of a name the other side has),
        a list lost or gained a member ("Finland and Sweden" → "Finland"), or a phrase whose
        deletion brings the sentences closer (DiffDel): the other side does not say it otherwise.
        """
        c = self.config
        doc = pair.original if side == "original" else pair.rewrite
        other = pair.rewrite if side == "original" else pair.original
        bead = pair.beads[bead_index]
        span = token_span(doc.text, words)
        view = pair.view(bead_index)
        other_tokens = (view.rewrite if side == "original" else view.original).tokens
        names = [w for w in words if w.text[:1].isupper()]
        phrase = _one_phrase(words, op_tokens, other_tokens, language_of(language).stopwords)
        if _is_name(words[0], doc.text) and not self._name_kept(names, doc, [t.text for t in other_tokens], language):
            major = True
        elif phrase and _in_list(words, doc.text):
            major = True
        else:
            # A name kept ('Russian treasure' / 'jewel of Russia'): the rest is judged as a phrase.
            gain, share = self._diffdel(pair, bead, side, span)
            major = len(words) > 1 and phrase and gain >= self._width(pair) * c.diffdel_min \
                and share >= c.phrase_explains and not self._said_elsewhere(pair, bead, span, other)
        severity, confidence = (c.major, c.major_confidence) if major else (c.minor, c.minor_confidence)
        if side == "original":
            return Finding(category=Category.OMISSION, severity=severity, confidence=confidence, original=span,
                           rewrite=None, message=f"dropped: '{short(span.text, 60)}' is not in the rewrite",
                           bead=bead_index)
        return Finding(category=Category.ADDITION, severity=severity, confidence=confidence, original=None,
                       rewrite=span, message=f"added: '{short(span.text, 60)}' is not in the original", bead=bead_index)

    @staticmethod
    def _said_elsewhere(pair: AlignedPair, bead: Bead, span: Span, other: Document) -> bool:
        """Does the other side say the phrase in other words somewhere in the sentence ('closer to
        the midsection' / 'near the middle of the event')? Its closest stretch of about as many
        words must be as close as two names that are one name written otherwise: halfway from
        ``counterpart`` to ``equivalent`` (0.70 on USE; a phrase really dropped or added finds at
        most its topic there, 'station NATO troops' / 'and NATO' 0.69)."""
        _, text = _side(other, _bead_side(pair, bead, other))
        words = [t.text for t in tokenize(text, 0, len(text))]
        k = len(span.text.split())
        grams = list(dict.fromkeys(" ".join(words[i:i + n]) for n in range(max(1, k - 1), k + 3)
                                   for i in range(max(1, len(words) - n + 1))))
        if not grams:
            return False
        encoder = pair.require_encoder()
        t = encoder.thresholds
        vectors = encoder.encode([span.text] + grams)
        return float((vectors[1:] @ vectors[0]).max()) >= (t.counterpart + t.equivalent) / 2

    @staticmethod
    def _width(pair: AlignedPair) -> float:
        t = pair.require_encoder().thresholds
        return t.equivalent - t.related

    @staticmethod
    def _diffdel(pair: AlignedPair, bead: Bead, side: str, span: Span) -> tuple[float, float]:
        """How much closer the bead's two sides get when ``span`` is deleted from its side, and
        that gain as a share of their whole difference."""
        def without(start: int, text: str) -> str:
            return " ".join((text[: span.start - start] + " " + text[span.end - start:]).split())

        (o_start, o), (r_start, r) = _side(pair.original, bead.original), _side(pair.rewrite, bead.rewrite)
        o_cut, r_cut = (without(o_start, o), r) if side == "original" else (o, without(r_start, r))
        vectors = pair.require_encoder().encode([o, r, o_cut, r_cut])
        base = float(vectors[0] @ vectors[1])
        gain = float(vectors[2] @ vectors[3]) - base
        return gain, gain / max(1.0 - base, 1e-6)

    @staticmethod
    def _name_kept(words: list[Token], doc: Document, other_words: list[str], language: str) -> bool:
        """Is a name only written differently: part of a name the other side keeps ('Saint'
        before 'Petersburg', 'Orthodox Christians'), or another form of one of its words
        ('Russia' / 'Russian', 'Degtyaryov' / 'Degtyarev')?"""
        from fidelity.text.names import country_code, keys_match, skeletons_match
        from fidelity.text.tokens import stem

        # A country named otherwise: 'Great Britain' / 'British', 'Holland' / 'the Netherlands'.
        code = country_code(" ".join(w.text for w in words), language)
        if code is not None:
            capitals = [w for w in other_words if w[:1].isupper()]
            spans = capitals + [" ".join(p) for p in zip(capitals, capitals[1:])]
            if any(country_code(s, language) == code for s in spans):
                return True
        for w in words:
            if any(keys_match({stem(w.text)}, {stem(o)}) or skeletons_match(w.text, o)
                   for o in other_words if o[:1].isupper()):
                continue
            neighbours = [t for t in tokenize(doc.text, max(0, w.start - 30), min(len(doc.text), w.end + 30))
                          if (0 < w.start - t.end <= 3 and not doc.text[t.end:w.start].strip(". -"))
                          or (0 < t.start - w.end <= 3 and not doc.text[w.end:t.start].strip(". -"))]  # 'St. Petersburg' 
            if any(n.text[:1].isupper() and n.text in other_words for n in neighbours):
                continue
            return False
        return True

    @staticmethod
    def _known_name(pair: AlignedPair, token: Token, doc: Document) -> bool:
        """A capitalised word mid-sentence, or first in a sentence but capitalised mid-sentence
        somewhere in either text ('China, which has...')."""
        if _is_name(token, doc.text):
            return True
        return token.text in pair.capitalised_words

    def _has_synonym(self, pair: AlignedPair, word: Token, candidates: list[list[Token]], synonym: float) -> bool:
        if not candidates:
            return False
        vectors = pair.require_encoder().encode([word.text] + [c[0].text for c in candidates])
        return bool((vectors[1:] @ vectors[0]).max() >= synonym)

    def _substitution(self, pair: AlignedPair, bead_index: int, op: DiffOp, dropped: list[Token],
                      added: list[Token], synonym: float, language: str, places: int,
                      joint_explains: Callable[[], float]) -> list[Finding]:
        """``places``: in how many places the bead's word diff changes content words;
        ``joint_explains``: the bead's ``_joint_explains``."""
        if any(is_antonym_pair(d.norm, a.norm, language) for d in dropped for a in added):
            return []  # a reversal: the negation detector reports it
        o_span = token_span(pair.original.text, dropped)
        r_span = token_span(pair.rewrite.text, added)
        if is_acronym_of(o_span.text, r_span.text) or is_acronym_of(r_span.text, o_span.text):
            return []
        names = all(t.text[:1].isupper() for t in dropped + added)
        # The same name in another spelling ('Degtyaryov' / 'Degtyarev', 'Dynamo' / 'Dinamo'),
        # even first in a sentence, is no change.
        if names and pair.view(bead_index).name_matcher.same(Entity(o_span.start, o_span.end, o_span.text),
                                                        Entity(r_span.start, r_span.end, r_span.text), by_meaning=False):
            return []
        if names and self._known_name(pair, dropped[0], pair.original) and self._known_name(pair, added[0], pair.rewrite):
            # Names are never synonyms, however close the encoder puts them ('China' and 'Russia').
            return [Finding(
                category=Category.ENTITY_CHANGED, severity=self.config.major,
                confidence=self.config.entity_confidence, original=o_span, rewrite=r_span,
                message=f"name changed: '{o_span.text}' became '{r_span.text}'", bead=bead_index)]
        c = self.config
        bead = pair.beads[bead_index]
        context = self._context_similarity(pair, bead, o_span, r_span, language)
        if context is not None and context >= c.paraphrase_in_context:
            return []  # judged in context: 'wrote' / 'reported' in the same frame is a paraphrase
        explains = _explains(pair, bead, [(o_span, r_span)])
        if context is not None:
            # Two words changed in one sentence each make half its difference: judged together.
            if explains < c.substitution_explains and context < c.major_in_context:
                explains = max(explains, joint_explains())
            similarity, major = context, context < c.major_in_context and explains >= c.substitution_explains
            shown = f"similarity in context {similarity:.2f}"
            confidence = min(0.9, 0.5 + (c.paraphrase_in_context - similarity))
        else:
            va, vb = pair.require_encoder().encode([o_span.text, r_span.text])
            similarity = float(va @ vb)
            if similarity >= synonym:
                return []
            if names:
                return [Finding(
                    category=Category.ENTITY_CHANGED, severity=c.major, confidence=c.entity_confidence,
                    original=o_span, rewrite=r_span,
                    message=f"name changed: '{o_span.text}' became '{r_span.text}'", bead=bead_index)]
            # Single words: only clear changes of meaning are major ('boost' → 'reduce', not 'draw' → 'move').
            major = (len(dropped) + len(added) > 2 or similarity < self._cut(pair, c.major_below)) \
                and explains >= c.substitution_explains
            shown = f"similarity {similarity:.2f}"
            confidence = min(0.9, 0.5 + (synonym - similarity))
        if major and not names and len(dropped) <= 2 and len(added) <= 2 and places >= c.reworded_places:
            major = False  # one word among many changes: a sentence reworded throughout, as a second translation is
        return [Finding(
            category=Category.MISTRANSLATION, severity=c.major if major else c.minor, confidence=confidence,
            original=o_span, rewrite=r_span,
            message=f"wording changed: '{short(o_span.text, 50)}' became '{short(r_span.text, 50)}' ({shown})",
            bead=bead_index)]

    def _context_ahead(self, pair: AlignedPair, block: list[tuple[BeadView, str, list[_Change]]]) -> None:
        """The context model's states for the beads of ``block`` (each with its language and
        ``_changes``) that have words dropped on one side and added on the other (those
        ``_substitution`` may judge in context), computed now on the cores (``ContextModel.ahead``);
        nothing, not even loading the model, where none has."""
        wanted = [(view, language) for view, language, changes in block
                  if any(all(_swapped_names(op, dropped, added)) for op, dropped, added in changes)]
        model = self.resources.get("context") if wanted else None
        if model is None:
            return
        beads = [pair.beads[view.index] for view, language in wanted if language in model.languages]
        model.ahead([text for bead in beads for text in (_side(pair.original, bead.original)[1],
                                                         _side(pair.rewrite, bead.rewrite)[1])])

    def _context_similarity(self, pair: AlignedPair, bead: Bead, o_span: Span, r_span: Span, language: str
                            ) -> float | None:
        """The two spans' similarity in their sentences, where the context model reads the language."""
        model = self.resources.get("context")
        if model is None or language not in model.languages:
            return None
        o_start, o_text = _side(pair.original, bead.original)
        r_start, r_text = _side(pair.rewrite, bead.rewrite)
        similarity: float = model.similarity(o_text, (o_span.start - o_start, o_span.end - o_start),
                                             r_text, (r_span.start - r_start, r_span.end - r_start))
        return similarity

    def _joint_explains(self, view: BeadView, language: str, changes: list[_Change]) -> float:
        """Share of the bead's difference that all its substitutions (``changes``: ``_changes``)
        the context model calls no paraphrase make together (each put into the original at once)."""
        pair, bead = view.pair, view.bead
        swaps = []
        for _op, dropped, added in changes:
            if not (dropped and added):
                continue
            o_span, r_span = token_span(pair.original.text, dropped), token_span(pair.rewrite.text, added)
            context = self._context_similarity(pair, bead, o_span, r_span, language)
            if context is not None and context < self.config.paraphrase_in_context:
                swaps.append((o_span, r_span))
        return _explains(pair, bead, swaps) if len(swaps) >= 2 else 0.0



def _explains(pair: AlignedPair, bead: Bead, swaps: list[tuple[Span, Span]]) -> float:
    """Share of the difference between the bead's two sides that these substitutions make: 1.0
    when putting the rewrite's words into the original makes the two the same. A reworded sentence
    spreads its difference over many small changes; a changed fact is one."""
    o_start, o = _side(pair.original, bead.original)
    _, r = _side(pair.rewrite, bead.rewrite)
    swapped = o
    for o_span, r_span in sorted(swaps, key=lambda s: -s[0].start):  # from the end: offsets hold
        swapped = swapped[: o_span.start - o_start] + r_span.text + swapped[o_span.end - o_start:]
    vectors = pair.require_encoder().encode([o, r, swapped])
    base = float(vectors[0] @ vectors[1])
    return (float(vectors[2] @ vectors[1]) - base) / max(1.0 - base, 1e-6)


_Change = tuple[DiffOp, list[Token], list[Token]]  # a diff op with the content words it drops and adds


def _changes(view: BeadView) -> tuple[str, list[_Change]]:
    """A bead's language, and each op of its word diff with the content words it drops and adds."""
    language = base_language(view.original.language)
    stopwords = language_of(language).stopwords
    return language, [(op, _content(op.only_original, stopwords), _content(op.only_rewrite, stopwords))
                      for op in view.word_diff]


def _swapped_names(op: DiffOp, dropped: list[Token], added: list[Token]) -> tuple[list[Token], list[Token]]:
    """The content words ``op`` drops and adds, or, where one side has none, the two names a
    one-word swap exchanges ("Finland and Sweden ... Sweden joined": both occur elsewhere)."""
    swap = op.op == "replace" and len(op.original) == 1 and len(op.rewrite) == 1
    if swap and not (dropped and added) and op.original[0].text[:1].isupper() and op.rewrite[0].text[:1].isupper():
        return list(op.original), list(op.rewrite)
    return dropped, added


def _side(doc: Document, indices: Sequence[int]) -> tuple[int, str]:
    """Where a bead side starts in the document, and its text (first to last sentence)."""
    start, end = doc.sentences[min(indices)].start, doc.sentences[max(indices)].end
    return start, doc.text[start:end]
