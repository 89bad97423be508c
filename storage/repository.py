"""select() queries that return domain dataclasses, never ORM objects."""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, true, union_all
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from bot.domain.model import (
    Activity,
    DueDate,
    Goal,
    Milestone,
    Precision,
    Programme,
    ProgrammeFile,
    ReminderPolicy,
    Status,
    StatusUpdate,
    WorkingGroup,
)
from bot.domain.ports import (
    ActivityEntry,
    ActivityId,
    Delivery,
    DueItem,
    GroupEntry,
    ImportCounts,
    RefIndex,
    ReminderHold,
)
from bot.domain.refs import prepare, with_open
from storage.cache import SETTLE_FROM, locale_cache, programme_cache, settle_heap
from storage.models import (
    ActivityRow,
    DeliveryRow,
    GoalRow,
    MemberRow,
    MilestoneRow,
    OwnerRow,
    ProgrammeRow,
    ReminderHoldRow,
    RequestReplayRow,
    SchedulerLeaseRow,
    StatusUpdateRow,
    UserRow,
    WorkingGroupRow,
)
from storage.occurrences import OccurrenceQueries, record_on_occurrence
from storage.report_queries import ReportQueries
from storage.upserts import insert_missing, insert_or_update
from storage.versioning import Version, data_version

OPEN_STATUSES = tuple(s.value for s in Status if not s.is_closed)


def _due(value: date | None, precision: str | None) -> DueDate | None:
    if value is None:
        return None
    return DueDate(value, Precision(precision or "day"))


def _policy(data: dict[str, Any] | None) -> ReminderPolicy:
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


def _policy_data(policy: ReminderPolicy) -> dict[str, Any] | None:
    if policy == ReminderPolicy():
        return None
    return {
        "before_working_days": list(policy.before_working_days),
        "on_due_day": policy.on_due_day,
        "overdue_every_working_days": policy.overdue_every_working_days,
    }


def _update(row: StatusUpdateRow) -> StatusUpdate:
    return StatusUpdate(
        at=row.at,
        author=row.author,
        old_status=Status(row.old_status) if row.old_status else None,
        new_status=Status(row.new_status),
        note=row.note,
        author_name=row.author_name,
        event=row.event or "update",
        old_due=_due(row.old_due_date, row.old_due_precision),
        new_due=_due(row.new_due_date, row.new_due_precision),
        occurrence=row.occurrence,
    )


