"""The workspaces a many-workspace deployment serves: installed, uninstalled, purged.

The tokens themselves live in slack_sdk's installation store (tables `slack_installations` and
`slack_bots`, migration 0019), which the wiring (bot/installs.py) reads and writes through
slack_sdk. This module keeps what the operator and the retention rule need — team, name,
installed at, uninstalled at, last activity — and removes a workspace's rows. It never reads a
token column.

A workspace's key is its team id, or the enterprise id for an org-wide install on Enterprise
Grid (Bolt's `is_enterprise_install`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain import scopes
from bot.domain.model import ReminderPolicy
from bot.domain.workdays import CalendarSpec
from storage.aggregates.rows import OPEN_STATUSES, policy_of
from storage.models import (
    SLACK_BOTS,
    SLACK_INSTALLATIONS,
    ActivityRow,
    DeliveryRow,
    MilestoneRow,
    ProgrammeRow,
    StatusUpdateRow,
    WorkingGroupRow,
    WorkspaceRow,
)
from storage.versioning import bump_programme_version, record_changes, written_scopes


@dataclass(frozen=True, slots=True)
class WorkspaceInfo:
    team_id: str
    name: str | None
    installed_at: datetime | None
    uninstalled_at: datetime | None
    last_activity_at: datetime | None
    programmes: tuple[str, ...]
    installed: bool  # an installation (with its token) is in the store now


@dataclass(frozen=True, slots=True)
class Purged:
    team_id: str
    programmes: tuple[str, ...]
    deliveries: int
    installations: int


def record_install(engine: Engine, team_id: str, enterprise_id: str | None, name: str | None,
                   at: datetime) -> None:
    """An install (or a re-install within the retention period, which keeps the data)."""
    with Session(engine) as session, session.begin():
        row = session.get(WorkspaceRow, team_id)
        if row is None:
            session.add(WorkspaceRow(team_id=team_id, enterprise_id=enterprise_id, name=name,
                                     installed_at=at, last_activity_at=at))
        else:
            row.enterprise_id, row.uninstalled_at = enterprise_id, None
            row.name = name or row.name
            row.installed_at = row.installed_at or at
            row.last_activity_at = at


def record_uninstall(engine: Engine, team_id: str, at: datetime) -> None:
    """The app was uninstalled or its bot token revoked: the installation rows go at once
    (sweeps stop: they find no token), the data is kept until the retention period ends."""
    with Session(engine) as session, session.begin():
        _delete_installations(session, team_id)
        row = session.get(WorkspaceRow, team_id)
        if row is None:
            session.add(WorkspaceRow(team_id=team_id, uninstalled_at=at))
        elif row.uninstalled_at is None:
            row.uninstalled_at = at


def _delete_installations(session: Session, team_id: str) -> int:
    removed = 0
    for table in (SLACK_INSTALLATIONS, SLACK_BOTS):
        result = session.execute(delete(table).where(or_(
            table.c.team_id == team_id,
            (table.c.enterprise_id == team_id) & table.c.team_id.is_(None))))
        removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return removed


def installed_teams(engine: Engine) -> set[str]:
    """The workspaces with an installation in the store now (team id, or enterprise id for an
    org-wide install)."""
    with engine.connect() as connection:
        rows = connection.execute(select(SLACK_BOTS.c.team_id, SLACK_BOTS.c.enterprise_id)).all()
    return {team or enterprise for team, enterprise in rows if team or enterprise}


@dataclass(frozen=True, slots=True)
class ReminderOutlook:
    """What a workspace's reminder sweep could find, read for all workspaces at once: the
    earliest deadline among the open activities (and their milestones) of its live
    programmes, and the calendars and reminder rules that decide how far ahead a sweep looks."""

    earliest_due: date | None
    calendars: tuple[CalendarSpec | None, ...]  # each programme's (None: the default)
    policies: tuple[ReminderPolicy, ...]  # each working group's


def reminder_outlooks(engine: Engine) -> dict[str, ReminderOutlook]:
    """Per workspace, its ReminderOutlook: four grouped queries however many workspaces there
    are, so that the scheduler sweeps only the workspaces with something due
    (bot/installs.py `with_reminders_due`) instead of opening every workspace's programme."""
    open_status = ActivityRow.status.in_(OPEN_STATUSES)
    with engine.connect() as connection:
        programmes = connection.execute(select(
            ProgrammeRow.id, ProgrammeRow.workspace, ProgrammeRow.extra,
            ProgrammeRow.archived_at).where(ProgrammeRow.workspace.is_not(None))).all()
        groups = connection.execute(select(
            WorkingGroupRow.programme_id, WorkingGroupRow.reminders)).all()
        earliest: list[Any] = list(connection.execute(
            select(ActivityRow.programme_id, func.min(ActivityRow.due_date))
            .where(open_status, ActivityRow.due_date.is_not(None))
            .group_by(ActivityRow.programme_id)))
        earliest += connection.execute(
            select(ActivityRow.programme_id, func.min(MilestoneRow.due_date))
            .join(MilestoneRow, MilestoneRow.activity_id == ActivityRow.id)
            .where(open_status, MilestoneRow.due_date.is_not(None))
            .group_by(ActivityRow.programme_id)).all()
    workspace_of = {pid: str(team) for pid, team, _extra, _archived in programmes}
    live = {pid for pid, _team, _extra, archived in programmes if archived is None}
    calendars: dict[str, list[CalendarSpec | None]] = {}
    for _pid, team, extra, _archived in programmes:
        calendars.setdefault(str(team), []).append(_spec((extra or {}).get("calendar")))
    rules: dict[str, list[ReminderPolicy]] = {}
    for pid, reminders in groups:
        if pid in workspace_of:
            rules.setdefault(workspace_of[pid], []).append(policy_of(reminders))
    first: dict[str, date] = {}
    for pid, due in earliest:
        if pid in live and due is not None:
            team = workspace_of[pid]
            first[team] = min(due, first.get(team, due))
    return {team: ReminderOutlook(first.get(team), tuple(specs), tuple(rules.get(team, ())))
            for team, specs in calendars.items()}


