"""Working days in the Netherlands: weekends and a programme's days off are closed.

Which days are off is a programme's choice (``calendar:`` in the programme file, CONTRACT.md),
one of three presets built from the ``holidays`` package (NL, categories ``public`` and
``optional``) plus explicit rules, never from hand-written date lists:

* ``cao-gemeenten`` (the default): the days off of the Cao Gemeenten, art. 6.6 (Cao 2023):
  Nieuwjaarsdag, Tweede Paasdag, Koningsdag, Bevrijdingsdag, Hemelvaartsdag, Tweede
  Pinksterdag, Eerste en Tweede Kerstdag. **Goede Vrijdag is a working day.** Bevrijdingsdag is
  off every year since the Cao 2023 (sources: Cao Gemeenten 2023 art. 6.6; gemeente.nu,
  "Bevrijdingsdag een betaalde vrije dag", 2024); before 2023 the local employer decided, and
  we keep the package's reading (lustrum years only: 2020, 2025, ...).
* ``wettelijk``: the "algemeen erkende feestdagen" of the Algemene termijnenwet, art. 3:
  lid 1 names Nieuwjaarsdag, Tweede Paas- en Pinksterdag, both Kerstdagen, Hemelvaartsdag,
  Koningsdag and 5 May (every year since the 1982 amendment), lid 2 adds Goede Vrijdag
  (source: wetten.overheid.nl BWBR0002448, art. 3; nl.wikipedia "Algemene termijnenwet"). The
  extra days the Crown assimilates every three years by decree (lid 3, e.g. the Friday after
  Hemelvaartsdag) follow no rule: list them in ``extra_days_off``.
* ``rijksoverheid``: the Cao Rijk: the same days, Goede Vrijdag and Bevrijdingsdag every year
  included (source: rijksoverheid.nl "Is Goede Vrijdag een vrije dag?": civil servants are off
  on Goede Vrijdag; rijksambtenaren have long been off on 5 May every year).

``extra_days_off`` adds a programme's local closing days (e.g. carnavalsmaandag). Koningsdag
moves to 26 April when the 27th is a Sunday (the package does this). Years are loaded on first
use and cached.

Counting uses arithmetic on weekdays and subtracts the few holidays that fall on a weekday, so
counts and jumps over long ranges cost a handful of operations, not a loop over every day.

Pure: today is always a parameter; the only state is the per-year holiday cache.
"""

from __future__ import annotations

import bisect
import calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

import holidays
from dateutil.easter import easter
from dateutil.rrule import DAILY, FR, MO, TH, TU, WE, rrule

from bot.domain.model import Programme

_WEEKDAYS = (MO, TU, WE, TH, FR)
LIBERATION_DAY_EVERY_YEAR_SINCE: Final = 2023  # Cao Gemeenten 2023, art. 6.6
MAX_EXTRA_DAYS_OFF: Final = 400


class DaysOff(StrEnum):
    """Which holidays a programme's staff have off (``calendar: days_off:``)."""

    CAO_GEMEENTEN = "cao-gemeenten"
    WETTELIJK = "wettelijk"
    RIJKSOVERHEID = "rijksoverheid"


