"""Privacy (AVG/GDPR): everything stored, exported; one user forgotten; where an id occurs.
Used by bot/services/privacy.py (`actiebot export --all`, `actiebot forget-user`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    MetaData,
    String,
    Table,
    Text,
    and_,
    cast,
    or_,
    select,
    true,
)
from sqlalchemy import update as sql_update

from storage.aggregates.rows import SessionRepository
from storage.cache import locale_cache
from storage.models import (
    ActivityRow,
    Base,
    DeliveryRow,
    IndicatorRow,
    MemberRow,
    ProgrammeRow,
    StatusUpdateRow,
    UserRow,
    WorkingGroupRow,
)
from storage.tenancy import workspace_of


class SqlPersonalData(SessionRepository):
    """ports.PersonalData on SQL."""

    def _all_tables(self) -> list[Any]:
        """Every table in the database (reflected, so later migrations are included), typed by
        the ORM where it knows the table; Alembic's bookkeeping left out."""
        reflected = MetaData()
        reflected.reflect(bind=self.session.connection())
        return [
            Base.metadata.tables.get(name, table)
            for name, table in sorted(reflected.tables.items())
            if name != "alembic_version"
        ]

    def export_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, ordered by primary key, as JSON-ready values."""
        exported: dict[str, list[dict[str, Any]]] = {}
        for table in self._all_tables():
            order = list(table.primary_key.columns) or list(table.columns)
            rows = self.session.execute(select(table).order_by(*order)).mappings()
            exported[table.name] = [{k: _json_ready(v) for k, v in row.items()} for row in rows]
        return exported

    def forget_user(
        self, user: str, pseudonym: str, rewrite_note: Callable[[str], str],
    ) -> dict[str, int]:
        """Pseudonymise `user` in the update log, reminder holds and deliveries; delete their
        member links and remembered locale. Returns how many rows each step changed.

        In a unit of work opened for one workspace (storage/tenancy.py) only that workspace's
        rows change: its programmes and what hangs off them, and the ledger of its channels.
        The remembered locale goes either way: it only chooses the language of an answer and
        is asked of Slack again at the next request."""

        changed = {"updates_authored": 0, "notes_mentioning": 0, "member_links_removed": 0,
                   "locale_removed": 0, "deliveries": 0}
        exact = _exact_id(user)
        like = _like_pattern(user)
        scope = _WorkspaceScope(workspace_of(self.session))
        log = scope.reached(StatusUpdateRow.__tablename__)
        for update in self.session.scalars(
                select(StatusUpdateRow).where(StatusUpdateRow.author == user, log)):
            update.author, update.author_name = pseudonym, pseudonym
            changed["updates_authored"] += 1
        for update in self.session.scalars(
                select(StatusUpdateRow).where(StatusUpdateRow.note.like(like, escape="\\"), log)):
            note = rewrite_note(update.note)
            if note != update.note:
                update.note = note
                changed["notes_mentioning"] += 1
        for member in self.session.scalars(select(MemberRow).where(
                MemberRow.slack_user_id == user, scope.reached(MemberRow.__tablename__))):
            self.session.delete(member)
            changed["member_links_removed"] += 1
        locale_cache(self.session).forget(user)
        for account in self.session.scalars(select(UserRow).where(UserRow.slack_user_id == user)):
            self.session.delete(account)
            changed["locale_removed"] += 1
        holds = next((t for t in self._all_tables() if t.name == "reminder_holds"), None)
        if holds is not None:  # who snoozed a reminder or marked a milestone done: history
            result = self.session.execute(
                sql_update(holds).where(holds.c.by_user == user, scope.reached(holds.name))
                .values(by_user=pseudonym, by_name=pseudonym))
            changed["reminder_holds"] = int(result.rowcount or 0)  # type: ignore[attr-defined]
        for delivery in self.session.scalars(
                select(DeliveryRow).where(scope.deliveries())):
            channel = pseudonym if delivery.channel == user else delivery.channel
            key = exact.sub(pseudonym, delivery.key)
            payload = _replace_in(delivery.payload or {}, exact, pseudonym)
            if (channel, key, payload) != (delivery.channel, delivery.key, delivery.payload or {}):
                delivery.channel, delivery.key, delivery.payload = channel, key, payload
                changed["deliveries"] += 1
        self.session.flush()
        changed["other_rows"] = self._pseudonymise_everywhere(
            exact, _like_pattern(user), pseudonym, scope)
        return changed

    def _pseudonymise_everywhere(self, exact: re.Pattern[str], like: str, pseudonym: str,
                                 scope: _WorkspaceScope) -> int:
        """The catch-all: the id in any other text or JSON column of any table (a later
        migration's cache of channel members, say) becomes the pseudonym. Returns the rows.
        For one workspace: only the tables whose rows belong to a programme (a table no
        programme reaches is left, and its rows are reported as still naming the user)."""
        changed = 0
        for table in self._all_tables():
            keys = list(table.primary_key.columns)
            if not keys:
                continue
            mine = scope.where(table)
            if mine is None:
                continue
            for column in table.columns:
                if not isinstance(column.type, JSON | String):
                    continue
                expression = cast(column, Text) if isinstance(column.type, JSON) else column
                rows = self.session.execute(
                    select(*keys, column).where(expression.like(like, escape="\\"), mine)
                ).all()
                for row in rows:
                    value = row[-1]
                    new = _replace_in(value, exact, pseudonym)
                    if new != value:
                        self.session.execute(
                            sql_update(table)
                            .where(and_(*(key == row[i] for i, key in enumerate(keys))))
                            .values({column.name: new}))
                        changed += 1
        return changed

    def count_mentions(self, text: str) -> dict[str, int]:
        """'table.column' -> how many rows hold the id `text` in that text or JSON column, as
        a whole id ("U12" is not counted inside "U123")."""
        like = _like_pattern(text)
        exact = _exact_id(text)
        found: dict[str, int] = {}
        for table in self._all_tables():
            for column in table.columns:
                if isinstance(column.type, JSON):
                    expression = cast(column, Text)
                elif isinstance(column.type, String):
                    expression = column
                else:
                    continue
                # LIKE narrows it down (SQLite's ignores case); the exact test is in Python
                values = self.session.scalars(
                    select(expression).where(expression.like(like, escape="\\")))
                count = sum(1 for value in values if exact.search(
                    value if isinstance(value, str) else json.dumps(value)))
                if count:
                    found[f"{table.name}.{column.name}"] = count
        return found


class _WorkspaceScope:
    """Which rows of a table belong to one workspace: its programmes, and the rows that hang
    off them by programme, activity, working group or indicator. ``workspace`` None: every row
    (``where`` gives ``true()``)."""

    def __init__(self, workspace: str | None) -> None:
        self.workspace = workspace

    def where(self, table: Table) -> ColumnElement[bool] | None:
        """The condition for ``table``'s rows of this workspace; None when no programme
        reaches the table (it is then not this workspace's to change)."""
        if self.workspace is None:
            return true()
        programmes = select(ProgrammeRow.id).where(ProgrammeRow.workspace == self.workspace)
        columns = table.c
        if table.name == ProgrammeRow.__tablename__:
            return columns.workspace == self.workspace
        if "programme_id" in columns:
            return columns.programme_id.in_(programmes)
        if "activity_id" in columns:
            return columns.activity_id.in_(
                select(ActivityRow.id).where(ActivityRow.programme_id.in_(programmes)))
        if "working_group_id" in columns:
            return columns.working_group_id.in_(
                select(WorkingGroupRow.id).where(WorkingGroupRow.programme_id.in_(programmes)))
        if "indicator_id" in columns:
            return columns.indicator_id.in_(
                select(IndicatorRow.id).where(IndicatorRow.programme_id.in_(programmes)))
        return None

    def reached(self, name: str) -> ColumnElement[bool]:
        """``where`` for one of our tables that a programme always reaches."""
        found = self.where(Base.metadata.tables[name])
        assert found is not None, name
        return found

    def deliveries(self) -> ColumnElement[bool]:
        """The delivery ledger of this workspace: posts in its groups' and programmes'
        channels."""
        if self.workspace is None:
            return true()
        programmes = select(ProgrammeRow.id).where(ProgrammeRow.workspace == self.workspace)
        groups = select(WorkingGroupRow.channel).where(
            WorkingGroupRow.programme_id.in_(programmes), WorkingGroupRow.channel.is_not(None))
        admin = select(ProgrammeRow.admin_channel).where(
            ProgrammeRow.workspace == self.workspace, ProgrammeRow.admin_channel.is_not(None))
        return or_(DeliveryRow.channel.in_(groups), DeliveryRow.channel.in_(admin))


def _json_ready(value: Any) -> Any:
    """Database values as JSON: datetimes in UTC ISO 8601, dates ISO, bytes as hex."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _like_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) matching rows that contain `text`."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _exact_id(user: str) -> re.Pattern[str]:
    """The id as a whole word: "U12" matches in "<@U12>" and "dm:U12:x", not in "U123"."""
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(user)}(?![A-Za-z0-9])")


def _replace_in(value: Any, exact: re.Pattern[str], new: str) -> Any:
    """Every whole-id match of `exact` replaced by `new` in every string of a JSON value."""
    if isinstance(value, str):
        return exact.sub(new, value)
    if isinstance(value, dict):
        return {exact.sub(new, k): _replace_in(v, exact, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_in(v, exact, new) for v in value]
    return value
