"""Whole programmes in and out of the database: idempotent upsert by keys, lossless load."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, selectinload

from bot.domain.model import (
    Activity,
    DueDate,
    Goal,
    Precision,
    Programme,
    ProgrammeFile,
    Status,
    StatusUpdate,
)
from bot.domain.ports import ImportCounts
from bot.domain.recurrence import RECURS_KEY
from storage.aggregates.groups import SqlGroups
from storage.aggregates.rows import activity_of, policy_data, update_of
from storage.cache import cycle_collection_paused
from storage.models import (
    ActivityRow,
    GoalRow,
    IndicatorRow,
    MemberRow,
    MilestoneRow,
    OwnerRow,
    ProgrammeRow,
    StatusUpdateRow,
    WorkingGroupRow,
)
from storage.occurrences import first_planned, sync_occurrences
from storage.report_queries import ReportQueries, put_value_row
from storage.upserts import insert_missing
from storage.versioning import bump_programme_version

IMPORT_AUTHOR = "import"
SUCCEEDED_BY = "succeeded_by"  # programme key in the file <-> programmes.succeeded_by


def _due_columns(due: DueDate | None) -> tuple[Any, str | None]:
    return (due.value, due.precision.value) if due else (None, None)


_CHUNK = 500  # ids per IN (...) list: well inside every backend's parameter limit


def _chunks(values: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _upsert(session: Session, table: Any, wanted: list[dict[str, Any]],
            existing: dict[str, dict[str, Any]]) -> tuple[int, int]:
    """Bulk insert the rows of `wanted` whose key is not in `existing`, bulk update those that
    differ (by primary key); one statement each. Returns (created, updated)."""
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for values in wanted:
        current = existing.get(values["key"])
        if current is None:
            inserts.append(values)
        elif any(current[k] != v for k, v in values.items()):
            updates.append({"id": current["id"], **values})
    if inserts:
        _insert(session, table, inserts)
    if updates:
        session.execute(update(table), updates)
    return len(inserts), len(updates)


def _insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``table``'s table as Core executemany statements, one per set of
    columns: the ORM's bulk insert spends as long per row in Python as the database does, and
    nothing here needs the rows in the session (the import reads ids back by key)."""
    by_columns: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_columns[frozenset(row)].append(row)
    for same in by_columns.values():
        session.execute(insert(table.__table__), same)


def _rows_by_key(session: Session, table: Any, columns: list[str],
                 programme_id: int) -> dict[str, dict[str, Any]]:
    query = select(table.id, table.key, *(getattr(table, c) for c in columns)).where(
        table.programme_id == programme_id)
    return {row.key: row._asdict() for row in session.execute(query)}


def save_programme(session: Session, file: ProgrammeFile) -> ImportCounts:
    """Insert or update everything in `file`; never deletes. Returns counts of what changed,
    and which statuses it changed and which (set in Slack) it kept.

    Linear in the file: per table one query for what is there and one bulk statement for what
    changes; no query per activity. The caller commits once.
    """
    with cycle_collection_paused():  # rows by the hundred thousand: see the helper
        return _save_programme(session, file)