_CLOSING_DAY_NAME: Final = {"nl": "Sluitingsdag", "en_US": "Closing day"}


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """A programme's ``calendar:``: a preset of days off plus local closing days."""

    days_off: DaysOff = DaysOff.CAO_GEMEENTEN
    extra_days_off: tuple[date, ...] = ()

    @classmethod
    def from_mapping(cls, value: Mapping[str, Any] | None) -> CalendarSpec:
        """From the programme file's (or the database's) ``calendar:`` mapping.

        Raises ``ValueError`` with a reason for anything else; unknown keys are refused, so a
        misspelt ``extra_days_of`` does not silently do nothing.
        """
        if value is None:
            return cls()
        if not isinstance(value, Mapping):
            raise ValueError("calendar: expected a mapping with days_off and extra_days_off")  # noqa: TRY004 - pydantic reports ValueError
        unknown = sorted(str(k) for k in value if k not in ("days_off", "extra_days_off"))
        if unknown:
            raise ValueError(f"calendar: unknown key {unknown[0]!r}; expected days_off, "
                             "extra_days_off")
        raw = value.get("days_off") or DaysOff.CAO_GEMEENTEN.value
        try:
            days_off = DaysOff(str(raw).strip().lower())
        except ValueError:
            raise ValueError(f"calendar.days_off: unknown preset {str(raw)[:40]!r}; expected "
                             + ", ".join(d.value for d in DaysOff)) from None
        extra = value.get("extra_days_off") or []
        if not isinstance(extra, (list, tuple)):
            raise ValueError(  # noqa: TRY004 - pydantic reports ValueError
                "calendar.extra_days_off: expected a list of dates (YYYY-MM-DD)")
        if len(extra) > MAX_EXTRA_DAYS_OFF:
            raise ValueError(f"calendar.extra_days_off: at most {MAX_EXTRA_DAYS_OFF} days")
        return cls(days_off, tuple(sorted({_iso_day(d) for d in extra})))

    def to_mapping(self) -> dict[str, Any]:
        """Plain data for the programme file and the database (round-trips ``from_mapping``)."""
        data: dict[str, Any] = {"days_off": self.days_off.value}
        if self.extra_days_off:
            data["extra_days_off"] = [d.isoformat() for d in self.extra_days_off]
        return data


def _iso_day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"calendar.extra_days_off: {str(value)[:40]!r} is not a date "
                         "(YYYY-MM-DD)") from None


def calendar_spec(programme: Programme | None) -> CalendarSpec:
    """The ``calendar:`` a programme was imported with (kept in its extra keys); the default
    (``cao-gemeenten``, no closing days) without one. The programme file validated it."""
    if programme is None:
        return CalendarSpec()
    try:
        return CalendarSpec.from_mapping(programme.extra.get("calendar"))
    except ValueError:
        return CalendarSpec()


def preload() -> None:
    """Load the holidays package's data now. `actiebot serve` calls this in the master process
    before forking, so the workers share those pages (copy-on-write) instead of each loading
    them on its first working-day count."""
    holidays_for(CalendarSpec(), 2024)


def holidays_for(spec: CalendarSpec, year: int, language: str = "nl") -> dict[date, str]:
    """The days off of one year under ``spec`` (weekends aside), with their names."""
    # Through the package's public API, whose country registry imports every country module
    # the package knows (~240) on first use: more memory than loading the Netherlands module
    # alone from its file into sys.modules, which relied on the package's private layout.
    # `serve` loads it once in the master (see `preload`), so the workers share it.
    loaded = holidays.country_holidays(
        "NL", years=year, language=language, categories=("public", "optional"))
    names = {day: str(name) for day, name in loaded.items() if day.year == year}
    liberation = date(year, 5, 5)
    if spec.days_off is DaysOff.CAO_GEMEENTEN:
        # Goede Vrijdag is a working day for municipal staff (two days before Easter Sunday).
        names.pop(easter(year) - timedelta(days=2), None)
        if year < LIBERATION_DAY_EVERY_YEAR_SINCE and year % 5 != 0:
            names.pop(liberation, None)
    # wettelijk and rijksoverheid: Goede Vrijdag and 5 May every year, as loaded.
    for day in spec.extra_days_off:
        if day.year == year:
            names.setdefault(day, _CLOSING_DAY_NAME.get(language, _CLOSING_DAY_NAME["nl"]))
    return names


class WorkCalendar:
    """Dutch working days: Monday to Friday, except the programme's days off (``spec``).

    Holiday names are Dutch ("Koningsdag") unless ``language`` says otherwise; the holidays
    package also knows "en_US".
    """

    def __init__(self, spec: CalendarSpec | None = None, *, language: str = "nl") -> None:
        self.spec = spec or CalendarSpec()
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
            names = holidays_for(self.spec, year, self._language)
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
