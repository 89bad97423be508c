"""The council progress report (voortgangsrapportage) as a pure model.

``build_report(data, period, today)`` turns what the service gathered (the programme, its goals,
groups and activities, the update log of the period, the status of each activity at the end of
the period, deadline moves, indicators and their values) into a ``Report``: cover facts, a
status overview, goals -> themes -> activities with what was done in the period, then the
indicators with their trend and the *Vooruitblik* (deadlines and milestones of the next period).

Structure after the Gooi en Vechtstreek reports (seeds 000, 002, 003). No wording here: the
renderers in handlers/render/report_*.py write it in Dutch or English. Never a Slack user id:
an update carries its date and working group only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain.model import (
    Activity,
    DueDate,
    Goal,
    Indicator,
    IndicatorValue,
    Programme,
    Status,
    StatusUpdate,
    WorkingGroup,
    fold,
)
from bot.domain.periods import InvalidPeriod, Period, parse_period
from bot.domain.recurrence import Occurrence


class DueState(StrEnum):
    DONE = "done"
    CANCELLED = "cancelled"
    ON_TIME = "on-time"
    LATE = "late"
    NO_DEADLINE = "no-deadline"


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"
    UNKNOWN = "unknown"  # fewer than two periods with a total


# -- input: what the service gathers -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LoggedUpdate:
    activity_key: str
    on: date  # local date in the programme's time zone
    update: StatusUpdate


@dataclass(frozen=True, slots=True)
class Reschedule:
    """A deadline moved: old -> new and why. From the update log's reschedule events (`/actie
    verplaats`, the update modal), or read from an update note that says the deadline moved
    (``from_note``, e.g. transcribed reports: "is deze uitgesteld") when no move was logged."""

    activity_key: str
    on: date
    old_due: DueDate | None
    new_due: DueDate | None
    reason: str
    milestone: str | None = None
    from_note: bool = False


@dataclass(frozen=True, slots=True)
class ReportData:
    programme: Programme
    goals: tuple[Goal, ...]
    groups: tuple[WorkingGroup, ...]
    activities: tuple[Activity, ...]
    updates: tuple[LoggedUpdate, ...] = ()  # the period's updates, oldest first
    status_at_end: dict[str, Status] = field(default_factory=dict)  # activity key -> status
    reschedules: tuple[Reschedule, ...] = ()  # moves from elsewhere (the log's come in updates)
    indicators: tuple[Indicator, ...] = ()
    indicator_values: tuple[IndicatorValue, ...] = ()
    # the occurrences of recurring activities, by activity key (bot/domain/recurrence.py)
    occurrences: dict[str, tuple[Occurrence, ...]] = field(default_factory=dict)


# -- output: the report -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Cover:
    programme_key: str
    programme_name: str
    region: str | None
    period: Period
    next_period: Period
    drafted_on: date
    draft: bool = True


@dataclass(frozen=True, slots=True)
class StatusOverview:
    counts: dict[Status, int]
    total: int
    on_time: int
    late: int
    moved: int
    no_deadline: int
    updates_in_period: int
    activities_updated: int


@dataclass(frozen=True, slots=True)
class ReportUpdate:
    on: date
    group: str | None  # working group name
    old_status: Status | None
    new_status: Status
    note: str


@dataclass(frozen=True, slots=True)
class ReportMilestone:
    title: str
    due: DueDate | None
    in_period: bool
    in_next: bool
    passed: bool  # due before the period's end


@dataclass(frozen=True, slots=True)
class ReportActivity:
    key: str
    title: str
    result: str | None
    owners: tuple[str, ...]
    group: str | None
    status: Status
    due: DueDate | None
    due_state: DueState
    updates: tuple[ReportUpdate, ...]
    reschedules: tuple[Reschedule, ...]
    milestones: tuple[ReportMilestone, ...]
    # a recurring activity: its occurrences due in the period, and how many of them were held
    # (done); ("2 van 2 gehouden")
    occurrences_due: int = 0
    occurrences_held: int = 0

    @property
    def is_open(self) -> bool:
        return not self.status.is_closed

    @property
    def recurs(self) -> bool:
        return self.occurrences_due > 0

    @property
    def moved(self) -> bool:
        return bool(self.reschedules)


@dataclass(frozen=True, slots=True)
class ReportTheme:
    name: str | None  # None: activities without a theme
    activities: tuple[ReportActivity, ...]

    @property
    def remaining(self) -> tuple[ReportActivity, ...]:
        return tuple(a for a in self.activities if a.is_open)


@dataclass(frozen=True, slots=True)
class ReportGoal:
    key: str | None  # None: activities without a goal (programme-wide)
    name: str | None
    themes: tuple[ReportTheme, ...]
    counts: dict[Status, int]

    @property
    def activities(self) -> tuple[ReportActivity, ...]:
        return tuple(a for theme in self.themes for a in theme.activities)


@dataclass(frozen=True, slots=True)
class IndicatorPoint:
    period: str
    end: date
    total: float | None  # the value for the whole region, when given
    parts: tuple[tuple[str, float], ...]  # (breakdown, value) in the indicator's order
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportIndicator:
    key: str
    name: str
    unit: str | None
    source: str | None
    breakdown: tuple[str, ...]
    points: tuple[IndicatorPoint, ...]  # oldest first
    trend: Trend
    change: float | None  # latest total minus the previous one
    change_pct: float | None

    @property
    def has_values(self) -> bool:
        return bool(self.points)


@dataclass(frozen=True, slots=True)
class OutlookItem:
    due: DueDate
    activity_key: str
    activity_title: str
    milestone: str | None  # None: the activity's own deadline
    group: str | None
    status: Status


@dataclass(frozen=True, slots=True)
class Report:
    cover: Cover
    overview: StatusOverview
    goals: tuple[ReportGoal, ...]
    indicators: tuple[ReportIndicator, ...]
    outlook: tuple[OutlookItem, ...]
    late: tuple[ReportActivity, ...]  # open activities past their deadline at the period's end

    @property
    def has_activities(self) -> bool:
        return self.overview.total > 0

    @property
    def has_updates(self) -> bool:
        return self.overview.updates_in_period > 0

    @property
    def activities(self) -> tuple[ReportActivity, ...]:
        return tuple(a for goal in self.goals for a in goal.activities)


# -- building -----------------------------------------------------------------------------

# An update note that says the deadline moved ("uitgesteld", "verplaatst naar", "postponed").
_MOVED = re.compile(
    r"\b(uitgesteld|verplaatst|verschoven|opnieuw gepland|nieuwe deadline|later gereed|"
    r"postponed|rescheduled|moved to|new deadline|deferred)\b")


def says_moved(note: str) -> bool:
    return bool(note) and bool(_MOVED.search(fold(note)))


def build_report(data: ReportData, period: Period, today: date) -> Report:
    as_of = min(today, period.end)
    nxt = period.next()
    group_names = {g.key: g.name for g in data.groups}
    updates_by_activity: dict[str, list[LoggedUpdate]] = {}
    moves: dict[str, list[Reschedule]] = {}
    for logged in sorted(data.updates, key=lambda u: (u.on, u.update.at)):
        if not period.contains(logged.on):
            continue
        update = logged.update
        if update.moved:  # `/actie verplaats`, the update modal: old -> new, the note is why
            moves.setdefault(logged.activity_key, []).append(Reschedule(
                logged.activity_key, logged.on, update.old_due, update.new_due, update.note))
        else:
            updates_by_activity.setdefault(logged.activity_key, []).append(logged)
    for move in data.reschedules:
        if period.contains(move.on):
            moves.setdefault(move.activity_key, []).append(move)

    sections: list[ReportActivity] = []
    for activity in data.activities:
        status = data.status_at_end.get(activity.key, activity.status)
        group = group_names.get(activity.working_group or "") if activity.working_group else None
        in_period = updates_by_activity.get(activity.key, [])
        activity_moves = list(moves.get(activity.key, []))
        if not activity_moves:  # no reschedule logged: an update note may say it moved
            activity_moves = [
                Reschedule(activity.key, u.on, activity.due, None, u.update.note, from_note=True)
                for u in in_period if says_moved(u.update.note)
            ]
        due_in_period = [o for o in data.occurrences.get(activity.key, ())
                         if period.contains(o.due.value)]
        sections.append(ReportActivity(
            occurrences_due=len(due_in_period),
            occurrences_held=sum(1 for o in due_in_period if o.status is Status.DONE),
            key=activity.key, title=activity.title, result=activity.result,
            owners=activity.owners, group=group, status=status, due=activity.due,
            due_state=_due_state(status, activity.due, as_of),
            updates=tuple(
                ReportUpdate(u.on, group, u.update.old_status, u.update.new_status,
                             u.update.note)
                for u in in_period),
            reschedules=tuple(sorted(activity_moves, key=lambda m: m.on)),
            milestones=tuple(
                ReportMilestone(
                    m.title, m.due,
                    in_period=bool(m.due and period.contains(m.due.value)),
                    in_next=bool(m.due and nxt.contains(m.due.value)),
                    passed=bool(m.due and m.due.value <= period.end))
                for m in activity.milestones),
        ))

    by_key = {a.key: a for a in sections}
    goals = _goals(data, sections)
    counts = _counts(sections)
    overview = StatusOverview(
        counts=counts, total=len(sections),
        on_time=sum(1 for a in sections if a.due_state is DueState.ON_TIME),
        late=sum(1 for a in sections if a.due_state is DueState.LATE),
        moved=sum(1 for a in sections if a.moved),
        no_deadline=sum(1 for a in sections if a.due_state is DueState.NO_DEADLINE),
        updates_in_period=sum(len(a.updates) for a in sections),
        activities_updated=sum(1 for a in sections if a.updates),
    )
    outlook = _outlook(data.activities, by_key, nxt)
    return Report(
        cover=Cover(data.programme.key, data.programme.name, data.programme.region, period,
                    nxt, today),
        overview=overview,
        goals=goals,
        indicators=tuple(build_indicator(i, data.indicator_values) for i in data.indicators),
        outlook=outlook,
        late=tuple(a for a in sections if a.due_state is DueState.LATE),
    )


def _due_state(status: Status, due: DueDate | None, as_of: date) -> DueState:
    if status is Status.DONE:
        return DueState.DONE
    if status is Status.CANCELLED:
        return DueState.CANCELLED
    if due is None:
        return DueState.NO_DEADLINE
    return DueState.LATE if due.value < as_of else DueState.ON_TIME


def _counts(activities: Iterable[ReportActivity]) -> dict[Status, int]:
    counts = {status: 0 for status in Status}
    for activity in activities:
        counts[activity.status] += 1
    return counts


def _goals(data: ReportData, sections: list[ReportActivity]) -> tuple[ReportGoal, ...]:
    goal_of = {a.key: a.goal for a in data.activities}
    theme_of = {a.key: a.theme for a in data.activities}
    known = {g.key for g in data.goals}
    order: list[tuple[str | None, str | None]] = [(g.key, g.name) for g in data.goals]
    if any(goal_of[a.key] not in known for a in sections):
        order.append((None, None))
    goals: list[ReportGoal] = []
    for key, name in order:
        members = [a for a in sections
                   if (goal_of[a.key] if goal_of[a.key] in known else None) == key]
        if not members and key is None:
            continue
        themes: dict[str | None, list[ReportActivity]] = {}
        for activity in members:
            themes.setdefault(theme_of[activity.key], []).append(activity)
        goals.append(ReportGoal(
            key, name, tuple(ReportTheme(t, tuple(acts)) for t, acts in themes.items()),
            _counts(members)))
    return tuple(goals)


def _outlook(
    activities: Iterable[Activity], sections: dict[str, ReportActivity], nxt: Period,
) -> tuple[OutlookItem, ...]:
    items: list[OutlookItem] = []
    for activity in activities:
        section = sections[activity.key]
        if not section.is_open:
            continue
        if activity.due and nxt.contains(activity.due.value):
            items.append(OutlookItem(activity.due, activity.key, activity.title, None,
                                     section.group, section.status))
        for milestone in activity.milestones:
            if (milestone.due and nxt.contains(milestone.due.value)
                    and milestone.due != activity.due):
                items.append(OutlookItem(milestone.due, activity.key, activity.title,
                                         milestone.title, section.group, section.status))
    items.sort(key=lambda i: (i.due.value, i.activity_key, i.milestone or ""))
    return tuple(items)


def build_indicator(indicator: Indicator, values: Iterable[IndicatorValue]) -> ReportIndicator:
    """An indicator's values per period, oldest first, and the trend of its totals."""
    per_period: dict[str, list[IndicatorValue]] = {}
    ends: dict[str, date] = {}
    for value in values:
        if value.indicator != indicator.key:
            continue
        try:
            ends[value.period] = parse_period(value.period).end
        except InvalidPeriod:
            continue
        per_period.setdefault(value.period, []).append(value)
    order = {name: i for i, name in enumerate(indicator.breakdown)}
    points: list[IndicatorPoint] = []
    for key in sorted(per_period, key=lambda k: (ends[k], k)):
        items = per_period[key]
        total = next((v.value for v in items if v.breakdown is None), None)
        parts = sorted(((v.breakdown, v.value) for v in items if v.breakdown is not None),
                       key=lambda p: (order.get(p[0], len(order)), p[0]))
        points.append(IndicatorPoint(
            key, ends[key], total, tuple(parts),
            tuple(dict.fromkeys(v.source for v in items if v.source)),
            tuple(dict.fromkeys(v.note for v in items if v.note))))
    totals = [p.total for p in points if p.total is not None]
    trend, change, pct = Trend.UNKNOWN, None, None
    if len(totals) >= 2:
        previous, latest = totals[-2], totals[-1]
        change = latest - previous
        pct = (change / previous * 100) if previous else None
        trend = Trend.FLAT if change == 0 else (Trend.UP if change > 0 else Trend.DOWN)
    return ReportIndicator(indicator.key, indicator.name, indicator.unit, indicator.source,
                           indicator.breakdown, tuple(points), trend, change, pct)


def statuses_at(
    log: Iterable[tuple[str, date, Status | None, Status]], end: date,
    current: dict[str, Status],
) -> dict[str, Status]:
    """Each activity's status at the end of `end`, from its update log (activity key, local
    day, old status, new status; oldest first): the last change on or before `end`; without
    one, the status before its first later change; without any change, its current status."""
    before: dict[str, Status] = {}
    after: dict[str, Status] = {}
    for key, day, old, new in log:
        if day <= end:
            before[key] = new
        elif key not in after:
            after[key] = old or Status.NOT_STARTED
    return {key: before.get(key, after.get(key, status)) for key, status in current.items()}
