"""The monthly digest as data: counts, what changed, what is coming, what is late, what is quiet.

Pure: the caller fetches the rows (only what is due, changed or stale) and passes them in with
the day; this module sorts, counts working days and picks the most urgent items. Wording and
Slack's limits are the renderer's business (handlers/render/digests.py).
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.domain.model import Activity, DueDate, Programme, Status, StatusUpdate, WorkingGroup
from bot.domain.ports import DueItem
from bot.domain.workdays import WorkCalendar

HORIZON_DAYS = 60  # deadlines in the next 60 days
STALE_DAYS = 60  # open activities without an update for 60+ days
URGENT = 5  # items named in the short message in the channel


@dataclass(frozen=True, slots=True)
class DigestEntry:
    item: DueItem
    due: DueDate
    working_days: int  # > 0 left, 0 today, < 0 late (seen from the digest's day)

    @property
    def activity(self) -> Activity:
        return self.item.activity


@dataclass(frozen=True, slots=True)
class Digest:
    programme: Programme | None  # None: every programme (an unbound channel, several programmes)
    group: WorkingGroup | None  # None: the whole programme (the admin channel)
    month: date | None  # first day of the digest's month; None for `/actie overzicht` now
    as_of: date
    since: datetime  # changes are counted from here (the previous digest, else a month back)
    counts: dict[Status, int]
    overdue: tuple[DigestEntry, ...] = ()
    upcoming: tuple[DigestEntry, ...] = ()
    changes: tuple[tuple[Activity, StatusUpdate], ...] = ()
    stale: tuple[Activity, ...] = ()
    stale_total: int = 0
    horizon_days: int = HORIZON_DAYS
    stale_days: int = STALE_DAYS
    urgent: tuple[DigestEntry, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def open_total(self) -> int:
        return sum(n for s, n in self.counts.items() if not s.is_closed)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=_calendar.monthrange(day.year, day.month)[1])


def previous_month(day: date) -> date:
    """First day of the month before the one ``day`` is in."""
    first = month_start(day)
    return month_start(first - timedelta(days=1))


def as_of_for_month(month: date, today: date, calendar: WorkCalendar) -> date:
    """The day a month's digest speaks for: today within that month, else the month's first
    working day (when it is posted by the scheduler)."""
    if month_start(today) == month_start(month):
        return today
    return calendar.first_working_day_of_month(month.year, month.month)


def due_window(as_of: date, horizon_days: int = HORIZON_DAYS) -> tuple[date, date]:
    """Upcoming deadlines: from the digest's day through ``horizon_days`` calendar days on."""
    return as_of, as_of + timedelta(days=horizon_days)


def stale_before(now: datetime, stale_days: int = STALE_DAYS) -> datetime:
    return now - timedelta(days=stale_days)


def due_of(item: DueItem) -> DueDate:
    """The deadline an item stands for, with its precision ("oktober 2021", not the 31st)."""
    activity = item.activity
    if item.milestone is not None:
        for milestone in activity.milestones:
            if milestone.title == item.milestone and milestone.due is not None:
                return milestone.due
    elif activity.due is not None:
        return activity.due
    return DueDate(item.due_value)


def overdue_order(due_value: date, activity_key: str, milestone: str | None = None,
                  ) -> tuple[int, str, str]:
    """The one order of every overdue list (`te-laat`, `overzicht`, the digest's "Meest
    urgent", the App Home): most recently missed first -- still the most actionable -- then by
    activity key and milestone, so equal deadlines never swap places between surfaces."""
    return -due_value.toordinal(), activity_key, milestone or ""


def build_digest(
    *,
    programme: Programme | None,
    group: WorkingGroup | None,
    month: date | None,
    as_of: date,
    since: datetime,
    counts: dict[Status, int],
    due_items: list[DueItem],
    changes: list[tuple[Activity, StatusUpdate]],
    stale: list[Activity],
    stale_total: int,
    calendar: WorkCalendar,
    horizon_days: int = HORIZON_DAYS,
    calendar_of: Callable[[str | None], WorkCalendar] | None = None,
) -> Digest:
    """Sort the rows into the digest's lists.

    ``due_items`` are the open items due before ``as_of + horizon_days``: those whose deadline
    lies before ``as_of`` are overdue (most recently missed first, still the most actionable),
    the others upcoming (soonest first). Working days count on ``calendar``, or on each item's
    programme's calendar when ``calendar_of`` is given. The urgent few for the channel message: overdue first,
    then the nearest deadlines.
    """
    _, end = due_window(as_of, horizon_days)
    overdue: list[DigestEntry] = []
    upcoming: list[DigestEntry] = []
    for item in due_items:
        if item.due_value > end:
            continue
        cal = calendar if calendar_of is None else calendar_of(item.activity.programme_key)
        entry = DigestEntry(item, due_of(item), cal.working_days_between(as_of, item.due_value))
        (overdue if item.due_value < as_of else upcoming).append(entry)
    overdue.sort(key=lambda e: overdue_order(e.item.due_value, e.activity.key, e.item.milestone))
    upcoming.sort(key=lambda e: (e.item.due_value, e.activity.key))
    urgent = (overdue + upcoming)[:URGENT]
    return Digest(
        programme=programme, group=group, month=month, as_of=as_of, since=since,
        counts=dict(counts), overdue=tuple(overdue), upcoming=tuple(upcoming),
        changes=tuple(sorted(changes, key=lambda c: c[1].at, reverse=True)),
        stale=tuple(stale), stale_total=max(stale_total, len(stale)),
        horizon_days=horizon_days, urgent=tuple(urgent),
    )
