"""Dates and deadlines as people read them, in Dutch or English (Babel's CLDR data).

A deadline is shown as precisely as it was given: "oktober 2021", not "31 oktober 2021".
``lang`` is "nl" or "en" ("en-GB" and other English locales count as "en"); anything else is
Dutch, the programme's language.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime

from bot.domain.dates import Season, half_of, quarter_of, season_of
from bot.domain.model import DueDate, Precision

Language = Literal["nl", "en"]

_SEASON_WORDS: dict[Language, dict[Season, str]] = {
    "nl": {
        Season.SPRING: "voorjaar",
        Season.SUMMER: "zomer",
        Season.AUTUMN: "najaar",
        Season.WINTER: "winter",
    },
    "en": {
        Season.SPRING: "spring",
        Season.SUMMER: "summer",
        Season.AUTUMN: "autumn",
        Season.WINTER: "winter",
    },
}
_HALF_WORDS: dict[Language, tuple[str, str]] = {
    "nl": ("1e helft {year}", "2e helft {year}"),
    "en": ("first half of {year}", "second half of {year}"),
}


def language(lang: str) -> Language:
    """'en' for English locales ('en', 'en-GB', 'en_US'), 'nl' for anything else."""
    return "en" if lang.lower().replace("_", "-").split("-")[0] == "en" else "nl"


def format_due(due: DueDate, lang: str) -> str:
    """A deadline as precisely as it was given: '31 oktober 2021', 'oktober 2021', 'Q3 2021'."""
    return _format_due(due, language(lang))


@lru_cache(maxsize=8192)  # Babel's formatting is the bulk of a long list's rendering (profiled)
def _format_due(due: DueDate, code: Language) -> str:
    value = due.value
    match due.precision:
        case Precision.DAY:
            return format_date(value, code)
        case Precision.MONTH:
            return babel_format_date(value, "LLLL y", locale=code)
        case Precision.QUARTER:
            return f"Q{quarter_of(value)} {value.year}"
        case Precision.HALF:
            return _HALF_WORDS[code][half_of(value) - 1].format(year=value.year)
        case Precision.SEASON:
            return _season(value, code)
        case Precision.YEAR:
            return str(value.year)
        case Precision.ONGOING:
            return "doorlopend" if code == "nl" else "ongoing"


def format_date(d: date, lang: str) -> str:
    """'31 oktober 2021' / '31 October 2021'."""
    return _format_date(d, language(lang))


@lru_cache(maxsize=8192)
def _format_date(d: date, code: Language) -> str:
    return babel_format_date(d, "d MMMM y", locale=code)


def format_weekday_date(d: date, lang: str) -> str:
    """'maandag 1 november 2021' / 'Monday 1 November 2021'."""
    return babel_format_date(d, "EEEE d MMMM y", locale=language(lang))


def format_datetime(dt: datetime, lang: str, tz: str = "Europe/Amsterdam") -> str:
    """'3 maart 2021 14:05' in the programme's time zone (24-hour clock in both languages).

    A naive datetime is taken to be UTC, as the database stores it.
    """
    aware = dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)
    return babel_format_datetime(
        aware, "d MMMM y HH:mm", tzinfo=ZoneInfo(tz), locale=language(lang)
    )


def _season(value: date, code: Language) -> str:
    """'voorjaar 2020'; a winter names both its years: 'winter 2021/2022'."""
    season, year = season_of(value)
    word = _SEASON_WORDS[code][season]
    if season is Season.WINTER:
        return f"{word} {year}/{year + 1}"
    return f"{word} {year}"


# -- how far away a deadline is, as people say it --------------------------------------------

NEAR_DAYS = 42  # within six weeks working days help ("nog 4 werkdagen"); beyond, months and years


def time_left(working_days: int | None, lang: str, today: date | None = None,
              due: date | None = None) -> str:
    """'nog 4 werkdagen', 'vandaag', '3 werkdagen te laat', 'over ruim 2 maanden',
    'ruim 5 jaar te laat'.

    ``working_days`` is the count on the programme's calendar (> 0 left, 0 today, < 0 late).
    With the calendar days (``today`` and ``due``): "vandaag" only on the deadline's own day
    (a deadline on a day off is not "today" on the working day before it), and spans beyond
    six weeks in months and years rather than in working days nobody counts.
    """
    code = language(lang)
    nl = code == "nl"
    if working_days is None:
        return "geen deadline" if nl else "no deadline"
    if today is None or due is None:
        return _working_days_words(working_days, nl)
    calendar_days = (due - today).days
    if calendar_days == 0:
        return "vandaag" if nl else "due today"
    if calendar_days > 0:
        if working_days <= 0:
            return ("vandaag is de laatste werkdag ervoor" if nl
                    else "today is the last working day before it")
        if calendar_days <= NEAR_DAYS:
            return _working_days_words(working_days, nl)
        return ("over " if nl else "in ") + _long_span(today, due, nl)
    if -calendar_days <= NEAR_DAYS:
        if working_days >= 0:  # the weekend or holiday right after the deadline
            return "te laat" if nl else "overdue"
        return _working_days_words(working_days, nl)
    return _long_span(due, today, nl) + (" te laat" if nl else " overdue")


def _working_days_words(n: int, nl: bool) -> str:
    if n == 0:
        return "vandaag" if nl else "due today"
    count = abs(n)
    if nl:
        words = f"{count} werkdag{'en' if count != 1 else ''}"
        return f"nog {words}" if n > 0 else f"{words} te laat"
    words = f"{count} working day{'s' if count != 1 else ''}"
    return f"{words} left" if n > 0 else f"{words} overdue"


def _long_span(start: date, end: date, nl: bool) -> str:
    """'ruim 5 jaar', '7 maanden', 'ruim 1 maand' between two days (``start`` < ``end``)."""
    from dateutil.relativedelta import relativedelta

    delta = relativedelta(end, start)
    if delta.years:
        count, unit_nl, unit_en = delta.years, "jaar", "year"
        more = bool(delta.months or delta.days)
        plural_nl = "jaar"
    else:
        count, unit_nl, unit_en = max(delta.months, 1), "maand", "month"
        more = bool(delta.days) or delta.months == 0
        plural_nl = "maanden"
    if nl:
        return ("ruim " if more else "") + f"{count} {unit_nl if count == 1 else plural_nl}"
    return ("more than " if more else "") + f"{count} {unit_en}{'s' if count != 1 else ''}"

