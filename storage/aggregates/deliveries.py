"""The delivery ledger (outbox) of reminders, digests and announcements, and the reminder holds
(a snooze or a milestone marked done from a reminder's buttons).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import aliased

from bot.domain.ports import ActivityId, Delivery, ReminderHold
from storage.aggregates.rows import SessionRepository
from storage.models import ActivityRow, DeliveryRow, ProgrammeRow, ReminderHoldRow
from storage.upserts import insert_missing


class SqlDeliveries(SessionRepository):
    """ports.DeliveryLedger on SQL."""

    @staticmethod
    def _delivery(row: DeliveryRow) -> Delivery:
        return Delivery(
            id=row.id, key=row.key, kind=row.kind, channel=row.channel,
            payload=dict(row.payload or {}), attempts=row.attempts, state=row.state,
            message_ts=row.message_ts, last_error=row.last_error,
            first_attempt_at=row.first_attempt_at,
        )

    def claim_delivery(
        self, key: str, kind: str, channel: str, payload: dict[str, Any], now: datetime,
        lease: timedelta | None = None,
    ) -> Delivery | None:
        """Insert the ledger row for `key`; None when it already exists (someone claimed it).
        With ``lease`` the row is leased to the caller and its first attempt recorded, as
        `lock_delivery` would: the caller posts it right after its commit."""
        # One statement that never fails on a race: the loser of two claims gets None.
        values: dict[str, Any] = {
            "key": key, "kind": kind, "channel": channel, "payload": payload,
            "state": "pending", "attempts": 0, "created_at": now, "claimed_at": now,
            "next_attempt_at": now}
        if lease is not None:
            values.update(attempts=1, next_attempt_at=now + lease, first_attempt_at=now,
                          last_attempt_at=now)
        inserted = insert_missing(self.session, DeliveryRow, values, ["key"],
                                  returning=DeliveryRow.id)
        if inserted is None:
            return None
        return Delivery(id=int(inserted), key=key, kind=kind, channel=channel,
                        payload=dict(payload), attempts=values["attempts"], state="pending",
                        first_attempt_at=now if lease is not None else None)

    def list_pending_deliveries(self, now: datetime, limit: int = 100) -> list[Delivery]:
        rows = self.session.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.state.in_(("pending", "failed")),
                   or_(DeliveryRow.next_attempt_at.is_(None), DeliveryRow.next_attempt_at <= now))
            .order_by(DeliveryRow.id)
            .limit(limit)
        )
        return [self._delivery(r) for r in rows]

    def renew_claim(self, delivery_id: int, now: datetime, lease: timedelta) -> bool:
        """Renew the lease a row got when it was claimed (`claim_delivery` with a lease), if
        nobody has taken it since: still pending at its first attempt (a sweep that took it
        over counted a second). The caller commits, then posts."""
        row = self.session.get(DeliveryRow, delivery_id, with_for_update=True)
        if row is None or row.state != "pending" or row.attempts != 1:
            return False
        row.next_attempt_at, row.last_attempt_at = now + lease, now
        return True

    def lock_delivery(self, delivery_id: int, now: datetime, lease: timedelta) -> Delivery | None:
        """Take a short lease on a pending row so that only one process posts it, and record
        the attempt (the caller commits before posting)."""
        row = self.session.get(DeliveryRow, delivery_id, with_for_update=True)
        if row is None or row.state == "sent":
            return None
        if row.next_attempt_at is not None and row.next_attempt_at > now:
            return None
        row.next_attempt_at = now + lease
        row.attempts += 1
        row.first_attempt_at = row.first_attempt_at or now
        row.last_attempt_at = now
        return self._delivery(row)

    def mark_delivered(self, delivery_id: int, message_ts: str | None, now: datetime) -> None:
        row = self.session.get(DeliveryRow, delivery_id)
        if row is not None:
            row.state, row.message_ts, row.sent_at, row.last_error = "sent", message_ts, now, None
            row.next_attempt_at = None

    def mark_failed(
        self, delivery_id: int, reason: str, retry_at: datetime | None, now: datetime,
    ) -> None:
        row = self.session.get(DeliveryRow, delivery_id)
        if row is not None:
            # Without a retry moment the row is done with (what it announced is gone): no
            # longer pending, so no sweep looks at it again and it counts in no backlog.
            row.state = "failed" if retry_at is not None else "gone"
            row.last_error = reason[:200]
            row.next_attempt_at = retry_at

    def retry_outage_failures(self, now: datetime, errors: frozenset[str],
                              before: datetime) -> int:
        """Rows that failed on an outage and wait for a retry before ``before`` are due now
        once Slack took a post after their failed attempt (the outage is over). Returns how
        many. The caller commits."""
        sent = aliased(DeliveryRow)
        healed = (select(sent.id)
                  .where(sent.state == "sent", sent.sent_at > DeliveryRow.last_attempt_at)
                  .limit(1).exists())
        result = self.session.execute(
            sql_update(DeliveryRow)
            .where(DeliveryRow.state == "failed", DeliveryRow.last_error.in_(sorted(errors)),
                   DeliveryRow.next_attempt_at > now, DeliveryRow.next_attempt_at <= before,
                   healed)
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def delivery_backlog(self, now: datetime) -> tuple[int, int, datetime | None]:
        """(rows due now, rows waiting for a later retry, when the oldest of them was queued):
        what the outbox still has to post (ix_deliveries_state)."""
        due = or_(DeliveryRow.next_attempt_at.is_(None), DeliveryRow.next_attempt_at <= now)
        row = self.session.execute(
            select(func.count().filter(due), func.count().filter(~due),
                   func.min(DeliveryRow.created_at))
            .where(DeliveryRow.state.in_(("pending", "failed")))).one()
        return int(row[0] or 0), int(row[1] or 0), row[2]

    def get_delivery(self, key: str) -> Delivery | None:
        row = self.session.scalar(select(DeliveryRow).where(DeliveryRow.key == key))
        return self._delivery(row) if row else None

    def get_delivery_by_message(self, channel: str, message_ts: str) -> Delivery | None:
        """The ledger row of a message the bot posted (ix_deliveries_message), or None."""
        row = self.session.scalar(
            select(DeliveryRow)
            .where(DeliveryRow.channel == channel, DeliveryRow.message_ts == message_ts)
            .order_by(DeliveryRow.id).limit(1))
        return self._delivery(row) if row else None

    def existing_delivery_keys(self, keys: list[str]) -> set[str]:
        found: set[str] = set()
        unique = sorted(set(keys))
        for start in range(0, len(unique), 500):
            found.update(self.session.scalars(
                select(DeliveryRow.key).where(DeliveryRow.key.in_(unique[start:start + 500]))))
        return found

    def fold_deliveries(self, keys: list[str], into: str, now: datetime) -> int:
        """Rows among `keys` not yet sent will never be: a newer message (`into`) replaces
        them. Returns how many were folded."""
        folded = 0
        unique = sorted(set(keys) - {into})
        for start in range(0, len(unique), 500):
            for row in self.session.scalars(
                select(DeliveryRow).where(DeliveryRow.key.in_(unique[start:start + 500]),
                                          DeliveryRow.state.in_(("pending", "failed")))
            ):
                row.state, row.next_attempt_at = "folded", None
                row.last_error = f"folded into {into}"[:200]
                folded += 1
        return folded

    def last_sent_at(self, kind: str, key_prefix: str, before: datetime) -> datetime | None:
        """When the latest `kind` row whose key starts with `key_prefix` was sent (before
        `before`); through ix_deliveries_kind_sent."""
        return self.session.scalar(
            select(DeliveryRow.sent_at)
            .where(DeliveryRow.kind == kind, DeliveryRow.sent_at.is_not(None),
                   DeliveryRow.sent_at < before,
                   DeliveryRow.key.startswith(key_prefix, autoescape=True))
            .order_by(DeliveryRow.sent_at.desc())
            .limit(1)
        )

    def list_sent_deliveries(self, kind: str, since: datetime) -> list[Delivery]:
        rows = self.session.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.kind == kind, DeliveryRow.sent_at >= since)
            .order_by(DeliveryRow.sent_at, DeliveryRow.id)
        )
        return [self._delivery(r) for r in rows]

    def add_reminder_hold(self, hold: ReminderHold) -> None:
        row = self._activity_row(hold.activity_id)
        if row is None:
            raise LookupError(str(hold.activity_id))
        self.session.add(ReminderHoldRow(
            activity_id=row.id, target=hold.target, reason=hold.reason, until=hold.until,
            by_user=hold.by, by_name=hold.by_name, at=hold.at, source=hold.source,
        ))
        self.session.flush()

    def list_reminder_holds(self, activity_ids: list[ActivityId], on: date) -> list[ReminderHold]:
        """The holds in force on `on` for these activities: per (activity, target) the latest
        button press, if it is a "done" or a snooze that lasts beyond `on`."""
        wanted = set(activity_ids)
        programme_keys = sorted({a.programme_key for a in wanted})
        keys = sorted({a.key for a in wanted})
        latest: dict[tuple[ActivityId, str], ReminderHold] = {}
        for start in range(0, len(keys), 500):
            rows = self.session.execute(
                select(ReminderHoldRow, ProgrammeRow.key, ActivityRow.key)
                .select_from(ProgrammeRow)
                .join(ActivityRow, ActivityRow.programme_id == ProgrammeRow.id)
                .join(ReminderHoldRow, ReminderHoldRow.activity_id == ActivityRow.id)
                .where(ProgrammeRow.key.in_(programme_keys),
                       ActivityRow.key.in_(keys[start:start + 500]))
                .order_by(ReminderHoldRow.at, ReminderHoldRow.id)
            )
            for hold, programme_key, activity_key in rows:
                activity_id = ActivityId(programme_key, activity_key)
                if activity_id in wanted:
                    latest[(activity_id, hold.target)] = ReminderHold(
                        activity_id=activity_id, target=hold.target, reason=hold.reason,
                        until=hold.until, by=hold.by_user, at=hold.at, by_name=hold.by_name,
                        source=hold.source)
        return [h for h in latest.values() if h.until is None or h.until > on]
