"""The update log: every status change, deadline move and added activity, newest or oldest first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, or_, select

from bot.domain.model import Activity, DueDate, Status, StatusUpdate
from bot.domain.ports import ActivityId
from storage.aggregates.rows import SessionRepository, due_of, update_of
from storage.models import ActivityRow, ProgrammeRow, StatusUpdateRow, WorkingGroupRow
from storage.occurrences import record_on_occurrence
from storage.versioning import remember_keys

HELD = "actiebot_held_activities"  # session.info: the activity rows a change holds (strongly)


class SqlUpdateLog(SessionRepository):
    """ports.UpdateLog on SQL."""

    def last_update(self, activity_id: ActivityId) -> StatusUpdate | None:
        updates = self.list_updates(activity_id, limit=1)
        return updates[0] if updates else None

    def list_updates(self, activity_id: ActivityId, limit: int = 50) -> list[StatusUpdate]:
        rows = self._rows(_UPDATES_OF, {"programme": activity_id.programme_key,
                                        "key": activity_id.key, "limit": limit})
        return [update_of(r) for r in rows]

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
        return [(activities[row.activity_id], update_of(row)) for row in rows
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
        return update_of(row) if row is not None else None

    def activity_state(self, activity_id: ActivityId) -> tuple[Status, DueDate | None] | None:
        """The activity's status and deadline as this transaction sees them (None: no such
        activity). In a write transaction the row stays held for `append_update`: a change
        reads its activity once, and after the append this reads nothing (a recurring
        activity may have moved on to its next occurrence)."""
        row = self._held_activity(activity_id)
        return None if row is None else (Status(row.status),
                                         due_of(row.due_date, row.due_precision))

    def _held_activity(self, activity_id: ActivityId) -> ActivityRow | None:
        """The activity's row, read once per transaction with its programme and group keys
        (which the change's scopes are named by, storage/versioning.py) and held until the
        session ends: the identity map alone holds rows weakly."""
        held: dict[ActivityId, ActivityRow] = self.session.info.setdefault(HELD, {})
        row = held.get(activity_id)
        if row is not None:
            return row
        found = self.session.execute(
            select(ActivityRow, WorkingGroupRow.key)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .outerjoin(WorkingGroupRow, WorkingGroupRow.id == ActivityRow.working_group_id)
            .where(ProgrammeRow.key == activity_id.programme_key,
                   ActivityRow.key == activity_id.key)).first()
        if found is None:
            return None
        row, group_key = found
        remember_keys(self.session, (row.programme_id, activity_id.programme_key),
                      (row.working_group_id, group_key))
        held[activity_id] = row
        return row

    def append_update(self, activity_id: ActivityId, update: StatusUpdate, source: str) -> int:
        """Append to the log; returns the new row's id (flushed)."""
        row = self._held_activity(activity_id)
        if row is None:
            raise LookupError(str(activity_id))
        log = StatusUpdateRow(
            activity_id=row.id, at=update.at, author=update.author,
            author_name=update.author_name, author_org=update.author_org,
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
        occurrence = record_on_occurrence(self.session, row, update, update.at)
        if occurrence is not None:  # set on the (autoflushed) row only when there is one: an
            log.occurrence = occurrence  # assignment would cost every update an UPDATE of it
        self.session.flush()
        return log.id

    def last_reschedule(self, activity_id: ActivityId) -> StatusUpdate | None:
        row = self._rows(_LAST_RESCHEDULE, {"programme": activity_id.programme_key,
                                            "key": activity_id.key}).first()
        return update_of(row) if row is not None else None

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
        return [(activities[r.activity_id], update_of(r)) for r in rows
                if r.activity_id in activities]


def _log_of() -> Any:
    """One activity's log rows (parameters `programme`, `key`), newest first, as plain rows.
    Its mapped attributes, not the table's columns: in many-workspace mode the workspace's
    filter (storage/tenancy.py) is added to statements on mapped classes."""
    return (
        select(*(a.class_attribute for a in StatusUpdateRow.__mapper__.column_attrs))
        .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
        .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
        .where(ProgrammeRow.key == bindparam("programme"), ActivityRow.key == bindparam("key"))
        .order_by(StatusUpdateRow.at.desc(), StatusUpdateRow.id.desc()))


# Built once (asked by `geschiedenis`, `status <ref>` and `wanneer`): parameters as _log_of's
_UPDATES_OF = _log_of().limit(bindparam("limit"))  # and `limit`
_LAST_RESCHEDULE = _log_of().where(StatusUpdateRow.event == "reschedule").limit(1)
