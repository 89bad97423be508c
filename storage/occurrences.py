"""Occurrences of recurring activities (migration 0018): planned at import, advanced by updates.

The activity row carries the current occurrence's deadline and status (the earliest occurrence
not done or cancelled: bot/domain/recurrence.py `current_index`), so questions, reminders, the
Home tab and the calendar need nothing else to show the current one. Closing the current
occurrence (`gereed`, `vervallen`) closes its row and moves the activity row on to the next.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from bot.domain.model import Activity, DueDate, Precision, ProgrammeFile, Status, StatusUpdate
from bot.domain.ports import ActivityId
from bot.domain.recurrence import RECURS_KEY, Occurrence, current_index, planned_dues
from storage.models import ActivityRow, OccurrenceRow, ProgrammeRow

_CHUNK = 500


def _occurrence(row: OccurrenceRow) -> Occurrence:
    return Occurrence(row.number, DueDate(row.due_date, Precision(row.due_precision)),
                      Status(row.status), row.closed_at)


def list_occurrences(session: Session, activity_pk: int) -> list[Occurrence]:
    return [_occurrence(r) for r in session.scalars(
        select(OccurrenceRow).where(OccurrenceRow.activity_id == activity_pk)
        .order_by(OccurrenceRow.number))]


class OccurrenceQueries:
    """The occurrence reads of the repository (bot/domain/ports.py Repository)."""

    session: Session

    def list_occurrences(self, activity_id: ActivityId) -> list[Occurrence]:
        pk = self.session.scalar(
            select(ActivityRow.id).join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.key == activity_id.programme_key,
                   ActivityRow.key == activity_id.key))
        return [] if pk is None else list_occurrences(self.session, pk)

    def list_programme_occurrences(self, programme_key: str) -> dict[str, list[Occurrence]]:
        """Every recurring activity's occurrences in a programme, by activity key."""
        found: dict[str, list[Occurrence]] = defaultdict(list)
        for key, row in self.session.execute(
            select(ActivityRow.key, OccurrenceRow)
            .join(ActivityRow, ActivityRow.id == OccurrenceRow.activity_id)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.key == programme_key)
            .order_by(OccurrenceRow.activity_id, OccurrenceRow.number)
        ):
            found[key].append(_occurrence(row))
        return dict(found)


def record_on_occurrence(session: Session, row: ActivityRow, update: StatusUpdate,
                         at: datetime) -> int | None:
    """Apply an update of a recurring activity to its current occurrence; returns that
    occurrence's number (None: the activity does not recur). Called after the activity row took
    the update's status and deadline: a moved deadline moves the current occurrence; a status
    that closes it closes its row and puts the next occurrence's deadline and status (not
    started) on the activity row. The last occurrence, closed, leaves the activity closed."""
    if RECURS_KEY not in (row.extra or {}):
        # occurrences exist only while the file says `recurs:` (sync_occurrences removes them
        # when it stops): an ordinary activity's update looks for none
        return None
    rows = list(session.scalars(
        select(OccurrenceRow).where(OccurrenceRow.activity_id == row.id)
        .order_by(OccurrenceRow.number)))
    if not rows:
        return None
    index = current_index([Status(r.status) for r in rows])
    if index is None:  # every occurrence closed: the update is about the last one
        return rows[-1].number
    current = rows[index]
    if update.moved and row.due_date is not None:
        current.due_date, current.due_precision = row.due_date, row.due_precision or "day"
    current.status = row.status
    if Status(row.status).is_closed:
        current.closed_at = at
        following = rows[index + 1] if index + 1 < len(rows) else None
        if following is not None:
            row.due_date, row.due_precision = following.due_date, following.due_precision
            row.status = following.status
    return current.number


