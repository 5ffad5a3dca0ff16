"""Plain data types passed between the pipeline stages.

Every offset is a Python string index into the decoded input text exactly as the
user gave it, so that ``text == source_text[start:end]`` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
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


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    @classmethod
    def of(cls, item: Any) -> "Span":
        """The span of anything with ``start``, ``end`` and ``text`` (a token, cue, clause, quantity...)."""
        return cls(item.start, item.end, item.text)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Finding:
    """One reported deviation, at sentence or span level (COMET/xCOMET-style)."""

    id: str
    category: str  # omission, addition, mistranslation, quote_altered, ...
    severity: Severity
    confidence: float
    original: Span | None
    rewrite: Span | None
    message: str
    bead: int | None = None  # index into Report.alignment
    detector: str = ""  # the registered name of the detector that found it

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "detector": self.detector,
            "category": self.category,
            "severity": self.severity.value,
            "confidence": round(float(self.confidence), 3),
            "original": self.original.to_dict() if self.original else None,
            "rewrite": self.rewrite.to_dict() if self.rewrite else None,
            "message": self.message,
            "bead": self.bead,
        }
