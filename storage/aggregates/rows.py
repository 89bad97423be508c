"""Row <-> domain mappings and the reads several aggregates share (an activity with its
owners and milestones, the scope of a programme or group). Rows are read as plain rows
(Core), not ORM objects: per request that costs a fraction of the ORM's identity map and
selectinload machinery (profiled).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import bindparam, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from bot.domain.model import (
    Activity,
    DueDate,
    Milestone,
    Precision,
    ReminderPolicy,
    Status,
    StatusUpdate,
)
from bot.domain.ports import ActivityId
from storage.models import (
    ActivityRow,
    GoalRow,
    MilestoneRow,
    OwnerRow,
    ProgrammeRow,
    WorkingGroupRow,
)
from storage.tenancy import workspace_of

OPEN_STATUSES = tuple(s.value for s in Status if not s.is_closed)


def due_of(value: date | None, precision: str | None) -> DueDate | None:
    if value is None:
        return None
    return DueDate(value, Precision(precision or "day"))


def policy_of(data: dict[str, Any] | None) -> ReminderPolicy:
    if not data:
        return ReminderPolicy()
    default = ReminderPolicy()
    return ReminderPolicy(
        before_working_days=tuple(data.get("before_working_days", default.before_working_days)),
        on_due_day=bool(data.get("on_due_day", default.on_due_day)),
        overdue_every_working_days=int(
            data.get("overdue_every_working_days", default.overdue_every_working_days)
        ),
    )


def policy_data(policy: ReminderPolicy) -> dict[str, Any] | None:
    if policy == ReminderPolicy():
        return None
    return {
        "before_working_days": list(policy.before_working_days),
        "on_due_day": policy.on_due_day,
        "overdue_every_working_days": policy.overdue_every_working_days,
    }


def update_of(row: Any) -> StatusUpdate:
    """A log row as a StatusUpdate: a StatusUpdateRow, or a plain row of its table's columns."""
    return StatusUpdate(
        at=row.at,
        author=row.author,
        old_status=Status(row.old_status) if row.old_status else None,
        new_status=Status(row.new_status),
        note=row.note,
        author_name=row.author_name,
        event=row.event or "update",
        old_due=due_of(row.old_due_date, row.old_due_precision),
        new_due=due_of(row.new_due_date, row.new_due_precision),
        occurrence=row.occurrence,
        author_org=getattr(row, "author_org", None),
    )


def activity_of(
    row: ActivityRow, programme_key: str, group_key: str | None, goal_key: str | None,
    updates: tuple[StatusUpdate, ...] = (),
) -> Activity:
    return Activity(
        key=row.key, title=row.title, programme_key=programme_key, goal=goal_key,
        theme=row.theme, result=row.result, owners=tuple(o.name for o in row.owners),
        working_group=group_key, due=due_of(row.due_date, row.due_precision),
        milestones=tuple(
            Milestone(m.title, due_of(m.due_date, m.due_precision), dict(m.extra or {}))
            for m in row.milestones
        ),
        status=Status(row.status), updates=updates, extra=dict(row.extra or {}),
    )


