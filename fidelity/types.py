"""Plain data types passed between the pipeline stages.

Every offset is a Python string index into the decoded input text exactly as the
user gave it, so that ``text == source_text[start:end]`` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum, StrEnum
from typing import Any


@dataclass(frozen=True)
class Sentence:
    """One segment of a document: a sentence, a headline or a date line."""

    index: int
    start: int
    end: int
    text: str
    language: str = "und"
    # Filled by the translate stage when the sentence is not in the pivot language.
    back_translation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "start": self.start, "end": self.end, "text": self.text}
        if self.language != "und":
            out["language"] = self.language
        if self.back_translation is not None:
            out["back_translation"] = self.back_translation
        return out


@dataclass(frozen=True)
class SetAside:
    """A piece of the input kept out of the comparison (boilerplate), never silently dropped."""

    side: str  # "original" | "rewrite"
    start: int
    end: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"side": self.side, "start": self.start, "end": self.end, "text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class ArticleDate:
    """The day an article speaks from ("last Wednesday" is read from it), and where that came
    from: "given" by the user or the document's "date line"."""

    day: date
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "source": self.source}


@dataclass
class Document:
    """A loaded, cleaned and segmented input."""

    text: str  # the full decoded input; offsets point into this
    path: str | None
    language: str = "und"
    sentences: list[Sentence] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    date: ArticleDate | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "language": self.language,
            "sentences": [s.to_dict() for s in self.sentences],
        }
        if self.date is not None:
            out["date"] = self.date.to_dict()
        return out


class Verdict(str, Enum):
    EQUIVALENT = "equivalent"
    CHANGED = "changed"
    UNRELATED = "unrelated"
    OMITTED = "omitted"  # original sentences with no counterpart
    ADDED = "added"  # rewrite sentences with no counterpart


@dataclass(frozen=True)
class Bead:
    """An alignment unit: original sentence indices matched with rewrite sentence indices.

    One side may be empty (omission or addition). ``moved`` marks a bead that sits out of
    the monotonic order (a paragraph the rewrite moved elsewhere).
    """

    original: tuple[int, ...]
    rewrite: tuple[int, ...]
    score: float = 0.0
    verdict: Verdict = Verdict.EQUIVALENT
    moved: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "original": list(self.original),
            "rewrite": list(self.rewrite),
            "score": round(float(self.score), 4),
            "verdict": self.verdict.value,
            "moved": self.moved,
        }


class Severity(str, Enum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.MAJOR: 1, Severity.MINOR: 2}


class Category(StrEnum):
    """What kind of deviation a finding is. A ``StrEnum``, so that the JSON, the fingerprints and every
    format show the same plain string as before (``"omission"``); ``description`` is the one line SARIF
    rules and the HTML legend show."""

    OMISSION = "omission", "Original text the rewrite leaves out: a sentence, a clause or content words."
    ADDITION = "addition", "Rewrite text with no source in the original: a sentence, a clause, words or a quotation."
    MISTRANSLATION = "mistranslation", "An aligned passage that says something different from the original's."
    NEGATION = "negation", "Polarity flipped: a negation added or dropped, or a word replaced by its antonym."
    NUMBER_CHANGED = "number_changed", "A number, quantity, date or time that differs from the original's."
    ENTITY_CHANGED = "entity_changed", "A person, place or organisation in the original replaced by another."
    QUOTE_ALTERED = "quote_altered", "A quotation whose words differ from its source in the original."
    ATTRIBUTION_CHANGED = "attribution_changed", "A claim's source dropped or replaced ('according to X' is gone)."
    CERTAINTY_SHIFT = "certainty_shift", "Hedging or modality added, removed or changed ('in talks to' → 'will')."
    TONE = "tone", "Insults, slurs or profanity added, removed or softened by the rewrite."
    LOADED_LANGUAGE = "loaded_language", "Evaluative words in the rewrite that the original does not use."
    TERM_NOT_FOLLOWED = "term_not_followed", "A glossary's source term whose required target term the rewrite lacks."
    TERM_FORBIDDEN = "term_forbidden", "A form the glossary forbids, used in the rewrite ('Peking' for 'Beijing')."
    TERM_INCONSISTENT = "term_inconsistent", "One glossary term rendered two different ways in one rewrite."

    def __new__(cls, value: str, description: str) -> Category:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    description: str


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, item: Any) -> Span:
        """The span of anything with ``start``, ``end`` and ``text`` (a token, cue, clause, quantity...)."""
        return cls(item.start, item.end, item.text)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One reported deviation, at sentence or span level (COMET/xCOMET-style). Built with keywords only;
    a detector leaves ``id`` and ``detector`` empty: the pipeline numbers the findings of a check
    (``pipeline._number``) and names the detector that found each."""

    category: Category
    severity: Severity
    confidence: float
    original: Span | None
    rewrite: Span | None
    message: str
    bead: int | None = None  # index into Report.alignment
    detector: str = ""  # the registered name of the detector that found it
    id: str = ""  # "F001"...: given by the pipeline once every detector has run

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "detector": self.detector,
            "category": self.category.value,
            "severity": self.severity.value,
            "confidence": round(float(self.confidence), 3),
            "original": self.original.to_dict() if self.original else None,
            "rewrite": self.rewrite.to_dict() if self.rewrite else None,
            "message": self.message,
            "bead": self.bead,
        }
