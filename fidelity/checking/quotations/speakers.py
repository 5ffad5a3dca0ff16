"""Who said it: the attributed speaker of each quotation, and whether two speakers are one.

A quotation is only *altered* when it is the same utterance: the same speaker said it in
the original (or the words are a close match, whoever is named). :func:`attribute` reads,
for every quotation of a text, the speaker its sentence names with a reporting verb —
“…,” Hayashi said; said Chinese Foreign Ministry spokesperson Mao Ning; according to
Hayashi; NATO has previously claimed that … “…” — with the quoted words masked, so a name
inside a quotation is never its speaker.  A pronoun or a definite description (“he said”,
“the minister recalled”) is the last speaker named before it.  A quotation whose sentence
names nobody continues the speaker of the previous quotation in its paragraph, or, when it
opens its paragraph (the quote paragraph that follows “… ,” he said.), the last speaker
named.  :func:`same_speaker` compares two speakers by their names: entity keys and acronyms
(:func:`fidelity.text.names.same_entity`) and the transliteration skeleton (Hayashi ~ Хаяси).

English reporting verbs only: an unknown speaker asks for a close match of the words, and
:func:`document_speakers` reads none in a text in another language (speakers are then not
compared at all, rather than every quotation counting as unknown).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from fidelity.checking.quotations.extract import Quotation
from fidelity.languages import language
from fidelity.text.names import (
    Entity,
    NameMatcher,
    find_entities,
    lower_case_vocabulary,
    mid_sentence_capitals,
    same_entity,
)
from fidelity.text.spans import SpanIndex
from fidelity.types import Document

__all__ = ["Speaker", "attribute", "document_speakers", "same_speaker"]

# Speakers are found with English's tables (the quotations traced are compared in English or
# across languages from an English original).
_EN = language("en")
_VERB = re.compile(rf"\b(?:{_EN.speaker_verbs})\b", re.IGNORECASE)
_AFTER_ONLY = _EN.speaker_verbs_before_source
_SUBJECT_OF_CLAUSE = _EN.speaker_participles
# A stretch of the sentence between hard boundaries (a masked quotation, sentence punctuation, a dash).
_BOUNDARY = re.compile(r"[|;:!?—–()\[\]\n]|\.(?<!\b[A-Z]\.)")  # an initial's dot ("D. Russell") is no boundary
_PREPOSITIONS = _EN.prepositions
_MASK = "|"
_NP_WORDS = 12  # words before a reporting verb read as its subject
_INVERTED_STOP = re.compile(_EN.inverted_speaker_stop or "(?!)")


@dataclass(frozen=True)
class Speaker:
    """An attributed speaker: the names of the noun phrase that reports the quotation."""

    names: tuple[str, ...]
    phrase: str  # the words read as the speaker ("he" stays "he"; names come from its antecedent)


def _masked(text: str, start: int, end: int, quotes: Sequence[Quotation]) -> str:
    """``text[start:end]`` with every quotation (marks included) and stray quote mark replaced by ``|``."""
    chars = list(text[start:end])
    for q in quotes:
        s, e = max(start, q.start - 1), min(end, q.end + 1)
        for i in range(s, e):
            chars[i - start] = _MASK
    marks = "“”„«»\"‘’‚‹›"
    return "".join(_MASK if c in marks and not _apostrophe(chars, i) else c for i, c in enumerate(chars))


def _apostrophe(chars: list[str], i: int) -> bool:
    return chars[i] in "’'" and 0 < i < len(chars) - 1 and chars[i - 1].isalpha() and chars[i + 1].isalpha()


class _Reader:
    """Reads speakers in one text: entity vocabulary and the running last-named speaker."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.vocabulary = lower_case_vocabulary(text)
        self.known = mid_sentence_capitals(text, [(0, len(text))])
        self.last: Speaker | None = None

    def names(self, start: int, end: int) -> tuple[str, ...]:
        """Names in ``text[start:end]``, without those that are a preposition's object ('told CNN' aside)."""
        found = []
        for ent in find_entities(self.text, [(start, end)], self.vocabulary, self.known):
            before = self.text[max(0, ent.start - 20):ent.start].split()
            if before and before[-1].lower() in _PREPOSITIONS:
                continue
            found.append(ent.text)
        return tuple(found)

    def speaker(self, start: int, end: int, first: bool = False) -> Speaker | None:
        """The speaker a phrase names: its names (``first``: only the first), else (a pronoun,
        'the minister') the last one named."""
        phrase = self.text[start:end].strip(" ,")
        if not phrase:
            return None
        names = self.names(start, end)
        if names:
            return Speaker(names[:1] if first else names, phrase)
        words = phrase.lower().split(",")[-1].split()
        if any(w in _EN.person_pronouns for w in words) or (words and words[0] == "the"):
            return Speaker(self.last.names, phrase) if self.last is not None else None
        return None

    def attribution(self, masked: str, offset: int) -> Speaker | None:
        """The first speaker a reporting verb names in a masked sentence (``offset`` = its start)."""
        for m in _VERB.finditer(masked):
            found = self._around(masked, offset, m)
            if found is not None:
                return found
        return None

    def _around(self, masked: str, offset: int, m: re.Match[str]) -> Speaker | None:
        left = max((b.end() for b in _BOUNDARY.finditer(masked, 0, m.start())), default=0)
        right = next((b.start() for b in _BOUNDARY.finditer(masked, m.end())), len(masked))
        verb = m.group().lower()
        if verb not in _AFTER_ONLY:
            before = masked[left:m.start()]
            segments = before.split(",")
            if verb in _SUBJECT_OF_CLAUSE:
                keep = segments[0]
                start = left
            else:
                keep = ",".join(segments[-3:]) if not segments[-1].strip() else ",".join(segments[-2:])
                words = keep.split()
                if len(words) > _NP_WORDS:
                    keep = keep[keep.index(words[-_NP_WORDS]):]
                start = m.start() - len(keep)
            found = self.speaker(offset + start, offset + start + len(keep), first=verb in _SUBJECT_OF_CLAUSE)
            if found is not None:
                return found
        after = masked[m.end():right]
        stop = _INVERTED_STOP.search(after, 1 if verb in _AFTER_ONLY else 0)
        if stop is not None and verb not in _AFTER_ONLY:
            after = after[:stop.start()]
        elif verb in _AFTER_ONLY:
            after = after[:stop.start()] if stop is not None and stop.start() > 0 else after
        return self.speaker(offset + m.end(), offset + m.end() + len(after))


