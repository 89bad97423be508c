"""Working groups: their channels, aliases, reminder policy and member links.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, select

from bot.domain.model import WorkingGroup
from storage.aggregates.rows import SessionRepository, policy_of
from storage.models import MemberRow, ProgrammeRow, WorkingGroupRow


class SqlGroups(SessionRepository):
    """ports.GroupRepository on SQL."""

    def _groups_where(self, *conditions: Any) -> list[tuple[str, WorkingGroup]]:
        return self._groups_from(_group_select().where(*conditions), {})

    def _groups_from(self, statement: Any,
                     parameters: dict[str, Any]) -> list[tuple[str, WorkingGroup]]:
        """`statement`: _group_select's rows; each group with its member links."""
        rows = self._rows(statement, parameters).all()
        members: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        ids = [row[1] for row in rows]
        for start in range(0, len(ids), 500):
            for group_id, owner, user in self._rows(
                    _MEMBERS_OF, {"ids": ids[start:start + 500]}):
                members[group_id][owner].append(user)
        return [(p, WorkingGroup(
            key=key, name=name, aliases=tuple(aliases or ()), channel=channel,
            reminders=policy_of(reminders),
            members={owner: tuple(users) for owner, users in members[group_id].items()},
            extra=dict(extra or {})))
            for p, group_id, key, name, aliases, channel, reminders, extra in rows]

    def get_group(self, programme_key: str, key: str) -> WorkingGroup | None:
        found = self._groups_from(_GROUP_BY_KEY, {"programme": programme_key, "key": key})
        return found[0][1] if found else None

    def list_groups(self, programme_key: str | None = None) -> list[tuple[str, WorkingGroup]]:
        if programme_key:
            return self._groups_where(ProgrammeRow.key == programme_key)
        return self._groups_where(ProgrammeRow.succeeded_by.is_(None))

    def find_groups_by_channel(self, channel: str) -> list[tuple[str, WorkingGroup]]:
        return self._groups_from(_GROUPS_BY_CHANNEL, {"channel": channel})

    def set_group_channel(self, programme_key: str, key: str, channel: str) -> None:
        row = self.session.scalar(
            select(WorkingGroupRow)
            .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
            .where(ProgrammeRow.key == programme_key, WorkingGroupRow.key == key)
        )
        if row is None:
            raise LookupError(f"{programme_key}/{key}")
        row.channel = channel


def _group_select() -> Any:
    """A working group's columns with its programme's key, in programme order."""
    return (
        select(ProgrammeRow.key, WorkingGroupRow.id, WorkingGroupRow.key, WorkingGroupRow.name,
               WorkingGroupRow.aliases, WorkingGroupRow.channel, WorkingGroupRow.reminders,
               WorkingGroupRow.extra)
        .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
        .order_by(ProgrammeRow.id, WorkingGroupRow.position, WorkingGroupRow.id))


_GROUP_BY_KEY = _group_select().where(  # parameters `programme`, `key`
    ProgrammeRow.key == bindparam("programme"), WorkingGroupRow.key == bindparam("key"))


_GROUPS_BY_CHANNEL = _group_select().where(  # parameter `channel`; archived programmes left out
    WorkingGroupRow.channel == bindparam("channel"), ProgrammeRow.succeeded_by.is_(None))


_MEMBERS_OF = (
    select(MemberRow.working_group_id, MemberRow.owner_name, MemberRow.slack_user_id)
    .where(MemberRow.working_group_id.in_(bindparam("ids", expanding=True)))
    .order_by(MemberRow.working_group_id, MemberRow.position, MemberRow.id))
