"""Which deadline reminder is due on a day: the reminder policy on the Dutch working-day calendar.

Pure: the day, the deadline, the policy and the calendar are parameters; nothing here reads a
clock or a database. The sweep (bot/services/reminders.py) asks ``current_notice`` for every
candidate and claims a ledger row per (item, due date, kind); the ledger makes it exactly once.

Decisions, each tested in tests/unit/test_reminders.py:

* **The due day is the last working day on or before the deadline.** A deadline covers its
  whole last day, but on a Sunday nobody works: "oktober 2021" (Sunday 31 October) is due on
  Friday 29 October, and a deadline on Hemelvaartsdag on the Wednesday before. The "due" notice
  ("vandaag") is posted on that day; lead times count back from it.
* **A lead time counts working days**: "before-5" is the fifth working day before the due day,
  so holidays in between push it earlier. Weekends and Dutch public holidays are never reminder
  days: on them nothing is due.
* **Month (quarter, half, season, year) precision counts from the period's last day**, which is
  what ``DueDate.value`` already holds.
* **Overdue means the deadline's calendar day has passed** (``today > due.value``), not the sign
  of a working-day count: on the Saturday after a Friday deadline the count is 0, yet it is late.
  The first overdue notice is on the first working day after the deadline ("overdue-1"), then
  every ``overdue_every_working_days`` working days ("overdue-6", "overdue-11", ...). The number
  in the kind is how many working days late the item is on that notice's day. With
  ``overdue_every_working_days: 0`` there is one overdue notice and no repeats.
* **Folding.** On any working day the *current* notice is the latest scheduled one on or before
  that day. The sweep only ever sends the current notice, so reminders missed while the bot was
  down are delivered once on the next sweep, and stale earlier ones (a before-10 when before-1 is
  already current) fold into it instead of flooding the channel. Because every kind has its own
  ledger key, an already-sent current notice is not sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.model import DueDate, ReminderPolicy
from bot.domain.workdays import WorkCalendar

DUE = "due"
BEFORE_PREFIX = "before-"
OVERDUE_PREFIX = "overdue-"


@dataclass(frozen=True, slots=True)
class Notice:
    """A reminder that falls on ``day`` for a deadline."""

    kind: str  # "before-10", "due", "overdue-6"
    day: date  # the working day the policy schedules it on
    due_day: date  # the last working day on or before the deadline
    working_days: int  # seen from the day asked about: > 0 left, 0 today, < 0 late
    overdue: bool

    @property
    def stage(self) -> str:
        """'before' | 'due' | 'overdue'."""
        if self.kind == DUE:
            return "due"
        return "overdue" if self.overdue else "before"


def due_day(deadline: date, calendar: WorkCalendar) -> date:
    """The working day a deadline falls due: the deadline itself, or the last working day before."""
    return calendar.previous_working_day(deadline)


def deadline_of(due: DueDate | date) -> date:
    return due.value if isinstance(due, DueDate) else due


def schedule(
    due: DueDate | date, policy: ReminderPolicy, calendar: WorkCalendar, until: date,
) -> list[tuple[date, str]]:
    """Every scheduled (day, kind) up to and including ``until``, in order."""
    deadline = deadline_of(due)
    last = due_day(deadline, calendar)
    points: list[tuple[date, str]] = [
        (calendar.add_working_days(last, -lead), f"{BEFORE_PREFIX}{lead}")
        for lead in sorted(set(policy.before_working_days), reverse=True) if lead > 0
    ]
    if policy.on_due_day:
        points.append((last, DUE))
    late = 1
    while True:
        day = calendar.add_working_days(last, late)
        if day > until:
            break
        points.append((day, f"{OVERDUE_PREFIX}{late}"))
        if policy.overdue_every_working_days <= 0:
            break
        late += policy.overdue_every_working_days
    return sorted(p for p in points if p[0] <= until)


def notice_on(
    due: DueDate | date, policy: ReminderPolicy, today: date, calendar: WorkCalendar,
) -> Notice | None:
    """The notice scheduled exactly on ``today``, without folding; None on other days."""
    found = current_notice(due, policy, today, calendar)
    return found if found is not None and found.day == today else None


def current_notice(
    due: DueDate | date, policy: ReminderPolicy, today: date, calendar: WorkCalendar,
) -> Notice | None:
    """The latest notice scheduled on or before ``today``; None on a non-working day or when
    nothing is scheduled yet. Earlier, stale notices fold into this one."""
    if not calendar.is_working_day(today):
        return None
    deadline = deadline_of(due)
    last = due_day(deadline, calendar)
    days_left = calendar.working_days_between(today, deadline)
    if today > deadline:
        late = calendar.working_days_between(last, today)  # >= 1 on a working day after
        every = policy.overdue_every_working_days
        point = 1 if every <= 0 else 1 + ((late - 1) // every) * every
        return Notice(f"{OVERDUE_PREFIX}{point}", calendar.add_working_days(last, point), last,
                      days_left, overdue=True)
    if policy.on_due_day and today >= last:
        return Notice(DUE, last, last, days_left, overdue=False)
    # Before the due day (or on it without a due-day notice): the smallest lead already reached.
    reached = [
        lead for lead in set(policy.before_working_days)
        if lead > 0 and calendar.add_working_days(last, -lead) <= today
    ]
    if not reached:
        return None
    lead = min(reached)
    return Notice(f"{BEFORE_PREFIX}{lead}", calendar.add_working_days(last, -lead), last,
                  days_left, overdue=False)


def lookahead_end(today: date, policies: list[ReminderPolicy], calendar: WorkCalendar) -> date:
    """The last deadline a sweep on ``today`` can have a pre-due notice for.

    A before-L notice is due when ``due_day - L working days <= today``, i.e. when the due day
    is at most L working days ahead; deadlines up to the day before the next working day after
    that share the same due day.
    """
    longest = max([0, *(lead for p in policies for lead in p.before_working_days)])
    horizon = calendar.add_working_days(calendar.next_working_day(today), longest)
    after = calendar.next_working_day(horizon, include_self=False)
    return date.fromordinal(after.toordinal() - 1)