class SqlRepository(ReportQueries, OccurrenceQueries):  # + storage/report_queries.py, occurrences.py
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- programmes and groups -------------------------------------------------------------

    def _programme_row(self, key: str) -> ProgrammeRow | None:
        return self.session.scalar(select(ProgrammeRow).where(ProgrammeRow.key == key))

    @staticmethod
    def _programme(row: ProgrammeRow) -> Programme:
        return Programme(
            key=row.key, name=row.name, region=row.region, timezone=row.timezone,
            admin_channel=row.admin_channel, extra=dict(row.extra or {}),
            admins=tuple(row.admins or ()),
        )

    def list_programmes(self, live_only: bool = False) -> list[Programme]:
        query = select(ProgrammeRow).order_by(ProgrammeRow.id)
        if live_only:  # leave out programmes archived by a rollover
            query = query.where(ProgrammeRow.succeeded_by.is_(None))
        rows = self.session.scalars(query)
        return [self._programme(r) for r in rows]

    def archive_programme(self, key: str, successor: str) -> None:
        """`actiebot rollover`: `key` continues as `successor` and stops being live."""
        row = self._programme_row(key)
        if row is None:
            raise LookupError(key)
        row.succeeded_by = successor

    def get_programme(self, key: str) -> Programme | None:
        row = self._programme_row(key)
        return self._programme(row) if row else None

    # Groups and activities are read as plain rows (Core), not ORM objects: per request that
    # costs a fraction of the ORM's identity map and selectinload machinery (profiled).

    def _groups_where(self, *conditions: Any) -> list[tuple[str, WorkingGroup]]:
        return self._groups_from(_group_select().where(*conditions), {})

    def _groups_from(self, statement: Any,
                     parameters: dict[str, Any]) -> list[tuple[str, WorkingGroup]]:
        """`statement`: _group_select's rows; each group with its member links."""
        rows = self.session.execute(statement, parameters).all()
        members: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        ids = [row[1] for row in rows]
        for start in range(0, len(ids), 500):
            for group_id, owner, user in self.session.execute(
                    _MEMBERS_OF, {"ids": ids[start:start + 500]}):
                members[group_id][owner].append(user)
        return [(p, WorkingGroup(
            key=key, name=name, aliases=tuple(aliases or ()), channel=channel,
            reminders=_policy(reminders),
            members={owner: tuple(users) for owner, users in members[group_id].items()},
            extra=dict(extra or {})))
            for p, group_id, key, name, aliases, channel, reminders, extra in rows]

    def get_group(self, programme_key: str, key: str) -> WorkingGroup | None:
        found = self._groups_from(_GROUP_BY_KEY, {"programme": programme_key, "key": key})
        return found[0][1] if found else None

    def list_groups(self, programme_key: str | None = None) -> list[tuple[str, WorkingGroup]]:
        if programme_key:
            return self._groups_where(ProgrammeRow.key == programme_key)
        return self._groups_where(ProgrammeRow.succeeded_by.is_(None))

    def find_groups_by_channel(self, channel: str) -> list[tuple[str, WorkingGroup]]:
        return self._groups_from(_GROUPS_BY_CHANNEL, {"channel": channel})

    def set_group_channel(self, programme_key: str, key: str, channel: str) -> None:
        row = self.session.scalar(
            select(WorkingGroupRow)
            .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
            .where(ProgrammeRow.key == programme_key, WorkingGroupRow.key == key)
        )
        if row is None:
            raise LookupError(f"{programme_key}/{key}")
        row.channel = channel

    def data_version(self) -> Version | None:
        """The data version and its token (storage/versioning.py): one primary-key query."""
        return data_version(self.session)

    # -- activities ------------------------------------------------------------------------

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
        changed = self.session.execute(
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
        # Every process keeps this index (issue 12: memory): rows are read in batches, not all
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

    @staticmethod
    def _activity(
        row: ActivityRow, programme_key: str, group_key: str | None, goal_key: str | None,
        updates: tuple[StatusUpdate, ...] = (),
    ) -> Activity:
        return Activity(
            key=row.key, title=row.title, programme_key=programme_key, goal=goal_key,
            theme=row.theme, result=row.result, owners=tuple(o.name for o in row.owners),
            working_group=group_key, due=_due(row.due_date, row.due_precision),
            milestones=tuple(
                Milestone(m.title, _due(m.due_date, m.due_precision), dict(m.extra or {}))
                for m in row.milestones
            ),
            status=Status(row.status), updates=updates, extra=dict(row.extra or {}),
        )

    def _activity_row(self, activity_id: ActivityId) -> ActivityRow | None:
        return self.session.scalar(
            select(ActivityRow)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.key == activity_id.programme_key,
                   ActivityRow.key == activity_id.key)
        )

    def get_activity(self, activity_id: ActivityId) -> Activity | None:
        found = self._activities_from(
            _ACTIVITY_BY_KEY, {"programme": activity_id.programme_key, "key": activity_id.key})
        return next(iter(found.values()), None)

    def _activities_where(self, *conditions: Any) -> dict[int, Activity]:
        """Activities (with owners and milestones) by row id: two queries of plain rows."""
        return self._activities_from(_activity_select().where(*conditions), {})

    def _activities_from(self, statement: Any, parameters: dict[str, Any]) -> dict[int, Activity]:
        """`statement`: _activity_select's rows, one per activity and owner (in order)."""
        rows: dict[int, Any] = {}
        owners: dict[int, list[str]] = defaultdict(list)
        for row in self.session.execute(statement, parameters):
            rows.setdefault(row[0], row)
            if row[-1] is not None:
                owners[row[0]].append(row[-1])
        if not rows:
            return {}
        milestones: dict[int, list[Milestone]] = defaultdict(list)
        for activity_id, title, due_date, precision, extra in self.session.execute(
                _MILESTONES_OF, {"ids": list(rows)}):
            milestones[activity_id].append(
                Milestone(title, _due(due_date, precision), dict(extra or {})))
        return {
            row_id: Activity(
                key=key, title=title, programme_key=programme_key, goal=goal_key, theme=theme,
                result=result, owners=tuple(owners[row_id]), working_group=group_key,
                due=_due(due_date, precision), milestones=tuple(milestones[row_id]),
                status=Status(status), extra=dict(extra or {}))
            for row_id, (_, key, title, theme, result, due_date, precision, status, extra,
                         programme_key, group_key, goal_key, _owner) in rows.items()}

    def list_activities(
        self, programme_key: str | None = None, group_key: str | None = None,
        open_only: bool = False, limit: int | None = None,
    ) -> list[Activity]:
        """In programme order; with `limit` only the first ones are read (through
        ix_activities_programme_position / ix_activities_group_position)."""
        if open_only and limit is not None:
            return self._activities_by_ids(self._first_open_ids(programme_key, group_key, limit))
        conditions = self._scope(programme_key, group_key)
        order = ((ActivityRow.working_group_id, ActivityRow.position, ActivityRow.id)
                 if group_key and programme_key
                 else (ActivityRow.programme_id, ActivityRow.position, ActivityRow.id))
        if open_only:
            conditions.append(ActivityRow.status.in_(OPEN_STATUSES))
        ids = list(self.session.scalars(
            select(ActivityRow.id).where(*conditions).order_by(*order).limit(limit)))
        return self._activities_by_ids(ids)

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
        rows = self.session.execute(
            _first_open_statement(bool(programme_key), bool(group_key)), parameters).all()
        return [row[-1] for row in sorted(rows, key=tuple)[:limit]]

    def list_last_updates(self, activity_ids: list[ActivityId]) -> dict[ActivityId, StatusUpdate]:
        """The latest update of each activity, in one query (ix_status_updates_activity_at)."""
        found: dict[ActivityId, StatusUpdate] = {}
        if not activity_ids:
            return found
        wanted = set(activity_ids)
        programme_keys = sorted({a.programme_key for a in wanted})
        keys = sorted({a.key for a in wanted})
        for start in range(0, len(keys), 500):
            rows = self.session.execute(_LAST_UPDATES, {
                "programme_keys": programme_keys, "keys": keys[start:start + 500]})
            for row, programme_key, key in rows:
                activity_id = ActivityId(programme_key, key)
                if activity_id in wanted:
                    found[activity_id] = _update(row)
        return found

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
        for status, count in self.session.execute(query):
            counts[Status(status)] += count
        return counts

    # -- the update log --------------------------------------------------------------------

    def last_update(self, activity_id: ActivityId) -> StatusUpdate | None:
        updates = self.list_updates(activity_id, limit=1)
        return updates[0] if updates else None

    def list_updates(self, activity_id: ActivityId, limit: int = 50) -> list[StatusUpdate]:
        rows = self.session.scalars(
            select(StatusUpdateRow)
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.key == activity_id.programme_key,
                   ActivityRow.key == activity_id.key)
            .order_by(StatusUpdateRow.at.desc(), StatusUpdateRow.id.desc())
            .limit(limit)
        )
        return [_update(r) for r in rows]

    def list_updates_since(
        self, since: datetime, programme_key: str | None = None, group_key: str | None = None,
    ) -> list[tuple[Activity, StatusUpdate]]:
        # Driven by the log's time index (ix_status_updates_at): the cost follows the number of
        # updates since `since`, never the number of activities.
        # The scope is a selected column, not a condition: as a condition SQLite would start
        # from the scope's index (every activity of the programme) instead of the log's time.
        rows = [row for row, in_scope in self.session.execute(
            select(StatusUpdateRow, and_(*self._scope(programme_key, group_key)))
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .where(StatusUpdateRow.at >= since)
            .order_by(StatusUpdateRow.at, StatusUpdateRow.id)) if in_scope]
        activities = self._activities_by_id(sorted({row.activity_id for row in rows}))
        return [(activities[row.activity_id], _update(row)) for row in rows
                if row.activity_id in activities]

    def get_update(self, activity_id: ActivityId, update_id: int | None,
                   at: datetime) -> StatusUpdate | None:
        """One update of the log: by its own id (what the ledger carries), else (a ledger row
        from before ids were carried) by its exact moment. Never "among the latest n"."""
        statement = (
            select(StatusUpdateRow)
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.key == activity_id.programme_key,
                   ActivityRow.key == activity_id.key)
            .where(StatusUpdateRow.id == update_id if update_id is not None
                   else StatusUpdateRow.at == at)
            .order_by(StatusUpdateRow.id).limit(1))
        row = self.session.scalar(statement)
        return _update(row) if row is not None else None

    def append_update(self, activity_id: ActivityId, update: StatusUpdate, source: str) -> int:
        """Append to the log; returns the new row's id (flushed)."""
        row = self._activity_row(activity_id)
        if row is None:
            raise LookupError(str(activity_id))
        log = StatusUpdateRow(
            activity_id=row.id, at=update.at, author=update.author,
            author_name=update.author_name,
            old_status=update.old_status.value if update.old_status else None,
            new_status=update.new_status.value, note=update.note, source=source,
            event=update.event,
            old_due_date=update.old_due.value if update.old_due else None,
            old_due_precision=update.old_due.precision.value if update.old_due else None,
            new_due_date=update.new_due.value if update.new_due else None,
            new_due_precision=update.new_due.precision.value if update.new_due else None,
        )
        self.session.add(log)
        row.status = update.new_status.value
        if update.moved:
            row.due_date = update.new_due.value if update.new_due else None
            row.due_precision = update.new_due.precision.value if update.new_due else None
        # a recurring activity: the update is about its current occurrence, which it may close
        log.occurrence = record_on_occurrence(self.session, row, update, update.at)
        self.session.flush()
        return log.id

    # -- changes made in Slack (bot/services/changes.py) -----------------------------------

    def last_reschedule(self, activity_id: ActivityId) -> StatusUpdate | None:
        row = self.session.scalar(
            select(StatusUpdateRow)
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.key == activity_id.programme_key,
                   ActivityRow.key == activity_id.key, StatusUpdateRow.event == "reschedule")
            .order_by(StatusUpdateRow.at.desc(), StatusUpdateRow.id.desc())
            .limit(1))
        return _update(row) if row is not None else None

    def list_goals(self, programme_key: str) -> list[Goal]:
        rows = self.session.scalars(
            select(GoalRow).join(ProgrammeRow, ProgrammeRow.id == GoalRow.programme_id)
            .where(ProgrammeRow.key == programme_key).order_by(GoalRow.position, GoalRow.id))
        return [Goal(g.key, g.name, dict(g.extra or {})) for g in rows]

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

    def list_latest_updates(
        self, limit: int, programme_key: str | None = None,
        groups: list[tuple[str, str]] | None = None,
    ) -> list[tuple[Activity, StatusUpdate]]:
        """The latest `limit` log rows, newest first, of a programme or of some working groups
        ((programme, group) pairs; an empty list: none); two queries whatever the log's size."""
        if groups is not None and not groups:
            return []
        query = (
            select(StatusUpdateRow)
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .order_by(StatusUpdateRow.at.desc(), StatusUpdateRow.id.desc())
            .limit(limit))
        if programme_key:
            query = query.where(ProgrammeRow.key == programme_key)
        if groups is not None:
            group_ids = select(WorkingGroupRow.id).join(
                ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id).where(
                or_(*(and_(ProgrammeRow.key == p, WorkingGroupRow.key == g) for p, g in groups)))
            query = query.where(ActivityRow.working_group_id.in_(group_ids))
        rows = list(self.session.scalars(query))
        activities = self._activities_by_id(sorted({r.activity_id for r in rows}))
        return [(activities[r.activity_id], _update(r)) for r in rows
                if r.activity_id in activities]

    # -- programme files -------------------------------------------------------------------

    def load_programme(self, key: str) -> ProgrammeFile | None:
        from storage.programme_store import load_programme

        return load_programme(self.session, key)

    def save_programme(self, file: ProgrammeFile) -> ImportCounts:
        from storage.programme_store import save_programme

        return save_programme(self.session, file)

    # -- outbox / delivery ledger ----------------------------------------------------------

    @staticmethod
    def _delivery(row: DeliveryRow) -> Delivery:
        return Delivery(
            id=row.id, key=row.key, kind=row.kind, channel=row.channel,
            payload=dict(row.payload or {}), attempts=row.attempts, state=row.state,
            message_ts=row.message_ts, last_error=row.last_error,
            first_attempt_at=row.first_attempt_at,
        )

    def claim_delivery(
        self, key: str, kind: str, channel: str, payload: dict[str, Any], now: datetime,
    ) -> Delivery | None:
        """Insert the ledger row for `key`; None when it already exists (someone claimed it)."""
        # One statement that never fails on a race: the loser of two claims gets None.
        inserted = insert_missing(self.session, DeliveryRow, {
            "key": key, "kind": kind, "channel": channel, "payload": payload,
            "state": "pending", "attempts": 0, "created_at": now, "claimed_at": now,
            "next_attempt_at": now}, ["key"], returning=DeliveryRow.id)
        if inserted is None:
            return None
        return Delivery(id=int(inserted), key=key, kind=kind, channel=channel,
                        payload=dict(payload), attempts=0, state="pending")

    def list_pending_deliveries(self, now: datetime, limit: int = 100) -> list[Delivery]:
        rows = self.session.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.state.in_(("pending", "failed")),
                   or_(DeliveryRow.next_attempt_at.is_(None), DeliveryRow.next_attempt_at <= now))
            .order_by(DeliveryRow.id)
            .limit(limit)
        )
        return [self._delivery(r) for r in rows]

    def lock_delivery(self, delivery_id: int, now: datetime, lease: timedelta) -> Delivery | None:
        """Take a short lease on a pending row so that only one process posts it, and record
        the attempt (the caller commits before posting)."""
        row = self.session.get(DeliveryRow, delivery_id, with_for_update=True)
        if row is None or row.state == "sent":
            return None
        if row.next_attempt_at is not None and row.next_attempt_at > now:
            return None
        row.next_attempt_at = now + lease
        row.attempts += 1
        row.first_attempt_at = row.first_attempt_at or now
        row.last_attempt_at = now
        return self._delivery(row)

    def mark_delivered(self, delivery_id: int, message_ts: str | None, now: datetime) -> None:
        row = self.session.get(DeliveryRow, delivery_id)
        if row is not None:
            row.state, row.message_ts, row.sent_at, row.last_error = "sent", message_ts, now, None
            row.next_attempt_at = None

    def mark_failed(
        self, delivery_id: int, reason: str, retry_at: datetime | None, now: datetime,
    ) -> None:
        row = self.session.get(DeliveryRow, delivery_id)
        if row is not None:
            # Without a retry moment the row is done with (what it announced is gone): no
            # longer pending, so no sweep looks at it again and it counts in no backlog.
            row.state = "failed" if retry_at is not None else "gone"
            row.last_error = reason[:200]
            row.next_attempt_at = retry_at

    def retry_outage_failures(self, now: datetime, errors: frozenset[str],
                              before: datetime) -> int:
        """Rows that failed on an outage and wait for a retry before ``before``: due now.
        Returns how many. The caller commits."""
        result = self.session.execute(
            sql_update(DeliveryRow)
            .where(DeliveryRow.state == "failed", DeliveryRow.last_error.in_(sorted(errors)),
                   DeliveryRow.next_attempt_at > now, DeliveryRow.next_attempt_at <= before)
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def delivery_backlog(self, now: datetime) -> tuple[int, int, datetime | None]:
        """(rows due now, rows waiting for a later retry, when the oldest of them was queued):
        what the outbox still has to post (ix_deliveries_state)."""
        due = or_(DeliveryRow.next_attempt_at.is_(None), DeliveryRow.next_attempt_at <= now)
        row = self.session.execute(
            select(func.count().filter(due), func.count().filter(~due),
                   func.min(DeliveryRow.created_at))
            .where(DeliveryRow.state.in_(("pending", "failed")))).one()
        return int(row[0] or 0), int(row[1] or 0), row[2]

    def get_delivery(self, key: str) -> Delivery | None:
        row = self.session.scalar(select(DeliveryRow).where(DeliveryRow.key == key))
        return self._delivery(row) if row else None

    def get_delivery_by_message(self, channel: str, message_ts: str) -> Delivery | None:
        """The ledger row of a message the bot posted (ix_deliveries_message), or None."""
        row = self.session.scalar(
            select(DeliveryRow)
            .where(DeliveryRow.channel == channel, DeliveryRow.message_ts == message_ts)
            .order_by(DeliveryRow.id).limit(1))
        return self._delivery(row) if row else None

    # -- reminders, digests and the scheduler lease ----------------------------------------
    # Used by bot/services/reminders.py, digests.py and lease.py. Every query starts from a
    # due-date window or a short list of keys, so its cost follows what is due, not how many
    # activities the programme holds.

    def _scope(self, programme_key: str | None, group_key: str | None) -> list[Any]:
        """Conditions on ActivityRow alone (no joins) so that one index serves the query: a
        group by ix_activities_group_status_position, a programme by
        ix_activities_programme_status."""
        return _scope_conditions(programme_key or None, group_key or None)

    def _activities_by_id(self, ids: list[int]) -> dict[int, Activity]:
        """Activities (with owners and milestones) by row id; ids deleted meanwhile are absent."""
        found: dict[int, Activity] = {}
        for start in range(0, len(ids), 500):
            found.update(self._activities_from(_ACTIVITIES_BY_ID, {"ids": ids[start:start + 500]}))
        return found

    def _activities_by_ids(self, ids: list[int]) -> list[Activity]:
        """Activities for row ids, in the order given."""
        found = self._activities_by_id(ids)
        return [found[i] for i in ids if i in found]

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
        ids = {row_id for row_id, wanted in self.session.execute(statement, {
            name: value for name, value in parameters.items() if value}) if wanted}
        items = [item for activity in self._activities_by_ids(sorted(ids))
                 for item in _due_items(activity, start, end)]
        items.sort(key=lambda i: (i.due_value, i.activity.programme_key, i.activity.key,
                                  i.milestone or ""))
        return items

    def existing_delivery_keys(self, keys: list[str]) -> set[str]:
        found: set[str] = set()
        unique = sorted(set(keys))
        for start in range(0, len(unique), 500):
            found.update(self.session.scalars(
                select(DeliveryRow.key).where(DeliveryRow.key.in_(unique[start:start + 500]))))
        return found

    def fold_deliveries(self, keys: list[str], into: str, now: datetime) -> int:
        """Rows among `keys` not yet sent will never be: a newer message (`into`) replaces
        them. Returns how many were folded."""
        folded = 0
        unique = sorted(set(keys) - {into})
        for start in range(0, len(unique), 500):
            for row in self.session.scalars(
                select(DeliveryRow).where(DeliveryRow.key.in_(unique[start:start + 500]),
                                          DeliveryRow.state.in_(("pending", "failed")))
            ):
                row.state, row.next_attempt_at = "folded", None
                row.last_error = f"folded into {into}"[:200]
                folded += 1
        return folded

    def last_sent_at(self, kind: str, key_prefix: str, before: datetime) -> datetime | None:
        """When the latest `kind` row whose key starts with `key_prefix` was sent (before
        `before`); through ix_deliveries_kind_sent."""
        return self.session.scalar(
            select(DeliveryRow.sent_at)
            .where(DeliveryRow.kind == kind, DeliveryRow.sent_at.is_not(None),
                   DeliveryRow.sent_at < before,
                   DeliveryRow.key.startswith(key_prefix, autoescape=True))
            .order_by(DeliveryRow.sent_at.desc())
            .limit(1)
        )

    def list_sent_deliveries(self, kind: str, since: datetime) -> list[Delivery]:
        rows = self.session.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.kind == kind, DeliveryRow.sent_at >= since)
            .order_by(DeliveryRow.sent_at, DeliveryRow.id)
        )
        return [self._delivery(r) for r in rows]

    def add_reminder_hold(self, hold: ReminderHold) -> None:
        row = self._activity_row(hold.activity_id)
        if row is None:
            raise LookupError(str(hold.activity_id))
        self.session.add(ReminderHoldRow(
            activity_id=row.id, target=hold.target, reason=hold.reason, until=hold.until,
            by_user=hold.by, by_name=hold.by_name, at=hold.at, source=hold.source,
        ))
        self.session.flush()

    def list_reminder_holds(self, activity_ids: list[ActivityId], on: date) -> list[ReminderHold]:
        """The holds in force on `on` for these activities: per (activity, target) the latest
        button press, if it is a "done" or a snooze that lasts beyond `on`."""
        wanted = set(activity_ids)
        programme_keys = sorted({a.programme_key for a in wanted})
        keys = sorted({a.key for a in wanted})
        latest: dict[tuple[ActivityId, str], ReminderHold] = {}
        for start in range(0, len(keys), 500):
            rows = self.session.execute(
                select(ReminderHoldRow, ProgrammeRow.key, ActivityRow.key)
                .select_from(ProgrammeRow)
                .join(ActivityRow, ActivityRow.programme_id == ProgrammeRow.id)
                .join(ReminderHoldRow, ReminderHoldRow.activity_id == ActivityRow.id)
                .where(ProgrammeRow.key.in_(programme_keys),
                       ActivityRow.key.in_(keys[start:start + 500]))
                .order_by(ReminderHoldRow.at, ReminderHoldRow.id)
            )
            for hold, programme_key, activity_key in rows:
                activity_id = ActivityId(programme_key, activity_key)
                if activity_id in wanted:
                    latest[(activity_id, hold.target)] = ReminderHold(
                        activity_id=activity_id, target=hold.target, reason=hold.reason,
                        until=hold.until, by=hold.by_user, at=hold.at, by_name=hold.by_name,
                        source=hold.source)
        return [h for h in latest.values() if h.until is None or h.until > on]

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
        found = sorted(self.session.execute(
            select(ActivityRow.programme_id, ActivityRow.position, ActivityRow.id)
            .where(ActivityRow.status.in_(OPEN_STATUSES), ~recent,
                   *self._scope(programme_key, group_key))).all(), key=tuple)
        return self._activities_by_ids([row[-1] for row in found[:limit]]), len(found)

    def remember_request(self, key: str, now: datetime, keep: timedelta) -> bool:
        """Record a handled request; False when it was recorded before (a replay). Rows older
        than ``keep`` go first (one range delete on the seen_at index). The caller commits."""
        self.session.execute(delete(RequestReplayRow).where(RequestReplayRow.seen_at < now - keep))
        return bool(insert_missing(self.session, RequestReplayRow, {"key": key, "seen_at": now},
                                   ["key"]))

    def acquire_lease(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take or renew the lease `name` for `holder`; False while another holder's lease has
        not expired. The caller commits."""
        if insert_missing(self.session, SchedulerLeaseRow, {
                "name": name, "holder": holder, "acquired_at": now, "expires_at": now + ttl},
                ["name"]):
            return True
        row = self.session.get(SchedulerLeaseRow, name, with_for_update=True,
                               populate_existing=True)
        if row is None:  # released between the two statements: the next renewal takes it
            return False
        if row.holder != holder and row.expires_at > now:
            return False
        if row.holder != holder:
            row.holder, row.acquired_at = holder, now
        row.expires_at = now + ttl
        return True

    def release_lease(self, name: str, holder: str) -> None:
        row = self.session.get(SchedulerLeaseRow, name, with_for_update=True)
        if row is not None and row.holder == holder:
            self.session.delete(row)

    # -- users -----------------------------------------------------------------------------

    def get_user_locale(self, user_id: str) -> str | None:
        """Cached per process once known (storage/cache.py: LocaleCache): most requests then
        need no transaction for it."""
        cache = locale_cache(self.session)
        locale = cache.get(user_id)
        if locale is None:
            locale = self.session.scalar(
                select(UserRow.locale).where(UserRow.slack_user_id == user_id))
            if locale is not None:
                cache.put(user_id, locale)
        return locale

    def set_user_locale(self, user_id: str, locale: str | None, now: datetime) -> None:
        locale_cache(self.session).forget(user_id)
        # An upsert: two first commands of one user at the same moment both learn the locale.
        insert_or_update(self.session, UserRow,
                         {"slack_user_id": user_id, "locale": locale, "updated_at": now},
                         ["slack_user_id"], ["locale", "updated_at"])

    # -- privacy (AVG/GDPR): everything stored; forgetting one user -------------------------
    # Used by bot/services/privacy.py (`actiebot export --all`, `actiebot forget-user`).

    def _all_tables(self) -> list[Any]:
        """Every table in the database (reflected, so later migrations are included), typed by
        the ORM where it knows the table; Alembic's bookkeeping left out."""
        from sqlalchemy import MetaData

        from storage.models import Base

        reflected = MetaData()
        reflected.reflect(bind=self.session.connection())
        return [
            Base.metadata.tables.get(name, table)
            for name, table in sorted(reflected.tables.items())
            if name != "alembic_version"
        ]

    def export_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, ordered by primary key, as JSON-ready values."""
        exported: dict[str, list[dict[str, Any]]] = {}
        for table in self._all_tables():
            order = list(table.primary_key.columns) or list(table.columns)
            rows = self.session.execute(select(table).order_by(*order)).mappings()
            exported[table.name] = [{k: _json_ready(v) for k, v in row.items()} for row in rows]
        return exported

    def forget_user(
        self, user: str, pseudonym: str, rewrite_note: Callable[[str], str],
    ) -> dict[str, int]:
        """Pseudonymise `user` in the update log, reminder holds and deliveries; delete their
        member links and remembered locale. Returns how many rows each step changed."""

        changed = {"updates_authored": 0, "notes_mentioning": 0, "member_links_removed": 0,
                   "locale_removed": 0, "deliveries": 0}
        exact = _exact_id(user)
        like = _like_pattern(user)
        for update in self.session.scalars(
                select(StatusUpdateRow).where(StatusUpdateRow.author == user)):
            update.author, update.author_name = pseudonym, pseudonym
            changed["updates_authored"] += 1
        for update in self.session.scalars(
                select(StatusUpdateRow).where(StatusUpdateRow.note.like(like, escape="\\"))):
            note = rewrite_note(update.note)
            if note != update.note:
                update.note = note
                changed["notes_mentioning"] += 1
        for member in self.session.scalars(select(MemberRow).where(MemberRow.slack_user_id == user)):
            self.session.delete(member)
            changed["member_links_removed"] += 1
        locale_cache(self.session).forget(user)
        for account in self.session.scalars(select(UserRow).where(UserRow.slack_user_id == user)):
            self.session.delete(account)
            changed["locale_removed"] += 1
        holds = next((t for t in self._all_tables() if t.name == "reminder_holds"), None)
        if holds is not None:  # who snoozed a reminder or marked a milestone done: history
            from sqlalchemy import update as sql_update

            result = self.session.execute(
                sql_update(holds).where(holds.c.by_user == user)
                .values(by_user=pseudonym, by_name=pseudonym))
            changed["reminder_holds"] = int(result.rowcount or 0)  # type: ignore[attr-defined]
        for delivery in self.session.scalars(select(DeliveryRow)):
            channel = pseudonym if delivery.channel == user else delivery.channel
            key = exact.sub(pseudonym, delivery.key)
            payload = _replace_in(delivery.payload or {}, exact, pseudonym)
            if (channel, key, payload) != (delivery.channel, delivery.key, delivery.payload or {}):
                delivery.channel, delivery.key, delivery.payload = channel, key, payload
                changed["deliveries"] += 1
        self.session.flush()
        changed["other_rows"] = self._pseudonymise_everywhere(exact, _like_pattern(user), pseudonym)
        return changed

    def _pseudonymise_everywhere(self, exact: re.Pattern[str], like: str, pseudonym: str) -> int:
        """The catch-all: the id in any other text or JSON column of any table (a later
        migration's cache of channel members, say) becomes the pseudonym. Returns the rows."""
        from sqlalchemy import JSON, String, Text, and_, cast
        from sqlalchemy import update as sql_update

        changed = 0
        for table in self._all_tables():
            keys = list(table.primary_key.columns)
            if not keys:
                continue
            for column in table.columns:
                if not isinstance(column.type, JSON | String):
                    continue
                expression = cast(column, Text) if isinstance(column.type, JSON) else column
                rows = self.session.execute(
                    select(*keys, column).where(expression.like(like, escape="\\"))).all()
                for row in rows:
                    value = row[-1]
                    new = _replace_in(value, exact, pseudonym)
                    if new != value:
                        self.session.execute(
                            sql_update(table)
                            .where(and_(*(key == row[i] for i, key in enumerate(keys))))
                            .values({column.name: new}))
                        changed += 1
        return changed

    def count_mentions(self, text: str) -> dict[str, int]:
        """'table.column' -> how many rows hold the id `text` in that text or JSON column, as
        a whole id ("U12" is not counted inside "U123")."""
        from sqlalchemy import JSON, String, Text, cast

        like = _like_pattern(text)
        exact = _exact_id(text)
        found: dict[str, int] = {}
        for table in self._all_tables():
            for column in table.columns:
                if isinstance(column.type, JSON):
                    expression = cast(column, Text)
                elif isinstance(column.type, String):
                    expression = column
                else:
                    continue
                # LIKE narrows it down (SQLite's ignores case); the exact test is in Python
                values = self.session.scalars(
                    select(expression).where(expression.like(like, escape="\\")))
                count = sum(1 for value in values if exact.search(
                    value if isinstance(value, str) else json.dumps(value)))
                if count:
                    found[f"{table.name}.{column.name}"] = count
        return found


def _live_programme_ids() -> Any:
    """Programmes not archived by `actiebot rollover` (few rows; the subquery stays cheap)."""
    return select(ProgrammeRow.id).where(ProgrammeRow.succeeded_by.is_(None))


def _activity_select() -> Any:
    """An activity's own columns with its programme, group and goal keys and its owners: one
    row per owner (at least one per activity; the owner None when it has none), the owners in
    their order. Plain rows; owners are few, so joined rather than a query of their own."""
    return (
        select(ActivityRow.id, ActivityRow.key, ActivityRow.title, ActivityRow.theme,
               ActivityRow.result, ActivityRow.due_date, ActivityRow.due_precision,
               ActivityRow.status, ActivityRow.extra, ProgrammeRow.key, WorkingGroupRow.key,
               GoalRow.key, OwnerRow.name)
        .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
        .outerjoin(WorkingGroupRow, WorkingGroupRow.id == ActivityRow.working_group_id)
        .outerjoin(GoalRow, GoalRow.id == ActivityRow.goal_id)
        .outerjoin(OwnerRow, OwnerRow.activity_id == ActivityRow.id)
        .order_by(ActivityRow.id, OwnerRow.position, OwnerRow.id))


def _group_select() -> Any:
    """A working group's columns with its programme's key, in programme order."""
    return (
        select(ProgrammeRow.key, WorkingGroupRow.id, WorkingGroupRow.key, WorkingGroupRow.name,
               WorkingGroupRow.aliases, WorkingGroupRow.channel, WorkingGroupRow.reminders,
               WorkingGroupRow.extra)
        .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
        .order_by(ProgrammeRow.id, WorkingGroupRow.position, WorkingGroupRow.id))


# Built once: per request SQLAlchemy then skips building the statement and its cache key
# (measured: a sixth of the CPU of a `status` or `binnenkort` request). Parameter `ids`.
_ACTIVITIES_BY_ID = _activity_select().where(
    ActivityRow.id.in_(bindparam("ids", expanding=True)))
_ACTIVITY_BY_KEY = _activity_select().where(  # parameters `programme`, `key`
    ProgrammeRow.key == bindparam("programme"), ActivityRow.key == bindparam("key"))
_GROUP_BY_KEY = _group_select().where(  # parameters `programme`, `key`
    ProgrammeRow.key == bindparam("programme"), WorkingGroupRow.key == bindparam("key"))
_GROUPS_BY_CHANNEL = _group_select().where(  # parameter `channel`; archived programmes left out
    WorkingGroupRow.channel == bindparam("channel"), ProgrammeRow.succeeded_by.is_(None))
_MEMBERS_OF = (
    select(MemberRow.working_group_id, MemberRow.owner_name, MemberRow.slack_user_id)
    .where(MemberRow.working_group_id.in_(bindparam("ids", expanding=True)))
    .order_by(MemberRow.working_group_id, MemberRow.position, MemberRow.id))
# The latest update of activities given by programme and activity keys: from the programmes
# to their activities by (programme_id, key) (the key alone has no index of its own: a scan of
# every activity), then each one's latest by ix_status_updates_activity_at.
_LAST_UPDATES = (
    select(StatusUpdateRow, ProgrammeRow.key, ActivityRow.key)
    .select_from(ProgrammeRow)
    .join(ActivityRow, ActivityRow.programme_id == ProgrammeRow.id)
    .join(StatusUpdateRow, StatusUpdateRow.id == (
        select(StatusUpdateRow.id)
        .where(StatusUpdateRow.activity_id == ActivityRow.id)
        .order_by(StatusUpdateRow.at.desc(), StatusUpdateRow.id.desc())
        .limit(1).correlate(ActivityRow).scalar_subquery()))
    .where(ProgrammeRow.key.in_(bindparam("programme_keys", expanding=True)),
           ActivityRow.key.in_(bindparam("keys", expanding=True))))
_MILESTONES_OF = (
    select(MilestoneRow.activity_id, MilestoneRow.title, MilestoneRow.due_date,
           MilestoneRow.due_precision, MilestoneRow.extra)
    .where(MilestoneRow.activity_id.in_(bindparam("ids", expanding=True)))
    .order_by(MilestoneRow.activity_id, MilestoneRow.position, MilestoneRow.id))


@functools.cache
def _due_statement(from_start: bool, to_end: bool, by_programme: bool, by_group: bool) -> Any:
    """The statement of SqlRepository.find_open_due_items for one shape of window and scope,
    built once: parameters `start`, `end`, `programme_key`, `group_key` (those that apply).
    Rows: (activity id, whether it is open and in scope)."""
    scope = _scope_conditions(bindparam("programme_key") if by_programme else None,
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


def _scope_conditions(programme_key: Any, group_key: Any) -> list[Any]:
    """SqlRepository._scope for keys given as values or as bound parameters (None: no such
    part of the scope)."""
    if group_key is not None:
        groups = select(WorkingGroupRow.id).where(WorkingGroupRow.key == group_key)
        if programme_key is None:  # a group key alone may exist in several programmes
            return [ActivityRow.working_group_id.in_(
                groups.where(WorkingGroupRow.programme_id.in_(_live_programme_ids())))]
        group_id = (
            groups.join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
            .where(ProgrammeRow.key == programme_key).scalar_subquery())
        return [ActivityRow.working_group_id == group_id]
    if programme_key is not None:
        return [ActivityRow.programme_id == (
            select(ProgrammeRow.id).where(ProgrammeRow.key == programme_key)
            .scalar_subquery())]
    # no scope: every live programme (one archived by a rollover is history)
    return [ActivityRow.programme_id.in_(_live_programme_ids())]


@functools.cache
def _first_open_statement(by_programme: bool, by_group: bool) -> Any:
    """The statement of SqlRepository._first_open_ids for one shape of scope, built once
    (building a union of four subqueries costs more than running it): parameters
    `programme_key`, `group_key` and `limit`. Rows: (scope id, position, id)."""
    programme: Any = bindparam("programme_key") if by_programme else None
    group: Any = bindparam("group_key") if by_group else None
    conditions = _scope_conditions(programme, group)
    order = ((ActivityRow.working_group_id, ActivityRow.position, ActivityRow.id)
             if by_group and by_programme
             else (ActivityRow.programme_id, ActivityRow.position, ActivityRow.id))
    firsts = [
        select(*order).where(ActivityRow.status == status, *conditions)
        .order_by(*order).limit(bindparam("limit")).subquery()
        for status in OPEN_STATUSES]
    return union_all(*(select(*sub.c) for sub in firsts))


def _json_ready(value: Any) -> Any:
    """Database values as JSON: datetimes in UTC ISO 8601, dates ISO, bytes as hex."""
    from datetime import UTC

    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _like_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) matching rows that contain `text`."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _exact_id(user: str) -> re.Pattern[str]:
    """The id as a whole word: "U12" matches in "<@U12>" and "dm:U12:x", not in "U123"."""
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(user)}(?![A-Za-z0-9])")


def _replace_in(value: Any, exact: re.Pattern[str], new: str) -> Any:
    """Every whole-id match of `exact` replaced by `new` in every string of a JSON value."""
    if isinstance(value, str):
        return exact.sub(new, value)
    if isinstance(value, dict):
        return {exact.sub(new, k): _replace_in(v, exact, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_in(v, exact, new) for v in value]
    return value


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

