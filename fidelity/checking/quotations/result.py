"""What tracing one quotation found: :class:`QuoteMatch`, and the one-line message for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fidelity.checking.quotations.diff import CLOSE_MEANING, SAME_MEANING, WordChange
from fidelity.checking.quotations.extract import Quotation
from fidelity.checking.quotations.settings import DEFAULT_SETTINGS
from fidelity.text.tokens import short
from fidelity.types import Severity, Span

__all__ = ["QuoteMatch"]


@dataclass(frozen=True)
class QuoteMatch:
    """Where one quotation comes from in the original, and how faithfully it is quoted."""

    status: str  # "verbatim" | "altered" | "not_found"
    quotation: Quotation
    quotation_words: str  # the quoted words (paragraph parts joined)
    source: Span | None = None  # the original's words compared (exact offsets)
    source_quote: Quotation | None = None  # the original quotation, when the source is one
    source_kind: str | None = None  # "quotation" | "text" (an original sentence, unquoted there)
    similarity: float | None = None  # encoder cosine between quotation and source
    overlap: float = 0.0  # difflib ratio of normalised tokens
    changes: tuple[WordChange, ...] = ()
    severity: Severity | None = None
    reason: str = ""
    partial: bool = False  # the quotation quotes part of a longer source
    translated: bool = False  # quotation and source are in different languages
    in_context: bool = False  # the source lies in the aligned original sentences
    pivot: str | None = None  # the back-translated quotation the words were compared through

    def message(self, max_changes: int = DEFAULT_SETTINGS.max_changes) -> str:
        """One line a translator understands."""
        via = " (compared through the back-translation)" if self.pivot is not None else ""
        if self.status == "verbatim":
            if self.translated and self.pivot is None:
                return f"quotation translated with the same meaning (similarity {self.similarity:.2f})"
            return "quotation verbatim" + (" (part of a longer quotation)" if self.partial else "") + via
        if self.status == "not_found":
            return f"quotation has no source in the original: “{short(self.quotation_words, 70)}”"
        assert self.source is not None
        src = short(self.source.text, 70)
        sim = f"similarity {self.similarity:.2f}" if self.similarity is not None else f"overlap {self.overlap:.2f}"
        unquoted = "; the original has these words without quotation marks" if self.source_kind == "text" else ""
        if self.translated and self.pivot is None:
            return f"translated quotation differs in meaning from “{src}” ({sim}){unquoted}"
        if self.changes and self.overlap >= DEFAULT_SETTINGS.diff_min:
            listed = "; ".join(c.describe() for c in self.changes[:max_changes])
            more = len(self.changes) - max_changes
            if more > 0:
                listed += f"; and {more} more change{'s' if more > 1 else ''}"
            why = f" ({self.reason})" if self.reason in ("negation changed", "number changed", SAME_MEANING, CLOSE_MEANING) else ""
            return f"quotation altered{why}: {listed}{unquoted}{via}"
        kept = {SAME_MEANING: " with the same meaning", CLOSE_MEANING: ", close in meaning"}.get(self.reason, "")
        return f"quotation reworded{kept}: the original says “{src}” ({sim}){unquoted}{via}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": self.status,
            "quotation": self.quotation.to_dict(),
            "source": self.source.to_dict() if self.source else None,
            "source_kind": self.source_kind,
            "similarity": None if self.similarity is None else round(float(self.similarity), 4),
            "overlap": round(float(self.overlap), 4),
            "changes": [c.to_dict() for c in self.changes],
            "severity": self.severity.value if self.severity else None,
            "reason": self.reason,
            "partial": self.partial,
            "translated": self.translated,
            "in_context": self.in_context,
            "message": self.message(),
        }
        if self.pivot is not None:
            out["pivot"] = self.pivot
        return out
