"""Deadlines and dates as shown to people, in Dutch and English."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dates import parse_due
from bot.domain.model import DueDate, Precision
from handlers.render.dates import format_date, format_datetime, format_due, format_weekday_date


def due(text: str) -> DueDate:
    parsed = parse_due(text)
    assert parsed is not None
    return parsed


@pytest.mark.parametrize(
    ("text", "nl", "en"),
    [
        ("2021-10-31", "31 oktober 2021", "31 October 2021"),
        ("2021-11-01", "1 november 2021", "1 November 2021"),
        ("Q3 2021", "Q3 2021", "Q3 2021"),
        ("H1 2021", "1e helft 2021", "first half of 2021"),
        ("H2 2021", "2e helft 2021", "second half of 2021"),
        ("voorjaar 2020", "voorjaar 2020", "spring 2020"),
        ("zomer 2020", "zomer 2020", "summer 2020"),
        ("najaar 2020", "najaar 2020", "autumn 2020"),
        ("winter 2021", "winter 2021/2022", "winter 2021/2022"),
        ("2021", "2021", "2021"),
    ],
)
def test_a_deadline_is_shown_as_precisely_as_it_was_given(text: str, nl: str, en: str) -> None:
    assert format_due(due(text), "nl") == nl
    assert format_due(due(text), "en") == en


@pytest.mark.parametrize(
    ("text", "nl", "en"),
    [
        ("oktober 2021", "oktober 2021", "October 2021"),
        ("eind maart 2021", "maart 2021", "March 2021"),
        ("mei 2021", "mei 2021", "May 2021"),
    ],
)
def test_month_precision_is_shown_as_the_month(text: str, nl: str, en: str) -> None:
    assert format_due(due(text), "nl") == nl
    assert format_due(due(text), "en") == en


@pytest.mark.parametrize("precision", list(Precision))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_what_is_shown_parses_back_to_the_same_deadline(precision: Precision, lang: str) -> None:
    samples = {
        Precision.DAY: date(2021, 10, 31),
        Precision.MONTH: date(2021, 2, 28),
        Precision.QUARTER: date(2021, 9, 30),
        Precision.HALF: date(2021, 12, 31),
        Precision.SEASON: date(2022, 2, 28),
        Precision.YEAR: date(2021, 12, 31),
        Precision.ONGOING: date.max,  # "doorlopend" / "ongoing"
    }
    deadline = DueDate(samples[precision], precision)
    assert parse_due(format_due(deadline, lang)) == deadline


@pytest.mark.parametrize("lang", ["fr", "", "NL", "xx-YY"])
def test_an_unknown_language_falls_back_to_dutch(lang: str) -> None:
    assert format_due(due("oktober 2021"), lang) == "oktober 2021"
    assert format_date(date(2021, 10, 31), lang) == "31 oktober 2021"


@pytest.mark.parametrize("lang", ["en-GB", "en_US", "EN"])
def test_english_locales_are_english(lang: str) -> None:
    assert format_date(date(2021, 10, 31), lang) == "31 October 2021"


def test_format_date_writes_the_month_in_full() -> None:
    assert format_date(date(2021, 3, 3), "nl") == "3 maart 2021"
    assert format_date(date(2021, 3, 3), "en") == "3 March 2021"


def test_format_weekday_date_starts_with_the_weekday() -> None:
    assert format_weekday_date(date(2021, 11, 1), "nl") == "maandag 1 november 2021"
    assert format_weekday_date(date(2021, 11, 1), "en") == "Monday 1 November 2021"


def test_format_datetime_shows_amsterdam_time_in_winter_and_summer() -> None:
    assert format_datetime(datetime(2021, 3, 3, 13, 5, tzinfo=UTC), "nl") == ("3 maart 2021 14:05")
    assert format_datetime(datetime(2021, 7, 3, 12, 5, tzinfo=UTC), "en") == ("3 July 2021 14:05")


def test_format_datetime_takes_a_naive_datetime_as_utc() -> None:
    assert format_datetime(datetime(2021, 3, 3, 13, 5), "nl") == "3 maart 2021 14:05"


def test_format_datetime_converts_to_the_requested_zone() -> None:
    moment = datetime(2021, 3, 3, 14, 5, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert format_datetime(moment, "nl") == "3 maart 2021 14:05"
    assert format_datetime(moment, "en", tz="Europe/London") == "3 March 2021 13:05"
