"""Rows that are "created if missing", in one statement that never fails on a race.

Reading first and inserting when nothing was found is a race: two requests of one user at the
same moment both find nothing, both insert, and the second fails on the unique key (on
PostgreSQL with an IntegrityError that aborts the whole transaction). Here the database decides
instead: PostgreSQL's ``INSERT … ON CONFLICT DO NOTHING`` / ``DO UPDATE`` and SQLite's
``INSERT … ON CONFLICT`` (``INSERT OR IGNORE``), built with SQLAlchemy's dialect inserts.
Every bookkeeping row goes through here: user locales, the delivery ledger, request replays,
the scheduler lease.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, model: Any) -> Any:
    """The dialect's insert of the model's table. On the table, not the mapped class: a plain
    (Core) statement, without the ORM's bulk-insert machinery, which a row of bookkeeping does
    not need (it was a third of an update's ledger insert, profiled)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(model.__table__)
    if name == "sqlite":
        return sqlite.insert(model.__table__)
    raise NotImplementedError(f"no upsert for the {name} dialect")  # pragma: no cover


def _column(model: Any, column: Any) -> Any:
    """The table's own column for a mapped attribute (``DeliveryRow.id``) or a column name."""
    return model.__table__.c[column if isinstance(column, str) else column.key]


def insert_missing(session: Session, model: Any, values: dict[str, Any],
                   conflict: Sequence[str], returning: Column[Any] | Any = None) -> Any:
    """Insert ``values`` unless a row with the same ``conflict`` columns exists.

    Returns whether a row was inserted, or, with ``returning``, that column of the inserted
    row (None when it existed already). The values travel as the statement's parameters, so
    whoever looks at the statement (storage/versioning.py: which ledger row is it?) reads them
    without compiling it."""
    statement = _insert(session, model).on_conflict_do_nothing(index_elements=list(conflict))
    # RETURNING tells whether a row went in on both backends (psycopg's rowcount may be -1).
    found = session.execute(statement.returning(
        _column(model, returning if returning is not None else conflict[0])), values).scalar()
    return found if returning is not None else found is not None


def insert_or_update(session: Session, model: Any, values: dict[str, Any],
                     conflict: Sequence[str], update: Sequence[str]) -> None:
    """Insert ``values``, or set the ``update`` columns of the row that has the same
    ``conflict`` columns."""
    statement = _insert(session, model)
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict),
        set_={name: getattr(statement.excluded, name) for name in update})
    session.execute(statement, values)
