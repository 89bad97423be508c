"""Dutch working days: weekends and public holidays (from the holidays package) are closed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.workdays import CalendarSpec, DaysOff, WorkCalendar

CAL = WorkCalendar()


def brute_between(start: date, end: date) -> int:
    """The definition, one day at a time: working days in (start, end], negated if reversed."""
    if end < start:
        return -brute_between(end, start)
    days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
    return sum(CAL.is_working_day(d) for d in days)


# --------------------------------------------------------------------------- holidays


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2021, 4, 27), "Koningsdag"),  # a Tuesday
        (date(2025, 4, 26), "Koningsdag"),  # Saturday: the 27th is a Sunday
        (date(2021, 5, 13), "Hemelvaartsdag"),
        (date(2021, 5, 24), "Tweede pinksterdag"),
        (date(2021, 4, 5), "Tweede paasdag"),
        (date(2023, 12, 25), "Eerste kerstdag"),
        (date(2023, 12, 26), "Tweede kerstdag"),
        (date(2021, 1, 1), "Nieuwjaarsdag"),
        (date(2025, 5, 5), "Bevrijdingsdag"),  # a lustrum year in the holidays package
    ],
)
def test_dutch_public_holidays_are_named(day: date, name: str) -> None:
    assert CAL.holiday_name(day) == name


@pytest.mark.parametrize(
    "day",
    [
        date(2021, 4, 27),  # Koningsdag, Tuesday
        date(2021, 5, 13),  # Hemelvaartsdag, Thursday
        date(2021, 5, 24),  # Tweede pinksterdag, Monday
        date(2021, 4, 5),  # Tweede paasdag, Monday
        date(2023, 12, 25),  # Eerste kerstdag, Monday
        date(2023, 12, 26),  # Tweede kerstdag, Tuesday
        date(2025, 5, 5),  # Bevrijdingsdag 2025, Monday
    ],
)
def test_a_holiday_on_a_weekday_is_not_a_working_day(day: date) -> None:
    assert day.weekday() < 5
    assert not CAL.is_working_day(day)


def test_koningsdag_2025_moves_to_saturday_26_april() -> None:
    assert CAL.holiday_name(date(2025, 4, 26)) == "Koningsdag"
    assert CAL.holiday_name(date(2025, 4, 27)) is None
    assert CAL.is_working_day(date(2025, 4, 28))


def test_bevrijdingsdag_before_the_cao_2023_only_in_lustrum_years() -> None:
    assert CAL.holiday_name(date(2021, 5, 5)) is None
    assert CAL.is_working_day(date(2021, 5, 5))


def test_an_ordinary_day_has_no_holiday_name() -> None:
    assert CAL.holiday_name(date(2021, 10, 12)) is None


def test_holiday_names_can_be_english() -> None:
    assert WorkCalendar(language="en_US").holiday_name(date(2021, 4, 27)) == "King's Day"


# --------------------------------------------------------------------------- weekends


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2021, 10, 29), True),  # Friday
        (date(2021, 10, 30), False),  # Saturday
        (date(2021, 10, 31), False),  # Sunday
        (date(2021, 11, 1), True),  # Monday
    ],
)
def test_weekends_are_closed(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_next_and_previous_working_day_skip_weekends_and_holidays() -> None:
    saturday = date(2021, 10, 30)
    assert CAL.next_working_day(saturday) == date(2021, 11, 1)
    assert CAL.previous_working_day(saturday) == date(2021, 10, 29)
    assert CAL.next_working_day(date(2021, 4, 26)) == date(2021, 4, 26)
    assert CAL.next_working_day(date(2021, 4, 26), include_self=False) == date(2021, 4, 28)
    assert CAL.previous_working_day(date(2021, 4, 28), include_self=False) == date(2021, 4, 26)
    assert CAL.next_working_day(date(2021, 12, 24), include_self=False) == date(2021, 12, 27)


# --------------------------------------------------------------------------- counting


def test_friday_to_monday_is_one_working_day() -> None:
    assert CAL.working_days_between(date(2021, 10, 29), date(2021, 11, 1)) == 1


def test_due_today_is_zero_working_days() -> None:
    assert CAL.working_days_between(date(2021, 11, 1), date(2021, 11, 1)) == 0


def test_due_yesterday_on_a_working_day_is_minus_one() -> None:
    assert CAL.working_days_between(date(2021, 11, 2), date(2021, 11, 1)) == -1


def test_due_last_friday_seen_on_monday_is_minus_one() -> None:
    assert CAL.working_days_between(date(2021, 11, 1), date(2021, 10, 29)) == -1


def test_holidays_are_not_counted() -> None:
    # Monday 26 April -> Friday 30 April 2021: Koningsdag on Tuesday leaves 3 working days.
    assert CAL.working_days_between(date(2021, 4, 26), date(2021, 4, 30)) == 3


# 2021 has 261 weekdays; Nieuwjaarsdag, Tweede paasdag, Koningsdag, Hemelvaartsdag and Tweede
# pinksterdag fall on one (Christmas 2021 is a weekend; Goede Vrijdag is a working day under the
# default cao-gemeenten calendar; 5 May 2021 is no lustrum year before the Cao 2023): 256.
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2021, 1, 1), date(2021, 12, 31), 256),  # 1 January is excluded and a holiday
        (date(2020, 12, 31), date(2021, 12, 31), 256),
        (date(2021, 12, 31), date(2020, 12, 31), -256),
    ],
)
def test_a_whole_year_is_counted_by_formula(start: date, end: date, expected: int) -> None:
    assert CAL.working_days_between(start, end) == expected == brute_between(start, end)


# --------------------------------------------------------------------------- moving


def test_add_working_days_skips_the_easter_weekend() -> None:
    # Thursday 1 April 2021; Goede Vrijdag (2 April) is a working day under the default
    # cao-gemeenten calendar, Tweede paasdag (5 April) is closed.
    assert CAL.add_working_days(date(2021, 4, 1), 1) == date(2021, 4, 2)
    assert CAL.add_working_days(date(2021, 4, 2), 1) == date(2021, 4, 6)
    assert CAL.add_working_days(date(2021, 4, 6), -1) == date(2021, 4, 2)
    assert CAL.add_working_days(date(2021, 3, 31), 5) == date(2021, 4, 8)


def test_the_wettelijk_calendar_closes_goede_vrijdag_too() -> None:
    cal = WorkCalendar(CalendarSpec(DaysOff.WETTELIJK))
    assert cal.add_working_days(date(2021, 4, 1), 1) == date(2021, 4, 6)
    assert cal.holiday_name(date(2021, 4, 2)) == "Goede vrijdag"


def test_add_working_days_across_koningsdag_and_weekends() -> None:
    assert CAL.add_working_days(date(2021, 4, 23), 2) == date(2021, 4, 28)
    assert CAL.add_working_days(date(2021, 4, 28), -2) == date(2021, 4, 23)


def test_adding_zero_working_days_changes_nothing() -> None:
    assert CAL.add_working_days(date(2021, 10, 30), 0) == date(2021, 10, 30)


def test_add_working_days_from_a_weekend_counts_from_the_next_working_day() -> None:
    saturday = date(2021, 10, 30)
    assert CAL.add_working_days(saturday, 1) == date(2021, 11, 1)
    assert CAL.add_working_days(saturday, -1) == date(2021, 10, 29)


def test_working_days_in_lists_the_open_days_inclusive() -> None:
    days = list(CAL.working_days_in(date(2021, 4, 24), date(2021, 4, 30)))
    assert days == [date(2021, 4, 26), date(2021, 4, 28), date(2021, 4, 29), date(2021, 4, 30)]
    assert list(CAL.working_days_in(date(2021, 5, 1), date(2021, 4, 30))) == []


# --------------------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2022, 1, date(2022, 1, 3)),  # 1 January is a Saturday (and Nieuwjaarsdag)
        (2021, 5, date(2021, 5, 3)),  # 1 May 2021 is a Saturday
        (2021, 1, date(2021, 1, 4)),  # Nieuwjaarsdag on Friday, then the weekend
        (2023, 1, date(2023, 1, 2)),  # Nieuwjaarsdag on Sunday
        (2021, 11, date(2021, 11, 1)),
        (2026, 6, date(2026, 6, 1)),
    ],
)
def test_first_working_day_of_month(year: int, month: int, expected: date) -> None:
    assert CAL.first_working_day_of_month(year, month) == expected


# --------------------------------------------------------------------------- properties
# Budget: 200 examples each against a day-by-day definition.

_DAYS = st.dates(date(1995, 1, 1), date(2060, 12, 31))


@settings(max_examples=200, deadline=None)
@given(_DAYS, st.integers(-400, 400))
def test_working_days_between_matches_its_definition(start: date, offset: int) -> None:
    end = start + timedelta(days=offset)
    assert CAL.working_days_between(start, end) == brute_between(start, end)


@settings(max_examples=200, deadline=None)
@given(_DAYS, st.integers(-300, 300))
def test_add_working_days_lands_on_a_working_day_n_working_days_away(start: date, n: int) -> None:
    day = CAL.next_working_day(start)
    result = CAL.add_working_days(day, n)
    assert CAL.is_working_day(result)
    assert CAL.working_days_between(day, result) == n


def test_a_hundred_thousand_calls_are_fast() -> None:
    import time

    began = time.perf_counter()
    for i in range(100_000):
        day = date(2021, 1, 1) + timedelta(days=i % 3650)
        CAL.working_days_between(day, day + timedelta(days=45))
    assert time.perf_counter() - began < 10  # about 0.5 s on a laptop; generous for CI
