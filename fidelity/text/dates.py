"""Time expressions placed on the calendar, relative to the article's date.

"last Wednesday" in an article dated Wednesday 10 May 2023 is 3 May 2023, so a rewrite that
says "on May 3" keeps the meaning. Every time expression found by ``fidelity.text.numbers``
becomes an interval of days (first, last), or ``None`` when it cannot be placed (no article
date, or not a time at all). Two expressions agree when their intervals overlap: "last
month" (April) agrees with "April 4", "last week" with "May 3".

The article date itself comes from the user or from the document's date line, parsed with
dateparser in the document's language.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from fidelity.text.numbers import Quantity

Interval = tuple[date, date]

# A year said without a day is about the past in news, so "May 3" read in January 2024 is
# May 2023 unless it is at most this many days after the article date (an announced event).
_FUTURE_SLACK = timedelta(days=31)
# Numeric dates whose day and month could be swapped ("11/05/2023") are not used.
_DATE_LINE_LANGUAGES = ["en", "fr", "de", "es", "it", "pt", "ru", "uk", "zh", "ja"]
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b")


def _dated(year: int, month: int, day: int, reference: date) -> date | None:
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    if when > reference + _FUTURE_SLACK:
        try:
            return date(year - 1, month, day)
        except ValueError:
            return None
    return when


def _month_interval(year: int, month: int) -> Interval:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def interval(q: Quantity, reference: date | None) -> Interval | None:
    """The days ``q`` speaks of, seen from ``reference``; None if it cannot be placed."""
    if q.year is not None:  # a year is a time even without an article date
        return date(q.year, 1, 1), date(q.year, 12, 31)
    kind, _, rest = q.value.partition(":")
    if reference is None:
        return None
    if kind == "date":
        month, day = (int(x) for x in rest.split("-"))
        when = _dated(reference.year, month, day, reference)
        return (when, when) if when else None
    if kind == "month":
        month = int(rest)
        year = reference.year if month <= reference.month + 1 else reference.year - 1
        return _month_interval(year, month)
    if kind == "weekday":
        modifier, _, weekday = rest.rpartition("-")
        back = (reference.weekday() - int(weekday)) % 7
        if modifier in ("last", "previous", "past") and back == 0:
            back = 7  # "last Wednesday" said on a Wednesday is a week ago
        if modifier in ("next", "coming"):
            ahead = (int(weekday) - reference.weekday()) % 7 or 7
            when = reference + timedelta(days=ahead)
        else:
            when = reference - timedelta(days=back)  # news speak of the past: "on Wednesday"
        return when, when
    if kind == "relative":
        direction, _, unit = rest.partition("-")
        step = {"last": -1, "next": 1, "this": 0}.get(direction)
        if step is None:
            return None
        if unit == "week":
            monday = reference - timedelta(days=reference.weekday()) + timedelta(weeks=step)
            return monday, monday + timedelta(days=6)
        if unit == "month":
            return _month_interval(*_shift_months(reference, step))
        if unit == "year":
            year = reference.year + step
            return date(year, 1, 1), date(year, 12, 31)
    return None


def agree(a: Quantity, b: Quantity, reference_a: date | None, reference_b: date | None) -> bool | None:
    """Do two time expressions speak of overlapping days? None when either cannot be placed."""
    first, second = interval(a, reference_a), interval(b, reference_b)
    if first is None or second is None:
        return None
    return first[0] <= second[1] and second[0] <= first[1]


def is_relative(q: Quantity) -> bool:
    """Does ``q`` need the article date to name a day ("Wednesday", "last month")?"""
    return q.value.split(":", 1)[0] in ("weekday", "relative")


def parse_date_line(text: str, language: str) -> date | None:
    """The date in a date line ("May 10, 2023", "10 мая 2023", "Updated 3:14 AM EDT, Wed May 10,
    2023"); None when there is none or when day and month could be swapped ("11/05/2023")."""
    numeric = _NUMERIC_DATE.search(text)
    if numeric and int(numeric.group(1)) <= 12 and int(numeric.group(2)) <= 12 \
            and numeric.group(1) != numeric.group(2):
        return None
    from dateparser.search import search_dates  # imported here: it is only needed for date lines

    # The document's language first; a date line may be in another (an English translation of a
    # German page keeps "10. Mai 2023"). Not all of dateparser's languages: that takes seconds.
    languages = list(dict.fromkeys(([language] if language and language != "und" else []) + _DATE_LINE_LANGUAGES))
    try:
        found = search_dates(text, languages=languages, settings={
            "PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False,
        })
    except Exception:  # dateparser has no data for some languages: no date line then
        return None
    return found[0][1].date() if found else None