def sync_occurrences(session: Session, programme_id: int, file: ProgrammeFile,
                     activity_ids: dict[str, int], now: datetime) -> int:
    """Plan the occurrences of the file's recurring activities and put each one's current
    occurrence on its activity row. Closed occurrences are history and stay as they are; an
    open one takes the file's planned deadline only when the plan for it changed since the last
    import (`planned_date`), so a deadline moved in Slack survives a re-import. Occurrences the
    plan no longer has are removed while open. An occurrence the file's update log closed
    (`updates[].occurrence`) starts closed. Returns the number of rows written."""
    planned = {a.key: planned_dues(a.due, a.extra, file.programme.extra) for a in file.activities}
    wanted_ids = [activity_ids[k] for k, dues in planned.items() if dues]
    having = set(session.scalars(
        select(OccurrenceRow.activity_id).join(ActivityRow, ActivityRow.id == OccurrenceRow.activity_id)
        .where(ActivityRow.programme_id == programme_id).distinct()))
    stopped = [activity_ids[k] for k, dues in planned.items()
               if not dues and activity_ids[k] in having]
    written = 0
    for start in range(0, len(stopped), _CHUNK):  # no longer recurring: no occurrences
        chunk = stopped[start:start + _CHUNK]
        session.execute(delete(OccurrenceRow).where(OccurrenceRow.activity_id.in_(chunk)))
        written += len(chunk)
    if not wanted_ids:
        return written
    existing: dict[int, dict[int, OccurrenceRow]] = defaultdict(dict)
    for start in range(0, len(wanted_ids), _CHUNK):
        for occ in session.scalars(select(OccurrenceRow).where(
                OccurrenceRow.activity_id.in_(wanted_ids[start:start + _CHUNK]))):
            existing[occ.activity_id][occ.number] = occ
    inserts: list[dict[str, Any]] = []
    for activity in file.activities:
        dues = planned[activity.key]
        if not dues:
            continue
        aid = activity_ids[activity.key]
        rows = existing.get(aid, {})
        closed_by_log = _closed_in_log(activity)
        for number, due in enumerate(dues, start=1):
            found = rows.get(number)
            if found is None:
                status, closed_at = closed_by_log.get(number, (Status.NOT_STARTED, None))
                inserts.append({"activity_id": aid, "number": number, "due_date": due.value,
                                "due_precision": due.precision.value,
                                "planned_date": due.value, "status": status.value,
                                "closed_at": closed_at})
            elif not Status(found.status).is_closed and found.planned_date != due.value:
                found.due_date, found.due_precision, found.planned_date = (
                    due.value, due.precision.value, due.value)
                written += 1
        for number, occ in rows.items():
            if number > len(dues) and not Status(occ.status).is_closed:
                session.delete(occ)
                written += 1
    if inserts:
        session.execute(insert(OccurrenceRow), inserts)
        written += len(inserts)
    session.flush()
    written += _put_current(session, wanted_ids, now)
    return written


def _closed_in_log(activity: Activity) -> dict[int, tuple[Status, datetime | None]]:
    """Occurrence number -> its last status in the file's update log, where that closed it."""
    last: dict[int, StatusUpdate] = {}
    for u in sorted(activity.updates, key=lambda u: u.at):
        if u.occurrence is not None:
            last[u.occurrence] = u
    return {n: (u.new_status, u.at) for n, u in last.items() if u.new_status.is_closed}


def _put_current(session: Session, activity_ids: list[int], now: datetime) -> int:
    """The activity row of each recurring activity carries its current occurrence. A status
    the row already has (set in Slack or by the file) applies to the current occurrence first:
    a closed one closes it and the row moves on."""
    written = 0
    for start in range(0, len(activity_ids), _CHUNK):
        chunk = activity_ids[start:start + _CHUNK]
        rows = {r.id: r for r in session.scalars(
            select(ActivityRow).where(ActivityRow.id.in_(chunk)))}
        occurrences: dict[int, list[OccurrenceRow]] = defaultdict(list)
        for occ in session.scalars(select(OccurrenceRow).where(
                OccurrenceRow.activity_id.in_(chunk)).order_by(OccurrenceRow.number)):
            occurrences[occ.activity_id].append(occ)
        for aid, row in rows.items():
            occs = occurrences.get(aid, [])
            index = current_index([Status(o.status) for o in occs])
            if index is None:
                continue  # all closed: the row keeps the last one's status
            current = occs[index]
            if Status(row.status).is_closed:
                current.status, current.closed_at = row.status, now
                index = current_index([Status(o.status) for o in occs])
                if index is None:
                    written += 1
                    continue
                current = occs[index]
                row.status = current.status
            if current.status != row.status:  # the row's open status is the current one's
                current.status = row.status
                written += 1
            if (row.due_date, row.due_precision) != (current.due_date, current.due_precision):
                row.due_date, row.due_precision = current.due_date, current.due_precision
                written += 1
    return written


def first_planned(session: Session, programme_id: int) -> dict[int, DueDate]:
    """The first occurrence's deadline of each recurring activity of a programme (what the
    file's `due:` says), by activity id: export writes it back instead of the current one."""
    found: dict[int, DueDate] = {}
    for aid, planned, precision in session.execute(
        select(OccurrenceRow.activity_id, OccurrenceRow.planned_date, OccurrenceRow.due_precision)
        .join(ActivityRow, ActivityRow.id == OccurrenceRow.activity_id)
        .where(ActivityRow.programme_id == programme_id, OccurrenceRow.number == 1)
    ):
        found[aid] = DueDate(planned, Precision(precision))
    return found
