"""Numbers, quantities and dates found in text, normalised so that "1,400" == "1400" and
"May 3" == "3 May" == "3 мая"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from fidelity.languages import registered
from fidelity.languages.base import Language


def _either(alternatives: Iterable[str]) -> str:
    """One regex alternation of ``alternatives``, each once, in order."""
    return "|".join(dict.fromkeys(alternatives))


@dataclass(frozen=True)
class _Readers:
    """The number and date readers, built from every registered language's words: a text is read
    for quantities in any language it may hold ("May 3" == "3 May" == "3 мая")."""

    months: dict[str, int]  # month names (stems) and abbreviations -> 1..12
    month_name: str  # a month name in any language (any case ending), as a regex
    lowercase_months: frozenset[str]
    ambiguous_months: dict[str, tuple[str, str]]  # "may": the contexts that make it the month
    day_month: re.Pattern[str]
    month_day: re.Pattern[str]
    number: re.Pattern[str]
    weekdays: dict[str, int]
    weekday: re.Pattern[str]
    month_alone: re.Pattern[str]
    ordinals: dict[str, int]
    ordinal: re.Pattern[str]
    relative: re.Pattern[str]
    relative_times: tuple[tuple[re.Pattern[str], str], ...]
    relative_units: tuple[tuple[re.Pattern[str], str], ...]
    scale_word: re.Pattern[str]
    scale_after: re.Pattern[str]
    tens: dict[str, int]
    units: dict[str, int]
    tens_units: re.Pattern[str]
    month_word: re.Pattern[str]
    percent_after: re.Pattern[str]
    number_words: dict[str, float]
    word: re.Pattern[str]


@lru_cache(maxsize=4)
def _build(languages: tuple[Language, ...]) -> _Readers:
    months = {name: i for lang in languages for i, name in enumerate(lang.month_names, 1)}
    months.update({name: i for lang in languages for name, i in lang.month_abbreviations.items()})
    inflected = {name for lang in languages if lang.month_pattern for name in lang.month_names}
    literal = sorted((re.escape(m) for m in months if m not in inflected), key=len, reverse=True)
    month_name = "(?:" + "|".join(literal + [lang.month_pattern for lang in languages if lang.month_pattern]) + ")"
    # Ordinal suffixes after a digit: English 1st/2nd/3rd/4th, French 1er/2e/2ème, Spanish 1º.
    ord_suffix = f"(?:{_either(s for lang in languages for s in lang.ordinal_suffixes)})"
    day_endings = _either(s for lang in languages for s in lang.day_suffixes)  # "25-го июля"
    day_after = "|".join([ord_suffix, r"\."] + ([f"-?(?:{day_endings})"] if day_endings else []))
    connectors = _either(rf"{c}\s+" for lang in languages for c in lang.day_month_connectors)
    connector = f"(?:{connectors})?" if connectors else ""
    day_month = re.compile(rf"\b(\d{{1,2}})(?:{day_after})?\s+{connector}({month_name})(?!\w)\.?", re.I)
    month_first = [lang for lang in languages if lang.month_first_dates]
    month_day_suffix = _either(s for lang in month_first for s in lang.ordinal_suffixes)
    month_day_percent = _either(p for lang in month_first for p in lang.percent_words)
    month_day = re.compile(
        rf"\b({month_name})\.?\s+(\d{{1,2}})" + (f"(?:{month_day_suffix})?" if month_day_suffix else "")
        + r"\b" + (rf"(?!\s*(?:%|{month_day_percent}))" if month_day_percent else r"(?!\s*%)"), re.I)
    percent_list = list(dict.fromkeys(p for lang in languages for p in lang.percent_words))
    percent_words = "|".join(percent_list)
    percent = f"%|{percent_words}" if percent_words else "%"
    # Not a number: the digits of a name ("COVID-19", "Су-57").
    number = re.compile(rf"(?<![\w.,])(?<![^\W\d_]-)(\d+(?:[,  ]\d{{3}})*(?:[.,]\d+)?)(?:\s*({percent}))?"
                        rf"(?:{ord_suffix}|[a-zµ°]{{1,3}}(?=\W|$))?(?![\w])", re.I)
    weekdays = {name: i for lang in languages for i, name in enumerate(lang.weekday_names)}
    relative = _either(pattern for lang in languages for pattern, _ in lang.relative_times)
    weekday_names = "|".join(lang.weekday_pattern or "|".join(lang.weekday_names)
                             for lang in languages if lang.weekday_names)
    weekday = re.compile(rf"\b(?:({relative})\s+)?({weekday_names})\b", re.I)
    # A month named alone ("in January"); "May" only capitalised and not at a sentence start (else
    # modal); the names in ``Language.lowercase_month_names`` count in lower case too ("en juin").
    month_alone = re.compile(rf"(?<![.!?]\s)(?<!^)\b({month_name})\b", re.I)
    ordinals = {word: n for lang in languages for word, n in lang.ordinals.items()}
    ordinal = "|".join(
        rf"\b({_either(lang.ordinals)})(?:{_either(lang.ordinal_endings)})\b" if lang.ordinal_endings
        else rf"\b({_either(lang.ordinals)})\b" for lang in languages if lang.ordinals)
    # Periods relative to the article's date: "last month" and "last year" are different times.
    units = _either(pattern for lang in languages for pattern, _ in lang.relative_units)
    # A scale word after a number: "640 thousand" is 640,000, as is "640 тыс." ("$1 tln" is a
    # trillion). Single letters ("5 m", "3k") are left alone: they are as often units as scales.
    powers = sorted({power for lang in languages for power in lang.scale_words})
    scale = "|".join(f"(?P<e{power}>{_either(w for lang in languages for w in lang.scale_words.get(power, ()))})"
                     for power in powers)
    # Tens and units in words: "Forty-six", "twenty one".
    tens = {word: n for lang in languages for word, n in lang.tens.items()}
    unit_words = {word: n for lang in languages for word, n in lang.units.items()}
    number_words = {word: n for lang in languages for word, n in lang.number_words.items()}
    never = "(?!)"
    return _Readers(
        months=months, month_name=month_name,
        lowercase_months=frozenset().union(*(lang.lowercase_month_names for lang in languages)),
        ambiguous_months={name: rule for lang in languages for name, rule in lang.ambiguous_months.items()},
        day_month=day_month, month_day=month_day, number=number, weekdays=weekdays, weekday=weekday,
        month_alone=month_alone, ordinals=ordinals, ordinal=re.compile(ordinal or never, re.I),
        relative=re.compile(rf"\b({relative})\s+({units})\b", re.I) if relative and units else re.compile(never),
        relative_times=tuple((re.compile(p, re.I), m) for lang in languages for p, m in lang.relative_times),
        relative_units=tuple((re.compile(p, re.I), u) for lang in languages for p, u in lang.relative_units),
        scale_word=re.compile(f"(?:{scale or never})", re.I),
        scale_after=re.compile(rf"[ \u00a0]*(?:{scale or never})(?!\w)", re.I),
        tens=tens, units=unit_words,
        tens_units=re.compile(rf"\b({'|'.join(tens)})[-‐ ]({'|'.join(unit_words)})\b", re.I) if tens and unit_words
        else re.compile(never),
        month_word=re.compile(month_name, re.I),
        percent_after=re.compile(r"\s*(?:" + "|".join(["%", *(rf"{p}\b" for p in percent_list)]) + ")", re.I),
        number_words=number_words,
        word=re.compile(r"\b(" + "|".join(sorted(number_words, key=len, reverse=True)) + r")\b", re.I)
        if number_words else re.compile(never))


def _readers() -> _Readers:
    return _build(registered())


def month_name_pattern() -> str:
    """A month name in any registered language (any case ending), as a regex (date lines)."""
    return _readers().month_name


def _scale(match: re.Match[str]) -> float:
    """The factor a scale-word match names (its group is 'e' and the power of ten)."""
    group = match.lastgroup
    if group is None:  # every alternative of the scale-word patterns is a named group
        raise ValueError(f"scale word {match.group(0)!r} matched no named group")
    factor: float = 10.0 ** int(group[1:])
    return factor


def is_scale_word(word: str) -> bool:
    """'thousand', 'bn', 'млн': a word the number next to it is read with (the numbers detector's)."""
    return _readers().scale_word.fullmatch(word) is not None


# A time of day: "5:47 PM" is "17:47", "1:23 a.m." is "01:23".
_CLOCK = re.compile(r"(?<![\w.:,])([01]?\d|2[0-3])[:։](\d{2})(?![\d:])(?:\s*([ap])\.?\s?m\b\.?)?", re.I)


def is_time_word(word: str) -> bool:
    """'august', 'sunday', 'июля': a month or weekday name, which the numbers detector compares."""
    word = word.lower().rstrip(".")
    readers = _readers()
    return len(word) > 3 and bool(readers.month_word.fullmatch(word) or readers.weekday.fullmatch(word))


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: str  # normalised: "1400", "50%", "date:05-03"

    @property
    def year(self) -> int | None:
        """The year a plain number from 1800 to 2099 most likely is ("last year" may be "2022")."""
        return int(self.value) if re.fullmatch(r"1[89]\d\d|20\d\d", self.value) else None

    @property
    def kind(self) -> str:
        """What is counted: "time" (dates, months, weekdays, relative periods, years), "ord" or "number"."""
        if self.year is not None:
            return "time"
        prefix = self.value.split(":", 1)[0] if ":" in self.value else "number"
        if prefix == "clock":
            return "number"  # a time of day against a garbled one ("17:53" / "17: 5 3") is a number changed
        return "time" if prefix in ("date", "month", "weekday", "relative") else prefix


def _relative_word(word: str) -> str:
    """'last', 'next' or 'this' for the words that place a time before, after or at the present."""
    word = word.lower()
    return next((meaning for pattern, meaning in _readers().relative_times if pattern.fullmatch(word)), word)


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    months = _readers().months
    if name in months:
        return months[name]
    for key, value in months.items():
        if len(key) >= 3 and name.startswith(key):
            return value
    return months.get(name[:2], 0)


def _number_value(raw: str, scale: float = 1.0) -> str:
    cleaned = raw.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if re.fullmatch(r"\d{1,3}(,\d{3})+", cleaned):
        cleaned = cleaned.replace(",", "")
    cleaned = cleaned.replace(",", ".")
    try:
        number = round(float(cleaned) * scale, 6)
    except ValueError:
        return cleaned
    return str(int(number)) if number == int(number) else str(number)


def _names_the_month(readers: _Readers, text: str, m: re.Match[str]) -> bool:
    """Whether a month name found alone (``month_alone``) names the month there: capitalised, or
    Cyrillic, or a name that counts in lower case; and a name that is also a common word ("May")
    only beside the words that make it the month (``Language.ambiguous_months``)."""
    name = m.group(1)
    if len(name) < 3 or not (name[:1].isupper() or name[:1] > "\u0400" or name.lower() in readers.lowercase_months):
        return False
    ambiguous = readers.ambiguous_months.get(name.lower())
    return not ambiguous or bool(re.match(ambiguous[0], text[m.end() : m.end() + 6])
                                 or re.search(ambiguous[1], text[max(0, m.start() - 8) : m.start()], re.I))


def is_month(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` names a month, as ``find_quantities`` reads it ("in mid-May", but
    not the modal "May I")."""
    readers = _readers()
    m = readers.month_alone.match(text, start, end)
    return m is not None and m.end() == end and _names_the_month(readers, text, m)


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Dates (day+month), numbers (digits, with %), and number words, with exact offsets."""
    end = len(text) if end is None else end
    readers = _readers()
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= ts or s >= te for ts, te in taken)

    for regex, day_group, month_group in ((readers.day_month, 1, 2), (readers.month_day, 2, 1)):
        for m in regex.finditer(text, start, end):
            if free(m.start(), m.end()):
                value = f"date:{_month(m.group(month_group)):02d}-{int(m.group(day_group)):02d}"
                found.append(Quantity(m.start(), m.end(), m.group(0), value))
                taken.append((m.start(), m.end()))
    for m in readers.relative.finditer(text, start, end):
        if free(m.start(), m.end()):
            when = _relative_word(m.group(1))
            unit = m.group(2).lower()
            unit = next((u for pattern, u in readers.relative_units if pattern.fullmatch(unit)), unit)
            found.append(Quantity(m.start(), m.end(), m.group(0), f"relative:{when}-{unit}"))
            taken.append((m.start(), m.end()))
    for m in readers.ordinal.finditer(text, start, end):
        if free(m.start(), m.end()):
            key = next(g for g in m.groups() if g).lower()
            found.append(Quantity(m.start(), m.end(), m.group(0), f"ord:{readers.ordinals[key]}"))
            taken.append((m.start(), m.end()))
    for m in readers.weekday.finditer(text, start, end):
        if free(m.start(), m.end()):
            key = m.group(2).lower()
            day = next(v for k, v in readers.weekdays.items() if key.startswith(k))
            modifier = f"{_relative_word(m.group(1))}-" if m.group(1) else ""
            found.append(Quantity(m.start(), m.end(), m.group(0), f"weekday:{modifier}{day}"))
            taken.append((m.start(), m.end()))
    for m in readers.month_alone.finditer(text, start, end):
        name = m.group(1)
        if not free(m.start(), m.end()) or not _names_the_month(readers, text, m):
            continue
        found.append(Quantity(m.start(), m.end(), m.group(0), f"month:{_month(name):02d}"))
        taken.append((m.start(), m.end()))
    for m in _CLOCK.finditer(text, start, end):
        if free(m.start(), m.end()):
            hour, half = int(m.group(1)), (m.group(3) or "").lower()
            if half and not 1 <= hour <= 12:
                continue
            # Read on the 12-hour dial: "5:47 PM", "17:47" and "5:47" (the 24-hour clock, or a
            # morning or evening the text leaves to context) are one time.
            found.append(Quantity(m.start(), m.end(), m.group(0), f"clock:{hour % 12:02d}:{m.group(2)}"))
            taken.append((m.start(), m.end()))
    for m in readers.tens_units.finditer(text, start, end):
        if free(m.start(), m.end()):
            number = readers.tens[m.group(1).lower()] + readers.units[m.group(2).lower()]
            value, stop = str(number), m.end()
            scale = readers.scale_after.match(text, stop, end)
            if scale is not None:  # "forty-six thousand"
                value, stop = _number_value(str(number), _scale(scale)), scale.end()
            found.append(Quantity(m.start(), stop, text[m.start():stop], value))
            taken.append((m.start(), stop))
    for m in readers.number.finditer(text, start, end):
        if free(m.start(), m.end()):
            unit = "%" if m.group(2) else ""
            value, stop = _number_value(m.group(1)), m.end()
            suffix = m.group(0)[len(m.group(1)):]
            attached = readers.scale_word.fullmatch(suffix) if suffix and not unit else None
            if attached is not None:  # "3.5bn"
                value = _number_value(m.group(1), _scale(attached))
            scale = None if unit or suffix else readers.scale_after.match(text, stop, end)
            if scale is not None:
                value, stop = _number_value(m.group(1), _scale(scale)), scale.end()
            found.append(Quantity(m.start(), stop, text[m.start():stop], value + unit))
            taken.append((m.start(), stop))
    for m in readers.word.finditer(text, start, end):
        if free(m.start(), m.end()):
            word_number = readers.number_words[m.group(1).lower()]
            value, stop = str(word_number), m.end()
            scale = readers.scale_after.match(text, stop, end) if 1 <= word_number < 1000 else None
            if scale is not None:  # "four thousand", "четырёх тысяч"
                value, stop = _number_value(str(word_number), _scale(scale)), scale.end()
            percent = readers.percent_after.match(text, stop, end)
            if percent:  # "fifty percent" is "50 %"
                value, stop = value + "%", percent.end()
            found.append(Quantity(m.start(), stop, text[m.start():stop], value))
            taken.append((m.start(), stop))
    return sorted(found, key=lambda q: q.start)
