"""The deviations the seed corpus is known to hold, reported with exact spans on both sides.

CNN's report (published 10 May 2023) against two English texts that went through Russian:
DEFNET's retelling and The Insider's. Each case names a category, the words that must lie
in the original's span and in the rewrite's span, and the least severity.
"""

from __future__ import annotations

from datetime import date

import pytest

import fidelity
from fidelity.types import SEVERITY_ORDER, Severity

from .conftest import CNN, DEFNET, INSIDER, read_exact


@pytest.fixture(scope="module")
def reports():
    return {rewrite: fidelity.check(CNN, rewrite, original_date=date(2023, 5, 10)) for rewrite in (DEFNET, INSIDER)}


def _found(report, category: str, in_original: str | None, in_rewrite: str | None, at_least: Severity):
    return [
        f for f in report.findings
        if f.category == category and SEVERITY_ORDER[f.severity] <= SEVERITY_ORDER[at_least]
        and (in_original is None or (f.original is not None and in_original in f.original.text))
        and (in_rewrite is None or (f.rewrite is not None and in_rewrite in f.rewrite.text))
    ]


@pytest.mark.parametrize("rewrite, category, in_original, in_rewrite, at_least", [
    (DEFNET, "mistranslation", "finalized yet", "have not yet reached the ultimatum", Severity.MAJOR),
    (DEFNET, "quote_altered", "We are already in discussions", "We're still discussing this", Severity.MAJOR),
    (DEFNET, "quote_altered", "engaging in a very steady manner", None, Severity.MAJOR),
    (DEFNET, "quote_altered", "more and more severe, and also complex", "hard and heavy", Severity.MAJOR),
    (DEFNET, "quote_altered", "We are not offending anyone", "attack", Severity.CRITICAL),
    (DEFNET, "entity_changed", "Vienna", "Austria", Severity.MAJOR),
    (DEFNET, "certainty_shift", "in talks", None, Severity.MAJOR),
    (DEFNET, "attribution_changed", "Nikkei reported", None, Severity.MAJOR),
    (INSIDER, "certainty_shift", "in talks", "wanted to", Severity.MAJOR),
    (INSIDER, "addition", None, "did not provide other details", Severity.MAJOR),
    (INSIDER, "addition", None, "Peskov", Severity.MAJOR),
    (INSIDER, "addition", None, "land border", Severity.MAJOR),
])
def test_known_deviation_is_reported(reports, rewrite, category, in_original, in_rewrite, at_least):
    report = reports[rewrite]
    assert _found(report, category, in_original, in_rewrite, at_least), [
        (f.category, f.severity.value, f.message) for f in report.findings if f.category == category]


@pytest.mark.parametrize("rewrite", [DEFNET, INSIDER])
def test_every_finding_span_is_exact(reports, rewrite):
    texts = {"original": read_exact(CNN), "rewrite": read_exact(rewrite)}
    for f in reports[rewrite].findings:
        for side in ("original", "rewrite"):
            span = getattr(f, side)
            if span is not None:
                assert texts[side][span.start : span.end] == span.text, (f.id, side)


def test_relative_dates_read_from_cnns_date_are_not_changes(reports):
    # "last Wednesday" (3 May) is The Insider's "May 3"; "last month" (April) its "April 4".
    messages = [f.message for f in reports[INSIDER].findings if f.category == "number_changed"]
    assert not [m for m in messages if "May 3" in m or "April 4" in m], messages
