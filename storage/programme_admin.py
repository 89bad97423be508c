"""What the operator's commands ask of the database about whole programmes: the changes made
since an export was written (`import` of a stale file), and the overview `actiebot programmes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import Session

from storage.db import reading
from storage.models import (
    ActivityRow,
    IndicatorRow,
    IndicatorValueRow,
    ProgrammeRow,
    StatusUpdateRow,
)


@dataclass(frozen=True, slots=True)
class Change:
    """One change stored after a moment: an update, a moved deadline, an indicator value."""

    at: datetime
    what: str  # activity key or "indicator <key>"
    kind: str  # "update" | "reschedule" | … | "indicator"
    author: str


def changes_since(engine: Engine, programme_key: str, since: datetime,
                  limit: int = 5) -> tuple[int, list[Change]]:
    """How many changes were stored for the programme after ``since``, and the latest few."""
    updates = (
        select(StatusUpdateRow.at, ActivityRow.key, StatusUpdateRow.event,
               StatusUpdateRow.author)
        .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
        .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
        .where(ProgrammeRow.key == programme_key, StatusUpdateRow.at > since))
    values = (
        select(IndicatorValueRow.recorded_at, IndicatorRow.key, IndicatorValueRow.recorded_by)
        .join(IndicatorRow, IndicatorRow.id == IndicatorValueRow.indicator_id)
        .join(ProgrammeRow, ProgrammeRow.id == IndicatorRow.programme_id)
        .where(ProgrammeRow.key == programme_key, IndicatorValueRow.recorded_at > since,
               IndicatorValueRow.recorded_by != "import"))
    with reading(engine).connect() as connection:
        found = [Change(at, key, event or "update", author)
                 for at, key, event, author in connection.execute(updates)]
        found += [Change(at, f"indicator {key}", "indicator", by or "?")
                  for at, key, by in connection.execute(values) if at is not None]
    found.sort(key=lambda c: c.at, reverse=True)
    return len(found), found[:limit]


BEFORE_ANY_CHANGE = datetime(1970, 1, 1, tzinfo=UTC)


def last_change(engine: Engine, programme_key: str) -> datetime:
    """The moment of the programme's latest stored change (an update, a moved deadline, an
    indicator value), or BEFORE_ANY_CHANGE: what an export holds changes up to, so that two
    exports of the same data are the same file."""
    updates = (
        select(func.max(StatusUpdateRow.at))
        .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
        .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
        .where(ProgrammeRow.key == programme_key))
    values = (
        select(func.max(IndicatorValueRow.recorded_at))
        .join(IndicatorRow, IndicatorRow.id == IndicatorValueRow.indicator_id)
        .join(ProgrammeRow, ProgrammeRow.id == IndicatorRow.programme_id)
        .where(ProgrammeRow.key == programme_key, IndicatorValueRow.recorded_by != "import"))
    with reading(engine).connect() as connection:
        found = [connection.execute(updates).scalar(), connection.execute(values).scalar()]
    return max([BEFORE_ANY_CHANGE, *(at for at in found if at is not None)])


@dataclass(frozen=True, slots=True)
class ProgrammeSummary:
    key: str
    name: str
    activities: int
    open: int
    last_change: datetime | None
    archived: bool
    successor: str | None = None  # archived by `actiebot rollover` into this programme
    workspace: str | None = None  # the Slack team it was imported into (many workspaces)


def programme_summaries(engine: Engine, open_statuses: frozenset[str]) -> list[ProgrammeSummary]:
    """Every programme with its counts and the moment of its last logged change."""
    counts = (
        select(ActivityRow.programme_id, func.count().label("n"),
               func.sum(case((ActivityRow.status.in_(sorted(open_statuses)), 1), else_=0)
                        ).label("open"))
        .group_by(ActivityRow.programme_id).subquery())
    last = (
        select(ActivityRow.programme_id, func.max(StatusUpdateRow.at).label("at"))
        .join(StatusUpdateRow, StatusUpdateRow.activity_id == ActivityRow.id)
        .group_by(ActivityRow.programme_id).subquery())
    statement = (
        select(ProgrammeRow, counts.c.n, counts.c.open, last.c.at)
        .outerjoin(counts, counts.c.programme_id == ProgrammeRow.id)
        .outerjoin(last, last.c.programme_id == ProgrammeRow.id)
        .order_by(ProgrammeRow.id))
    with Session(reading(engine)) as session:
        return [ProgrammeSummary(row.key, row.name, int(n or 0), int(open_ or 0), at,
                                 _archived(row), row.succeeded_by, row.workspace)
                for row, n, open_, at in session.execute(statement)]


def _archived(row: ProgrammeRow) -> bool:
    return bool(row.succeeded_by) or row.archived_at is not None

