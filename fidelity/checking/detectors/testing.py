"""Aligned pairs made by hand, so a detector can be tested on two sentences without segmenting
or aligning anything (``detector.detect(sentence_pair(...))``). For plugin authors too.
"""

from __future__ import annotations

from datetime import date

from fidelity.checking.detectors.base import AlignedPair, judge
from fidelity.models.encoder_types import Encoder
from fidelity.models.encoders import WithThresholds, shifted
from fidelity.models.manifest import cross_lingual_shift
from fidelity.text.lang import base_language
from fidelity.types import ArticleDate, Bead, Document, Sentence, Verdict


def document(text: str, language: str = "en", day: date | None = None) -> Document:
    """A document that is one sentence (``text`` whole), in ``language``."""
    return Document(text, None, language, [Sentence(0, 0, len(text), text, language)],
                    date=ArticleDate(day, "given") if day is not None else None)


def sentence_pair(original: str, rewrite: str, *, original_language: str = "en", rewrite_language: str | None = None,
                  encoder: Encoder | None = None, score: float | None = None, verdict: Verdict | None = None,
                  original_date: date | None = None, rewrite_date: date | None = None,
                  parallel_word_overlap: float = 0.5) -> AlignedPair:
    """Two one-sentence documents aligned as one bead, as the pipeline would hand them to a detector.

    ``rewrite_language`` defaults to ``original_language``. With an ``encoder``, across two
    languages its thresholds move down by the language pair's measured shift (as in a check); the
    bead's score is the two sentences' cosine unless ``score`` is given, and its verdict follows
    from the score unless ``verdict`` is given. Without an encoder the score is ``score`` (1.0 by
    default) and the verdict ``verdict`` (equivalent by default); detectors that need the encoder
    then find nothing or are not run.
    """
    rewrite_language = rewrite_language or original_language
    a, b = base_language(original_language), base_language(rewrite_language)
    if encoder is not None and a != b and "und" not in (a, b):
        shift = cross_lingual_shift(encoder.name, a, b)
        if shift:
            encoder = WithThresholds(encoder, shifted(encoder.thresholds, shift), word_thresholds=encoder.thresholds)
    if score is None:
        if encoder is not None:
            vectors = encoder.encode([original, rewrite])
            score = float(vectors[0] @ vectors[1])
        else:
            score = 1.0
    bead = Bead((0,), (0,), score)
    if verdict is not None:
        bead = Bead((0,), (0,), score, verdict)
    elif encoder is not None:
        bead = judge([bead], encoder.thresholds)[0]
    return AlignedPair(document(original, original_language, original_date),
                       document(rewrite, rewrite_language, rewrite_date), [bead], encoder, parallel_word_overlap)
