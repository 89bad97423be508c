"""Working groups: their channels, aliases, reminder policy and member links.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from bot.domain.model import WorkingGroup
from storage.aggregates.rows import SessionRepository, policy_of
from storage.cache import groups_changed, programme_cache
from storage.models import MemberRow, ProgrammeRow, WorkingGroupRow


class SqlGroups(SessionRepository):
    """ports.GroupRepository on SQL."""

    def _load_groups(self) -> _Groups:
        """Every group with its member links: one query, a row per group and member link."""
        rows: dict[int, Any] = {}
        members: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        count = 0
        for row in self._rows(_ALL_GROUPS):
            count += 1
            rows.setdefault(row[1], row)
            if row[-1] is not None:
                members[row[1]][row[-2]].append(row[-1])
        return _Groups([(p, WorkingGroup(
            key=key, name=name, aliases=tuple(aliases or ()), channel=channel,
            reminders=policy_of(reminders),
            members={owner: tuple(users) for owner, users in members[group_id].items()},
            extra=dict(extra or {})), successor is None)
            for p, group_id, key, name, aliases, channel, reminders, extra, successor, _o, _u
            in rows.values()], count)

    def _kept_groups(self) -> _Groups:
        """Every working group with its member links, kept in the process's read cache by the
        rule (storage/cache.py): one query when a group, a member link, a channel or the
        programmes changed, none otherwise."""
        return programme_cache(self.session).kept(
            self.session, "groups", self._load_groups, groups_changed)

    def get_group(self, programme_key: str, key: str) -> WorkingGroup | None:
        return self._kept_groups().by_key.get((programme_key, key))

    def list_groups(self, programme_key: str | None = None) -> list[tuple[str, WorkingGroup]]:
        groups = self._kept_groups()
        if programme_key:
            return [(p, g) for p, g, _live in groups.ordered if p == programme_key]
        return [(p, g) for p, g, live in groups.ordered if live]

    def find_groups_by_channel(self, channel: str) -> list[tuple[str, WorkingGroup]]:
        """The groups of live programmes bound to `channel` (archived programmes left out)."""
        return list(self._kept_groups().by_channel.get(channel, ()))

    def set_group_channel(self, programme_key: str, key: str, channel: str) -> None:
        row = self.session.scalar(
            select(WorkingGroupRow)
            .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
            .where(ProgrammeRow.key == programme_key, WorkingGroupRow.key == key)
        )
        if row is None:
            raise LookupError(f"{programme_key}/{key}")
        row.channel = channel


class _Groups:
    """The working groups kept: in programme order, by key, and by channel (live only)."""

    __slots__ = ("by_channel", "by_key", "ordered", "rows")

    def __init__(self, ordered: list[tuple[str, WorkingGroup, bool]], rows: int) -> None:
        self.rows = rows  # read: for the size estimate (storage/cache.py)
        self.ordered = tuple(ordered)
        self.by_key = {(p, g.key): g for p, g, _live in ordered}
        by_channel: dict[str, list[tuple[str, WorkingGroup]]] = defaultdict(list)
        for p, g, live in ordered:
            if live and g.channel:
                by_channel[g.channel].append((p, g))
        self.by_channel = {c: tuple(found) for c, found in by_channel.items()}


# Every group of every programme with its programme's key and successor (a programme archived
# by a rollover is not live) and its member links, one row per group and link, in programme
# order. Groups are few (tens per programme), and so are their links.
_ALL_GROUPS = (
    select(ProgrammeRow.key, WorkingGroupRow.id, WorkingGroupRow.key, WorkingGroupRow.name,
           WorkingGroupRow.aliases, WorkingGroupRow.channel, WorkingGroupRow.reminders,
           WorkingGroupRow.extra, ProgrammeRow.succeeded_by, MemberRow.owner_name,
           MemberRow.slack_user_id)
    .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
    .outerjoin(MemberRow, MemberRow.working_group_id == WorkingGroupRow.id)
    .order_by(ProgrammeRow.id, WorkingGroupRow.position, WorkingGroupRow.id,
              MemberRow.position, MemberRow.id))