def _save_programme(session: Session, file: ProgrammeFile) -> ImportCounts:
    counts = ImportCounts()
    p = file.programme
    # Created if missing and then locked, so that two imports of one programme at the same
    # moment take turns: the database decides which creates it (the other waits for that
    # commit), and the second reads what the first stored instead of inserting it again.
    if insert_missing(session, ProgrammeRow,
                      {"key": p.key, "name": p.name, "timezone": p.timezone, "admins": [],
                       "extra": {}, "file_extra": {}}, ["key"], returning=ProgrammeRow.id):
        counts["programmes_created"] += 1
    programme = session.scalars(
        select(ProgrammeRow).where(ProgrammeRow.key == p.key).with_for_update()
        .execution_options(populate_existing=True)).one()
    programme.name, programme.region, programme.timezone = p.name, p.region, p.timezone
    extra = dict(p.extra)
    if extra.get(SUCCEEDED_BY):  # archived by a rollover (a file never un-archives)
        programme.succeeded_by = str(extra.pop(SUCCEEDED_BY))
    extra.pop(SUCCEEDED_BY, None)
    programme.admin_channel, programme.extra, programme.file_extra = (
        p.admin_channel, extra, dict(file.extra))
    programme.admins = list(p.admins)
    session.flush()
    pid = programme.id

    # goals
    created, changed = _upsert(session, GoalRow, [
        {"programme_id": pid, "key": g.key, "name": g.name, "position": i, "extra": dict(g.extra)}
        for i, g in enumerate(file.goals)
    ], _rows_by_key(session, GoalRow, ["programme_id", "name", "position", "extra"], pid))
    counts["goals_created"] += created
    touched = created + changed
    goal_ids = {k: v["id"] for k, v in _rows_by_key(session, GoalRow, [], pid).items()}

    # working groups and their member links
    created, changed = _upsert(session, WorkingGroupRow, [
        {"programme_id": pid, "key": g.key, "name": g.name, "aliases": list(g.aliases),
         "channel": g.channel, "reminders": policy_data(g.reminders), "position": i,
         "extra": dict(g.extra)}
        for i, g in enumerate(file.working_groups)
    ], _rows_by_key(session, WorkingGroupRow,
                    ["programme_id", "name", "aliases", "channel", "reminders", "position",
                     "extra"], pid))
    counts["working_groups_created"] += created
    touched += created + changed
    group_ids = {k: v["id"] for k, v in _rows_by_key(session, WorkingGroupRow, [], pid).items()}
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for group_id, owner_name, user in session.execute(
        select(MemberRow.working_group_id, MemberRow.owner_name, MemberRow.slack_user_id)
        .join(WorkingGroupRow, WorkingGroupRow.id == MemberRow.working_group_id)
        .where(WorkingGroupRow.programme_id == pid)
        .order_by(MemberRow.working_group_id, MemberRow.position, MemberRow.id)
    ):
        members[group_id].append((owner_name, user))
    wanted_members = {
        group_ids[g.key]: [(name, uid) for name, ids in g.members.items() for uid in ids]
        for g in file.working_groups
    }
    stale = [gid for gid, wanted in wanted_members.items() if members.get(gid, []) != wanted]
    touched += _replace_children(session, MemberRow, MemberRow.working_group_id, stale, [
        {"working_group_id": gid, "owner_name": name, "slack_user_id": uid, "position": i}
        for gid in stale for i, (name, uid) in enumerate(wanted_members[gid])
    ])

    # activities: their own columns first; status after the update log is merged
    existing = _rows_by_key(session, ActivityRow, [
        "programme_id", "title", "theme", "result", "goal_id", "working_group_id", "due_date",
        "due_precision", "position", "extra", "status", "imported_status", "imported_due"], pid)
    created, changed = _upsert(session, ActivityRow, [
        {"programme_id": pid, "key": a.key, "title": a.title, "theme": a.theme,
         "result": a.result, "goal_id": goal_ids[a.goal] if a.goal else None,
         "working_group_id": group_ids[a.working_group] if a.working_group else None,
         "position": i, "extra": dict(a.extra)}
        | _deadline_columns(a, existing.get(a.key), counts)
        | ({"status": a.status.value, "imported_status": a.status.value}
           if a.key not in existing else {})
        for i, a in enumerate(file.activities)
    ], existing)
    counts["deadlines_changed"] += len(counts.deadlines_changed)
    counts["deadlines_kept"] += len(counts.deadlines_kept)
    counts["activities_created"] += created
    touched += created + changed
    activity_ids = (
        {k: v["id"] for k, v in existing.items()} if not created
        else {k: v["id"] for k, v in _rows_by_key(session, ActivityRow, [], pid).items()})
    fresh = {a.key for a in file.activities if a.key not in existing}

    # owners and milestones: the lists of the activities whose list changed are replaced
    owners: dict[int, list[str]] = defaultdict(list)
    for activity_id, name in session.execute(
        select(OwnerRow.activity_id, OwnerRow.name)
        .join(ActivityRow, ActivityRow.id == OwnerRow.activity_id)
        .where(ActivityRow.programme_id == pid)
        .order_by(OwnerRow.activity_id, OwnerRow.position)
    ):
        owners[activity_id].append(name)
    stale = [activity_ids[a.key] for a in file.activities
             if owners.get(activity_ids[a.key], []) != list(a.owners)]
    by_id = {activity_ids[a.key]: a for a in file.activities}
    touched += _replace_children(session, OwnerRow, OwnerRow.activity_id, stale, [
        {"activity_id": aid, "position": i, "name": name}
        for aid in stale for i, name in enumerate(by_id[aid].owners)
    ])
    milestones: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for activity_id, title, due_date, precision, extra in session.execute(
        select(MilestoneRow.activity_id, MilestoneRow.title, MilestoneRow.due_date,
               MilestoneRow.due_precision, MilestoneRow.extra)
        .join(ActivityRow, ActivityRow.id == MilestoneRow.activity_id)
        .where(ActivityRow.programme_id == pid)
        .order_by(MilestoneRow.activity_id, MilestoneRow.position)
    ):
        milestones[activity_id].append((title, due_date, precision, extra))

    def wanted_milestones(activity: Activity) -> list[tuple[Any, ...]]:
        return [(m.title, *_due_columns(m.due), dict(m.extra)) for m in activity.milestones]

    stale = [aid for aid, a in by_id.items() if milestones.get(aid, []) != wanted_milestones(a)]
    touched += _replace_children(session, MilestoneRow, MilestoneRow.activity_id, stale, [
        {"activity_id": aid, "position": i, "title": t, "due_date": d, "due_precision": pr,
         "extra": x}
        for aid in stale for i, (t, d, pr, x) in enumerate(wanted_milestones(by_id[aid]))
    ])

    # the update log and the statuses
    touched += _merge_statuses(session, file, existing, activity_ids, fresh, counts)
    session.flush()
    touched += sync_occurrences(session, pid, file, activity_ids, _now())
    touched += _save_indicators(session, pid, file, counts)
    if touched or counts.get("programmes_created"):
        bump_programme_version(session)
    return counts


