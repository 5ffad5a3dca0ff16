"""Quotations: find them in a text and trace each one to its source in the original.

One job per module, all pure functions over plain data:

* the quotation-mark scanner is :mod:`fidelity.text.quote_marks` (a text primitive that sentence
  segmentation and the detectors' quick look for quoted words use too, without this package);
* :mod:`.extract` — :class:`Quotation` and :func:`extract_quotations` (markup such as a
  shortcode's ``align="alignnone"`` is no quotation);
* :mod:`.diff` — the word diff of a quotation against its source, and its severity;
* :mod:`.speakers` — who each quotation's sentence says said it, and whether two speakers
  are one (an altered quotation is the same speaker's, or a close match of the words);
* :mod:`.match` — :func:`match_quotation` (verbatim, altered or not found) and
  :mod:`.result`'s :class:`QuoteMatch`;
* :mod:`.sources` — :class:`~.sources.QuoteSources`, the original's quotations and sentences
  indexed once, so that each quotation is compared only with those it may match;
* :mod:`.trace` — :func:`trace_quotes`, which drives ``fidelity quotes`` (rendered by
  :mod:`fidelity.frontends.render.quotes`);
* :mod:`.settings` — :class:`QuoteSettings`, every cut-off the matcher uses.
"""

from __future__ import annotations

from fidelity.checking.quotations.diff import WordChange
from fidelity.checking.quotations.extract import Quotation, document_quotations, extract_quotations
from fidelity.checking.quotations.match import compared_words, match_quotation
from fidelity.checking.quotations.result import QuoteMatch
from fidelity.checking.quotations.settings import DEFAULT_SETTINGS, QuoteSettings
from fidelity.checking.quotations.trace import (
    QuoteTrace,
    back_translated_quote,
    nearest_context,
    sentence_context,
    trace_quotes,
)

__all__ = [
    "Quotation",
    "QuoteMatch",
    "QuoteSettings",
    "QuoteTrace",
    "WordChange",
    "DEFAULT_SETTINGS",
    "extract_quotations",
    "document_quotations",
    "match_quotation",
    "compared_words",
    "trace_quotes",
    "sentence_context",
    "back_translated_quote",
    "nearest_context",
]
