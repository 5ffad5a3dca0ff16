"""Numbers, quantities and dates found in text, normalised so that "1,400" == "1400" and
"May 3" == "3 May" == "3 мая"."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Month names by language, January first. Russian entries are stems (their case endings vary).
_MONTH_NAMES = {
    "en": "january february march april may june july august september october november december",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "ru": "январ феврал март апрел ма июн июл август сентябр октябр ноябр декабр",
}
_MONTHS = {
    **{name: i for names in _MONTH_NAMES.values() for i, name in enumerate(names.split(), 1)},
    **{m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)},
    "sept": 9, "févr": 2, "fevrier": 2, "aout": 8, "decembre": 12, "juil": 7, "janv": 1, "avr": 4, "déc": 12,
    "mär": 3, "maerz": 3, "okt": 10, "dez": 12,
}
_EN_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12, "half": 0.5, "twice": 2, "double": 2,
    "doubled": 2, "triple": 3, "tripled": 3,
    "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "сто": 100, "тысяч": 1000, "тысячи": 1000, "тысяча": 1000,
    "миллион": 1_000_000, "миллиона": 1_000_000, "миллионов": 1_000_000, "млн": 1_000_000,
    "миллиард": 1_000_000_000, "млрд": 1_000_000_000, "вдвое": 2, "дважды": 2, "втрое": 3,
    # Russian numerals in the other cases ("около четырёх тысяч": about four thousand)
    "двух": 2, "двум": 2, "трёх": 3, "трех": 3, "трём": 3, "трем": 3, "четырёх": 4, "четырех": 4, "четырём": 4,
    "пяти": 5, "шести": 6, "семи": 7, "восьми": 8, "девяти": 9, "десяти": 10,
}
_RU_MONTH = r"январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|август[ае]?|сентябр[ьяе]|" \
            r"октябр[ьяе]|ноябр[ьяе]|декабр[ьяе]"
# A month name in English, French, German, Spanish or Russian (any case ending), as a regex.
MONTH_NAME = "(?:" + "|".join(
    sorted((re.escape(m) for m in _MONTHS if not re.match("[а-я]", m)), key=len, reverse=True)) + "|" + _RU_MONTH + ")"
# Ordinal suffixes after a digit: English 1st/2nd/3rd/4th, French 1er/2e/2ème, German "1.", Spanish 1º.
_ORD_SUFFIX = r"(?:st|nd|rd|th|er|re|e|ème|eme|º|ª)"
# "25-го июля": a Russian day number may carry its ordinal ending.
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:{_ORD_SUFFIX}|\.|-?(?:го|е|ое|ого))?\s+(?:of\s+|de\s+)?({MONTH_NAME})(?!\w)\.?",
                        re.I)
_MONTH_DAY = re.compile(rf"\b({MONTH_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:%|percent))", re.I)
# Not a number: the digits of a name ("COVID-19", "Су-57").
_NUMBER = re.compile(r"(?<![\w.,])(?<![^\W\d_]-)(\d+(?:[,  ]\d{3})*(?:[.,]\d+)?)(?:\s*(%|percent|per cent|процент\w*))?"
                     rf"(?:{_ORD_SUFFIX}|[a-zµ°]{{1,3}}(?=\W|$))?(?![\w])", re.I)
_WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
_WEEKDAYS.update({d: i for i, d in enumerate(
    "понедельник вторник сред четверг пятниц суббот воскресенье".split())})
_WEEKDAY = re.compile(r"\b(?:(last|next|this|previous|past|coming|прошл\w*|следующ\w*|эт\w+)\s+)?"
                      r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                      r"понедельник|вторник|сред[ау]|четверг|пятниц[ау]|суббот[ау]|воскресенье)\b", re.I)
# A month named alone ("in January"); "May" only capitalised and not at a sentence start (else modal).
# Month names outside English are not everyday words, so lower case is fine for them ("en juin").
_LOWERCASE_MONTHS = {m for lang in ("fr", "es") for m in _MONTH_NAMES[lang].split()} - {"mars", "mai", "mayo"}
_MONTH_ALONE = re.compile(rf"(?<![.!?]\s)(?<!^)\b({MONTH_NAME})\b", re.I)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "перв": 1, "втор": 2, "трет": 3, "четвёрт": 4, "четверт": 4, "пят": 5,
             "шест": 6, "седьм": 7, "восьм": 8, "девят": 9, "десят": 10}
_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b|"
                      r"\b(перв|втор|трет|четв[её]рт|пят|шест|седьм|восьм|девят|десят)(ый|ая|ое|ые|ого|ой|ому|ом|ую|ых|ым|"
                      r"ий|ья|ье|ьи|ьего|ьей|ьему|ьем|ью|ьих|ьим)\b", re.I)
# Periods relative to the article's date: "last month" and "last year" are different times.
_RELATIVE = re.compile(r"\b(last|next|this|previous|past|coming|прошл\w*|следующ\w*|эт\w+)\s+"
                       r"(week|month|year|decade|weekend|summer|winter|spring|autumn|fall|"
                       r"недел\w*|месяц\w*|год\w*|лет\w*)\b", re.I)
# A scale word after a number: "640 thousand" is 640,000, as is "640 тыс." ("$1 tln" is a trillion).
# Single letters ("5 m", "3k") are left alone: they are as often units as scales.
_SCALE_WORDS = {
    1e3: r"thousand|тысяч\w*|тыс\.?|tausend|mille|mil",
    1e6: r"millions?|mln|mio\.?|млн\.?|миллион\w*|millionen|millones",
    1e9: r"billions?|bn|bln|млрд\.?|миллиард\w*|milliards?|milliarden|mrd\.?",
    1e12: r"trillions?|tln|trln|трлн\.?|триллион\w*",
}
_SCALE = "|".join(f"(?P<e{len(str(int(value))) - 1}>{words})" for value, words in _SCALE_WORDS.items())
_SCALE_WORD = re.compile(f"(?:{_SCALE})", re.I)
_SCALE_AFTER = re.compile(rf"[ \u00a0]*(?:{_SCALE})(?!\w)", re.I)


def _scale(match: re.Match[str]) -> float:
    """The factor a scale-word match names (its group is 'e' and the power of ten)."""
    return 10.0 ** int(match.lastgroup[1:])


def is_scale_word(word: str) -> bool:
    """'thousand', 'bn', 'млн': a word the number next to it is read with (the numbers detector's)."""
    return _SCALE_WORD.fullmatch(word) is not None


# A time of day: "5:47 PM" is "17:47", "1:23 a.m." is "01:23".
_CLOCK = re.compile(r"(?<![\w.:,])([01]?\d|2[0-3])[:։](\d{2})(?![\d:])(?:\s*([ap])\.?\s?m\b\.?)?", re.I)
# Tens and units in words: "Forty-six", "twenty one".
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TENS_UNITS = re.compile(rf"\b({'|'.join(_TENS)})[-‐ ]({'|'.join(_UNITS)})\b", re.I)
_MONTH_WORD = re.compile(MONTH_NAME, re.I)


def is_time_word(word: str) -> bool:
    """'august', 'sunday', 'июля': a month or weekday name, which the numbers detector compares."""
    word = word.lower().rstrip(".")
    return len(word) > 3 and bool(_MONTH_WORD.fullmatch(word) or _WEEKDAY.fullmatch(word))


_PERCENT_AFTER = re.compile(r"\s*(?:%|percent\b|per cent\b|процент\w*)", re.I)
_WORD = re.compile(r"\b(" + "|".join(sorted(_EN_WORDS, key=len, reverse=True)) + r")\b", re.I)


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
    if word.startswith(("прошл", "previous", "past")):
        return "last"
    if word.startswith(("следующ", "coming")):
        return "next"
    return "this" if word.startswith("эт") else word


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    if name in _MONTHS:
        return _MONTHS[name]
    for key, value in _MONTHS.items():
        if len(key) >= 3 and name.startswith(key):
            return value
    return _MONTHS.get(name[:2], 0)


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


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Dates (day+month), numbers (digits, with %), and number words, with exact offsets."""
    end = len(text) if end is None else end
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= ts or s >= te for ts, te in taken)

    for regex, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for m in regex.finditer(text, start, end):
            if free(m.start(), m.end()):
                value = f"date:{_month(m.group(month_group)):02d}-{int(m.group(day_group)):02d}"
                found.append(Quantity(m.start(), m.end(), m.group(0), value))
                taken.append((m.start(), m.end()))
    for m in _RELATIVE.finditer(text, start, end):
        if free(m.start(), m.end()):
            when = _relative_word(m.group(1))
            unit = m.group(2).lower()
            unit = {"нед": "week", "мес": "month", "год": "year", "лет": "year"}.get(unit[:3], unit)
            found.append(Quantity(m.start(), m.end(), m.group(0), f"relative:{when}-{unit}"))
            taken.append((m.start(), m.end()))
    for m in _ORDINAL.finditer(text, start, end):
        if free(m.start(), m.end()):
            key = (m.group(1) or m.group(2)).lower()
            found.append(Quantity(m.start(), m.end(), m.group(0), f"ord:{_ORDINALS[key]}"))
            taken.append((m.start(), m.end()))
    for m in _WEEKDAY.finditer(text, start, end):
        if free(m.start(), m.end()):
            key = m.group(2).lower()
            day = next(v for k, v in _WEEKDAYS.items() if key.startswith(k))
            modifier = f"{_relative_word(m.group(1))}-" if m.group(1) else ""
            found.append(Quantity(m.start(), m.end(), m.group(0), f"weekday:{modifier}{day}"))
            taken.append((m.start(), m.end()))
    for m in _MONTH_ALONE.finditer(text, start, end):
        name = m.group(1)
        if not free(m.start(), m.end()) or len(name) < 3 or not (
                name[:1].isupper() or name[:1] > "\u0400" or name.lower() in _LOWERCASE_MONTHS):
            continue
        if name.lower() == "may" and not re.match(r"\s+(\d|of\b|this\b|last\b|next\b)", text[m.end() : m.end() + 6]) \
                and not re.search(r"\b(in|since|until|by|of|from|to|early|late|mid-?)\s+$", text[max(0, m.start() - 8) : m.start()], re.I):
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
    for m in _TENS_UNITS.finditer(text, start, end):
        if free(m.start(), m.end()):
            number = _TENS[m.group(1).lower()] + _UNITS[m.group(2).lower()]
            value, stop = str(number), m.end()
            scale = _SCALE_AFTER.match(text, stop, end)
            if scale is not None:  # "forty-six thousand"
                value, stop = _number_value(str(number), _scale(scale)), scale.end()
            found.append(Quantity(m.start(), stop, text[m.start():stop], value))
            taken.append((m.start(), stop))
    for m in _NUMBER.finditer(text, start, end):
        if free(m.start(), m.end()):
            unit = "%" if m.group(2) else ""
            value, stop = _number_value(m.group(1)), m.end()
            suffix = m.group(0)[len(m.group(1)):]
            attached = _SCALE_WORD.fullmatch(suffix) if suffix and not unit else None
            if attached is not None:  # "3.5bn"
                value = _number_value(m.group(1), _scale(attached))
            scale = None if unit or suffix else _SCALE_AFTER.match(text, stop, end)
            if scale is not None:
                value, stop = _number_value(m.group(1), _scale(scale)), scale.end()
            found.append(Quantity(m.start(), stop, text[m.start():stop], value + unit))
            taken.append((m.start(), stop))
    for m in _WORD.finditer(text, start, end):
        if free(m.start(), m.end()):
            number = _EN_WORDS[m.group(1).lower()]
            value, stop = str(number), m.end()
            scale = _SCALE_AFTER.match(text, stop, end) if 1 <= number < 1000 else None
            if scale is not None:  # "four thousand", "четырёх тысяч"
                value, stop = _number_value(str(number), _scale(scale)), scale.end()
            percent = _PERCENT_AFTER.match(text, stop, end)
            if percent:  # "fifty percent" is "50 %"
                value, stop = value + "%", percent.end()
            found.append(Quantity(m.start(), stop, text[m.start():stop], value))
            taken.append((m.start(), stop))
    return sorted(found, key=lambda q: q.start)
