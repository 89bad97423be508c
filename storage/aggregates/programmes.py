"""Programmes and their goals; a whole programme file loaded or saved (storage/programme_store.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.domain.model import Goal, Programme, ProgrammeFile
from bot.domain.ports import ImportCounts
from storage import programme_store
from storage.aggregates.rows import SessionRepository
from storage.cache import programme_cache, programmes_changed
from storage.models import GoalRow, ProgrammeRow


class SqlProgrammes(SessionRepository):
    """ports.ProgrammeRepository on SQL."""

    @staticmethod
    def _programme(row: Any) -> Programme:
        """A ProgrammeRow, or a plain row of its table's columns."""
        return Programme(
            key=row.key, name=row.name, region=row.region, timezone=row.timezone,
            admin_channel=row.admin_channel, extra=dict(row.extra or {}),
            admins=tuple(row.admins or ()), archived=row.archived_at is not None,
        )

    def _kept_programmes(self) -> _Programmes:
        """Every programme, kept in the process's read cache by the rule (storage/cache.py):
        one query after a programme changed, none otherwise."""
        def load() -> _Programmes:
            return _Programmes([(self._programme(r), r.succeeded_by is None)
                                for r in self._rows(_ALL_PROGRAMMES)])

        return programme_cache(self.session).kept(
            self.session, "programmes", load, programmes_changed)

    def list_programmes(self, live_only: bool = False) -> list[Programme]:
        """In the order they were loaded; `live_only`: leaving out those archived by a
        rollover or by the operator."""
        return [p for p, not_succeeded in self._kept_programmes().ordered
                if not live_only or (not_succeeded and not p.archived)]

    def archive_programme(self, key: str, successor: str) -> None:
        """`actiebot rollover`: `key` continues as `successor` and stops being live."""
        row = self._programme_row(key)
        if row is None:
            raise LookupError(key)
        row.succeeded_by = successor

    def mark_archived(self, key: str, at: datetime) -> bool | None:
        row = self._programme_row(key)
        if row is None:
            return None
        if row.archived_at is not None:
            return False
        row.archived_at = at
        return True

    def delete_programme(self, key: str) -> bool:
        """The database cascades to its groups, goals, activities and their log, indicators."""
        row = self._programme_row(key)
        if row is None:
            return False
        self.session.delete(row)
        self.session.flush()
        return True

    def get_programme(self, key: str) -> Programme | None:
        return self._kept_programmes().by_key.get(key)

    def list_goals(self, programme_key: str) -> list[Goal]:
        rows = self.session.scalars(
            select(GoalRow).join(ProgrammeRow, ProgrammeRow.id == GoalRow.programme_id)
            .where(ProgrammeRow.key == programme_key).order_by(GoalRow.position, GoalRow.id))
        return [Goal(g.key, g.name, dict(g.extra or {})) for g in rows]

    def load_programme(self, key: str) -> ProgrammeFile | None:
        return programme_store.load_programme(self.session, key)

    def save_programme(self, file: ProgrammeFile) -> ImportCounts:
        return programme_store.save_programme(self.session, file)


class _Programmes:
    __slots__ = ("by_key", "ordered", "rows")

    def __init__(self, ordered: list[tuple[Programme, bool]]) -> None:
        self.ordered = tuple(ordered)  # (programme, not succeeded by a rollover)
        self.by_key = {p.key: p for p, _live in ordered}
        self.rows = len(ordered)  # for the size estimate (storage/cache.py)


# The mapped attributes, not the table's columns: in many-workspace mode the workspace's filter
# (storage/tenancy.py) is added to statements on the mapped class only.
_ALL_PROGRAMMES = select(
    *(attribute.class_attribute for attribute in ProgrammeRow.__mapper__.column_attrs)
).order_by(ProgrammeRow.id)
