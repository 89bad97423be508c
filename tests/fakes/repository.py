"""In-memory fakes of the repository ports (bot/domain/ports.py), one per aggregate.

Service tests that are about a use case's rules, not about SQL, run on these: no database, no
migrations, microseconds per call. They keep the SQL repositories' observable behaviour (order,
scope, what a write changes); tests/storage/test_fake_repository.py runs the same scenarios on
both to keep them honest. What they leave out is said where it happens.

    store = MemoryStore()
    uow = FakeUnitOfWorkFactory(store)
    deps = Deps(uow=uow, clock=FixedClock(...))

A unit of work works on a copy of the store and publishes it on commit, so a use case that
fails halfway leaves nothing behind, as a rolled-back transaction would.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from bot.domain.model import (
    Activity,
    ActivityLine,
    DueDate,
    Goal,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammeFile,
    Status,
    StatusUpdate,
    WorkingGroup,
)
from bot.domain.periods import parse_period
from bot.domain.ports import (
    ActivityEntry,
    ActivityId,
    CalendarTarget,
    Delivery,
    DueItem,
    GroupEntry,
    ImportCounts,
    RefIndex,
    ReminderHold,
)
from bot.domain.recurrence import Occurrence
from bot.domain.refs import prepare

IMPORT_AUTHOR = "import"  # the log's author of a status set by a programme file (as on SQL)


@dataclass
class _DeliveryRecord:
    delivery: Delivery
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None = None
    last_attempt_at: datetime | None = None


@dataclass
class _Lease:
    holder: str
    acquired_at: datetime
    expires_at: datetime


@dataclass
class MemoryStore:
    """Everything the fakes hold; dicts keep insertion order, which stands for position."""

    programmes: dict[str, Programme] = field(default_factory=dict)
    succeeded_by: dict[str, str] = field(default_factory=dict)
    archived: set[str] = field(default_factory=set)
    programme_extra: dict[str, dict[str, Any]] = field(default_factory=dict)
    goals: dict[str, list[Goal]] = field(default_factory=dict)
    groups: dict[tuple[str, str], WorkingGroup] = field(default_factory=dict)
    activities: dict[ActivityId, Activity] = field(default_factory=dict)
    updates: list[tuple[ActivityId, StatusUpdate, str]] = field(default_factory=list)
    indicators: dict[tuple[str, str], Indicator] = field(default_factory=dict)
    indicator_values: dict[tuple[str, str, str, str], IndicatorValue] = field(
        default_factory=dict)
    deliveries: dict[str, _DeliveryRecord] = field(default_factory=dict)
    next_delivery_id: int = 1
    holds: list[ReminderHold] = field(default_factory=list)
    replays: dict[str, datetime] = field(default_factory=dict)
    leases: dict[str, _Lease] = field(default_factory=dict)
    locales: dict[str, str | None] = field(default_factory=dict)
    calendar_links: dict[tuple[str, str | None], tuple[str, datetime]] = field(
        default_factory=dict)  # target -> (token hash, made at)
    version: int = 0
    token: str = "memory"  # storage/versioning.py pairs the version with a token


class _OnStore:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def _live(self, programme_key: str) -> bool:
        return programme_key in self.store.programmes and programme_key not in self.store.succeeded_by

    def _in_scope(self, activity: Activity, programme_key: str | None,
                  group_key: str | None) -> bool:
        """SessionRepository._scope: no programme means the live programmes."""
        if programme_key:
            if activity.programme_key != programme_key:
                return False
        elif not self._live(activity.programme_key):
            return False
        return not group_key or activity.working_group == group_key

    def _activities(self) -> list[tuple[ActivityId, Activity]]:
        """In programme order, then each programme's own order (an added one comes last)."""
        order = {key: n for n, key in enumerate(self.store.programmes)}
        return sorted(self.store.activities.items(),
                      key=lambda item: order.get(item[0].programme_key, len(order)))

    def _bare(self, activity: Activity) -> Activity:
        """An activity as a read returns it: without its log (that is the UpdateLog's)."""
        return replace(activity, updates=()) if activity.updates else activity


