"""Whole programmes in and out of the database: idempotent upsert by keys, lossless load."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.domain.model import (
    Activity,
    DueDate,
    Goal,
    Programme,
    ProgrammeFile,
    Status,
    StatusUpdate,
)
from storage.models import (
    ActivityRow,
    GoalRow,
    MemberRow,
    MilestoneRow,
    OwnerRow,
    ProgrammeRow,
    StatusUpdateRow,
    WorkingGroupRow,
)
from storage.repository import SqlRepository, _policy_data

IMPORT_AUTHOR = "import"


def _due_columns(due: DueDate | None) -> tuple[Any, str | None]:
    return (due.value, due.precision.value) if due else (None, None)


def save_programme(session: Session, file: ProgrammeFile) -> dict[str, int]:
    """Insert or update everything in `file`; never deletes. Returns counts of what changed."""
    counts: Counter[str] = Counter()
    p = file.programme
    programme = session.scalar(select(ProgrammeRow).where(ProgrammeRow.key == p.key))
    if programme is None:
        programme = ProgrammeRow(key=p.key)
        session.add(programme)
        counts["programmes_created"] += 1
    programme.name, programme.region, programme.timezone = p.name, p.region, p.timezone
    programme.admin_channel, programme.extra, programme.file_extra = (
        p.admin_channel, dict(p.extra), dict(file.extra))
    session.flush()

    goals = {g.key: g for g in session.scalars(
        select(GoalRow).where(GoalRow.programme_id == programme.id))}
    for position, goal in enumerate(file.goals):
        goal_row = goals.get(goal.key)
        if goal_row is None:
            goal_row = goals[goal.key] = GoalRow(programme_id=programme.id, key=goal.key)
            session.add(goal_row)
            counts["goals_created"] += 1
        goal_row.name, goal_row.position, goal_row.extra = goal.name, position, dict(goal.extra)

    groups = {g.key: g for g in session.scalars(
        select(WorkingGroupRow).where(WorkingGroupRow.programme_id == programme.id)
        .options(selectinload(WorkingGroupRow.members)))}
    for position, group in enumerate(file.working_groups):
        grow = groups.get(group.key)
        if grow is None:
            grow = groups[group.key] = WorkingGroupRow(programme_id=programme.id, key=group.key)
            session.add(grow)
            counts["working_groups_created"] += 1
        grow.name, grow.aliases, grow.channel = group.name, list(group.aliases), group.channel
        grow.reminders, grow.position, grow.extra = (
            _policy_data(group.reminders), position, dict(group.extra))
        wanted = [(name, uid) for name, ids in group.members.items() for uid in ids]
        if [(m.owner_name, m.slack_user_id) for m in grow.members] != wanted:
            grow.members = [
                MemberRow(owner_name=name, slack_user_id=uid, position=i)
                for i, (name, uid) in enumerate(wanted)
            ]
    session.flush()

    activities = {a.key: a for a in session.scalars(
        select(ActivityRow).where(ActivityRow.programme_id == programme.id)
        .options(selectinload(ActivityRow.owners), selectinload(ActivityRow.milestones)))}
    for position, activity in enumerate(file.activities):
        row = activities.get(activity.key)
        created = row is None
        if row is None:
            row = activities[activity.key] = ActivityRow(
                programme_id=programme.id, key=activity.key, status=Status.NOT_STARTED.value)
            session.add(row)
            counts["activities_created"] += 1
        row.title, row.theme, row.result = activity.title, activity.theme, activity.result
        row.goal_id = goals[activity.goal].id if activity.goal else None
        row.working_group_id = groups[activity.working_group].id if activity.working_group else None
        row.due_date, row.due_precision = _due_columns(activity.due)
        row.position, row.extra = position, dict(activity.extra)
        if [o.name for o in row.owners] != list(activity.owners):
            row.owners = [OwnerRow(position=i, name=n) for i, n in enumerate(activity.owners)]
        milestones = [(m.title, *_due_columns(m.due), m.extra) for m in activity.milestones]
        if [(m.title, m.due_date, m.due_precision, m.extra) for m in row.milestones] != milestones:
            row.milestones = [
                MilestoneRow(position=i, title=t, due_date=d, due_precision=pr, extra=dict(x))
                for i, (t, d, pr, x) in enumerate(milestones)
            ]
        session.flush()
        counts["updates_added"] += _merge_updates(session, row, activity, created)
    return dict(counts)


def _merge_updates(session: Session, row: ActivityRow, activity: Activity, created: bool) -> int:
    """Append the file's updates that the log lacks; a changed `status` becomes an update too."""
    existing = {
        (u.at, u.author, u.new_status, u.note)
        for u in session.scalars(select(StatusUpdateRow).where(StatusUpdateRow.activity_id == row.id))
    }
    added = 0
    current = Status(row.status)
    for update in sorted(activity.updates, key=lambda u: u.at):
        identity = (update.at, update.author, update.new_status.value, update.note)
        if identity in existing:
            continue
        session.add(StatusUpdateRow(
            activity_id=row.id, at=update.at, author=update.author,
            author_name=update.author_name,
            old_status=(update.old_status or current).value, new_status=update.new_status.value,
            note=update.note, source="import",
        ))
        existing.add(identity)
        current = update.new_status
        added += 1
    if activity.status != current:
        if created and not activity.updates:
            current = activity.status  # a new activity simply starts in its given status
        else:
            session.add(StatusUpdateRow(
                activity_id=row.id, at=_now(), author=IMPORT_AUTHOR, author_name=None,
                old_status=current.value, new_status=activity.status.value, note="",
                source="import",
            ))
            current = activity.status
            added += 1
    row.status = current.value
    return added


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def load_programme(session: Session, key: str) -> ProgrammeFile | None:
    programme = session.scalar(select(ProgrammeRow).where(ProgrammeRow.key == key))
    if programme is None:
        return None
    repo = SqlRepository(session)
    goals = session.scalars(
        select(GoalRow).where(GoalRow.programme_id == programme.id)
        .order_by(GoalRow.position, GoalRow.id))
    updates: dict[int, list[StatusUpdate]] = {}
    for u in session.scalars(
        select(StatusUpdateRow).join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
        .where(ActivityRow.programme_id == programme.id)
        .order_by(StatusUpdateRow.at, StatusUpdateRow.id)
    ):
        updates.setdefault(u.activity_id, []).append(StatusUpdate(
            at=u.at, author=u.author, old_status=Status(u.old_status) if u.old_status else None,
            new_status=Status(u.new_status), note=u.note, author_name=u.author_name))
    activity_rows = session.execute(
        select(ActivityRow, WorkingGroupRow.key, GoalRow.key)
        .outerjoin(WorkingGroupRow, WorkingGroupRow.id == ActivityRow.working_group_id)
        .outerjoin(GoalRow, GoalRow.id == ActivityRow.goal_id)
        .where(ActivityRow.programme_id == programme.id)
        .options(selectinload(ActivityRow.owners), selectinload(ActivityRow.milestones))
        .order_by(ActivityRow.position, ActivityRow.id)
    )
    return ProgrammeFile(
        programme=Programme(
            key=programme.key, name=programme.name, region=programme.region,
            timezone=programme.timezone, admin_channel=programme.admin_channel,
            extra=dict(programme.extra or {})),
        working_groups=tuple(g for _, g in repo.list_groups(key)),
        goals=tuple(Goal(g.key, g.name, dict(g.extra or {})) for g in goals),
        activities=tuple(
            SqlRepository._activity(row, key, group_key, goal_key,
                                    tuple(updates.get(row.id, ())))
            for row, group_key, goal_key in activity_rows
        ),
        extra=dict(programme.file_extra or {}),
    )
