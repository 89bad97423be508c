"""Working days per programme: the one place every consumer gets its calendar from.

A programme's ``calendar:`` (bot/domain/workdays.py) decides which days are working days for
its reminders, digests and "werkdagen" counts. Use cases call ``calendar_for(deps, programme)``
(or ``ProgrammeCalendars`` for lists that span programmes); nothing builds a ``WorkCalendar``
of its own. A programme without ``calendar:`` uses ``deps.calendar`` (the default preset,
``cao-gemeenten``), so tests and tools can still pin one calendar for everything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date

from bot.domain.model import Programme
from bot.domain.workdays import CalendarSpec, WorkCalendar, calendar_spec
from bot.services.deps import Deps


@functools.lru_cache(maxsize=64)
def calendar_of(spec: CalendarSpec) -> WorkCalendar:
    """One cached calendar per spec (the holiday cache inside it is per year)."""
    return WorkCalendar(spec)


def calendar_for(deps: Deps, programme: Programme | None) -> WorkCalendar:
    """The working days of ``programme``; ``deps.calendar`` when it sets no ``calendar:``."""
    if programme is None or "calendar" not in programme.extra:
        return deps.calendar
    spec = calendar_spec(programme)
    if spec == deps.calendar.spec:
        return deps.calendar
    return calendar_of(spec)


class ProgrammeCalendars:
    """The calendars of several programmes, by key (for lists that span programmes)."""

    def __init__(self, deps: Deps, programmes: Iterable[Programme]) -> None:
        self._default = deps.calendar
        self._by_key = {p.key: calendar_for(deps, p) for p in programmes}

    def __call__(self, programme_key: str | None) -> WorkCalendar:
        if programme_key is None:
            return self._default
        return self._by_key.get(programme_key, self._default)

    @property
    def all(self) -> list[WorkCalendar]:
        """Each programme's calendar once; the default alone when there is no programme."""
        seen: dict[int, WorkCalendar] = {}
        for cal in self._by_key.values():
            seen.setdefault(id(cal), cal)
        return list(seen.values()) or [self._default]


def programme_calendars(deps: Deps) -> ProgrammeCalendars:
    with deps.uow() as uow:
        return ProgrammeCalendars(deps, uow.repo.list_programmes())


class AnyProgrammeCalendar:
    """For the scheduler's triggers: a day is a working day when it is one for at least one
    programme (each sweep then skips the programmes that are off). Reads the programmes on
    every question, so a programme imported later counts without a restart; when the database
    cannot be read it answers with ``fallback``."""

    def __init__(self, calendars: Callable[[], list[WorkCalendar]], fallback: WorkCalendar) -> None:
        self._calendars = calendars
        self._fallback = fallback

    @classmethod
    def of(cls, deps: Deps) -> AnyProgrammeCalendar:
        return cls(lambda: programme_calendars(deps).all, deps.calendar)

    def _current(self) -> list[WorkCalendar]:
        try:
            return self._calendars() or [self._fallback]
        except Exception:  # noqa: BLE001 - an unreachable database must not stop the trigger
            return [self._fallback]

    def is_working_day(self, day: date) -> bool:
        return any(c.is_working_day(day) for c in self._current())

    def next_working_day(self, day: date, include_self: bool = True) -> date:
        return min(c.next_working_day(day, include_self) for c in self._current())

    def first_working_day_of_month(self, year: int, month: int) -> date:
        return min(self.first_working_days_of_month(year, month))

    def first_working_days_of_month(self, year: int, month: int) -> list[date]:
        """Each programme's first working day of the month, sorted, once each."""
        return sorted({c.first_working_day_of_month(year, month) for c in self._current()})

    def holiday_name(self, day: date) -> str | None:
        names = {c.holiday_name(day) for c in self._current()}
        return None if None in names else min(n for n in names if n)