class FakeProgrammes(_OnStore):
    """ports.ProgrammeRepository in memory. `save_programme` loads the file as it is: the
    import's merge with changes made in Slack is storage/programme_store.py's, tested on SQL."""

    def list_programmes(self, live_only: bool = False) -> list[Programme]:
        return [self.get_programme(key) or p for key, p in self.store.programmes.items()
                if not live_only or (key not in self.store.succeeded_by
                                     and key not in self.store.archived)]

    def get_programme(self, key: str) -> Programme | None:
        programme = self.store.programmes.get(key)
        if programme is not None and key in self.store.archived:
            return replace(programme, archived=True)
        return programme

    def mark_archived(self, key: str, at: datetime) -> bool | None:
        if key not in self.store.programmes:
            return None
        if key in self.store.archived:
            return False
        self.store.archived.add(key)
        return True

    def delete_programme(self, key: str) -> bool:
        store = self.store
        if store.programmes.pop(key, None) is None:
            return False
        for mapping in (store.succeeded_by, store.programme_extra, store.goals):
            mapping.pop(key, None)  # type: ignore[attr-defined]
        store.archived.discard(key)
        for keyed in (store.groups, store.indicators, store.indicator_values):
            for k in [k for k in keyed if k[0] == key]:
                del keyed[k]  # type: ignore[attr-defined]
        for activity_id in [i for i in store.activities if i.programme_key == key]:
            del store.activities[activity_id]
        store.updates[:] = [u for u in store.updates if u[0].programme_key != key]
        return True

    def archive_programme(self, key: str, successor: str) -> None:
        if key not in self.store.programmes:
            raise LookupError(key)
        self.store.succeeded_by[key] = successor

    def list_goals(self, programme_key: str) -> list[Goal]:
        return list(self.store.goals.get(programme_key, ()))

    def load_programme(self, key: str) -> ProgrammeFile | None:
        programme = self.store.programmes.get(key)
        if programme is None:
            return None
        logs: dict[ActivityId, list[StatusUpdate]] = {}
        for activity_id, update, _ in sorted(self.store.updates, key=lambda u: u[1].at):
            logs.setdefault(activity_id, []).append(update)
        return ProgrammeFile(
            programme=programme,
            working_groups=tuple(g for (p, _), g in self.store.groups.items() if p == key),
            goals=tuple(self.store.goals.get(key, ())),
            activities=tuple(replace(a, updates=tuple(logs.get(i, ())))
                             for i, a in self.store.activities.items() if i.programme_key == key),
            extra=dict(self.store.programme_extra.get(key, {})),
            indicators=tuple(i for (p, _), i in self.store.indicators.items() if p == key),
            indicator_values=tuple(v for (p, *_), v in self.store.indicator_values.items()
                                   if p == key),
        )

    def save_programme(self, file: ProgrammeFile) -> ImportCounts:
        counts = ImportCounts()
        key = file.programme.key
        if key not in self.store.programmes:
            counts["programmes_created"] += 1
        self.store.programmes[key] = file.programme
        self.store.programme_extra[key] = dict(file.extra)
        known_goals = {g.key for g in self.store.goals.get(key, ())}
        counts["goals_created"] += sum(g.key not in known_goals for g in file.goals)
        self.store.goals[key] = list(file.goals)
        for group in file.working_groups:
            counts["working_groups_created"] += (key, group.key) not in self.store.groups
            self.store.groups[(key, group.key)] = group
        for activity in file.activities:
            activity_id = ActivityId(key, activity.key)
            status = activity.status
            if activity_id in self.store.activities:
                status = self.store.activities[activity_id].status
            else:
                counts["activities_created"] += 1
                status = self._log_imported(activity_id, activity, counts)
            self.store.activities[activity_id] = replace(
                activity, programme_key=key, status=status, updates=())
        for indicator in file.indicators:
            counts["indicators_created"] += (key, indicator.key) not in self.store.indicators
            self.store.indicators[(key, indicator.key)] = indicator
        for value in file.indicator_values:
            counts["indicator_values_added"] += 1
            FakeReportQueries(self.store).put_indicator_value(key, value)
        return counts


    def _log_imported(self, activity_id: ActivityId, activity: Activity,
                      counts: ImportCounts) -> Status:
        """A new activity's log from the file, as storage/programme_store.py writes it: each
        update's old status filled in from the one before; when the file's status differs from
        the last update's, a row by the import that sets it. Returns the status it ends on."""
        current = running = activity.status
        added = []
        for update in sorted(activity.updates, key=lambda u: u.at):
            self.store.updates.append(
                (activity_id, replace(update, old_status=update.old_status or running), "import"))
            running = update.new_status
            added.append(update)
        counts["updates_added"] += len(added)
        if added:
            current = added[-1].new_status
        if activity.updates and activity.status != current:
            self.store.updates.append((activity_id, StatusUpdate(
                at=datetime.now(UTC), author=IMPORT_AUTHOR, old_status=current,
                new_status=activity.status), "import"))
            counts["updates_added"] += 1
            current = activity.status
        return current


