"""Activities: the resolution index, one activity by key, lists, counts and due items.

Every query starts from an index on the scope, a due-date window or a short list of keys,
so its cost follows what is asked or due, not how many activities the programme holds.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, true, union_all

from bot.domain.model import Activity, ActivityLine, Status
from bot.domain.ports import ActivityEntry, ActivityId, DueItem, GroupEntry, RefIndex
from bot.domain.refs import prepare, with_open
from storage.aggregates.rows import (
    OPEN_STATUSES,
    SessionRepository,
    activity_rows,
    due_of,
    scope_conditions,
)
from storage.cache import SETTLE_FROM, programme_cache, settle_heap
from storage.models import (
    ActivityRow,
    GoalRow,
    MilestoneRow,
    OwnerRow,
    ProgrammeRow,
    StatusUpdateRow,
    WorkingGroupRow,
)


class SqlActivities(SessionRepository):
    """ports.ActivityRepository on SQL."""

    def ref_index(self) -> RefIndex:
        """The resolution index with its lookup tables, built once per programme version
        and process (storage/cache.py); a request that finds it current pays one query."""
        return programme_cache(self.session).get(
            self.session, "ref_index", self._build_ref_index, refresh=self._refresh_ref_index)

    def _build_ref_index(self) -> RefIndex:
        index = prepare(self._load_ref_index())
        if len(index.activities) >= SETTLE_FROM:
            settle_heap()  # kept until the next rebuild: out of the garbage collector's sight
        return index

    def _refresh_ref_index(self, index: RefIndex, since: int) -> RefIndex:
        """`index` after the status changes stamped later than `since`: reads only those
        activities (ix_activities_status_version)."""
        changed = self._rows(
            select(ProgrammeRow.key, ActivityRow.key, ActivityRow.status)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ActivityRow.status_version > since))
        return with_open(index, {ActivityId(p, k): status in OPEN_STATUSES
                                 for p, k, status in changed})

    def _load_ref_index(self) -> RefIndex:
        activity_rows = self.session.execute(
            select(
                ProgrammeRow.key, ActivityRow.key, ActivityRow.title, ActivityRow.theme,
                WorkingGroupRow.key, ActivityRow.status,
            )
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .outerjoin(WorkingGroupRow, WorkingGroupRow.id == ActivityRow.working_group_id)
            .where(ProgrammeRow.succeeded_by.is_(None))  # archived by a rollover: not live
            .order_by(ProgrammeRow.id, ActivityRow.position, ActivityRow.id)
            .execution_options(yield_per=2_000)
        )
        # Every process keeps this index, so mind its memory: rows are read in batches, not all
        # held at once (the ORM session fetches a whole result first unless `yield_per`), and
        # a programme key, group key or theme repeated on every row is one string, not one per
        # activity.
        programmes: dict[str, str] = {}
        same: dict[str | None, str | None] = {}
        activities = tuple(
            ActivityEntry(ActivityId(programmes.setdefault(p, p), k), title,
                          same.setdefault(theme, theme), same.setdefault(g, g),
                          status in OPEN_STATUSES)
            for p, k, title, theme, g, status in activity_rows
        )
        del programmes, same
        per_group: dict[tuple[str, str], list[ActivityEntry]] = defaultdict(list)
        for entry in activities:
            if entry.group_key:
                per_group[(entry.id.programme_key, entry.group_key)].append(entry)
        group_rows = self.session.execute(
            select(ProgrammeRow.key, WorkingGroupRow.key, WorkingGroupRow.name,
                   WorkingGroupRow.aliases)
            .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
            .where(ProgrammeRow.succeeded_by.is_(None))
            .order_by(ProgrammeRow.id, WorkingGroupRow.position)
        ).all()
        groups = tuple(
            GroupEntry(
                programme_key=p, key=k, name=name, aliases=tuple(aliases or ()),
                activity_keys=tuple(a.id.key for a in per_group[(p, k)]),
                open_activity_keys=tuple(a.id.key for a in per_group[(p, k)] if a.is_open),
            )
            for p, k, name, aliases in group_rows
        )
        return RefIndex(groups=groups, activities=activities)

    def get_activity(self, activity_id: ActivityId) -> Activity | None:
        found = self._activities_from(
            _ACTIVITY_BY_KEY, {"programme": activity_id.programme_key, "key": activity_id.key})
        return next(iter(found.values()), None)

    def list_activities(
        self, programme_key: str | None = None, group_key: str | None = None,
        open_only: bool = False, limit: int | None = None,
    ) -> list[Activity]:
        """In programme order; with `limit` only the first ones are read (through
        ix_activities_programme_position / ix_activities_group_position)."""
        return self._activities_by_ids(self._listed_ids(programme_key, group_key, open_only, limit))

    def list_activity_lines(
        self, programme_key: str | None = None, group_key: str | None = None,
        open_only: bool = False, limit: int | None = None,
    ) -> list[ActivityLine]:
        """As `list_activities`, five columns each: what a list shows. Read as full activities
        (owners and milestones by a union, the JSON extra decoded), a computed `lijst` of 50
        lines cost 6.1 ms of CPU instead of 5.2 (`scripts/bench_profile.py`, 10,000)."""
        ids = self._listed_ids(programme_key, group_key, open_only, limit)
        found: dict[int, ActivityLine] = {}
        for start in range(0, len(ids), 500):
            for row in self._rows(_LINES, {"ids": ids[start:start + 500]}):
                found[row.id] = ActivityLine(row.programme_key, row.key, row.title,
                                             Status(row.status),
                                             due_of(row.due_date, row.due_precision))
        return [found[i] for i in ids if i in found]

    def _listed_ids(self, programme_key: str | None, group_key: str | None, open_only: bool,
                    limit: int | None) -> list[int]:
        if open_only and limit is not None:
            return self._first_open_ids(programme_key, group_key, limit)
        conditions = self._scope(programme_key, group_key)
        order = ((ActivityRow.working_group_id, ActivityRow.position, ActivityRow.id)
                 if group_key and programme_key
                 else (ActivityRow.programme_id, ActivityRow.position, ActivityRow.id))
        if open_only:
            conditions.append(ActivityRow.status.in_(OPEN_STATUSES))
        return list(self._rows(
            select(ActivityRow.id).where(*conditions).order_by(*order).limit(limit)).scalars())

    def _first_open_ids(self, programme_key: str | None, group_key: str | None,
                        limit: int) -> list[int]:
        """The first `limit` open activities in programme order: per open status its first
        `limit` from ix_activities_programme_status_position /
        ix_activities_group_status_position (scope, status, position, id), merged here. One
        query that reads at most `limit` index entries per status, however many activities
        are closed or open (a walk in programme order that skips the closed ones reads them
        all when few are open)."""
        parameters: dict[str, Any] = {"limit": limit}
        if programme_key:
            parameters["programme_key"] = programme_key
        if group_key:
            parameters["group_key"] = group_key
        rows = self._rows(
            _first_open_statement(bool(programme_key), bool(group_key)), parameters).all()
        return [row[-1] for row in sorted(rows, key=tuple)[:limit]]

    def count_by_status(
        self, programme_key: str | None = None, group_key: str | None = None,
    ) -> dict[Status, int]:
        """Activities per status in the scope; cached per programme version (every status
        change bumps the status version), so a repeated `status` does not count again."""
        return dict(programme_cache(self.session).get(
            self.session, ("count_by_status", programme_key, group_key),
            lambda: self._count_by_status(programme_key, group_key)))

    def _count_by_status(
        self, programme_key: str | None = None, group_key: str | None = None,
    ) -> dict[Status, int]:
        # No joins: the scope is matched by id, so the count runs on an index alone
        # (ix_activities_programme_status_position, ix_activities_group_status_position),
        # grouped in that index's order (scope, status): grouped by status alone, SQLite
        # sorts every row of several programmes or groups first (3x slower at 100,000).
        scope_column = ActivityRow.working_group_id if group_key else ActivityRow.programme_id
        query = (
            select(ActivityRow.status, func.count())
            .where(*self._scope(programme_key, group_key))
            .group_by(scope_column, ActivityRow.status)
        )
        counts = {status: 0 for status in Status}
        for status, count in self._rows(query):
            counts[Status(status)] += count
        return counts

    def activity_keys(self, programme_key: str) -> set[str]:
        return set(self.session.scalars(
            select(ActivityRow.key).join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.key == programme_key)))

    def add_activity(self, activity: Activity) -> None:
        """Insert a new activity (with owners and milestones) at the end of its programme; the
        caller checked that its key is free (a race ends in an IntegrityError: a bug, retried
        by nobody)."""
        programme = self._programme_row(activity.programme_key)
        if programme is None:
            raise LookupError(activity.programme_key)
        group_id = goal_id = None
        if activity.working_group:
            group_id = self.session.scalar(select(WorkingGroupRow.id).where(
                WorkingGroupRow.programme_id == programme.id,
                WorkingGroupRow.key == activity.working_group))
            if group_id is None:
                raise LookupError(activity.working_group)
        if activity.goal:
            goal_id = self.session.scalar(select(GoalRow.id).where(
                GoalRow.programme_id == programme.id, GoalRow.key == activity.goal))
        position = int(self.session.scalar(
            select(func.max(ActivityRow.position)).where(ActivityRow.programme_id == programme.id))
            or 0) + 1
        row = ActivityRow(
            programme_id=programme.id, key=activity.key, title=activity.title,
            theme=activity.theme, result=activity.result, goal_id=goal_id,
            working_group_id=group_id,
            due_date=activity.due.value if activity.due else None,
            due_precision=activity.due.precision.value if activity.due else None,
            status=activity.status.value, position=position, extra=dict(activity.extra),
            owners=[OwnerRow(position=i, name=n) for i, n in enumerate(activity.owners)],
            milestones=[
                MilestoneRow(position=i, title=m.title,
                             due_date=m.due.value if m.due else None,
                             due_precision=m.due.precision.value if m.due else None,
                             extra=dict(m.extra))
                for i, m in enumerate(activity.milestones)],
        )
        self.session.add(row)
        self.session.flush()

    def find_open_due_items(
        self, start: date | None, end: date | None,
        programme_key: str | None = None, group_key: str | None = None,
    ) -> list[DueItem]:
        """Open activities and their dated milestones due in [start, end]; one query for the
        activities, then the few found by id.

        A window with both ends (`binnenkort`, this week) starts from the due-date indexes:
        the open activities due in it (ix_activities_status_due, or the scope's
        ix_activities_programme_status) and the activities of the milestones due in it
        (ix_milestones_due), whose open-ness and scope are read, not searched on. A window
        open to the past (overdue, the digest, the reminder sweep) starts from the open
        activities of the scope instead, each with its milestones by activity: past
        milestones accumulate with every closed activity, open ones do not.
        """

        parameters: dict[str, Any] = {"start": start, "end": end, "programme_key": programme_key,
                                      "group_key": group_key}
        statement = _due_statement(start is not None, end is not None, bool(programme_key),
                                   bool(group_key))
        ids = {row_id for row_id, wanted in self._rows(statement, {
            name: value for name, value in parameters.items() if value}) if wanted}
        items = [item for activity in self._activities_by_ids(sorted(ids))
                 for item in _due_items(activity, start, end)]
        items.sort(key=lambda i: (i.due_value, i.activity.programme_key, i.activity.key,
                                  i.milestone or ""))
        return items

    def list_stale_activities(
        self, before: datetime, programme_key: str | None = None,
        group_key: str | None = None, limit: int = 100,
    ) -> tuple[list[Activity], int]:
        """Open activities without an update since `before` (the first `limit`, in programme
        order) and how many there are."""
        recent = (
            select(StatusUpdateRow.id)
            .where(StatusUpdateRow.activity_id == ActivityRow.id, StatusUpdateRow.at >= before)
            .exists()
        )
        # One query from the open activities of the scope (ix_activities_programme_status /
        # ix_activities_group_status_position); counted and ordered here. With an ORDER BY SQLite would
        # walk the scope in programme order instead, past every closed activity.
        found = sorted(self._rows(
            select(ActivityRow.programme_id, ActivityRow.position, ActivityRow.id)
            .where(ActivityRow.status.in_(OPEN_STATUSES), ~recent,
                   *self._scope(programme_key, group_key))).all(), key=tuple)
        return self._activities_by_ids([row[-1] for row in found[:limit]]), len(found)


@functools.cache
def _due_statement(from_start: bool, to_end: bool, by_programme: bool, by_group: bool) -> Any:
    """The statement of SqlActivities.find_open_due_items for one shape of window and scope,
    built once: parameters `start`, `end`, `programme_key`, `group_key` (those that apply).
    Rows: (activity id, whether it is open and in scope)."""
    scope = scope_conditions(bindparam("programme_key") if by_programme else None,
                              bindparam("group_key") if by_group else None)

    def window(column: Any) -> list[Any]:
        conditions = [column.is_not(None)]
        if from_start:
            conditions.append(column >= bindparam("start"))
        if to_end:
            conditions.append(column <= bindparam("end"))
        return conditions

    open_status = ActivityRow.status.in_(OPEN_STATUSES)
    if from_start and to_end:
        due = select(ActivityRow.id, true()).where(
            open_status, *window(ActivityRow.due_date), *scope)
        of_milestones = select(ActivityRow.id, and_(open_status, *scope)).where(
            ActivityRow.id.in_(select(MilestoneRow.activity_id)
                               .where(*window(MilestoneRow.due_date))))
        return union_all(due, of_milestones)
    milestone_due = (select(MilestoneRow.id)
                     .where(MilestoneRow.activity_id == ActivityRow.id,
                            *window(MilestoneRow.due_date)).exists())
    return select(ActivityRow.id, true()).where(
        open_status, *scope, or_(and_(*window(ActivityRow.due_date)), milestone_due))


@functools.cache
def _first_open_statement(by_programme: bool, by_group: bool) -> Any:
    """The statement of SqlActivities._first_open_ids for one shape of scope, built once
    (building a union of four subqueries costs more than running it): parameters
    `programme_key`, `group_key` and `limit`. Rows: (scope id, position, id)."""
    programme: Any = bindparam("programme_key") if by_programme else None
    group: Any = bindparam("group_key") if by_group else None
    conditions = scope_conditions(programme, group)
    order = ((ActivityRow.working_group_id, ActivityRow.position, ActivityRow.id)
             if by_group and by_programme
             else (ActivityRow.programme_id, ActivityRow.position, ActivityRow.id))
    firsts = [
        select(*order).where(ActivityRow.status == status, *conditions)
        .order_by(*order).limit(bindparam("limit")).subquery()
        for status in OPEN_STATUSES]
    return union_all(*(select(*sub.c) for sub in firsts))


def _due_items(activity: Activity, start: date | None, end: date | None) -> list[DueItem]:
    """The activity and its dated milestones that fall due in [start, end]."""
    items: list[DueItem] = []
    if activity.due and _in_range(activity.due.value, start, end):
        items.append(DueItem(activity, None, activity.due.value))
    for milestone in activity.milestones:
        if milestone.due and _in_range(milestone.due.value, start, end) and not (
            activity.due and milestone.due == activity.due
        ):
            items.append(DueItem(activity, milestone.title, milestone.due.value))
    return items


def _in_range(value: date, start: date | None, end: date | None) -> bool:
    return (start is None or value >= start) and (end is None or value <= end)


# Built once, like rows.ACTIVITIES_BY_ID.
def _by_key() -> Any:
    """One activity by programme and key; parameters `programme`, `key`."""
    def condition() -> Any:
        return and_(ProgrammeRow.key == bindparam("programme"),
                    ActivityRow.key == bindparam("key"))

    one = (select(ActivityRow.id).join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
           .where(condition()).scalar_subquery())
    return activity_rows(condition(), lambda column: column == one)


_ACTIVITY_BY_KEY = _by_key()

# Activities as a list shows them, by row id (parameter `ids`, expanding). Mapped attributes,
# so that the workspace's filter (storage/tenancy.py) applies.
_LINES = (
    select(ActivityRow.id, ProgrammeRow.key.label("programme_key"), ActivityRow.key,
           ActivityRow.title, ActivityRow.status, ActivityRow.due_date, ActivityRow.due_precision)
    .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
    .where(ActivityRow.id.in_(bindparam("ids", expanding=True))))