def _spec(mapping: Any) -> CalendarSpec | None:
    if mapping is None:
        return None
    try:
        return CalendarSpec.from_mapping(mapping)
    except ValueError:
        return CalendarSpec()  # as bot/domain/workdays.py calendar_spec reads it


def list_workspaces(engine: Engine) -> list[WorkspaceInfo]:
    """Every workspace known: installed, or uninstalled and not yet purged."""
    installed = installed_teams(engine)
    with Session(engine) as session:
        rows = {row.team_id: row for row in session.scalars(select(WorkspaceRow))}
        programmes: dict[str, list[str]] = {}
        for team, key in session.execute(
                select(ProgrammeRow.workspace, ProgrammeRow.key)
                .where(ProgrammeRow.workspace.is_not(None)).order_by(ProgrammeRow.key)):
            programmes.setdefault(str(team), []).append(key)
        latest = dict(session.execute(
            select(ProgrammeRow.workspace, func.max(StatusUpdateRow.at))
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.workspace.is_not(None))
            .group_by(ProgrammeRow.workspace)).all())
    teams = sorted(set(rows) | installed | set(programmes))
    found = []
    for team in teams:
        row = rows.get(team)
        activity = [t for t in (row.last_activity_at if row else None, latest.get(team)) if t]
        found.append(WorkspaceInfo(
            team, row.name if row else None, row.installed_at if row else None,
            row.uninstalled_at if row else None, max(activity) if activity else None,
            tuple(programmes.get(team, ())), team in installed))
    return found


