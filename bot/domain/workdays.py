"""Working days in the Netherlands: weekends and Dutch public holidays are closed.

Holidays come from the ``holidays`` package (public category), loaded per year on first use and
cached; nothing here is a hand-written list. That means the package decides: Goede Vrijdag is a
holiday, Bevrijdingsdag (5 May) only in lustrum years (2020, 2025, ...), Koningsdag moves to
26 April when the 27th is a Sunday.

Counting uses arithmetic on weekdays and subtracts the few holidays that fall on a weekday, so
counts and jumps over long ranges cost a handful of operations, not a loop over every day.

Pure: today is always a parameter; the only state is the per-year holiday cache.
"""

from __future__ import annotations

import bisect
import calendar
from collections.abc import Iterator
from datetime import date, timedelta

import holidays
from dateutil.rrule import DAILY, FR, MO, TH, TU, WE, rrule

_WEEKDAYS = (MO, TU, WE, TH, FR)


class WorkCalendar:
    """Dutch working days: Monday to Friday, except public holidays.

    Holiday names are Dutch ("Koningsdag") unless ``language`` says otherwise; the holidays
    package also knows "en_US".
    """

    def __init__(self, *, language: str = "nl") -> None:
        self._language = language
        self._names: dict[int, dict[date, str]] = {}
        # Per year, the holidays that fall on a weekday, sorted: the only days arithmetic on
        # weekdays gets wrong.
        self._weekday_holidays: dict[int, list[date]] = {}
        self._first_of_month: dict[tuple[int, int], date] = {}

    # ------------------------------------------------------------------ single days

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday and not a public holiday."""
        return day.weekday() < 5 and day not in self._holidays_of(day.year)

    def holiday_name(self, day: date) -> str | None:
        """The public holiday on this day ("Koningsdag"), or None; weekends are not holidays."""
        return self._holidays_of(day.year).get(day)

    def next_working_day(self, day: date, include_self: bool = True) -> date:
        """The first working day on or after ``day`` (strictly after without ``include_self``)."""
        if include_self and self.is_working_day(day):
            return day
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: date, include_self: bool = True) -> date:
        """The last working day on or before ``day`` (strictly before without ``include_self``)."""
        if include_self and self.is_working_day(day):
            return day
        return self.add_working_days(day, -1)

    # ------------------------------------------------------------------ moving and counting

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``n`` > 0) or before it (``n`` < 0).

        ``n == 0`` returns ``day`` unchanged, working day or not. From a working day
        ``working_days_between(day, add_working_days(day, n)) == n`` for every ``n``.
        """
        if n == 0:
            return day
        step = 1 if n > 0 else -1
        remaining = abs(n)
        current = day
        while remaining:
            target = _add_weekdays(current, step * remaining)
            # Holidays on weekdays between here and the target were counted as working days.
            if step > 0:
                remaining = self._weekday_holiday_count(current, target)
            else:
                remaining = self._weekday_holiday_count(
                    target - timedelta(days=1), current - timedelta(days=1)
                )
            current = target
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end] when end >= start; minus those in (end, start] otherwise.

        "Today Friday, due Monday" is 1; "due yesterday", a working day, seen today is -1; the
        due day itself is 0. The count is antisymmetric: between(a, b) == -between(b, a).
        """
        if end < start:
            return -self.working_days_between(end, start)
        weekdays = _weekdays_through(end) - _weekdays_through(start)
        return weekdays - self._weekday_holiday_count(start, end)

    def working_days_in(self, start: date, end: date) -> Iterator[date]:
        """The working days from ``start`` through ``end``, both included, in order."""
        day = self.next_working_day(start)
        while day <= end:
            yield day
            day = self.add_working_days(day, 1)

    def first_working_day_of_month(self, year: int, month: int) -> date:
        """The first working day of a month: January 2022 -> Monday 3 January (1 January is a
        holiday on a Saturday)."""
        key = (year, month)
        found = self._first_of_month.get(key)
        if found is None:
            found = self._first_of_month[key] = self._scan_month(year, month)
        return found

    def _scan_month(self, year: int, month: int) -> date:
        """Walk the month's Mondays to Fridays with ``rrule`` until one is not a holiday."""
        start = date(year, month, 1)
        until = date(year, month, calendar.monthrange(year, month)[1])
        for moment in rrule(DAILY, dtstart=start, until=until, byweekday=_WEEKDAYS):
            if moment.date() not in self._holidays_of(year):
                return moment.date()
        raise AssertionError(f"{year}-{month:02d} has no working day")  # no real month

    # ------------------------------------------------------------------ the holiday cache

    def _holidays_of(self, year: int) -> dict[date, str]:
        names = self._names.get(year)
        if names is None:
            loaded = holidays.country_holidays("NL", years=year, language=self._language)
            names = {day: str(name) for day, name in loaded.items() if day.year == year}
            self._weekday_holidays[year] = sorted(day for day in names if day.weekday() < 5)
            self._names[year] = names
        return names

    def _weekday_holiday_count(self, start: date, end: date) -> int:
        """Holidays on a weekday in (start, end]; ``start <= end``."""
        count = 0
        for year in range(start.year, end.year + 1):
            self._holidays_of(year)
            days = self._weekday_holidays[year]
            count += bisect.bisect_right(days, end) - bisect.bisect_right(days, start)
        return count


def _weekdays_through(day: date) -> int:
    """Monday-to-Friday days from 1 January of year 1 (a Monday) through ``day``."""
    weeks, rest = divmod(day.toordinal() - 1, 7)
    return weeks * 5 + min(rest + 1, 5)


def _add_weekdays(day: date, n: int) -> date:
    """The ``n``-th Monday-to-Friday day after (n > 0) or before (n < 0) ``day``; n != 0."""
    weekday = day.weekday()
    if weekday >= 5:
        # From a weekend, count as if from the Friday before (forwards) or Monday after (back).
        if n > 0:
            day, weekday = day - timedelta(days=weekday - 4), 4
        else:
            day, weekday = day + timedelta(days=7 - weekday), 0
    monday = day - timedelta(days=weekday)
    weeks, rest = divmod(weekday + n, 5)
    return monday + timedelta(days=weeks * 7 + rest)
