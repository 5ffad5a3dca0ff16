"""The original's quotations and sentences, read once for tracing many quotations to them (issue 19).

Tracing a quotation compared it with every quotation of the original and, failing those, with every
sentence: a long text's thousands of quotations each against thousands of candidates.
:class:`QuoteSources` reads each candidate's words once and indexes them, so that :mod:`.match` asks
its tests only of the candidates that can pass them (``_quotation_candidates``, ``_text_candidates``
there say why each can): those holding the quotation's words, those the encoder finds close, those
in the aligned context. The encoder's cosines are the ones the matcher computed before: the
candidates' vectors stay in the array the first quotation was compared in, and each later quotation
takes its row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from fidelity.checking.quotations.extract import Quotation, paragraphs
from fidelity.text.spans import SpanIndex
from fidelity.text.tokens import quoted_words, script_of

if TYPE_CHECKING:
    import numpy as np

    from fidelity.models.encoder_types import Encoder

__all__ = ["QuoteSources"]


class Words:
    """Which candidates hold each normalised word (their ``quoted_words``, editorial ones too)."""

    def __init__(self, text: str, parts: Iterable[Sequence[tuple[int, int]]]) -> None:
        self._holders: dict[str, list[int]] = defaultdict(list)
        self.count = 0
        for n, its_parts in enumerate(parts):
            tokens, _ = quoted_words(text, its_parts)
            for norm in dict.fromkeys(t.norm for t in tokens):
                self._holders[norm].append(n)
            self.count = n + 1

    def _rarest_first(self, words: Iterable[str]) -> list[str]:
        return sorted(set(words), key=lambda w: (len(self._holders.get(w, ())), w))

    def holding_all(self, words: Iterable[str]) -> list[int]:
        """A superset of the candidates that hold all ``words`` (those holding the rarest one)."""
        rarest = self._rarest_first(words)
        return list(self._holders.get(rarest[0], ())) if rarest else list(range(self.count))

    def holding_share(self, words: Iterable[str], share: float) -> list[int]:
        """A superset of the candidates that hold at least ``share`` of ``words`` (a set of L words,
        the share counted as ``_Query.lexical`` counts it: c / L): such a candidate holds t of them
        (t the least count with t / L ≥ share), so one of the L − t + 1 rarest."""
        ordered = self._rarest_first(words)
        if not ordered:
            return list(range(self.count))
        least = next((c for c in range(len(ordered) + 1) if c / len(ordered) >= share), len(ordered) + 1)
        if least == 0:
            return list(range(self.count))
        return [n for w in ordered[:len(ordered) - least + 1] for n in self._holders.get(w, ())]


class Cosines:
    """A query's cosines with fixed texts, as ``match._cosines(encoder, query, texts)`` computes
    them: the first query embedded with the texts in one call (as there), each later one alone (as
    there, where the texts' vectors come from the encoder's cache) into row 0 of that call's array,
    whose other rows keep the texts' vectors: the same matrix-vector product, without looking up and
    stacking every text's vector again per query."""

    def __init__(self, encoder: Encoder | None, texts: list[str]) -> None:
        self.encoder = encoder
        self.texts = texts
        self._vectors: np.ndarray | None = None
        self._upcoming: list[str] = []

    def expect(self, queries: Sequence[str]) -> None:
        """The queries that will be asked, in order: after the first (embedded with the texts), the
        others are embedded ahead, each alone as it would be when asked (``encode_each``, on the
        encoder's threads where it has them: a long rewrite's quotations one call each were most
        of the quotation detector's time)."""
        self._upcoming = list(queries)

    def __call__(self, query: str) -> np.ndarray | None:
        import numpy as np

        if self.encoder is None or not self.texts:
            return None
        if self._vectors is None:
            vectors = self.encoder.encode([query] + self.texts)
            self._vectors = vectors if vectors.flags.writeable else np.array(vectors, order="K")
            encode_each = getattr(self.encoder, "encode_each", None)
            if encode_each is not None and self._upcoming:
                encode_each(self._upcoming)
        else:
            self._vectors[0] = self.encoder.encode([query])[0]
        cosines: np.ndarray = self._vectors[1:] @ self._vectors[0]
        return cosines


class QuoteSources:
    """An original's quotations and sentences (``sentences``; default: its paragraphs, as
    ``match_quotation`` reads them), each one's words and vector read once for all the quotations
    traced to them; the sentences only once a quotation needs them."""

    def __init__(self, quotes: Sequence[Quotation], text: str, encoder: Encoder | None,
                 sentences: Sequence[tuple[int, int]] | None = None) -> None:
        self.quotes = quotes
        self.text = text
        self.encoder = encoder
        self.sentences = sentences
        self.quote_words = Words(text, (q.parts for q in quotes))
        self.quote_spans = SpanIndex([(q.start, q.end) for q in quotes])
        self.quote_cosines = Cosines(encoder, [q.words(text) for q in quotes])

    def serves(self, quotes: Sequence[Quotation], text: str, encoder: Encoder | None,
               sentences: Sequence[tuple[int, int]] | None) -> bool:
        """Whether these are the sources ``match_quotation`` was asked to search (the same objects)."""
        return self.quotes is quotes and self.text is text and self.encoder is encoder and self.sentences is sentences

    @cached_property
    def script(self) -> str:
        return script_of(self.text)

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """The spans searched for a quotation's words where no quotation matches."""
        return list(self.sentences) if self.sentences is not None else paragraphs(self.text, 0, len(self.text))

    @cached_property
    def span_words(self) -> Words:
        return Words(self.text, (((s, e),) for s, e in self.spans))

    @cached_property
    def span_cosines(self) -> Cosines:
        return Cosines(self.encoder, [self.text[s:e] for s, e in self.spans])
