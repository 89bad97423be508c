"""Queries for the council progress report and the indicators (bot/services/report.py).

ports.ReportQueries on SQL, part of SqlRepository: a report reads a whole programme in a fixed
number of queries (activities with owners and milestones, the period's updates and deadline
moves, the light status log, goals, groups, indicators and their values), never one query per
activity.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.model import Indicator, IndicatorValue, Status, StatusUpdate
from bot.domain.periods import parse_period
from storage.aggregates.rows import SessionRepository, update_of
from storage.models import (
    ActivityRow,
    IndicatorRow,
    IndicatorValueRow,
    ProgrammeRow,
    StatusUpdateRow,
)


def indicator_of(row: IndicatorRow) -> Indicator:
    return Indicator(key=row.key, name=row.name, unit=row.unit, source=row.source,
                     breakdown=tuple(row.breakdown or ()), extra=dict(row.extra or {}))


def indicator_value_of(row: IndicatorValueRow, indicator_key: str) -> IndicatorValue:
    return IndicatorValue(
        indicator=indicator_key, period=row.period, value=row.value,
        breakdown=row.breakdown or None, source=row.source, note=row.note or "",
        recorded_by=row.recorded_by, recorded_at=row.recorded_at, extra=dict(row.extra or {}))


class ReportQueries(SessionRepository):
    def _programme_id(self, programme_key: str) -> Any:
        return select(ProgrammeRow.id).where(ProgrammeRow.key == programme_key).scalar_subquery()

    def list_status_changes(
        self, programme_key: str,
    ) -> list[tuple[str, datetime, Status | None, Status]]:
        """The programme's status log without notes or authors, oldest first."""
        rows = self.session.execute(
            select(ActivityRow.key, StatusUpdateRow.at, StatusUpdateRow.old_status,
                   StatusUpdateRow.new_status)
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .where(ActivityRow.programme_id == self._programme_id(programme_key))
            .order_by(StatusUpdateRow.at, StatusUpdateRow.id))
        return [(key, at, Status(old) if old else None, Status(new))
                for key, at, old, new in rows]

    def list_updates_between(
        self, programme_key: str, start: datetime, end: datetime,
    ) -> list[tuple[str, StatusUpdate]]:
        """The programme's updates with start <= at < end (activity key, update), oldest first;
        through ix_status_updates_at."""
        rows = self.session.execute(
            select(ActivityRow.key, StatusUpdateRow)
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .where(StatusUpdateRow.at >= start, StatusUpdateRow.at < end,
                   ActivityRow.programme_id == self._programme_id(programme_key))
            .order_by(StatusUpdateRow.at, StatusUpdateRow.id))
        return [(key, update_of(row)) for key, row in rows]

    # -- indicators ------------------------------------------------------------------------

    def list_indicators(self, programme_key: str | None = None) -> list[tuple[str, Indicator]]:
        query = (select(ProgrammeRow.key, IndicatorRow)
                 .join(ProgrammeRow, ProgrammeRow.id == IndicatorRow.programme_id)
                 .order_by(ProgrammeRow.id, IndicatorRow.position, IndicatorRow.id))
        if programme_key:
            query = query.where(ProgrammeRow.key == programme_key)
        return [(p, indicator_of(row)) for p, row in self.session.execute(query)]

    def list_indicator_values(
        self, programme_key: str, indicator_key: str | None = None,
    ) -> list[IndicatorValue]:
        query = (
            select(IndicatorValueRow, IndicatorRow.key)
            .join(IndicatorRow, IndicatorRow.id == IndicatorValueRow.indicator_id)
            .where(IndicatorRow.programme_id == self._programme_id(programme_key))
            .order_by(IndicatorRow.position, IndicatorValueRow.period_end,
                      IndicatorValueRow.id))
        if indicator_key:
            query = query.where(IndicatorRow.key == indicator_key)
        return [indicator_value_of(row, key) for row, key in self.session.execute(query)]

    def put_indicator_value(self, programme_key: str, value: IndicatorValue) -> bool:
        """Record `value`; replaces the value of the same period and breakdown. Returns True
        when it replaced one. LookupError when the indicator does not exist."""
        indicator_id = self.session.scalar(
            select(IndicatorRow.id).where(
                IndicatorRow.programme_id == self._programme_id(programme_key),
                IndicatorRow.key == value.indicator))
        if indicator_id is None:
            raise LookupError(f"{programme_key}/{value.indicator}")
        return put_value_row(self.session, indicator_id, value)


def put_value_row(session: Session, indicator_id: int, value: IndicatorValue) -> bool:
    breakdown = value.breakdown or ""
    period = parse_period(value.period)  # stored by its canonical key ("H1 2021" -> "2021-H1")
    row = session.scalar(select(IndicatorValueRow).where(
        IndicatorValueRow.indicator_id == indicator_id, IndicatorValueRow.period == period.key,
        IndicatorValueRow.breakdown == breakdown))
    replaced = row is not None
    if row is None:
        row = IndicatorValueRow(indicator_id=indicator_id, period=period.key,
                                breakdown=breakdown)
        session.add(row)
    row.period_end = period.end
    row.value, row.source, row.note = value.value, value.source, value.note
    row.recorded_by, row.recorded_at, row.extra = (
        value.recorded_by, value.recorded_at, dict(value.extra))
    session.flush()
    return replaced