class FakeGroups(_OnStore):
    """ports.GroupRepository in memory."""

    def get_group(self, programme_key: str, key: str) -> WorkingGroup | None:
        return self.store.groups.get((programme_key, key))

    def list_groups(self, programme_key: str | None = None) -> list[tuple[str, WorkingGroup]]:
        return [(p, g) for (p, _), g in self.store.groups.items()
                if (p == programme_key if programme_key else self._live(p))]

    def find_groups_by_channel(self, channel: str) -> list[tuple[str, WorkingGroup]]:
        return [(p, g) for (p, _), g in self.store.groups.items()
                if g.channel == channel and self._live(p)]

    def set_group_channel(self, programme_key: str, key: str, channel: str) -> None:
        group = self.store.groups.get((programme_key, key))
        if group is None:
            raise LookupError(f"{programme_key}/{key}")
        self.store.groups[(programme_key, key)] = replace(group, channel=channel)


class FakeActivities(_OnStore):
    """ports.ActivityRepository in memory."""

    def ref_index(self) -> RefIndex:
        live = [a for _, a in self._activities() if self._live(a.programme_key)]
        entries = tuple(ActivityEntry(ActivityId(a.programme_key, a.key), a.title, a.theme,
                                      a.working_group, a.is_open) for a in live)
        groups = tuple(
            GroupEntry(programme_key=p, key=g.key, name=g.name, aliases=g.aliases,
                       activity_keys=tuple(e.id.key for e in entries
                                           if (e.id.programme_key, e.group_key) == (p, g.key)),
                       open_activity_keys=tuple(
                           e.id.key for e in entries
                           if (e.id.programme_key, e.group_key) == (p, g.key) and e.is_open))
            for (p, _), g in self.store.groups.items() if self._live(p))
        return prepare(RefIndex(groups=groups, activities=entries))

    def get_activity(self, activity_id: ActivityId) -> Activity | None:
        found = self.store.activities.get(activity_id)
        return self._bare(found) if found else None

    def list_activities(
        self, programme_key: str | None = None, group_key: str | None = None,
        open_only: bool = False, limit: int | None = None,
    ) -> list[Activity]:
        found = [self._bare(a) for _, a in self._activities()
                 if self._in_scope(a, programme_key, group_key) and (a.is_open or not open_only)]
        return found if limit is None else found[:limit]

    def list_activity_lines(
        self, programme_key: str | None = None, group_key: str | None = None,
        open_only: bool = False, limit: int | None = None,
    ) -> list[ActivityLine]:
        return [ActivityLine(a.programme_key, a.key, a.title, a.status, a.due)
                for a in self.list_activities(programme_key, group_key, open_only, limit)]

    def count_by_status(
        self, programme_key: str | None = None, group_key: str | None = None,
    ) -> dict[Status, int]:
        counts = {status: 0 for status in Status}
        for activity in self.store.activities.values():
            if self._in_scope(activity, programme_key, group_key):
                counts[activity.status] += 1
        return counts

    def activity_keys(self, programme_key: str) -> set[str]:
        return {i.key for i in self.store.activities if i.programme_key == programme_key}

    def add_activity(self, activity: Activity) -> None:
        if activity.programme_key not in self.store.programmes:
            raise LookupError(activity.programme_key)
        if activity.working_group and (
                (activity.programme_key, activity.working_group) not in self.store.groups):
            raise LookupError(activity.working_group)
        activity_id = ActivityId(activity.programme_key, activity.key)
        if activity_id in self.store.activities:  # the SQL unique key
            raise ValueError(f"duplicate activity {activity_id}")
        self.store.activities[activity_id] = replace(activity, updates=())

    def find_open_due_items(
        self, start: date | None, end: date | None,
        programme_key: str | None = None, group_key: str | None = None,
    ) -> list[DueItem]:
        def within(value: date) -> bool:
            return (start is None or value >= start) and (end is None or value <= end)

        items: list[DueItem] = []
        for activity in self.store.activities.values():
            if not activity.is_open or not self._in_scope(activity, programme_key, group_key):
                continue
            activity = self._bare(activity)
            if activity.due and within(activity.due.value):
                items.append(DueItem(activity, None, activity.due.value))
            for milestone in activity.milestones:
                if milestone.due and within(milestone.due.value) and not (
                        activity.due and milestone.due == activity.due):
                    items.append(DueItem(activity, milestone.title, milestone.due.value))
        items.sort(key=lambda i: (i.due_value, i.activity.programme_key, i.activity.key,
                                  i.milestone or ""))
        return items

    def list_stale_activities(
        self, before: datetime, programme_key: str | None = None,
        group_key: str | None = None, limit: int = 100,
    ) -> tuple[list[Activity], int]:
        recent = {i for i, u, _ in self.store.updates if u.at >= before}
        stale = [self._bare(a) for i, a in self._activities()
                 if a.is_open and i not in recent and self._in_scope(a, programme_key, group_key)]
        return stale[:limit], len(stale)


