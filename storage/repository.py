"""select() queries that return domain dataclasses, never ORM objects."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.domain.model import (
    Activity,
    DueDate,
    Milestone,
    Precision,
    Programme,
    ProgrammeFile,
    ReminderPolicy,
    Status,
    StatusUpdate,
    WorkingGroup,
)
from bot.domain.ports import (
    ActivityEntry,
    ActivityId,
    Delivery,
    DueItem,
    GroupEntry,
    RefIndex,
)
from storage.models import (
    ActivityRow,
    DeliveryRow,
    GoalRow,
    MilestoneRow,
    ProgrammeRow,
    StatusUpdateRow,
    UserRow,
    WorkingGroupRow,
)

OPEN_STATUSES = tuple(s.value for s in Status if not s.is_closed)


def _due(value: date | None, precision: str | None) -> DueDate | None:
    if value is None:
        return None
    return DueDate(value, Precision(precision or "day"))


def _policy(data: dict[str, Any] | None) -> ReminderPolicy:
    if not data:
        return ReminderPolicy()
    default = ReminderPolicy()
    return ReminderPolicy(
        before_working_days=tuple(data.get("before_working_days", default.before_working_days)),
        on_due_day=bool(data.get("on_due_day", default.on_due_day)),
        overdue_every_working_days=int(
            data.get("overdue_every_working_days", default.overdue_every_working_days)
        ),
    )


def _policy_data(policy: ReminderPolicy) -> dict[str, Any] | None:
    if policy == ReminderPolicy():
        return None
    return {
        "before_working_days": list(policy.before_working_days),
        "on_due_day": policy.on_due_day,
        "overdue_every_working_days": policy.overdue_every_working_days,
    }


def _update(row: StatusUpdateRow) -> StatusUpdate:
    return StatusUpdate(
        at=row.at,
        author=row.author,
        old_status=Status(row.old_status) if row.old_status else None,
        new_status=Status(row.new_status),
        note=row.note,
        author_name=row.author_name,
    )


class SqlRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- programmes and groups -------------------------------------------------------------

    def _programme_row(self, key: str) -> ProgrammeRow | None:
        return self.session.scalar(select(ProgrammeRow).where(ProgrammeRow.key == key))

    @staticmethod
    def _programme(row: ProgrammeRow) -> Programme:
        return Programme(
            key=row.key, name=row.name, region=row.region, timezone=row.timezone,
            admin_channel=row.admin_channel, extra=dict(row.extra or {}),
        )

    def list_programmes(self) -> list[Programme]:
        rows = self.session.scalars(select(ProgrammeRow).order_by(ProgrammeRow.id))
        return [self._programme(r) for r in rows]

    def get_programme(self, key: str) -> Programme | None:
        row = self._programme_row(key)
        return self._programme(row) if row else None

    @staticmethod
    def _group(row: WorkingGroupRow) -> WorkingGroup:
        members: dict[str, list[str]] = defaultdict(list)
        for member in row.members:
            members[member.owner_name].append(member.slack_user_id)
        return WorkingGroup(
            key=row.key, name=row.name, aliases=tuple(row.aliases or ()), channel=row.channel,
            reminders=_policy(row.reminders),
            members={name: tuple(ids) for name, ids in members.items()},
            extra=dict(row.extra or {}),
        )

    def _group_query(self) -> Any:
        return (
            select(ProgrammeRow.key, WorkingGroupRow)
            .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
            .options(selectinload(WorkingGroupRow.members))
            .order_by(ProgrammeRow.id, WorkingGroupRow.position, WorkingGroupRow.id)
        )

    def get_group(self, programme_key: str, key: str) -> WorkingGroup | None:
        found = self.session.execute(
            self._group_query().where(ProgrammeRow.key == programme_key, WorkingGroupRow.key == key)
        ).first()
        return self._group(found[1]) if found else None

    def list_groups(self, programme_key: str | None = None) -> list[tuple[str, WorkingGroup]]:
        query = self._group_query()
        if programme_key:
            query = query.where(ProgrammeRow.key == programme_key)
        return [(p, self._group(g)) for p, g in self.session.execute(query)]

    def find_groups_by_channel(self, channel: str) -> list[tuple[str, WorkingGroup]]:
        query = self._group_query().where(WorkingGroupRow.channel == channel)
        return [(p, self._group(g)) for p, g in self.session.execute(query)]

    def set_group_channel(self, programme_key: str, key: str, channel: str) -> None:
        row = self.session.scalar(
            select(WorkingGroupRow)
            .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
            .where(ProgrammeRow.key == programme_key, WorkingGroupRow.key == key)
        )
        if row is None:
            raise LookupError(f"{programme_key}/{key}")
        row.channel = channel

    # -- activities ------------------------------------------------------------------------

    def ref_index(self) -> RefIndex:
        activity_rows = self.session.execute(
            select(
                ProgrammeRow.key, ActivityRow.key, ActivityRow.title, ActivityRow.theme,
                WorkingGroupRow.key, ActivityRow.status,
            )
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .outerjoin(WorkingGroupRow, WorkingGroupRow.id == ActivityRow.working_group_id)
            .order_by(ProgrammeRow.id, ActivityRow.position, ActivityRow.id)
        ).all()
        activities = tuple(
            ActivityEntry(ActivityId(p, k), title, theme, g, status in OPEN_STATUSES)
            for p, k, title, theme, g, status in activity_rows
        )
        per_group: dict[tuple[str, str], list[ActivityEntry]] = defaultdict(list)
        for entry in activities:
            if entry.group_key:
                per_group[(entry.id.programme_key, entry.group_key)].append(entry)
        group_rows = self.session.execute(
            select(ProgrammeRow.key, WorkingGroupRow.key, WorkingGroupRow.name,
                   WorkingGroupRow.aliases)
            .join(ProgrammeRow, ProgrammeRow.id == WorkingGroupRow.programme_id)
            .order_by(ProgrammeRow.id, WorkingGroupRow.position)
        ).all()
        groups = tuple(
            GroupEntry(
                programme_key=p, key=k, name=name, aliases=tuple(aliases or ()),
                activity_keys=tuple(a.id.key for a in per_group[(p, k)]),
                open_activity_keys=tuple(a.id.key for a in per_group[(p, k)] if a.is_open),
            )
            for p, k, name, aliases in group_rows
        )
        return RefIndex(groups=groups, activities=activities)

    def _activity_query(self) -> Any:
        return (
            select(ActivityRow, ProgrammeRow.key, WorkingGroupRow.key, GoalRow.key)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .outerjoin(WorkingGroupRow, WorkingGroupRow.id == ActivityRow.working_group_id)
            .outerjoin(GoalRow, GoalRow.id == ActivityRow.goal_id)
            .options(selectinload(ActivityRow.owners), selectinload(ActivityRow.milestones))
        )

    @staticmethod
    def _activity(
        row: ActivityRow, programme_key: str, group_key: str | None, goal_key: str | None,
        updates: tuple[StatusUpdate, ...] = (),
    ) -> Activity:
        return Activity(
            key=row.key, title=row.title, programme_key=programme_key, goal=goal_key,
            theme=row.theme, result=row.result, owners=tuple(o.name for o in row.owners),
            working_group=group_key, due=_due(row.due_date, row.due_precision),
            milestones=tuple(
                Milestone(m.title, _due(m.due_date, m.due_precision), dict(m.extra or {}))
                for m in row.milestones
            ),
            status=Status(row.status), updates=updates, extra=dict(row.extra or {}),
        )

    def _activity_row(self, activity_id: ActivityId) -> ActivityRow | None:
        return self.session.scalar(
            select(ActivityRow)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.key == activity_id.programme_key,
                   ActivityRow.key == activity_id.key)
        )

    def get_activity(self, activity_id: ActivityId) -> Activity | None:
        found = self.session.execute(
            self._activity_query().where(
                ProgrammeRow.key == activity_id.programme_key, ActivityRow.key == activity_id.key
            )
        ).first()
        return self._activity(*found) if found else None

    def list_activities(
        self, programme_key: str | None = None, group_key: str | None = None,
        open_only: bool = False,
    ) -> list[Activity]:
        query = self._activity_query()
        if programme_key:
            query = query.where(ProgrammeRow.key == programme_key)
        if group_key:
            query = query.where(WorkingGroupRow.key == group_key)
        if open_only:
            query = query.where(ActivityRow.status.in_(OPEN_STATUSES))
        query = query.order_by(ProgrammeRow.id, ActivityRow.position, ActivityRow.id)
        return [self._activity(*found) for found in self.session.execute(query)]

    def list_due_items(
        self, start: date | None, end: date | None, open_only: bool = True,
        programme_key: str | None = None, group_key: str | None = None,
    ) -> list[DueItem]:
        """Activities and dated milestones due in [start, end], using the due-date indexes."""

        def within(column: Any) -> Any:
            conditions = [column.is_not(None)]
            if start is not None:
                conditions.append(column >= start)
            if end is not None:
                conditions.append(column <= end)
            return and_(*conditions)

        milestone_hits = (
            select(MilestoneRow.activity_id).where(within(MilestoneRow.due_date)).scalar_subquery()
        )
        query = self._activity_query().where(
            or_(within(ActivityRow.due_date), ActivityRow.id.in_(milestone_hits))
        )
        if open_only:
            query = query.where(ActivityRow.status.in_(OPEN_STATUSES))
        if programme_key:
            query = query.where(ProgrammeRow.key == programme_key)
        if group_key:
            query = query.where(WorkingGroupRow.key == group_key)
        items: list[DueItem] = []
        for found in self.session.execute(query):
            activity = self._activity(*found)
            if activity.due and _in_range(activity.due.value, start, end):
                items.append(DueItem(activity, None, activity.due.value))
            for milestone in activity.milestones:
                if milestone.due and _in_range(milestone.due.value, start, end) and not (
                    activity.due and milestone.due == activity.due
                ):
                    items.append(DueItem(activity, milestone.title, milestone.due.value))
        items.sort(key=lambda i: (i.due_value, i.activity.programme_key, i.activity.key))
        return items

    def count_by_status(
        self, programme_key: str | None = None, group_key: str | None = None,
    ) -> dict[Status, int]:
        query = (
            select(ActivityRow.status, func.count())
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .outerjoin(WorkingGroupRow, WorkingGroupRow.id == ActivityRow.working_group_id)
            .group_by(ActivityRow.status)
        )
        if programme_key:
            query = query.where(ProgrammeRow.key == programme_key)
        if group_key:
            query = query.where(WorkingGroupRow.key == group_key)
        counts = {status: 0 for status in Status}
        for status, count in self.session.execute(query):
            counts[Status(status)] = count
        return counts

    # -- the update log --------------------------------------------------------------------

    def last_update(self, activity_id: ActivityId) -> StatusUpdate | None:
        updates = self.list_updates(activity_id, limit=1)
        return updates[0] if updates else None

    def list_updates(self, activity_id: ActivityId, limit: int = 50) -> list[StatusUpdate]:
        rows = self.session.scalars(
            select(StatusUpdateRow)
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .where(ProgrammeRow.key == activity_id.programme_key,
                   ActivityRow.key == activity_id.key)
            .order_by(StatusUpdateRow.at.desc(), StatusUpdateRow.id.desc())
            .limit(limit)
        )
        return [_update(r) for r in rows]

    def list_updates_since(
        self, since: datetime, programme_key: str | None = None, group_key: str | None = None,
    ) -> list[tuple[Activity, StatusUpdate]]:
        query = (
            select(StatusUpdateRow, ActivityRow, ProgrammeRow.key, WorkingGroupRow.key, GoalRow.key)
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
            .outerjoin(WorkingGroupRow, WorkingGroupRow.id == ActivityRow.working_group_id)
            .outerjoin(GoalRow, GoalRow.id == ActivityRow.goal_id)
            .where(StatusUpdateRow.at >= since)
            .options(selectinload(ActivityRow.owners), selectinload(ActivityRow.milestones))
            .order_by(StatusUpdateRow.at, StatusUpdateRow.id)
        )
        if programme_key:
            query = query.where(ProgrammeRow.key == programme_key)
        if group_key:
            query = query.where(WorkingGroupRow.key == group_key)
        return [
            (self._activity(activity, p, g, goal), _update(update))
            for update, activity, p, g, goal in self.session.execute(query)
        ]

    def append_update(self, activity_id: ActivityId, update: StatusUpdate, source: str) -> None:
        row = self._activity_row(activity_id)
        if row is None:
            raise LookupError(str(activity_id))
        self.session.add(StatusUpdateRow(
            activity_id=row.id, at=update.at, author=update.author,
            author_name=update.author_name,
            old_status=update.old_status.value if update.old_status else None,
            new_status=update.new_status.value, note=update.note, source=source,
        ))
        row.status = update.new_status.value

    # -- programme files -------------------------------------------------------------------

    def load_programme(self, key: str) -> ProgrammeFile | None:
        from storage.programme_store import load_programme

        return load_programme(self.session, key)

    def save_programme(self, file: ProgrammeFile) -> dict[str, int]:
        from storage.programme_store import save_programme

        return save_programme(self.session, file)

    # -- outbox / delivery ledger ----------------------------------------------------------

    @staticmethod
    def _delivery(row: DeliveryRow) -> Delivery:
        return Delivery(
            id=row.id, key=row.key, kind=row.kind, channel=row.channel,
            payload=dict(row.payload or {}), attempts=row.attempts, state=row.state,
            message_ts=row.message_ts, last_error=row.last_error,
        )

    def claim_delivery(
        self, key: str, kind: str, channel: str, payload: dict[str, Any], now: datetime,
    ) -> Delivery | None:
        """Insert the ledger row for `key`; None when it already exists (someone claimed it)."""
        row = DeliveryRow(
            key=key, kind=kind, channel=channel, payload=payload, state="pending",
            created_at=now, claimed_at=now, next_attempt_at=now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError:
            return None
        return self._delivery(row)

    def list_pending_deliveries(self, now: datetime, limit: int = 100) -> list[Delivery]:
        rows = self.session.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.state.in_(("pending", "failed")),
                   or_(DeliveryRow.next_attempt_at.is_(None), DeliveryRow.next_attempt_at <= now))
            .order_by(DeliveryRow.id)
            .limit(limit)
        )
        return [self._delivery(r) for r in rows]

    def lock_delivery(self, delivery_id: int, now: datetime, lease: timedelta) -> Delivery | None:
        """Take a short lease on a pending row so that only one process posts it."""
        row = self.session.get(DeliveryRow, delivery_id, with_for_update=True)
        if row is None or row.state == "sent":
            return None
        if row.next_attempt_at is not None and row.next_attempt_at > now:
            return None
        row.next_attempt_at = now + lease
        row.attempts += 1
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
            row.state = "failed"
            row.last_error = reason[:200]
            row.next_attempt_at = retry_at

    def get_delivery(self, key: str) -> Delivery | None:
        row = self.session.scalar(select(DeliveryRow).where(DeliveryRow.key == key))
        return self._delivery(row) if row else None

    # -- users -----------------------------------------------------------------------------

    def get_user_locale(self, user_id: str) -> str | None:
        return self.session.scalar(
            select(UserRow.locale).where(UserRow.slack_user_id == user_id)
        )

    def set_user_locale(self, user_id: str, locale: str | None, now: datetime) -> None:
        row = self.session.scalar(select(UserRow).where(UserRow.slack_user_id == user_id))
        if row is None:
            self.session.add(UserRow(slack_user_id=user_id, locale=locale, updated_at=now))
        else:
            row.locale, row.updated_at = locale, now


def _in_range(value: date, start: date | None, end: date | None) -> bool:
    return (start is None or value >= start) and (end is None or value <= end)