def _save_indicators(session: Session, programme_id: int, file: ProgrammeFile,
                     counts: ImportCounts) -> int:
    """Upsert the file's indicators by key and their values by (period, breakdown); never
    deletes. Returns how many rows were created."""
    if not file.indicators and not file.indicator_values:
        return 0
    rows = {i.key: i for i in session.scalars(
        select(IndicatorRow).where(IndicatorRow.programme_id == programme_id))}
    for position, indicator in enumerate(file.indicators):
        row = rows.get(indicator.key)
        if row is None:
            row = rows[indicator.key] = IndicatorRow(programme_id=programme_id, key=indicator.key)
            session.add(row)
            counts["indicators_created"] += 1
        row.name, row.unit, row.source = indicator.name, indicator.unit, indicator.source
        row.breakdown, row.position, row.extra = (
            list(indicator.breakdown), position, dict(indicator.extra))
    session.flush()
    for value in file.indicator_values:
        if not put_value_row(session, rows[value.indicator].id, value):
            counts["indicator_values_added"] += 1
    return counts["indicators_created"] + counts["indicator_values_added"]


def due_token(due: DueDate | None) -> str:
    """A deadline as stored in `imported_due` (migration 0010): "2027-03-01:day", "-": none."""
    return f"{due.value.isoformat()}:{due.precision.value}" if due else "-"