class SessionRepository:
    """A repository on one unit of work's session; the reads several aggregates share."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _rows(self, statement: Any, parameters: Mapping[str, Any] | None = None) -> Any:
        """A select of columns (no ORM entities) run on the session's connection.

        `Session.execute` would run it through the ORM (its compile state, result adaptation
        and events), which a read of plain rows does not need: that was a third of its cost
        (an activity by key, two statements: 640 -> 390 us at 10,000 activities, profiled).
        What `Session.execute` does first is kept: pending ORM changes are flushed (autoflush),
        so a read in a write transaction sees them.
        """
        session = self.session
        if workspace_of(session) is not None:
            # serving one of many workspaces: through the ORM, whose hook adds the workspace's
            # filter to the statement (storage/tenancy.py); a plain connection would bypass it
            return session.execute(statement, parameters or {})
        if session.autoflush:
            session.flush()  # returns at once when nothing is pending
        return session.connection().execute(statement, parameters or {})

    def _programme_row(self, key: str) -> ProgrammeRow | None:
        return self.session.scalar(select(ProgrammeRow).where(ProgrammeRow.key == key))

    def _activity_row(self, activity_id: ActivityId) -> ActivityRow | None:
        return self.session.scalar(
            select(ActivityRow)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.key == activity_id.programme_key,
                   ActivityRow.key == activity_id.key)
        )

    def _activities_from(self, statement: Any, parameters: dict[str, Any]) -> dict[int, Activity]:
        """`statement`: activity_rows' rows: per activity one row per owner (part 0), then one
        per milestone (part 1), each in order."""
        rows: dict[int, Any] = {}
        owners: dict[int, list[str]] = defaultdict(list)
        milestones: dict[int, list[Milestone]] = defaultdict(list)
        for row in self._rows(statement, parameters):
            if row[1]:
                milestones[row[0]].append(
                    Milestone(row[5], due_of(row[8], row[9]), dict(row[11] or {})))
                continue
            rows.setdefault(row[0], row)
            if row[-1] is not None:
                owners[row[0]].append(row[-1])
        return {
            row_id: Activity(
                key=key, title=title, programme_key=programme_key, goal=goal_key, theme=theme,
                result=result, owners=tuple(owners[row_id]), working_group=group_key,
                due=due_of(due_date, precision), milestones=tuple(milestones[row_id]),
                status=Status(status), extra=dict(extra or {}))
            for row_id, (_, _part, _position, _id, key, title, theme, result, due_date,
                         precision, status, extra, programme_key, group_key, goal_key,
                         _owner) in rows.items()}

    def _scope(self, programme_key: str | None, group_key: str | None) -> list[Any]:
        """Conditions on ActivityRow alone (no joins) so that one index serves the query: a
        group by ix_activities_group_status_position, a programme by
        ix_activities_programme_status."""
        return scope_conditions(programme_key or None, group_key or None)

    def _activities_by_id(self, ids: list[int]) -> dict[int, Activity]:
        """Activities (with owners and milestones) by row id; ids deleted meanwhile are absent."""
        found: dict[int, Activity] = {}
        for start in range(0, len(ids), 500):
            found.update(self._activities_from(ACTIVITIES_BY_ID, {"ids": ids[start:start + 500]}))
        return found

    def _activities_by_ids(self, ids: list[int]) -> list[Activity]:
        """Activities for row ids, in the order given."""
        found = self._activities_by_id(ids)
        return [found[i] for i in ids if i in found]



def live_programme_ids() -> Any:
    """Programmes not archived by `actiebot rollover` (few rows; the subquery stays cheap)."""
    return select(ProgrammeRow.id).where(ProgrammeRow.succeeded_by.is_(None))


def activity_rows(where: Any, ids: Any) -> Any:
    """Activities with everything an Activity holds, in one statement: per activity its own
    columns with its programme, group and goal keys, one row per owner (part 0; at least one
    row, the owner None when it has none), then one row per milestone (part 1: its title, due
    date and extra in the activity's columns for them). `where`: the activities' condition;
    `ids`: the same activities as a condition on a column of activity ids (the milestones').
    Owners and milestones are few; a union of the two rather than a join, which would
    multiply them."""
    owners: Any = (
        select(ActivityRow.id.label("activity_id"), literal_column("0").label("part"),
               OwnerRow.position, OwnerRow.id.label("row_id"), ActivityRow.key,
               ActivityRow.title, ActivityRow.theme, ActivityRow.result, ActivityRow.due_date,
               ActivityRow.due_precision, ActivityRow.status, ActivityRow.extra,
               ProgrammeRow.key.label("programme_key"), WorkingGroupRow.key.label("group_key"),
               GoalRow.key.label("goal_key"), OwnerRow.name)
        .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
        .outerjoin(WorkingGroupRow, WorkingGroupRow.id == ActivityRow.working_group_id)
        .outerjoin(GoalRow, GoalRow.id == ActivityRow.goal_id)
        .outerjoin(OwnerRow, OwnerRow.activity_id == ActivityRow.id)
        .where(where))
    nothing = null()
    milestones: Any = (
        select(MilestoneRow.activity_id, literal_column("1"), MilestoneRow.position,
               MilestoneRow.id, nothing, MilestoneRow.title, nothing, nothing,
               MilestoneRow.due_date, MilestoneRow.due_precision, nothing, MilestoneRow.extra,
               nothing, nothing, nothing, nothing)
        .where(ids(MilestoneRow.activity_id)))
    union: Any = union_all(owners, milestones)
    c = union.selected_columns
    return union.order_by(c.activity_id, c.part, c.position, c.row_id)


# Built once: per request SQLAlchemy then skips building the statement and its cache key
# (measured: a sixth of the CPU of a `status` or `binnenkort` request). Parameter `ids`.
ACTIVITIES_BY_ID = activity_rows(
    ActivityRow.id.in_(bindparam("ids", expanding=True)),
    lambda column: column.in_(bindparam("ids", expanding=True)))


def scope_conditions(programme_key: Any, group_key: Any) -> list[Any]:
    """SessionRepository._scope for keys given as values or as bound parameters (None: no such
    part of the scope)."""
    if group_key is not None:
        groups = select(WorkingGroupRow.id).where(WorkingGroupRow.key == group_key)
        if programme_key is None:  # a group key alone may exist in several programmes
            return [ActivityRow.working_group_id.in_(
                groups.where(WorkingGroupRow.programme_id.in_(live_programme_ids())))]
        group_id = (
            groups.join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
            .where(ProgrammeRow.key == programme_key).scalar_subquery())
        return [ActivityRow.working_group_id == group_id]
    if programme_key is not None:
        return [ActivityRow.programme_id == (
            select(ProgrammeRow.id).where(ProgrammeRow.key == programme_key)
            .scalar_subquery())]
    # no scope: every live programme (one archived by a rollover is history)
    return [ActivityRow.programme_id.in_(live_programme_ids())]
