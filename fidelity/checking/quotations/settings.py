"""The quotation matcher's own cut-offs (encoder cosines come from ``encoder.thresholds``).

Every cut-off is either one of the encoder's own :class:`~fidelity.models.encoders.Thresholds`
or a constant of :class:`QuoteSettings`; nothing else hard-codes a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from fidelity.models.encoder_types import FAITHFUL_FLOOR

__all__ = ["QuoteSettings", "DEFAULT_SETTINGS"]


@dataclass(frozen=True)
class QuoteSettings:
    """The quotation matcher's own cut-offs (encoder cosines come from ``encoder.thresholds``).

    * ``lexical_min`` — share of the quotation's content words that must occur in a
      candidate for a purely lexical match (no encoder support needed).
    * ``lexical_support`` — share of content words a candidate outside the aligned
      context must share when its encoder similarity is only ``related``, not
      ``equivalent`` (everything in one news story is topically "related").
    * ``text_min`` — share of a quotation's words that must occur, in order, in an original
      sentence for that sentence (not a quotation there) to count as the source.
    * ``window_min`` — share of the quotation's words found in a longer source above
      which only the matching stretch of the source is compared (the quotation quotes a
      part of it); below it the whole source is compared.
    * ``diff_min`` — token match ratio (difflib ``ratio``) above which an alteration is
      described word by word; below it the quotation is described as reworded.
    * ``context_bonus`` / ``lexical_weight`` — how candidates are ranked: encoder
      similarity + ``lexical_weight`` x content-word overlap + ``context_bonus`` when the
      candidate lies in the original sentences aligned with the quotation's sentence.
    * ``context_neighbours`` — how many nearest original sentences (at or above
      ``related``) count as context besides the aligned bead (itself context only when its
      score is at or above ``related``).
    * ``edge_words`` — when a quotation matches part of a longer source and has unmatched
      words at an edge, at most this many further source words beyond that edge are taken
      into the comparison (they were replaced, not left unquoted).
    * ``short_context_words`` — a quotation of at most this many words may match a
      quotation of the aligned context with an encoder similarity as low as
      ``align_min``: a few translated words ("hard and heavy") score low with any
      encoder. A longer quotation needs ``related`` plus lexical support.
    * ``short_words`` — a quotation of at most this many words is "short": without a
      source it is a minor finding (scare quotes, a term), not a major one.
    * ``retranslated_changes`` — a quotation with at least this many separate word changes
      that the encoder still finds ``equivalent`` to its source is reworded throughout (a
      second translation of the same words) with the meaning kept: minor. One word or phrase
      edited in an otherwise verbatim quotation stays an alteration.
    * ``faithful_floor`` — a quotation reworded as a whole (token match ratio below
      ``diff_min``) whose encoder similarity lies at or above this position between
      ``related`` (0) and ``equivalent`` (1) is close in meaning: minor, as the sentence
      detector's 'may have changed' (faithful independent translations reach down there).
    * ``max_changes`` — word changes listed in a message.
    """

    lexical_min: float = 0.6
    lexical_support: float = 0.25
    text_min: float = 0.6
    window_min: float = 0.5
    diff_min: float = 0.5
    context_bonus: float = 0.25
    lexical_weight: float = 0.5
    context_neighbours: int = 1
    edge_words: int = 2
    short_words: int = 2
    short_context_words: int = 8
    retranslated_changes: int = 2
    faithful_floor: float = FAITHFUL_FLOOR
    max_changes: int = 5


DEFAULT_SETTINGS = QuoteSettings()