def _deadline_columns(activity: Activity, row: dict[str, Any] | None,
                      counts: ImportCounts) -> dict[str, Any]:
    """The deadline to store. For an activity already in the database the file's deadline
    replaces the stored one only when the file's deadline itself changed since the last import
    (`imported_due`); otherwise a deadline moved in Slack is kept. Unknown (`imported_due`
    empty: stored before 0010 and moved in Slack since): kept."""
    in_file = _due_columns(activity.due)
    wanted = {"due_date": in_file[0], "due_precision": in_file[1],
              "imported_due": due_token(activity.due)}
    if row is None:
        return wanted
    if RECURS_KEY in activity.extra:
        # the row carries the current occurrence: storage/occurrences.py sets it
        return {"imported_due": wanted["imported_due"]}
    stored = _due(row["due_date"], row["due_precision"])
    if stored == activity.due:
        return wanted
    if row["imported_due"] is not None and row["imported_due"] != wanted["imported_due"]:
        counts.deadlines_changed.append((activity.key, stored, activity.due))
        return wanted
    counts.deadlines_kept.append((activity.key, stored, activity.due))
    return wanted | {"due_date": row["due_date"], "due_precision": row["due_precision"]}


def _due(value: Any, precision: str | None) -> DueDate | None:
    return DueDate(value, Precision(precision or "day")) if value is not None else None


def _replace_children(session: Session, table: Any, parent: Any, parent_ids: list[int],
                      rows: list[dict[str, Any]]) -> int:
    """Delete the children of `parent_ids` and insert `rows` in their place (bulk)."""
    for chunk in _chunks(parent_ids):
        session.execute(delete(table).where(parent.in_(chunk)))
    if rows:
        _insert(session, table, rows)
    return len(parent_ids)


def _merge_statuses(session: Session, file: ProgrammeFile, existing: dict[str, dict[str, Any]],
                    activity_ids: dict[str, int], fresh: set[str], counts: ImportCounts) -> int:
    """Append the file's updates that the log lacks, and set each activity's status.

    A status in the file is the starting status. For an activity already in the database the
    file's status changes it only when the file's status itself changed since the last import
    (`imported_status`); otherwise what was set in Slack is kept. File updates newer than the
    log's newest move the status as they did when they were made.
    """
    with_updates = [a for a in file.activities if a.updates]
    logged: dict[int, set[tuple[Any, ...]]] = defaultdict(set)
    newest: dict[int, Any] = {}
    if with_updates:
        wanted = sorted(activity_ids[a.key] for a in with_updates)
        for chunk in _chunks(wanted):
            for aid, at, author, new_status, note in session.execute(
                select(StatusUpdateRow.activity_id, StatusUpdateRow.at, StatusUpdateRow.author,
                       StatusUpdateRow.new_status, StatusUpdateRow.note)
                .where(StatusUpdateRow.activity_id.in_(chunk))
            ):
                logged[aid].add((at, author, new_status, note))
                newest[aid] = max(newest.get(aid, at), at)
    log_rows: list[dict[str, Any]] = []
    status_rows: list[dict[str, Any]] = []
    now = _now()
    for activity in file.activities:
        aid = activity_ids[activity.key]
        row = existing.get(activity.key)
        current = Status(row["status"]) if row else activity.status
        added: list[StatusUpdate] = []
        running = current
        for u in sorted(activity.updates, key=lambda u: u.at):
            identity = (u.at, u.author, u.new_status.value, u.note)
            if identity in logged[aid]:
                continue
            logged[aid].add(identity)
            log_rows.append({
                "activity_id": aid, "at": u.at, "author": u.author,
                "author_name": u.author_name, "author_org": u.author_org,
                "old_status": (u.old_status or running).value, "new_status": u.new_status.value,
                "note": u.note, "source": "import", "event": u.event,
                "old_due_date": _due_columns(u.old_due)[0],
                "old_due_precision": _due_columns(u.old_due)[1],
                "new_due_date": _due_columns(u.new_due)[0],
                "new_due_precision": _due_columns(u.new_due)[1],
                "occurrence": u.occurrence})
            running = u.new_status
            added.append(u)
        counts["updates_added"] += len(added)
        if added and (aid not in newest or added[-1].at >= newest[aid]):
            current = added[-1].new_status
        if activity.key in fresh:
            if activity.updates and activity.status != current:
                log_rows.append(_import_update(aid, now, current, activity.status))
                counts["updates_added"] += 1
                current = activity.status
        else:
            assert row is not None
            file_changed = (row["imported_status"] is not None
                            and row["imported_status"] != activity.status.value)
            if activity.status != current:
                if file_changed:
                    log_rows.append(_import_update(aid, now, current, activity.status))
                    counts["updates_added"] += 1
                    counts.changed.append((activity.key, current, activity.status))
                    current = activity.status
                else:
                    counts.kept.append((activity.key, current, activity.status))
        if not row or (current.value, activity.status.value) != (
                row["status"], row["imported_status"]):
            status_rows.append({"id": aid, "status": current.value,
                                "imported_status": activity.status.value})
    counts["statuses_changed"] += len(counts.changed)
    counts["statuses_kept"] += len(counts.kept)
    if log_rows:
        _insert(session, StatusUpdateRow, log_rows)
    if status_rows:
        session.execute(update(ActivityRow), status_rows)
    return len(log_rows) + len(status_rows)