class FakeUpdateLog(_OnStore):
    """ports.UpdateLog in memory: newest first is by time, then by order of appending."""

    def _log(self, activity_id: ActivityId | None = None) -> list[tuple[ActivityId, StatusUpdate]]:
        """Oldest first."""
        rows = [(i, u, n) for n, (i, u, _) in enumerate(self.store.updates)
                if activity_id is None or i == activity_id]
        rows.sort(key=lambda row: (row[1].at, row[2]))
        return [(i, u) for i, u, _ in rows]

    def last_update(self, activity_id: ActivityId) -> StatusUpdate | None:
        updates = self.list_updates(activity_id, limit=1)
        return updates[0] if updates else None

    def list_updates(self, activity_id: ActivityId, limit: int = 50) -> list[StatusUpdate]:
        return [u for _, u in reversed(self._log(activity_id))][:limit]

    def list_updates_since(
        self, since: datetime, programme_key: str | None = None, group_key: str | None = None,
    ) -> list[tuple[Activity, StatusUpdate]]:
        return [(self._bare(self.store.activities[i]), u) for i, u in self._log()
                if u.at >= since and i in self.store.activities
                and self._in_scope(self.store.activities[i], programme_key, group_key)]

    def get_update(self, activity_id: ActivityId, update_id: int | None,
                   at: datetime) -> StatusUpdate | None:
        """An update's id is its place in the log, counted from 1."""
        for number, (logged_for, update, _) in enumerate(self.store.updates, start=1):
            if logged_for == activity_id and (
                    number == update_id if update_id is not None else update.at == at):
                return update
        return None

    def activity_state(self, activity_id: ActivityId) -> tuple[Status, DueDate | None] | None:
        activity = self.store.activities.get(activity_id)
        return None if activity is None else (activity.status, activity.due)

    def append_update(self, activity_id: ActivityId, update: StatusUpdate, source: str) -> int:
        """Occurrences of recurring activities are not modelled here (storage/occurrences.py)."""
        activity = self.store.activities.get(activity_id)
        if activity is None:
            raise LookupError(str(activity_id))
        self.store.updates.append((activity_id, update, source))
        changed = replace(activity, status=update.new_status)
        if update.moved:
            changed = replace(changed, due=update.new_due)
        self.store.activities[activity_id] = changed
        return len(self.store.updates)

    def last_reschedule(self, activity_id: ActivityId) -> StatusUpdate | None:
        return next((u for u in self.list_updates(activity_id, limit=len(self.store.updates))
                     if u.event == "reschedule"), None)

    def list_latest_updates(
        self, limit: int, programme_key: str | None = None,
        groups: list[tuple[str, str]] | None = None,
    ) -> list[tuple[Activity, StatusUpdate]]:
        if groups is not None and not groups:
            return []
        wanted = set(groups or ())
        found = []
        for activity_id, update in reversed(self._log()):
            activity = self.store.activities.get(activity_id)
            if activity is None or (programme_key and activity.programme_key != programme_key):
                continue
            if groups is not None and (activity.programme_key, activity.working_group) not in wanted:
                continue
            found.append((self._bare(activity), update))
        return found[:limit]


