"""The programme version: one counter that goes up in the same transaction as every change to
a programme (import, koppel, a status update, a new or moved activity), so that every worker and
replica sees with one cheap query whether what it cached is still current."""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, UOWTransaction

from storage.models import (
    ActivityRow,
    GoalRow,
    MemberRow,
    MilestoneRow,
    OwnerRow,
    ProgrammeRow,
    ProgrammeVersionRow,
    WorkingGroupRow,
)

PROGRAMME_ROWS = (ProgrammeRow, GoalRow, WorkingGroupRow, MemberRow, ActivityRow, OwnerRow,
                  MilestoneRow)


def programme_version(session: Session) -> int:
    """The current version (0 on a database without the counter row)."""
    return int(session.scalar(
        select(ProgrammeVersionRow.value).where(ProgrammeVersionRow.id == 1)) or 0)


def bump_programme_version(session: Session) -> None:
    # Through the connection, not the session: also safe inside a flush event.
    session.connection().execute(
        update(ProgrammeVersionRow).where(ProgrammeVersionRow.id == 1)
        .values(value=ProgrammeVersionRow.value + 1))


def bump_on_programme_change(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    """before_flush: any programme row added, changed or deleted through the ORM bumps the
    version in the same transaction (bulk statements call bump_programme_version themselves)."""
    for row in chain(session.new, session.deleted, session.dirty):
        if isinstance(row, PROGRAMME_ROWS) and (
            row in session.new or row in session.deleted or session.is_modified(row)
        ):
            bump_programme_version(session)
            return