def due_for_purge(engine: Engine, now: datetime, retention_days: int) -> list[str]:
    """Workspaces uninstalled more than `retention_days` ago (and not installed again)."""
    limit = now - timedelta(days=retention_days)
    with Session(engine) as session:
        return list(session.scalars(
            select(WorkspaceRow.team_id).where(WorkspaceRow.uninstalled_at.is_not(None),
                                               WorkspaceRow.uninstalled_at <= limit)
            .order_by(WorkspaceRow.team_id)))


def purge_workspace(engine: Engine, team_id: str) -> Purged:
    """Everything of one workspace, in one transaction: its programmes with every row that
    hangs off them (groups, activities, owners, milestones, the update log, reminder holds,
    indicators: ON DELETE CASCADE), the delivery ledger of their channels, its installation
    rows and its own row. The programme and data versions go up, so every process drops what
    it kept of them (index, answers)."""
    with Session(engine) as session, session.begin():
        programmes = session.execute(
            select(ProgrammeRow.id, ProgrammeRow.key, ProgrammeRow.admin_channel)
            .where(ProgrammeRow.workspace == team_id)).all()
        ids = [row.id for row in programmes]
        channels = {row.admin_channel for row in programmes if row.admin_channel}
        if ids:
            channels |= {c for c in session.scalars(
                select(WorkingGroupRow.channel).where(WorkingGroupRow.programme_id.in_(ids)))
                if c}
        deliveries = _delete_deliveries(session, channels)
        if ids:
            session.execute(delete(ProgrammeRow).where(ProgrammeRow.id.in_(ids)))
        installations = _delete_installations(session, team_id)
        session.execute(delete(WorkspaceRow).where(WorkspaceRow.team_id == team_id))
        bump_programme_version(session)
        _everything_changed(session)
    return Purged(team_id, tuple(sorted(row.key for row in programmes)), deliveries,
                  installations)


def _delete_deliveries(session: Session, channels: Iterable[str]) -> int:
    channels = sorted(channels)
    removed = 0
    for start in range(0, len(channels), 500):
        result = session.execute(delete(DeliveryRow).where(
            DeliveryRow.channel.in_(channels[start:start + 500])))
        removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return removed


def programme_workspaces(engine: Engine) -> dict[str, str | None]:
    """Programme key -> the workspace it was imported into (None: single-workspace mode)."""
    with engine.connect() as connection:
        return dict(connection.execute(select(ProgrammeRow.key, ProgrammeRow.workspace))
                    .all())


def channel_workspaces(engine: Engine) -> dict[str, set[str]]:
    """Channel id -> the workspaces whose programmes post in it (a group's channel or a
    programme's admin channel); a Slack Connect channel may serve more than one."""
    found: dict[str, set[str]] = {}
    with engine.connect() as connection:
        for channel, team in connection.execute(
                select(WorkingGroupRow.channel, ProgrammeRow.workspace)
                .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
                .where(WorkingGroupRow.channel.is_not(None), ProgrammeRow.workspace.is_not(None))):
            found.setdefault(str(channel), set()).add(str(team))
        for channel, team in connection.execute(
                select(ProgrammeRow.admin_channel, ProgrammeRow.workspace)
                .where(ProgrammeRow.admin_channel.is_not(None),
                       ProgrammeRow.workspace.is_not(None))):
            found.setdefault(str(channel), set()).add(str(team))
    return found


def assign_programme(engine: Engine, programme_key: str, team_id: str | None) -> None:
    """Set the workspace a programme belongs to (the import's `--workspace`)."""
    with Session(engine) as session, session.begin():
        session.execute(update(ProgrammeRow).where(ProgrammeRow.key == programme_key)
                        .values(workspace=team_id))
        _everything_changed(session)


def _everything_changed(session: Session) -> None:
    """The data version goes up, with every scope changed: each process's read cache (the
    index, the kept answers) starts afresh. Called last before the commit."""
    written_scopes(session).add(scopes.EVERYTHING)
    record_changes(session)