class FakeOccurrences(_OnStore):
    """Recurring activities are not modelled in memory: no activity here has occurrences."""

    def list_occurrences(self, activity_id: ActivityId) -> list[Occurrence]:
        return []

    def list_programme_occurrences(self, programme_key: str) -> dict[str, list[Occurrence]]:
        return {}


class FakeCalendarLinks(_OnStore):
    """Calendar feed links by target, the token kept as its hash (storage/calendar_links.py)."""

    def calendar_link_created(self, target: CalendarTarget) -> datetime | None:
        found = self.store.calendar_links.get((target.programme_key, target.group_key))
        return found[1] if found else None

    def put_calendar_link(self, target: CalendarTarget, token: str, now: datetime) -> bool:
        if target.programme_key not in self.store.programmes or (
                target.group_key is not None
                and (target.programme_key, target.group_key) not in self.store.groups):
            return False
        digest = hashlib.sha256(token.encode()).hexdigest()
        self.store.calendar_links[(target.programme_key, target.group_key)] = (digest, now)
        return True

    def find_calendar_link(self, token: str) -> CalendarTarget | None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        return next((CalendarTarget(*target) for target, (found, _) in
                     self.store.calendar_links.items() if found == digest), None)


class FakeReportQueries(_OnStore):
    """ports.ReportQueries in memory."""

    def list_status_changes(
        self, programme_key: str,
    ) -> list[tuple[str, datetime, Status | None, Status]]:
        return [(i.key, u.at, u.old_status, u.new_status)
                for i, u in FakeUpdateLog(self.store)._log() if i.programme_key == programme_key]

    def list_updates_between(
        self, programme_key: str, start: datetime, end: datetime,
    ) -> list[tuple[str, StatusUpdate]]:
        return [(i.key, u) for i, u in FakeUpdateLog(self.store)._log()
                if i.programme_key == programme_key and start <= u.at < end]

    def list_indicators(
        self, programme_key: str | None = None,
    ) -> list[tuple[str, Indicator]]:
        return [(p, i) for (p, _), i in self.store.indicators.items()
                if not programme_key or p == programme_key]

    def list_indicator_values(
        self, programme_key: str, indicator_key: str | None = None,
    ) -> list[IndicatorValue]:
        order = [k for (p, k) in self.store.indicators if p == programme_key]
        values = [v for (p, k, _, _), v in self.store.indicator_values.items()
                  if p == programme_key and (not indicator_key or k == indicator_key)]
        return sorted(values, key=lambda v: (order.index(v.indicator),
                                             parse_period(v.period).end))

    def put_indicator_value(self, programme_key: str, value: IndicatorValue) -> bool:
        if (programme_key, value.indicator) not in self.store.indicators:
            raise LookupError(f"{programme_key}/{value.indicator}")
        period = parse_period(value.period).key  # stored by its canonical key
        key = (programme_key, value.indicator, period, value.breakdown or "")
        replaced = key in self.store.indicator_values
        self.store.indicator_values[key] = replace(value, period=period,
                                                   breakdown=value.breakdown or None)
        return replaced