def _import_update(activity_id: int, at: Any, old: Status, new: Status) -> dict[str, Any]:
    return {"activity_id": activity_id, "at": at, "author": IMPORT_AUTHOR, "author_name": None,
            "author_org": None, "old_status": old.value, "new_status": new.value, "note": "", "source": "import",
            "event": "update", "old_due_date": None, "old_due_precision": None,
            "new_due_date": None, "new_due_precision": None, "occurrence": None}


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def load_programme(session: Session, key: str) -> ProgrammeFile | None:
    programme = session.scalar(select(ProgrammeRow).where(ProgrammeRow.key == key))
    if programme is None:
        return None
    groups = SqlGroups(session)
    indicators = ReportQueries(session)
    goals = session.scalars(
        select(GoalRow).where(GoalRow.programme_id == programme.id)
        .order_by(GoalRow.position, GoalRow.id))
    updates: dict[int, list[StatusUpdate]] = {}
    for u in session.scalars(
        select(StatusUpdateRow).join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
        .where(ActivityRow.programme_id == programme.id)
        .order_by(StatusUpdateRow.at, StatusUpdateRow.id)
    ):
        updates.setdefault(u.activity_id, []).append(update_of(u))
    activity_rows = session.execute(
        select(ActivityRow, WorkingGroupRow.key, GoalRow.key)
        .outerjoin(WorkingGroupRow, WorkingGroupRow.id == ActivityRow.working_group_id)
        .outerjoin(GoalRow, GoalRow.id == ActivityRow.goal_id)
        .where(ActivityRow.programme_id == programme.id)
        .options(selectinload(ActivityRow.owners), selectinload(ActivityRow.milestones))
        .order_by(ActivityRow.position, ActivityRow.id)
    )
    planned = first_planned(session, programme.id)  # a recurring activity's `due:` is its first
    return ProgrammeFile(
        programme=Programme(
            key=programme.key, name=programme.name, region=programme.region,
            timezone=programme.timezone, admin_channel=programme.admin_channel,
            extra=dict(programme.extra or {}) | (
                {SUCCEEDED_BY: programme.succeeded_by} if programme.succeeded_by else {}),
            admins=tuple(programme.admins or ())),
        working_groups=tuple(g for _, g in groups.list_groups(key)),
        goals=tuple(Goal(g.key, g.name, dict(g.extra or {})) for g in goals),
        activities=tuple(
            _with_first_due(activity_of(row, key, group_key, goal_key,
                                        tuple(updates.get(row.id, ()))),
                            planned.get(row.id))
            for row, group_key, goal_key in activity_rows
        ),
        extra=dict(programme.file_extra or {}),
        indicators=tuple(i for _, i in indicators.list_indicators(key)),
        indicator_values=tuple(indicators.list_indicator_values(key)),
    )


def _with_first_due(activity: Activity, first: DueDate | None) -> Activity:
    return activity if first is None else replace(activity, due=first)
