"""Every query of a unit of work opened for one workspace sees only that workspace's rows.

One rule, one place: the unit of work puts the workspace in its session's `info`
(storage/uow.py), and `add_workspace_criteria` (a `do_orm_execute` hook on both session
makers) adds SQLAlchemy's `with_loader_criteria` for every table that belongs to a programme,
to every ORM SELECT, UPDATE and DELETE the session runs — also where the entity is joined or
only its columns are selected. A programme of another workspace, its groups, activities, goals
and indicators are then simply not there: looked up by key, channel, payload id or free text,
they are unknown, and a refusal can say nothing about them. The update log, holds, owners and
milestones are reached through their activity.

Caches keyed by what a query returns are keyed by the workspace too (`scoped_key`).
"""

from __future__ import annotations

from collections.abc import Hashable

from sqlalchemy import select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from storage.models import ActivityRow, GoalRow, IndicatorRow, ProgrammeRow, WorkingGroupRow

WORKSPACE = "actiebot_workspace"  # session.info key: the workspace served, when filtered


def scope_session(session: Session, workspace: str | None) -> None:
    if workspace is None:
        session.info.pop(WORKSPACE, None)
    else:
        session.info[WORKSPACE] = workspace


def workspace_of(session: Session) -> str | None:
    found = session.info.get(WORKSPACE)
    return str(found) if found is not None else None


def scoped_key(session: Session, key: Hashable) -> Hashable:
    """A cache key that is the workspace's own when the session serves one."""
    workspace = workspace_of(session)
    return key if workspace is None else ("workspace", workspace, key)


def add_workspace_criteria(state: ORMExecuteState) -> None:
    workspace = workspace_of(state.session)
    if workspace is None or not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # loading more of a row already allowed
    mine = select(ProgrammeRow.id).where(ProgrammeRow.workspace == workspace)
    state.statement = state.statement.options(
        with_loader_criteria(ProgrammeRow, ProgrammeRow.workspace == workspace,
                             include_aliases=True),
        *(with_loader_criteria(entity, entity.programme_id.in_(mine), include_aliases=True)
          for entity in (WorkingGroupRow, ActivityRow, GoalRow, IndicatorRow)))