class FakeDeliveries(_OnStore):
    """ports.DeliveryLedger in memory."""

    def _put(self, record: _DeliveryRecord, **changes: Any) -> Delivery:
        record.delivery = replace(record.delivery, **changes)
        return record.delivery

    def _by_id(self, delivery_id: int) -> _DeliveryRecord | None:
        return next((r for r in self.store.deliveries.values() if r.delivery.id == delivery_id),
                    None)

    def claim_delivery(
        self, key: str, kind: str, channel: str, payload: dict[str, Any], now: datetime,
        lease: timedelta | None = None,
    ) -> Delivery | None:
        if key in self.store.deliveries:
            return None
        delivery = Delivery(id=self.store.next_delivery_id, key=key, kind=kind, channel=channel,
                            payload=dict(payload), attempts=0 if lease is None else 1,
                            first_attempt_at=None if lease is None else now)
        self.store.next_delivery_id += 1
        record = _DeliveryRecord(delivery, created_at=now,
                                 next_attempt_at=now if lease is None else now + lease)
        if lease is not None:
            record.last_attempt_at = now
        self.store.deliveries[key] = record
        return delivery

    def list_pending_deliveries(self, now: datetime, limit: int = 100) -> list[Delivery]:
        return [r.delivery for r in sorted(self.store.deliveries.values(),
                                           key=lambda r: r.delivery.id)
                if r.delivery.state in ("pending", "failed")
                and (r.next_attempt_at is None or r.next_attempt_at <= now)][:limit]

    def renew_claim(self, delivery_id: int, now: datetime, lease: timedelta) -> bool:
        record = self._by_id(delivery_id)
        if record is None or record.delivery.state != "pending" or record.delivery.attempts != 1:
            return False
        record.next_attempt_at, record.last_attempt_at = now + lease, now
        return True

    def get_delivery(self, key: str) -> Delivery | None:
        record = self.store.deliveries.get(key)
        return record.delivery if record else None

    def get_delivery_by_message(self, channel: str, message_ts: str) -> Delivery | None:
        return next((r.delivery for r in sorted(self.store.deliveries.values(),
                                                key=lambda r: r.delivery.id)
                     if (r.delivery.channel, r.delivery.message_ts) == (channel, message_ts)),
                    None)

    def lock_delivery(
        self, delivery_id: int, now: datetime, lease: timedelta,
    ) -> Delivery | None:
        record = self._by_id(delivery_id)
        if record is None or record.delivery.state == "sent":
            return None
        if record.next_attempt_at is not None and record.next_attempt_at > now:
            return None
        record.next_attempt_at, record.last_attempt_at = now + lease, now
        return self._put(record, attempts=record.delivery.attempts + 1,
                         first_attempt_at=record.delivery.first_attempt_at or now)

    def mark_delivered(self, delivery_id: int, message_ts: str | None, now: datetime) -> None:
        record = self._by_id(delivery_id)
        if record is not None:
            record.sent_at, record.next_attempt_at = now, None
            self._put(record, state="sent", message_ts=message_ts, last_error=None)

    def mark_failed(
        self, delivery_id: int, reason: str, retry_at: datetime | None, now: datetime,
    ) -> None:
        record = self._by_id(delivery_id)
        if record is not None:
            record.next_attempt_at = retry_at  # without a retry moment it is done with
            self._put(record, state="failed" if retry_at is not None else "gone",
                      last_error=reason[:200])

    def retry_outage_failures(self, now: datetime, errors: frozenset[str],
                              before: datetime) -> int:
        sent = [r.sent_at for r in self.store.deliveries.values() if r.sent_at is not None]
        due = [r for r in self.store.deliveries.values()
               if r.delivery.state == "failed" and r.delivery.last_error in errors
               and r.next_attempt_at is not None and now < r.next_attempt_at <= before
               and r.last_attempt_at is not None  # Slack took a post after its attempt
               and any(at > r.last_attempt_at for at in sent)]
        for record in due:
            record.next_attempt_at = now
        return len(due)

    def delivery_backlog(self, now: datetime) -> tuple[int, int, datetime | None]:
        waiting = [r for r in self.store.deliveries.values()
                   if r.delivery.state in ("pending", "failed")]
        due = sum(r.next_attempt_at is None or r.next_attempt_at <= now for r in waiting)
        return due, len(waiting) - due, min((r.created_at for r in waiting), default=None)

    def existing_delivery_keys(self, keys: list[str]) -> set[str]:
        return {k for k in keys if k in self.store.deliveries}

    def fold_deliveries(self, keys: list[str], into: str, now: datetime) -> int:
        folded = 0
        for key in sorted(set(keys) - {into}):
            record = self.store.deliveries.get(key)
            if record is not None and record.delivery.state in ("pending", "failed"):
                record.next_attempt_at = None
                self._put(record, state="folded", last_error=f"folded into {into}"[:200])
                folded += 1
        return folded

    def last_sent_at(self, kind: str, key_prefix: str, before: datetime) -> datetime | None:
        sent = [r.sent_at for r in self.store.deliveries.values()
                if r.delivery.kind == kind and r.sent_at is not None and r.sent_at < before
                and r.delivery.key.startswith(key_prefix)]
        return max(sent, default=None)

    def list_sent_deliveries(self, kind: str, since: datetime) -> list[Delivery]:
        sent = [r for r in self.store.deliveries.values()
                if r.delivery.kind == kind and r.sent_at is not None and r.sent_at >= since]
        return [r.delivery for r in sorted(sent, key=lambda r: (r.sent_at, r.delivery.id))]

    def add_reminder_hold(self, hold: ReminderHold) -> None:
        if hold.activity_id not in self.store.activities:
            raise LookupError(str(hold.activity_id))
        self.store.holds.append(hold)

    def list_reminder_holds(
        self, activity_ids: list[ActivityId], on: date,
    ) -> list[ReminderHold]:
        wanted = set(activity_ids)
        latest: dict[tuple[ActivityId, str], ReminderHold] = {}
        for hold in sorted(self.store.holds, key=lambda h: h.at):
            if hold.activity_id in wanted:
                latest[(hold.activity_id, hold.target)] = hold
        return [h for h in latest.values() if h.until is None or h.until > on]


