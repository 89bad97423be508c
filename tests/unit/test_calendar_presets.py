"""The programme's calendar: cao-gemeenten (default), wettelijk, rijksoverheid, closing days.

Sources are in bot/domain/workdays.py. Every preset is the holidays package plus rules, so the
tables below check the rules in years the issue names (2026) and around the Cao 2023 change.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.model import Programme
from bot.domain.workdays import CalendarSpec, DaysOff, WorkCalendar, calendar_spec

GOEDE_VRIJDAG_2026 = date(2026, 4, 3)
BEVRIJDINGSDAG_2026 = date(2026, 5, 5)  # a Tuesday, no lustrum year

DEFAULT = WorkCalendar()
WETTELIJK = WorkCalendar(CalendarSpec(DaysOff.WETTELIJK))
RIJK = WorkCalendar(CalendarSpec(DaysOff.RIJKSOVERHEID))


def test_the_default_is_cao_gemeenten() -> None:
    assert DEFAULT.spec.days_off is DaysOff.CAO_GEMEENTEN


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "Nieuwjaarsdag"),
        (date(2026, 4, 6), "Tweede paasdag"),
        (date(2026, 4, 27), "Koningsdag"),
        (BEVRIJDINGSDAG_2026, "Bevrijdingsdag"),
        (date(2026, 5, 14), "Hemelvaartsdag"),
        (date(2026, 5, 25), "Tweede pinksterdag"),
        (date(2026, 12, 25), "Eerste kerstdag"),
        (date(2027, 12, 27), None),  # Tweede kerstdag 2027 is a Sunday: no day off instead
        (date(2023, 5, 5), "Bevrijdingsdag"),  # the first year of the Cao 2023 rule
        (date(2024, 5, 6), None),  # 5 May 2024 was a Sunday: no replacement day
        (date(2021, 5, 5), None),  # before the Cao 2023 and no lustrum year
    ],
)
def test_cao_gemeenten_days_off(day: date, name: str | None) -> None:
    assert DEFAULT.holiday_name(day) == name
    if name is not None and day.weekday() < 5:
        assert not DEFAULT.is_working_day(day)


def test_goede_vrijdag_is_a_working_day_for_municipal_staff() -> None:
    assert DEFAULT.is_working_day(GOEDE_VRIJDAG_2026)
    assert DEFAULT.holiday_name(GOEDE_VRIJDAG_2026) is None


def test_bevrijdingsdag_every_year_since_2023_and_before_only_in_lustrum_years() -> None:
    off = [year for year in range(2018, 2031) if not DEFAULT.is_working_day(date(year, 5, 5))
           and date(year, 5, 5).weekday() < 5]
    assert off == [2020, 2023, 2025, 2026, 2027, 2028]  # 2018, 2019, 2024, 2029, 2030: weekend


@pytest.mark.parametrize("cal", [WETTELIJK, RIJK], ids=["wettelijk", "rijksoverheid"])
def test_goede_vrijdag_and_bevrijdingsdag_are_off_under_the_law_and_the_cao_rijk(
        cal: WorkCalendar) -> None:
    assert not cal.is_working_day(GOEDE_VRIJDAG_2026)
    assert not cal.is_working_day(BEVRIJDINGSDAG_2026)
    assert not cal.is_working_day(date(2021, 5, 5))  # every year, lustrum or not
    assert cal.is_working_day(date(2026, 5, 15))  # the Friday after Hemelvaart: by decree only


def test_extra_days_off_close_a_day_and_are_named() -> None:
    carnaval = date(2022, 2, 28)
    cal = WorkCalendar(CalendarSpec(extra_days_off=(carnaval,)))
    assert DEFAULT.is_working_day(carnaval)
    assert not cal.is_working_day(carnaval)
    assert cal.holiday_name(carnaval) == "Sluitingsdag"
    assert cal.add_working_days(date(2022, 2, 25), 1) == date(2022, 3, 1)
    assert cal.working_days_between(date(2022, 2, 25), date(2022, 3, 1)) == 1


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        (None, CalendarSpec()),
        ({}, CalendarSpec()),
        ({"days_off": "Wettelijk"}, CalendarSpec(DaysOff.WETTELIJK)),
        ({"days_off": "rijksoverheid", "extra_days_off": ["2022-03-01", date(2022, 2, 28)]},
         CalendarSpec(DaysOff.RIJKSOVERHEID, (date(2022, 2, 28), date(2022, 3, 1)))),
    ],
)
def test_calendar_specs_read_from_the_programme_file(mapping: object,
                                                     expected: CalendarSpec) -> None:
    spec = CalendarSpec.from_mapping(mapping)  # type: ignore[arg-type]
    assert spec == expected
    assert CalendarSpec.from_mapping(spec.to_mapping()) == spec


@pytest.mark.parametrize(
    ("mapping", "reason"),
    [
        ({"days_off": "cao-provincies"}, "unknown preset"),
        ({"extra_days_off": ["28-02-2022"]}, "is not a date"),
        ({"extra_days_off": "2022-02-28"}, "a list of dates"),
        ({"extra_days_of": ["2022-02-28"]}, "unknown key"),
        (["wettelijk"], "a mapping"),
    ],
)
def test_bad_calendar_specs_say_why(mapping: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        CalendarSpec.from_mapping(mapping)  # type: ignore[arg-type]


def test_a_programme_s_calendar_comes_from_its_file_keys() -> None:
    plain = Programme("p", "P")
    chosen = Programme("p", "P", extra={"calendar": {"days_off": "wettelijk"}})
    assert calendar_spec(plain) == CalendarSpec()
    assert calendar_spec(chosen) == CalendarSpec(DaysOff.WETTELIJK)
