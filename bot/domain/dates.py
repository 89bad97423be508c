"""Deadlines as people write them in Dutch and English programme documents.

``parse_due`` turns "31 oktober 2021", "maart 2021", "Q3 2021", "H1 2021", "voorjaar 2020" or
"2021" into a ``DueDate``: the last day the deadline covers plus how precisely it was given.
``canonical`` writes a ``DueDate`` back as stable Dutch text that parses to the same value.

Forms with a month name go through python-dateutil with a Dutch/English ``parserinfo``; the
periods dateutil knows nothing about (quarters, halves, seasons, bare years) and the purely
numeric forms are small regular expressions. Numeric dates are deliberately *not* handed to
dateutil: with ``dayfirst=True`` it reads "2021-10-11" as 10 November and silently accepts the
American "10/13/2021". Dutch numeric dates are always day-first; ISO dates are year-month-day.

Qualifiers (a decision, not a convention of the source documents):

* "uiterlijk" / "by" only stress that it is a deadline and change nothing;
* "eind", "einde", "ultimo", "end of", "late" mean the period itself ("eind maart 2021" is
  March 2021, "eind 2021" is the year 2021) — a deadline already means its last day;
* "begin", "primo", "start of", "early" on a bare year mean its first quarter ("begin 2022" is
  Q1 2022); "medio", "mid" on a bare year mean its first half ("medio 2021" is H1 2021);
* on a month, quarter, half or season "begin" and "medio" keep that period: we have no precision
  finer than a month short of a day, and a deadline early in March is still due in March
  ("begin maart 2021" is March 2021, shown as "maart 2021");
* "eind", "begin" and "medio" in front of an exact day are rejected as contradictory.

Seasons are meteorological: spring is March-May, summer June-August, autumn September-November
and winter December to February, so "winter 2021" ends on the last day of February 2022.

Deadlines as the source documents write them (tested phrase by phrase in
tests/unit/test_seed_deadlines.py):

* a leading "in", "in het", "in de", "op", "per", "gepland in/op" only places the date:
  "In oktober 2021", "In het laatste kwartaal van 2020", "in de zomer van 2019";
* a span of years "2022-2024" (or "2022 - 2024", "2022 t/m 2024") is due at its end: the year
  2024 (a judgement: a multi-year programme period is reported on at its end);
* "doorlopend" / "ongoing" / "continu" is an activity without an end: ``Precision.ONGOING``, no
  deadline, shown as "doorlopend"; it is never due, late or reminded;
* a labelled cell "Onderzoek en advies: maart 2021" is the date after the label (the label
  names a milestone); ``parse_cell`` splits a cell with several labelled lines;
* "voor de zomer 2020" means before summer begins: spring 2020; "voor de zomervakantie 2020"
  before the school summer holidays, which start in July at the earliest: June 2020; "na de
  zomer(vakantie) 2020" is a start, read as its deadline in autumn 2020 (judgements);
* with a ``reference`` day (the document's date) the relative forms read as the document meant
  them: "dit jaar", "volgend jaar", "begin volgend jaar", "dit voorjaar", a month without a year
  ("gepland in maart": that month on or after the reference's month). Without a reference they
  are refused: the bot never guesses a year.

Pure functions: no clock, no I/O. ``InvalidDate`` is the only exception ``parse_due`` raises.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from dateutil import parser as dateutil_parser

from bot.domain.model import DueDate, Precision, fold

MIN_YEAR: Final = 1990
MAX_YEAR: Final = 2100
_MAX_LENGTH: Final = 80  # longer texts are not a deadline; keeps the regexes cheap

EXPECTED_FORMS: Final[tuple[str, ...]] = (
    "31-10-2021",
    "2021-10-31",
    "31 oktober 2021",
    "oktober 2021",
    "eind maart 2021",
    "Q3 2021",
    "H1 2021",
    "voorjaar 2021",
    "2021",
)

_EMPTY: Final = frozenset({"", "null", "none", "geen", "-", "nvt", "n.v.t."})
_ONGOING: Final = frozenset({"doorlopend", "ongoing", "continu", "continuous", "doorlopende"})
ONGOING_VALUE: Final = date.max  # sorts after every real deadline; never in a due window
# Words that only place a date ("In oktober 2021"), longest first.
_PLACE_WORDS: Final = ("gepland in", "gepland op", "gepland", "in het jaar", "het jaar",
                       "in het", "in de", "in", "op", "per", "during", "in the year", "the year",
                       "in the", "on")
_RE_YEAR_SPAN = re.compile(r"(\d{4})\s*(?:-|/|t/m|tot en met|tot|to|through|until)\s*(\d{4})",
                           re.ASCII)
# "Onderzoek en advies: maart 2021"; a label never ends in a digit, so "14:00" is no label.
_RE_LABEL = re.compile(r"([^:]{0,79}[^:\d\s])\s*:\s*(.+)", re.DOTALL)
_SUMMER_BEFORE: Final = {"voor de zomervakantie": ("month", 6), "voor de zomer": ("season", 5),
                         "before the summer holidays": ("month", 6),
                         "before the summer": ("season", 5),
                         "na de zomervakantie": ("season", 11), "na de zomer": ("season", 11),
                         "after the summer": ("season", 11)}


class InvalidDate(ValueError):
    """A text that is not a deadline, with the reason and examples of what is accepted."""

    def __init__(self, text: str, reason: str, expected: tuple[str, ...] = EXPECTED_FORMS) -> None:
        super().__init__(f"{text!r} is not a date: {reason} (expected e.g. {', '.join(expected)})")
        self.text = text
        self.reason = reason
        self.expected = expected


class Season(StrEnum):
    SPRING = "spring"
    SUMMER = "summer"
    AUTUMN = "autumn"
    WINTER = "winter"


# --------------------------------------------------------------------------- vocabulary

_MONTH_NAMES: Final[tuple[tuple[str, ...], ...]] = (
    ("januari", "jan", "january"),
    ("februari", "feb", "febr", "february"),
    ("maart", "mrt", "maa", "mar", "march"),
    ("april", "apr"),
    ("mei", "may"),
    ("juni", "jun", "june"),
    ("juli", "jul", "july"),
    ("augustus", "aug", "august"),
    ("september", "sep", "sept"),
    ("oktober", "okt", "oct", "october"),
    ("november", "nov"),
    ("december", "dec"),
)
DUTCH_MONTHS: Final[tuple[str, ...]] = tuple(names[0] for names in _MONTH_NAMES)

_WEEKDAY_NAMES: Final[tuple[tuple[str, ...], ...]] = (
    ("maandag", "ma", "monday", "mon"),
    ("dinsdag", "di", "tuesday", "tue", "tues"),
    ("woensdag", "wo", "wednesday", "wed"),
    ("donderdag", "do", "thursday", "thu", "thur", "thurs"),
    ("vrijdag", "vr", "friday", "fri"),
    ("zaterdag", "za", "saturday", "sat"),
    ("zondag", "zo", "sunday", "sun"),
)
_WEEKDAY_INDEX: Final[dict[str, int]] = {
    name: index for index, names in enumerate(_WEEKDAY_NAMES) for name in names
}

_FILLERS: Final = frozenset({"de", "den", "van", "of", "the", "op", "on"})
_ORDINAL_SUFFIXES: Final = frozenset({"e", "ste", "de", "st", "nd", "rd", "th"})

_SEASONS: Final[dict[str, Season]] = {
    "voorjaar": Season.SPRING,
    "lente": Season.SPRING,
    "spring": Season.SPRING,
    "zomer": Season.SUMMER,
    "summer": Season.SUMMER,
    "najaar": Season.AUTUMN,
    "herfst": Season.AUTUMN,
    "autumn": Season.AUTUMN,
    "fall": Season.AUTUMN,
    "winter": Season.WINTER,
}
_SEASON_LAST_MONTH: Final[dict[Season, int]] = {
    Season.SPRING: 5,
    Season.SUMMER: 8,
    Season.AUTUMN: 11,
    Season.WINTER: 2,  # of the following year
}
_DUTCH_SEASON: Final[dict[Season, str]] = {
    Season.SPRING: "voorjaar",
    Season.SUMMER: "zomer",
    Season.AUTUMN: "najaar",
    Season.WINTER: "winter",
}

_ORDINAL_WORDS: Final[dict[str, int]] = {
    "eerste": 1,
    "first": 1,
    "tweede": 2,
    "second": 2,
    "derde": 3,
    "third": 3,
    "vierde": 4,
    "fourth": 4,
}
_LAST_WORDS: Final = frozenset({"laatste", "last"})


class _DutchParserInfo(dateutil_parser.parserinfo):
    """dateutil vocabulary: Dutch and English month names and filler words, nothing else.

    Times, time zones and AM/PM are switched off: a deadline is a day. Weekday names are checked
    by ``parse_due`` itself (dateutil would silently move a month-only date to that weekday).
    """

    # dateutil reads these lists as class attributes; its stubs allow two or three names per
    # month and weekday, but any number works.
    JUMP = [" ", ".", ",", "-", "/", *sorted(_FILLERS | _ORDINAL_SUFFIXES)]  # noqa: RUF012
    MONTHS: list[tuple[str, ...]] = list(_MONTH_NAMES)  # type: ignore[assignment]  # noqa: RUF012
    WEEKDAYS: list[tuple[str, ...]] = []  # type: ignore[assignment]  # noqa: RUF012
    HMS: list[tuple[str, ...]] = []  # type: ignore[assignment]  # noqa: RUF012
    AMPM: list[tuple[str, ...]] = []  # type: ignore[assignment]  # noqa: RUF012
    UTCZONE: list[str] = []  # noqa: RUF012
    PERTAIN = ["of", "van"]  # noqa: RUF012


_PARSER_INFO: Final = _DutchParserInfo(dayfirst=True)
# Two defaults that differ in every field: a field that follows the default was not given.
_DEFAULT_A: Final = datetime(2, 1, 1)
_DEFAULT_B: Final = datetime(3, 2, 2)

# --------------------------------------------------------------------------- patterns

_ORD = r"(\d{1,2})(?:e|ste|de|st|nd|rd|th)?|[a-z]+"
_OF = r"(?:\s+(?:van|of|in))?"
_YEAR = r"(\d{4})"
_SEP = r"\s*[-/ ]?\s*"

_RE_YEAR = re.compile(_YEAR, re.ASCII)
_RE_QUARTER = (
    re.compile(rf"q\s*(\d){_SEP}(?:(?:van|of|in)\s+)?{_YEAR}", re.ASCII),
    re.compile(rf"(?:kwartaal|quarter)\s*(\d){_OF}\s+{_YEAR}", re.ASCII),
)
_RE_QUARTER_YEAR_FIRST = re.compile(rf"{_YEAR}{_SEP}q\s*(\d)", re.ASCII)
_RE_QUARTER_WORDS = re.compile(rf"({_ORD})\s+(?:kwartaal|quarter){_OF}\s+{_YEAR}", re.ASCII)
_RE_HALF = (
    re.compile(rf"h\s*(\d){_SEP}(?:(?:van|of|in)\s+)?{_YEAR}", re.ASCII),
    re.compile(rf"(?:halfjaar|half\s*year|half-year)\s*(\d){_OF}\s+{_YEAR}", re.ASCII),
)
_RE_HALF_YEAR_FIRST = re.compile(rf"{_YEAR}{_SEP}h\s*(\d)", re.ASCII)
_RE_HALF_WORDS = re.compile(
    rf"({_ORD})\s+(?:helft|halfjaar|half\s*year|half-year|half){_OF}\s+{_YEAR}", re.ASCII
)
_RE_SEASON = re.compile(rf"([a-z]+){_OF}\s+{_YEAR}(?:\s*[-/]\s*(\d{{4}}))?", re.ASCII)
_RE_ISO_DAY = re.compile(r"(\d{4})\s*[-/]\s*(\d{1,2})\s*[-/]\s*(\d{1,2})", re.ASCII)
_RE_DUTCH_DAY = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{2,4})", re.ASCII)
_RE_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/]\s*(\d{1,2})", re.ASCII)
_RE_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{4})", re.ASCII)
_PERIOD_WORDS: Final = frozenset(
    {
        "q",
        "h",
        "kwartaal",
        "quarter",
        "helft",
        "half",
        "halfjaar",
        "year",
        *_SEASONS,
        *_ORDINAL_WORDS,
        *_LAST_WORDS,
    }
)
_RE_PERIOD_WITHOUT_YEAR = re.compile(
    rf"[qh]\s*\d|.*\b(?:kwartaal|quarter|helft|half|halfjaar|{'|'.join(_SEASONS)})\b.*", re.ASCII
)
_RE_TOKEN = re.compile(r"[a-z]+|\d+|[^\sa-z\d]", re.ASCII)

# Qualifiers in front of a date, longest first so "einde van" wins over "eind".
_DEADLINE_WORDS: Final = ("uiterlijk op", "uiterlijk", "by")
_END_WORDS: Final = (
    "einde van",
    "eind van",
    "einde",
    "eind",
    "ultimo",
    "the end of",
    "end of",
    "end",
    "late",
)
_BEGIN_WORDS: Final = (
    "begin van",
    "begin",
    "primo",
    "start of",
    "start",
    "beginning of",
    "early",
)
_MID_WORDS: Final = ("midden van", "medio", "mid-", "mid", "midden")


class _Position(StrEnum):
    """Where in its period a qualified deadline lies."""

    NONE = "none"
    BEGIN = "begin"
    MID = "mid"
    END = "end"


# --------------------------------------------------------------------------- public API


def parse_due(value: str | int | date | datetime | None,
              reference: date | None = None) -> DueDate | None:
    """A deadline from a programme file or a user's text; None when there is none.

    Accepts a ``date``/``datetime`` (day precision), an ``int`` year (YAML reads ``due: 2021``
    as a number) or text in any of the Dutch or English forms this module describes.
    Raises ``InvalidDate`` (and nothing else) for anything that is not a deadline.
    ``reference`` (the document's date) lets relative forms ("dit voorjaar") through.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _checked(DueDate(value.date(), Precision.DAY), str(value))
    if isinstance(value, date):
        return _checked(DueDate(value, Precision.DAY), str(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return _parse_text(str(value), str(value))
    if not isinstance(value, str):
        raise InvalidDate(repr(value), f"a {type(value).__name__} is not a date")
    return _parse_text(value, _normalise(value), reference)


def is_ongoing(due: DueDate | None) -> bool:
    """Whether a deadline is "doorlopend": no end, never due or late."""
    return due is not None and due.precision is Precision.ONGOING


@dataclass(frozen=True, slots=True)
class CellDeadline:
    """One line of a "Wanneer gereed" cell: its label (a milestone), its deadline, its text."""

    label: str | None
    due: DueDate | None
    text: str


def parse_cell(text: str, reference: date | None = None) -> tuple[CellDeadline, ...]:
    """Every line of a deadline cell: "Onderzoek en advies: maart 2021" and "Uitvoering:
    afhankelijk van voorstel stuurgroep" give (label, due or None, the text after the label).
    A line that is no date keeps its text and has no deadline; nothing raises."""
    found: list[CellDeadline] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        label: str | None = None
        rest = line
        if (m := _RE_LABEL.fullmatch(line)) is not None:
            label, rest = m.group(1).strip(), m.group(2).strip()
        try:
            due = parse_due(rest, reference)
        except InvalidDate:
            due = None
        found.append(CellDeadline(label, due, rest))
    return tuple(found)


def canonical(due: DueDate) -> str:
    """Stable Dutch text for a programme file; ``parse_due(canonical(d)) == d``.

    For a value that is not the last day of its period (only code can build such a DueDate)
    the text names the period that contains the value.
    """
    value = due.value
    match due.precision:
        case Precision.DAY:
            return value.isoformat()
        case Precision.MONTH:
            return f"{DUTCH_MONTHS[value.month - 1]} {value.year}"
        case Precision.QUARTER:
            return f"Q{quarter_of(value)} {value.year}"
        case Precision.HALF:
            return f"H{half_of(value)} {value.year}"
        case Precision.SEASON:
            season, year = season_of(value)
            return f"{_DUTCH_SEASON[season]} {year}"
        case Precision.YEAR:
            return str(value.year)
        case Precision.ONGOING:
            return "doorlopend"


def period_start(due: DueDate) -> date:
    """The first day the deadline's period covers ("Q3 2021" -> 2021-07-01)."""
    return _period(due.value, due.precision)[0]


def period_end(due: DueDate) -> date:
    """The last day of the period containing the deadline (its value, when normalised)."""
    return _period(due.value, due.precision)[1]


def quarter_of(day: date) -> int:
    """1-4: the quarter a day falls in."""
    return (day.month - 1) // 3 + 1


def half_of(day: date) -> int:
    """1 or 2: the half year a day falls in."""
    return 1 if day.month <= 6 else 2


def season_of(day: date) -> tuple[Season, int]:
    """The meteorological season containing a day and the year it is named after.

    December belongs to the winter of its own year, January and February to the winter of the
    year before: 2022-02-28 is in "winter 2021".
    """
    if day.month in (12, 1, 2):
        return Season.WINTER, day.year if day.month == 12 else day.year - 1
    if day.month <= 5:
        return Season.SPRING, day.year
    if day.month <= 8:
        return Season.SUMMER, day.year
    return Season.AUTUMN, day.year


# --------------------------------------------------------------------------- periods


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(value: date, precision: Precision) -> tuple[date, date]:
    """First and last day of the period of this precision that contains ``value``."""
    year = value.year
    match precision:
        case Precision.DAY:
            return value, value
        case Precision.MONTH:
            return value.replace(day=1), _last_day(year, value.month)
        case Precision.QUARTER:
            first = (quarter_of(value) - 1) * 3 + 1
            return date(year, first, 1), _last_day(year, first + 2)
        case Precision.HALF:
            first = 1 if half_of(value) == 1 else 7
            return date(year, first, 1), _last_day(year, first + 5)
        case Precision.SEASON:
            season, season_year = season_of(value)
            return _season_period(season, season_year)
        case Precision.YEAR:
            return date(year, 1, 1), date(year, 12, 31)
        case Precision.ONGOING:
            return date.min, date.max


def _season_period(season: Season, year: int) -> tuple[date, date]:
    last_month = _SEASON_LAST_MONTH[season]
    end_year = year + 1 if season is Season.WINTER else year
    start = date(year, 12, 1) if season is Season.WINTER else date(year, last_month - 2, 1)
    return start, _last_day(end_year, last_month)


def _due(precision: Precision, year: int, month: int) -> DueDate:
    return DueDate(_last_day(year, month), precision)


# --------------------------------------------------------------------------- text parsing


def _normalise(text: str) -> str:
    """Folded text: lower case, no accents, single spaces, typographic dashes as '-'."""
    for dash in ("\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"):
        text = text.replace(dash, "-")
    return fold(text).strip(" ,;")


def _parse_text(original: str, text: str, reference: date | None = None) -> DueDate | None:
    if text in _EMPTY:
        return None
    if len(text) > _MAX_LENGTH:
        raise InvalidDate(original[:_MAX_LENGTH], "far too long for a date")
    if (m := _RE_LABEL.fullmatch(text)) is not None and not re.fullmatch(r"[\d\s]*", m.group(1)):
        text = m.group(2).strip()  # "Onderzoek en advies: maart 2021"
    _, text = _strip_prefix(text, _PLACE_WORDS)
    if text.rstrip(".") in _ONGOING:
        return DueDate(ONGOING_VALUE, Precision.ONGOING)
    if (m := _RE_YEAR_SPAN.fullmatch(text)) is not None:
        first, last = _year(original, m.group(1)), _year(original, m.group(2))
        if last <= first:
            raise InvalidDate(original, "a span of years runs forwards", ("2022-2024",))
        return _due(Precision.YEAR, last, 12)
    for words, (kind, month) in _SUMMER_BEFORE.items():
        word, rest = _strip_prefix(text, (words,))
        if word:
            year = (_relative_year(original, rest, reference) if rest
                    else reference.year if reference is not None else None)
            if year is None:
                raise InvalidDate(original, "the year is missing", ("voor de zomer 2021",))
            return (_due(Precision.MONTH, year, month) if kind == "month"
                    else DueDate(_season_period(_season_ending(month), year)[1],
                                 Precision.SEASON))
    if reference is not None:
        relative = _parse_relative(original, text, reference)
        if relative is not None:
            return relative
    position, word, body = _split_qualifiers(text)
    if not body:
        raise InvalidDate(original, "a qualifier without a date")
    due = _parse_body(original, body, position)
    if position is not _Position.NONE and due.precision is Precision.DAY:
        raise InvalidDate(original, f"'{word}' does not fit an exact day")
    return _checked(due, original)


_RELATIVE_YEARS: Final = {"dit jaar": 0, "this year": 0, "volgend jaar": 1, "next year": 1,
                          "komend jaar": 1, "vorig jaar": -1, "last year": -1}


def _season_ending(month: int) -> Season:
    return next(season for season, last in _SEASON_LAST_MONTH.items() if last == month)


def _relative_year(original: str, text: str, reference: date | None) -> int | None:
    """2021 from "2021", or from "dit jaar"/"volgend jaar" with a reference day."""
    text = text.strip()
    if _RE_YEAR.fullmatch(text):
        return _year(original, text)
    if reference is not None and text in _RELATIVE_YEARS:
        return reference.year + _RELATIVE_YEARS[text]
    return None


def _parse_relative(original: str, text: str, reference: date) -> DueDate | None:
    """Forms that need the document's date: "begin volgend jaar", "dit voorjaar", "in maart"."""
    for phrase, offset in _RELATIVE_YEARS.items():
        if text.endswith(phrase):
            head = text[: len(text) - len(phrase)].strip()
            return _parse_text(original, f"{head} {reference.year + offset}".strip())
    if text in _SEASONS:  # "in het voorjaar" in a document: that season of its year
        return _parse_text(original, f"{text} {reference.year}")
    for prefix in ("dit ", "deze ", "this "):
        if text.startswith(prefix) and text[len(prefix):] in _SEASONS:
            return _parse_text(original, f"{text[len(prefix):]} {reference.year}")
    month = _PARSER_INFO.month(text)
    if month is not None and text.isalpha():
        year = reference.year if month >= reference.month else reference.year + 1
        return _due(Precision.MONTH, year, month)
    return None


def _parse_body(original: str, body: str, position: _Position) -> DueDate:
    for parse in _PERIOD_PARSERS:
        due = parse(original, body, position)
        if due is not None:
            return due
    if _RE_PERIOD_WITHOUT_YEAR.fullmatch(body) and not re.search(r"\d{4}", body, re.ASCII):
        raise InvalidDate(original, "the year is missing", ("Q3 2021", "H1 2021", "voorjaar 2021"))
    return _parse_calendar(original, body)


def _split_qualifiers(text: str) -> tuple[_Position, str, str]:
    """(position, the word that gave it, rest) for e.g. 'uiterlijk eind maart 2021'.

    'uiterlijk' and 'by' only stress that this is a deadline and are dropped.
    """
    _, text = _strip_prefix(text, _DEADLINE_WORDS)
    for position, words in (
        (_Position.END, _END_WORDS),
        (_Position.BEGIN, _BEGIN_WORDS),
        (_Position.MID, _MID_WORDS),
    ):
        word, rest = _strip_prefix(text, words)
        if word:
            return position, word, rest
    return _Position.NONE, "", text


def _strip_prefix(text: str, words: tuple[str, ...]) -> tuple[str, str]:
    """(the first of ``words`` that starts ``text`` as a whole word, the rest); ('', text)."""
    for word in words:
        if text.startswith(word) and (
            word.endswith("-") or len(text) == len(word) or not text[len(word)].isalnum()
        ):
            return word, text[len(word) :].lstrip(" -,:")
    return "", text


def _checked(due: DueDate, original: str) -> DueDate:
    """The due date if its named year lies in the supported range."""
    if due.precision is Precision.ONGOING:
        return due
    named_year = season_of(due.value)[1] if due.precision is Precision.SEASON else due.value.year
    if not MIN_YEAR <= named_year <= MAX_YEAR:
        raise InvalidDate(original, f"the year must lie between {MIN_YEAR} and {MAX_YEAR}")
    return due


def _year(original: str, digits: str) -> int:
    year = int(digits)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidDate(original, f"the year must lie between {MIN_YEAR} and {MAX_YEAR}")
    return year


def _ordinal(word: str) -> int | None:
    """1 from '1', '1e', '1st', 'eerste', 'first'; None when it is no ordinal at all."""
    digits = re.match(r"(\d{1,2})(?:e|ste|de|st|nd|rd|th)?$", word, re.ASCII)
    if digits:
        return int(digits.group(1))
    return _ORDINAL_WORDS.get(word)


def _parse_bare_year(original: str, body: str, position: _Position) -> DueDate | None:
    if not _RE_YEAR.fullmatch(body):
        return None
    year = _year(original, body)
    if position is _Position.BEGIN:
        return _due(Precision.QUARTER, year, 3)
    if position is _Position.MID:
        return _due(Precision.HALF, year, 6)
    return _due(Precision.YEAR, year, 12)


def _parse_quarter(original: str, body: str, position: _Position) -> DueDate | None:
    number_and_year = _numbered_period(
        body, _RE_QUARTER, _RE_QUARTER_YEAR_FIRST, _RE_QUARTER_WORDS, last=4
    )
    if number_and_year is None:
        return None
    number, year_digits = number_and_year
    if not 1 <= number <= 4:
        raise InvalidDate(original, "a year has four quarters", ("Q1 2021", "3e kwartaal 2021"))
    return _due(Precision.QUARTER, _year(original, year_digits), number * 3)


def _parse_half(original: str, body: str, position: _Position) -> DueDate | None:
    number_and_year = _numbered_period(body, _RE_HALF, _RE_HALF_YEAR_FIRST, _RE_HALF_WORDS, last=2)
    if number_and_year is None:
        return None
    number, year_digits = number_and_year
    if not 1 <= number <= 2:
        raise InvalidDate(original, "a year has two halves", ("H1 2021", "tweede helft 2021"))
    return _due(Precision.HALF, _year(original, year_digits), number * 6)


def _numbered_period(
    body: str,
    number_first: tuple[re.Pattern[str], ...],
    year_first: re.Pattern[str],
    words: re.Pattern[str],
    last: int,
) -> tuple[int, str] | None:
    """(number, year digits) for 'Q3 2021', '2021-Q3', '3e kwartaal 2021', 'last quarter of 2021'."""
    for pattern in number_first:
        if m := pattern.fullmatch(body):
            return int(m.group(1)), m.group(2)
    if m := year_first.fullmatch(body):
        return int(m.group(2)), m.group(1)
    if m := words.fullmatch(body):
        word = m.group(1)
        number = last if word in _LAST_WORDS else _ordinal(word)
        if number is not None:
            return number, m.group(3)
    return None


def _parse_season(original: str, body: str, position: _Position) -> DueDate | None:
    m = _RE_SEASON.fullmatch(body)
    if m is None or m.group(1) not in _SEASONS:
        return None
    season = _SEASONS[m.group(1)]
    year = _year(original, m.group(2))
    if m.group(3) is not None and (season is not Season.WINTER or int(m.group(3)) != year + 1):
        raise InvalidDate(
            original, "only a winter spans two consecutive years", ("winter 2021/2022",)
        )
    return DueDate(_season_period(season, year)[1], Precision.SEASON)


def _parse_numeric_month(original: str, body: str, position: _Position) -> DueDate | None:
    if m := _RE_YEAR_MONTH.fullmatch(body):
        year_digits, month_digits = m.group(1), m.group(2)
    elif m := _RE_MONTH_YEAR.fullmatch(body):
        month_digits, year_digits = m.group(1), m.group(2)
    else:
        return None
    month = int(month_digits)
    if not 1 <= month <= 12:
        raise InvalidDate(original, "there is no such month", ("2021-10", "10-2021"))
    return _due(Precision.MONTH, _year(original, year_digits), month)


def _parse_numeric_day(original: str, body: str, position: _Position) -> DueDate | None:
    """ISO '2021-10-31' (year first) or Dutch '31-10-2021' (always day first)."""
    if m := _RE_ISO_DAY.fullmatch(body):
        year_digits, month, day = m.group(1), int(m.group(2)), int(m.group(3))
    elif m := _RE_DUTCH_DAY.fullmatch(body):
        day, month, year_digits = int(m.group(1)), int(m.group(3)), m.group(4)
        if len(year_digits) != 4:
            raise InvalidDate(original, "write the year with four digits", ("31-10-2021",))
    else:
        return None
    year = _year(original, year_digits)
    try:
        return DueDate(date(year, month, day), Precision.DAY)
    except ValueError:
        raise InvalidDate(
            original, "there is no such day (numeric dates are day-month-year)"
        ) from None


_PERIOD_PARSERS: Final[tuple[Callable[[str, str, _Position], DueDate | None], ...]] = (
    _parse_bare_year,
    _parse_quarter,
    _parse_half,
    _parse_season,
    _parse_numeric_day,
    _parse_numeric_month,
)


def _parse_calendar(original: str, body: str) -> DueDate:
    """A day or month written with a month name, e.g. '31 okt. 2021' or 'October 2021'."""
    given = _check_tokens(original, body)
    try:
        a = dateutil_parser.parse(given.text, parserinfo=_PARSER_INFO, default=_DEFAULT_A)
        b = dateutil_parser.parse(given.text, parserinfo=_PARSER_INFO, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        raise InvalidDate(original, "there is no such day") from None
    if (a.year, a.month) != (b.year, b.month) or a.year != given.year:
        raise InvalidDate(original, "not a date")  # dateutil guessed; we do not
    year = _year(original, str(a.year))
    if a.day != b.day:
        if given.weekday is not None:
            raise InvalidDate(original, "a weekday needs a day of the month")
        return _due(Precision.MONTH, year, a.month)
    if a.day != given.day:
        raise InvalidDate(original, "not a date")
    if given.weekday is not None and a.weekday() != given.weekday:
        raise InvalidDate(original, f"{a.date().isoformat()} is a {a:%A}, not the weekday given")
    return DueDate(a.date(), Precision.DAY)


@dataclass(frozen=True, slots=True)
class _Tokens:
    """What a month-name date contains, checked before dateutil sees it."""

    text: str  # for dateutil: without the weekday and the punctuation
    year: int
    day: int | None
    weekday: int | None


def _check_tokens(original: str, body: str) -> _Tokens:
    """Reject anything dateutil would guess at.

    A month-name date is: one month name, one four-digit year, at most one day number (with an
    optional ordinal suffix), at most one weekday name, filler words and , . - / separators.
    """
    months: list[str] = []
    years: list[int] = []
    days: list[int] = []
    weekday: int | None = None
    kept: list[str] = []
    unexpected: list[str] = []
    for token in _RE_TOKEN.findall(body):
        if token in _WEEKDAY_INDEX and weekday is None:
            weekday = _WEEKDAY_INDEX[token]
            continue
        if token in {",", ".", "-", "/"}:
            continue
        if _PARSER_INFO.month(token) is not None:
            months.append(token)
        elif token.isdigit() and len(token) == 4:
            years.append(int(token))
        elif token.isdigit() and len(token) <= 2:
            days.append(int(token))
        elif not (token in _FILLERS or (token in _ORDINAL_SUFFIXES and _is_day(kept[-1:]))):
            unexpected.append(token)
        kept.append(token)
    if unexpected:
        # 'voorjaar 2021 foo': blame 'foo', not the period word that only failed to match.
        shown = [t for t in unexpected if t not in _PERIOD_WORDS] or unexpected
        raise InvalidDate(original, "unexpected " + ", ".join(f"'{t}'" for t in shown))
    if len(months) != 1:
        raise InvalidDate(original, "not a date")
    if not years:
        if len(days) > 1:
            raise InvalidDate(original, "write the year with four digits", ("31 oktober 2021",))
        raise InvalidDate(original, "the year is missing", ("31 oktober 2021", "oktober 2021"))
    if len(years) > 1 or len(days) > 1:
        raise InvalidDate(original, "more than one year or day")
    return _Tokens(" ".join(kept), years[0], days[0] if days else None, weekday)


def _is_day(previous: list[str]) -> bool:
    """Whether the token before an ordinal suffix ('st', 'e') is a day number."""
    return bool(previous) and previous[0].isdigit() and len(previous[0]) <= 2
