"""Dates and deadlines as people read them, in Dutch or English (Babel's CLDR data).

A deadline is shown as precisely as it was given: "oktober 2021", not "31 oktober 2021".
``lang`` is "nl" or "en" ("en-GB" and other English locales count as "en"); anything else is
Dutch, the programme's language.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
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
    code = language(lang)
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


def format_date(d: date, lang: str) -> str:
    """'31 oktober 2021' / '31 October 2021'."""
    return babel_format_date(d, "d MMMM y", locale=language(lang))


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
