"""The secrets of the subscribable calendar feeds (migration 0018), kept as SHA-256 only.

A feed URL is `…/calendar/<token>.ics`; the token is `secrets.token_urlsafe(32)` (256 bits),
shown once when it is made; the database keeps its hash, so a copy of the database (a backup,
an export) holds no working link. One link per target (a programme, or a programme's working
group); making a new one replaces the old, which then answers 404.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.ports import CalendarTarget
from storage.models import CalendarLinkRow, ProgrammeRow, WorkingGroupRow


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _target(programme_key: str, group_key: str | None) -> str:
    return programme_key if group_key is None else f"{programme_key}/{group_key}"


class CalendarLinkQueries:
    """The calendar-link part of the repository (bot/domain/ports.py Repository)."""

    session: Session

    def calendar_link_created(self, target: CalendarTarget) -> datetime | None:
        """When the target's current link was made; None: it has none."""
        return self.session.scalar(select(CalendarLinkRow.created_at).where(
            CalendarLinkRow.target == _target(target.programme_key, target.group_key)))

    def put_calendar_link(self, target: CalendarTarget, token: str, now: datetime) -> bool:
        """Store `token` (hashed) as the target's link, replacing any old one. False when the
        programme or group does not exist."""
        programme_id = self.session.scalar(
            select(ProgrammeRow.id).where(ProgrammeRow.key == target.programme_key))
        if programme_id is None:
            return False
        group_id = None
        if target.group_key is not None:
            group_id = self.session.scalar(select(WorkingGroupRow.id).where(
                WorkingGroupRow.programme_id == programme_id,
                WorkingGroupRow.key == target.group_key))
            if group_id is None:
                return False
        name = _target(target.programme_key, target.group_key)
        row = self.session.scalar(select(CalendarLinkRow).where(CalendarLinkRow.target == name))
        if row is None:
            row = CalendarLinkRow(target=name, programme_id=programme_id)
            self.session.add(row)
        row.working_group_id, row.token_hash, row.created_at = group_id, token_hash(token), now
        self.session.flush()
        return True

    def find_calendar_link(self, token: str) -> CalendarTarget | None:
        """The programme (and group) a feed token opens; None for an unknown or replaced one."""
        found = self.session.execute(
            select(ProgrammeRow.key, WorkingGroupRow.key)
            .select_from(CalendarLinkRow)
            .join(ProgrammeRow, ProgrammeRow.id == CalendarLinkRow.programme_id)
            .outerjoin(WorkingGroupRow, WorkingGroupRow.id == CalendarLinkRow.working_group_id)
            .where(CalendarLinkRow.token_hash == token_hash(token))).first()
        if found is None:
            return None
        return CalendarTarget(found[0], found[1])