def attribute(text: str, quotes: Sequence[Quotation], sentences: Sequence[tuple[int, int]]) -> list[Speaker | None]:
    """The speaker of each of ``quotes`` (outermost quotations; a nested one has none), in order."""
    reader = _Reader(text)
    outer = [q for q in quotes if q.depth == 0]
    said: dict[int, Speaker] = {}  # sentence index -> its speaker
    last_named: list[tuple[int, Speaker | None]] = []  # (sentence start, last speaker named by then)
    outer_index = SpanIndex([(q.start, q.end) for q in outer])
    for k, (s, e) in enumerate(sentences):
        inside = [outer[i] for i in outer_index.overlapping(s, e)]
        found = reader.attribution(_masked(text, s, e, inside), s)
        if found is not None and found.names:
            said[k] = found
            reader.last = found
        last_named.append((s, reader.last))
    out: list[Speaker | None] = []
    previous: tuple[Quotation, Speaker | None] | None = None
    index = SpanIndex(sentences)
    # The last speaker named before a quotation, by bisection when the sentences are in text order
    # (a document's are): a scan of every sentence per quotation was quadratic in a long text.
    named_starts = [s for s, _ in last_named]
    named_in_order = all(a <= b for a, b in zip(named_starts, named_starts[1:]))
    for q in quotes:
        if q.depth:
            out.append(None)
            continue
        held = index.overlapping(q.start, q.end)
        speaker = next((said[k] for k in held if k in said), None)
        if speaker is None and previous is not None and previous[0].region_start == q.region_start:
            speaker = previous[1]  # the same paragraph goes on quoting the same speaker
        if speaker is None and not text[q.region_start:q.start - 1].strip():
            # a quote paragraph: the last one named
            if named_in_order:
                k = bisect.bisect_left(named_starts, q.start)
                speaker = last_named[k - 1][1] if k else None
            else:
                before = [sp for s, sp in last_named if s < q.start]
                speaker = before[-1] if before else None
        out.append(speaker)
        previous = (q, speaker)
    return out


def same_speaker(a: Speaker | None, b: Speaker | None) -> bool | None:
    """Whether two speakers are one (``None``: either is unknown)."""
    if a is None or b is None or not a.names or not b.names:
        return None
    for x in a.names:
        ex = Entity(0, len(x), x)
        for y in b.names:
            if same_entity(ex, Entity(0, len(y), y)) or NameMatcher.mentioned(ex, y.split()):
                return True
    return False


def document_speakers(doc: Document, quotes: Sequence[Quotation]) -> list[Speaker | None] | None:
    """:func:`attribute` over a document's sentences; ``None`` for a text that is not in English."""
    if doc.language not in ("en", "und", "", None):
        return None
    return attribute(doc.text, quotes, [(s.start, s.end) for s in doc.sentences])
