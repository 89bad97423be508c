"""Deadlines as written in programme files and by users: parse, canonical text, periods."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dates import (
    EXPECTED_FORMS,
    InvalidDate,
    Season,
    canonical,
    parse_due,
    period_end,
    period_start,
    season_of,
)
from bot.domain.model import DueDate, Precision

DAY, MONTH, QUARTER, HALF, SEASON, YEAR = (
    Precision.DAY,
    Precision.MONTH,
    Precision.QUARTER,
    Precision.HALF,
    Precision.SEASON,
    Precision.YEAR,
)


# --------------------------------------------------------------------------- accepted forms


@pytest.mark.parametrize(
    "text",
    [
        "31 oktober 2021",
        "31 okt. 2021",
        "31 okt 2021",
        "31-10-2021",
        "31/10/2021",
        "31.10.2021",
        "2021-10-31",
        "October 31, 2021",
        "31 October 2021",
        "31st October 2021",
        "31 oct 2021",
        "zondag 31 oktober 2021",
        "Sunday 31 October 2021",
        "uiterlijk 31 oktober 2021",
        "  31   OKTOBER   2021 ",
    ],
)
def test_an_exact_day_has_day_precision(text: str) -> None:
    assert parse_due(text) == DueDate(date(2021, 10, 31), DAY)


@pytest.mark.parametrize(
    "text",
    [
        "oktober 2021",
        "okt 2021",
        "okt. 2021",
        "October 2021",
        "Oct 2021",
        "2021-10",
        "10-2021",
        "10/2021",
        "eind oktober 2021",
        "einde oktober 2021",
        "ultimo oktober 2021",
        "uiterlijk oktober 2021",
        "uiterlijk eind oktober 2021",
        "end of October 2021",
        "begin oktober 2021",
        "medio oktober 2021",
    ],
)
def test_a_month_means_its_last_day_with_month_precision(text: str) -> None:
    assert parse_due(text) == DueDate(date(2021, 10, 31), MONTH)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("maart 2021", date(2021, 3, 31)),
        ("mrt 2021", date(2021, 3, 31)),
        ("mei 2021", date(2021, 5, 31)),
        ("May 2021", date(2021, 5, 31)),
        ("februari 2020", date(2020, 2, 29)),
        ("februari 2021", date(2021, 2, 28)),
        ("juni 2021", date(2021, 6, 30)),
        ("2021-2", date(2021, 2, 28)),
    ],
)
def test_month_names_and_leap_years(text: str, expected: date) -> None:
    assert parse_due(text) == DueDate(expected, MONTH)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q3 2021", date(2021, 9, 30)),
        ("q3 2021", date(2021, 9, 30)),
        ("Q3-2021", date(2021, 9, 30)),
        ("2021-Q3", date(2021, 9, 30)),
        ("3e kwartaal 2021", date(2021, 9, 30)),
        ("3de kwartaal 2021", date(2021, 9, 30)),
        ("derde kwartaal 2021", date(2021, 9, 30)),
        ("derde kwartaal van 2021", date(2021, 9, 30)),
        ("third quarter 2021", date(2021, 9, 30)),
        ("3rd quarter of 2021", date(2021, 9, 30)),
        ("Q1 2021", date(2021, 3, 31)),
        ("eerste kwartaal 2021", date(2021, 3, 31)),
        ("Q4 2021", date(2021, 12, 31)),
        ("laatste kwartaal 2021", date(2021, 12, 31)),
        ("eind Q2 2021", date(2021, 6, 30)),
    ],
)
def test_a_quarter_means_its_last_day(text: str, expected: date) -> None:
    assert parse_due(text) == DueDate(expected, QUARTER)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("H1 2021", date(2021, 6, 30)),
        ("h1 2021", date(2021, 6, 30)),
        ("1e helft 2021", date(2021, 6, 30)),
        ("eerste helft 2021", date(2021, 6, 30)),
        ("eerste helft van 2021", date(2021, 6, 30)),
        ("1e halfjaar 2021", date(2021, 6, 30)),
        ("first half 2021", date(2021, 6, 30)),
        ("first half of 2021", date(2021, 6, 30)),
        ("medio 2021", date(2021, 6, 30)),
        ("mid-2021", date(2021, 6, 30)),
        ("H2 2021", date(2021, 12, 31)),
        ("2e helft 2021", date(2021, 12, 31)),
        ("tweede helft 2021", date(2021, 12, 31)),
        ("second half of 2021", date(2021, 12, 31)),
    ],
)
def test_a_half_year_means_its_last_day(text: str, expected: date) -> None:
    assert parse_due(text) == DueDate(expected, HALF)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("voorjaar 2020", date(2020, 5, 31)),
        ("lente 2020", date(2020, 5, 31)),
        ("spring 2020", date(2020, 5, 31)),
        ("zomer 2020", date(2020, 8, 31)),
        ("summer 2020", date(2020, 8, 31)),
        ("najaar 2020", date(2020, 11, 30)),
        ("herfst 2020", date(2020, 11, 30)),
        ("autumn 2020", date(2020, 11, 30)),
        ("fall 2020", date(2020, 11, 30)),
        ("winter 2021", date(2022, 2, 28)),
        ("winter 2021/2022", date(2022, 2, 28)),
        ("winter 2023", date(2024, 2, 29)),
        ("eind zomer 2020", date(2020, 8, 31)),
    ],
)
def test_a_season_means_its_last_day_and_winter_ends_in_february(text: str, expected: date) -> None:
    assert parse_due(text) == DueDate(expected, SEASON)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021", DueDate(date(2021, 12, 31), YEAR)),
        ("eind 2021", DueDate(date(2021, 12, 31), YEAR)),
        ("einde 2021", DueDate(date(2021, 12, 31), YEAR)),
        ("end of 2021", DueDate(date(2021, 12, 31), YEAR)),
        ("uiterlijk 2021", DueDate(date(2021, 12, 31), YEAR)),
        ("begin 2022", DueDate(date(2022, 3, 31), QUARTER)),
        ("primo 2022", DueDate(date(2022, 3, 31), QUARTER)),
        ("early 2022", DueDate(date(2022, 3, 31), QUARTER)),
        ("medio 2021", DueDate(date(2021, 6, 30), HALF)),
    ],
)
def test_a_bare_year_and_its_qualifiers(text: str, expected: DueDate) -> None:
    assert parse_due(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "null", "NULL", "geen", "Geen", "none", "-"])
def test_no_deadline_is_none(text: str | None) -> None:
    assert parse_due(text) is None


def test_dates_and_datetimes_are_exact_days() -> None:
    assert parse_due(date(2021, 10, 31)) == DueDate(date(2021, 10, 31), DAY)
    assert parse_due(datetime(2021, 10, 31, 14, 5)) == DueDate(date(2021, 10, 31), DAY)


def test_a_yaml_integer_year_is_a_year() -> None:
    assert parse_due(2021) == DueDate(date(2021, 12, 31), YEAR)


def test_numeric_dates_are_day_first() -> None:
    assert parse_due("10-11-2021") == DueDate(date(2021, 11, 10), DAY)
    assert parse_due("2021-10-11") == DueDate(date(2021, 10, 11), DAY)


def test_accents_and_case_do_not_matter() -> None:
    assert parse_due("ÓKTOBER 2021") == DueDate(date(2021, 10, 31), MONTH)
    assert parse_due("31\u201310\u20132021") == DueDate(date(2021, 10, 31), DAY)  # en dashes


# --------------------------------------------------------------------------- rejected input


@pytest.mark.parametrize(
    ("text", "reason_fragment"),
    [
        ("31 februari 2021", "no such day"),
        ("30-02-2021", "no such day"),
        ("2021-02-29", "no such day"),
        ("10/13/2021", "day-month-year"),
        ("45 oktober 2021", "no such day"),
        ("2021-13", "no such month"),
        ("oktober", "year is missing"),
        ("31 oktober", "year is missing"),
        ("Q3", "year is missing"),
        ("zomer", "year is missing"),
        ("31-10-21", "four digits"),
        ("31 oktober 21", "four digits"),
        ("1989", "between 1990 and 2100"),
        ("2101", "between 1990 and 2100"),
        ("oktober 1900", "between 1990 and 2100"),
        ("Q5 2021", "four quarters"),
        ("H3 2021", "two halves"),
        ("31 oktober 2021 foo", "'foo'"),
        ("voorjaar 2021 misschien", "'misschien'"),
        ("31 oktober 2021 14:00", "unexpected"),
        ("morgen", "'morgen'"),
        ("asap", "'asap'"),
        ("dinsdag 31 oktober 2021", "not the weekday given"),
        ("maandag oktober 2021", "weekday needs a day"),
        ("eind 31 oktober 2021", "'eind' does not fit an exact day"),
        ("uiterlijk", "without a date"),
        ("zomer 2021/2022", "only a winter"),
        ("oktober 2021 2022", "more than one"),
        ("x" * 500, "too long"),
    ],
)
def test_junk_is_rejected_with_a_reason(text: str, reason_fragment: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        parse_due(text)
    assert reason_fragment in caught.value.reason
    assert caught.value.expected  # the importer shows what would have been accepted


def test_invalid_date_names_the_text_and_the_accepted_forms() -> None:
    with pytest.raises(InvalidDate) as caught:
        parse_due("binnenkort")
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.text == "binnenkort"
    assert error.expected == EXPECTED_FORMS
    assert "binnenkort" in str(error) and "Q3 2021" in str(error)


def test_a_date_object_outside_the_supported_years_is_rejected() -> None:
    with pytest.raises(InvalidDate):
        parse_due(date(1900, 1, 1))


# --------------------------------------------------------------------------- canonical


@pytest.mark.parametrize(
    ("due", "text"),
    [
        (DueDate(date(2021, 10, 31), DAY), "2021-10-31"),
        (DueDate(date(2021, 10, 31), MONTH), "oktober 2021"),
        (DueDate(date(2021, 3, 31), MONTH), "maart 2021"),
        (DueDate(date(2021, 9, 30), QUARTER), "Q3 2021"),
        (DueDate(date(2021, 6, 30), HALF), "H1 2021"),
        (DueDate(date(2021, 12, 31), HALF), "H2 2021"),
        (DueDate(date(2020, 5, 31), SEASON), "voorjaar 2020"),
        (DueDate(date(2020, 8, 31), SEASON), "zomer 2020"),
        (DueDate(date(2020, 11, 30), SEASON), "najaar 2020"),
        (DueDate(date(2022, 2, 28), SEASON), "winter 2021"),
        (DueDate(date(2021, 12, 31), YEAR), "2021"),
    ],
)
def test_canonical_text_is_stable_dutch_and_parses_back(due: DueDate, text: str) -> None:
    assert canonical(due) == text
    assert parse_due(text) == due


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("31 oktober 2021", date(2021, 10, 31), date(2021, 10, 31)),
        ("oktober 2021", date(2021, 10, 1), date(2021, 10, 31)),
        ("Q3 2021", date(2021, 7, 1), date(2021, 9, 30)),
        ("H2 2021", date(2021, 7, 1), date(2021, 12, 31)),
        ("voorjaar 2020", date(2020, 3, 1), date(2020, 5, 31)),
        ("winter 2021", date(2021, 12, 1), date(2022, 2, 28)),
        ("2021", date(2021, 1, 1), date(2021, 12, 31)),
    ],
)
def test_period_start_is_the_first_day_the_deadline_covers(
    text: str, start: date, end: date
) -> None:
    due = parse_due(text)
    assert due is not None
    assert period_start(due) == start
    assert period_end(due) == end == due.value


def test_january_belongs_to_the_winter_of_the_year_before() -> None:
    assert season_of(date(2022, 1, 15)) == (Season.WINTER, 2021)
    assert season_of(date(2021, 12, 1)) == (Season.WINTER, 2021)


# --------------------------------------------------------------------------- properties
# Budget: 200 examples each, no deadline: a few seconds in CI, enough to shake out crashes.


@st.composite
def due_dates(draw: st.DrawFn) -> DueDate:
    """Normalised DueDates of every precision: the value is the last day of its period."""
    precision = draw(st.sampled_from(list(Precision)))
    if precision is Precision.DAY:
        return DueDate(draw(st.dates(date(1990, 1, 1), date(2100, 12, 31))), precision)
    # From March 1990: January 1990 lies in "winter 1989", outside the supported years.
    anchor = DueDate(draw(st.dates(date(1990, 3, 1), date(2100, 11, 30))), precision)
    return DueDate(period_end(anchor), precision)


_DATE_WORDS = st.sampled_from(
    [
        "31",
        "1e",
        "oktober",
        "okt.",
        "Q3",
        "H1",
        "2021",
        "1989",
        "-",
        "/",
        "eind",
        "begin",
        "medio",
        "voorjaar",
        "winter",
        "kwartaal",
        "helft",
        "maandag",
        "14:00",
        "van",
        "of",
        ",",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_is_a_date_none_or_invalid_date(text: str) -> None:
    try:
        result = parse_due(text)
    except InvalidDate:
        return
    assert result is None or isinstance(result, DueDate)


@settings(max_examples=200, deadline=None)
@given(st.lists(_DATE_WORDS, max_size=6).map(" ".join))
def test_date_like_word_salad_is_a_date_none_or_invalid_date(text: str) -> None:
    try:
        result = parse_due(text)
    except InvalidDate:
        return
    assert result is None or isinstance(result, DueDate)


@settings(max_examples=200, deadline=None)
@given(due_dates())
def test_canonical_round_trips_for_every_precision(due: DueDate) -> None:
    assert parse_due(canonical(due)) == due