class FakeBookkeeping(_OnStore):
    """ports.Bookkeeping in memory."""

    def data_version(self) -> tuple[int, str] | None:
        return self.store.version, self.store.token

    def remember_request(self, key: str, now: datetime, keep: timedelta) -> bool:
        self.store.replays = {k: at for k, at in self.store.replays.items() if at >= now - keep}
        if key in self.store.replays:
            return False
        self.store.replays[key] = now
        return True

    def acquire_lease(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        lease = self.store.leases.get(name)
        if lease is None:
            self.store.leases[name] = _Lease(holder, now, now + ttl)
            return True
        if lease.holder != holder and lease.expires_at > now:
            return False
        if lease.holder != holder:
            lease.holder, lease.acquired_at = holder, now
        lease.expires_at = now + ttl
        return True

    def release_lease(self, name: str, holder: str) -> None:
        lease = self.store.leases.get(name)
        if lease is not None and lease.holder == holder:
            del self.store.leases[name]

    def get_user_locale(self, user_id: str) -> str | None:
        return self.store.locales.get(user_id)

    def set_user_locale(self, user_id: str, locale: str | None, now: datetime) -> None:
        self.store.locales[user_id] = locale


class FakePersonalData(_OnStore):
    """ports.PersonalData in memory: the "tables" are the store's collections."""

    def _tables(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "status_updates": [{"activity": str(i), "author": u.author,
                                "author_name": u.author_name, "note": u.note}
                               for i, u, _ in self.store.updates],
            "members": [{"group": f"{p}/{g.key}", "owner": owner, "slack_user_id": user}
                        for (p, _), g in self.store.groups.items()
                        for owner, users in g.members.items() for user in users],
            "users": [{"slack_user_id": u, "locale": locale}
                      for u, locale in self.store.locales.items()],
            "reminder_holds": [{"activity": str(h.activity_id), "by_user": h.by,
                                "by_name": h.by_name} for h in self.store.holds],
            "deliveries": [{"key": r.delivery.key, "channel": r.delivery.channel,
                            "payload": r.delivery.payload}
                           for r in self.store.deliveries.values()],
        }

    def export_tables(self) -> dict[str, list[dict[str, Any]]]:
        return copy.deepcopy(self._tables())

    def forget_user(
        self, user: str, pseudonym: str, rewrite_note: Callable[[str], str],
    ) -> dict[str, int]:
        exact = re.compile(rf"(?<![A-Za-z0-9]){re.escape(user)}(?![A-Za-z0-9])")
        changed = {"updates_authored": 0, "notes_mentioning": 0, "member_links_removed": 0,
                   "locale_removed": 0, "deliveries": 0, "reminder_holds": 0}
        log = []
        for activity_id, update, source in self.store.updates:
            if update.author == user:
                update = replace(update, author=pseudonym, author_name=pseudonym)
                changed["updates_authored"] += 1
            if user in update.note and rewrite_note(update.note) != update.note:
                update = replace(update, note=rewrite_note(update.note))
                changed["notes_mentioning"] += 1
            log.append((activity_id, update, source))
        self.store.updates = log
        for key, group in self.store.groups.items():
            members = {o: tuple(u for u in users if u != user) for o, users in group.members.items()}
            removed = sum(len(u) for u in group.members.values()) - sum(
                len(u) for u in members.values())
            if removed:
                changed["member_links_removed"] += removed
                self.store.groups[key] = replace(
                    group, members={o: u for o, u in members.items() if u})
        if user in self.store.locales:
            del self.store.locales[user]
            changed["locale_removed"] += 1
        changed["reminder_holds"] = sum(h.by == user for h in self.store.holds)
        self.store.holds = [
            replace(h, by=pseudonym, by_name=pseudonym) if h.by == user else h
            for h in self.store.holds]
        for record in self.store.deliveries.values():
            d = record.delivery
            channel = pseudonym if d.channel == user else d.channel
            new_key = exact.sub(pseudonym, d.key)
            payload = _replace_in(d.payload, exact, pseudonym)
            if (channel, new_key, payload) != (d.channel, d.key, d.payload):
                record.delivery = replace(d, channel=channel, key=new_key, payload=payload)
                changed["deliveries"] += 1
        return changed

    def count_mentions(self, text: str) -> dict[str, int]:
        exact = re.compile(rf"(?<![A-Za-z0-9]){re.escape(text)}(?![A-Za-z0-9])")
        found: dict[str, int] = {}
        for table, rows in self._tables().items():
            for row in rows:
                for column, value in row.items():
                    if value is not None and exact.search(str(value)):
                        name = f"{table}.{column}"
                        found[name] = found.get(name, 0) + 1
        return found


def _replace_in(value: Any, exact: re.Pattern[str], new: str) -> Any:
    if isinstance(value, str):
        return exact.sub(new, value)
    if isinstance(value, dict):
        return {exact.sub(new, k): _replace_in(v, exact, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_in(v, exact, new) for v in value]
    return value


class FakeRepository(FakeProgrammes, FakeGroups, FakeActivities, FakeUpdateLog,
                     FakeOccurrences, FakeCalendarLinks, FakeReportQueries, FakeDeliveries,
                     FakeBookkeeping, FakePersonalData):
    """ports.Repository in memory: every aggregate's fake on one store."""


class FakeUnitOfWork:
    """ports.UnitOfWork in memory: works on a copy of the store; commit publishes it and moves
    the data version, as SqlUnitOfWork.commit does."""

    def __init__(self, factory: FakeUnitOfWorkFactory, write: bool) -> None:
        self._factory = factory
        self.write = write
        self._repo: FakeRepository | None = None
        self.committed = False

    @property
    def repo(self) -> FakeRepository:
        assert self._repo is not None, "use the unit of work in a with-block"
        return self._repo

    def __enter__(self) -> Self:
        self._repo = FakeRepository(copy.deepcopy(self._factory.store))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._repo = None  # uncommitted changes die with the copy

    def commit(self) -> None:
        assert self._repo is not None
        if not self.write:
            raise RuntimeError("commit in a read-only unit of work: open it with uow(write=True)")
        self._repo.store.version += 1
        self._factory.store = self._repo.store
        self._factory.commits += 1
        self._repo = FakeRepository(copy.deepcopy(self._repo.store))
        self.committed = True

    def rollback(self) -> None:
        assert self._repo is not None
        self._repo = FakeRepository(copy.deepcopy(self._factory.store))


class FakeUnitOfWorkFactory:
    """ports.UnitOfWorkFactory in memory; `store` is what the last commit left."""

    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store or MemoryStore()
        self.commits = 0

    def data_version(self) -> tuple[int, str] | None:
        return self.store.version, self.store.token

    def changes_since(self, held: tuple[int, str],
                      now: tuple[int, str]) -> frozenset[str] | None:
        """The fakes keep no history of what each write changed: everything counts as changed
        (what the port's contract allows when the history cannot be told)."""
        return None

    def remembered_locale(self, user_id: str) -> str | None:
        return None  # the fakes read it from the store in a unit of work

    def __call__(self, *, write: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, write)
