"""Protocols the services depend on; storage and handlers satisfy them without inheriting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

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
from bot.domain.recurrence import Occurrence


@dataclass(frozen=True, slots=True)
class ActivityId:
    programme_key: str
    key: str

    def __str__(self) -> str:
        return f"{self.programme_key}/{self.key}"


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    """What ref resolution needs to know of an activity."""

    id: ActivityId
    title: str
    theme: str | None
    group_key: str | None
    is_open: bool


@dataclass(frozen=True, slots=True)
class GroupEntry:
    programme_key: str
    key: str
    name: str
    aliases: tuple[str, ...]
    activity_keys: tuple[str, ...]
    open_activity_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RefIndex:
    groups: tuple[GroupEntry, ...] = ()
    activities: tuple[ActivityEntry, ...] = ()
    # lookup tables built once by bot.domain.refs.prepare (None: built per resolve)
    search: object | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class DueItem:
    """An activity or one of its milestones that falls due on a date."""

    activity: Activity
    milestone: str | None
    due_value: date


class Busy(Exception):
    """A write could not take its locks in time (SQLite's busy timeout, PostgreSQL's
    lock_timeout or statement_timeout): its transaction was rolled back, nothing of it was
    written, and trying it again is safe (storage/uow.py raises it)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    key: str
    kind: str
    channel: str
    payload: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0
    state: str = "pending"
    message_ts: str | None = None
    last_error: str | None = None
    first_attempt_at: datetime | None = None  # recorded before the first post was sent


@dataclass(frozen=True, slots=True)
class ReminderHold:
    """A button press that holds reminders back: "Herinner me volgende week" (snooze, until a
    day) or "Gereed" on a milestone (done, no end). Append-only: who pressed it, and when."""

    activity_id: ActivityId
    target: str  # "activity" or "milestone:<hash>" (bot/services/reminders.py: target_of)
    reason: str  # "snooze" | "done"
    until: date | None  # first day reminders may come again; None: never
    by: str  # Slack user id
    at: datetime
    by_name: str | None = None
    source: str = "button"


class ImportCounts(dict[str, int]):
    """What an import changed, by kind (missing kinds count 0), and per activity which
    statuses it changed (the file's status had changed since the last import) and which it
    kept (set in Slack; the file's status had not changed): (key, before, file's status);
    the same for deadlines (moved in Slack): (key, before, file's deadline)."""

    def __init__(self) -> None:
        super().__init__()
        self.changed: list[tuple[str, Status, Status]] = []
        self.kept: list[tuple[str, Status, Status]] = []
        self.deadlines_changed: list[tuple[str, DueDate | None, DueDate | None]] = []
        self.deadlines_kept: list[tuple[str, DueDate | None, DueDate | None]] = []

    def __missing__(self, key: str) -> int:
        return 0


Version = tuple[int, str]  # the data version and its token (storage/versioning.py)
_T = TypeVar("_T")


class KeptSlots(Protocol):
    """The process's read cache as storage sees it (bot/services/answers.py): long-lived values
    (the resolution index, remembered locales) each in a slot of their own, made on first use,
    counted against the cache's byte limit when they say their size (``nbytes()``)."""

    def slot(self, name: str, make: Callable[[], _T]) -> _T: ...


@dataclass(frozen=True, slots=True)
class CalendarTarget:
    """What a subscribable calendar feed shows: a programme, or one of its working groups."""

    programme_key: str
    group_key: str | None = None


# One narrow port per aggregate (storage/aggregates/ implements each on SQL; tests/fakes/
# repository.py in memory). A use case that needs one aggregate can ask for just its port;
# `Repository`, all of them together, is what a unit of work hands out.

class ProgrammeRepository(Protocol):
    """Programmes, their goals, and a whole programme file loaded or saved."""

    def list_programmes(self, live_only: bool = False) -> list[Programme]: ...
    def get_programme(self, key: str) -> Programme | None: ...
    def archive_programme(self, key: str, successor: str) -> None: ...
    def mark_archived(self, key: str, at: datetime) -> bool | None:
        """`actiebot programme archive`: True when archived now, False when it was already,
        None when there is no such programme."""
        ...
    def delete_programme(self, key: str) -> bool:
        """`actiebot programme remove`: the programme and everything in it; False when there
        is no such programme."""
        ...
    def list_goals(self, programme_key: str) -> list[Goal]: ...
    def load_programme(self, key: str) -> ProgrammeFile | None: ...
    def save_programme(self, file: ProgrammeFile) -> ImportCounts: ...


class GroupRepository(Protocol):
    """Working groups: channel, aliases, reminder policy, member links."""

    def get_group(self, programme_key: str, key: str) -> WorkingGroup | None: ...
    def list_groups(self, programme_key: str | None = None) -> list[tuple[str, WorkingGroup]]: ...
    def find_groups_by_channel(self, channel: str) -> list[tuple[str, WorkingGroup]]: ...
    def set_group_channel(self, programme_key: str, key: str, channel: str) -> None: ...


class ActivityRepository(Protocol):
    """Activities: the resolution index, one by key, lists, counts, due items."""

    def ref_index(self) -> RefIndex: ...
    def get_activity(self, activity_id: ActivityId) -> Activity | None: ...
    def list_activities(
        self, programme_key: str | None = None, group_key: str | None = None,
        open_only: bool = False, limit: int | None = None,
    ) -> list[Activity]: ...
    def list_activity_lines(
        self, programme_key: str | None = None, group_key: str | None = None,
        open_only: bool = False, limit: int | None = None,
    ) -> list[ActivityLine]:
        """The same activities as `list_activities`, as a list shows them."""
        ...
    def count_by_status(
        self, programme_key: str | None = None, group_key: str | None = None,
    ) -> dict[Status, int]: ...
    def activity_keys(self, programme_key: str) -> set[str]: ...
    def add_activity(self, activity: Activity) -> None: ...
    # reminders and digests (bot/services/reminders.py, digests.py)
    def find_open_due_items(
        self, start: date | None, end: date | None,
        programme_key: str | None = None, group_key: str | None = None,
    ) -> list[DueItem]: ...
    def list_stale_activities(
        self, before: datetime, programme_key: str | None = None,
        group_key: str | None = None, limit: int = 100,
    ) -> tuple[list[Activity], int]: ...


class UpdateLog(Protocol):
    """The update log: status changes, deadline moves, activities added."""

    def last_update(self, activity_id: ActivityId) -> StatusUpdate | None: ...
    def list_updates(self, activity_id: ActivityId, limit: int = 50) -> list[StatusUpdate]: ...
    def list_updates_since(
        self, since: datetime, programme_key: str | None = None, group_key: str | None = None,
    ) -> list[tuple[Activity, StatusUpdate]]: ...
    # the activity's status and deadline as the transaction sees them now (None: no such
    # activity); a change asks before its append (the old status) and after it (as stored)
    def activity_state(self, activity_id: ActivityId) -> tuple[Status, DueDate | None] | None: ...
    # appends the row (returns its id) and sets the activity's status (and deadline, when it
    # moved)
    def append_update(self, activity_id: ActivityId, update: StatusUpdate, source: str) -> int: ...
    def get_update(
        self, activity_id: ActivityId, update_id: int | None, at: datetime,
    ) -> StatusUpdate | None: ...
    def last_reschedule(self, activity_id: ActivityId) -> StatusUpdate | None: ...
    def list_latest_updates(
        self, limit: int, programme_key: str | None = None,
        groups: list[tuple[str, str]] | None = None,
    ) -> list[tuple[Activity, StatusUpdate]]: ...


class Occurrences(Protocol):
    """The occurrences of recurring activities (storage/occurrences.py); an update of one is
    written through `UpdateLog.append_update`."""

    def list_occurrences(self, activity_id: ActivityId) -> list[Occurrence]: ...
    def list_programme_occurrences(self, programme_key: str) -> dict[str, list[Occurrence]]: ...


class CalendarLinks(Protocol):
    """The secrets of the subscribable calendar feeds, kept hashed (storage/calendar_links.py)."""

    def calendar_link_created(self, target: CalendarTarget) -> datetime | None: ...
    def put_calendar_link(self, target: CalendarTarget, token: str, now: datetime) -> bool: ...
    def find_calendar_link(self, token: str) -> CalendarTarget | None: ...


class ReportQueries(Protocol):
    """The council progress report and indicators (storage/report_queries.py)."""

    def list_status_changes(
        self, programme_key: str,
    ) -> list[tuple[str, datetime, Status | None, Status]]: ...
    def list_updates_between(
        self, programme_key: str, start: datetime, end: datetime,
    ) -> list[tuple[str, StatusUpdate]]: ...
    def list_indicators(
        self, programme_key: str | None = None,
    ) -> list[tuple[str, Indicator]]: ...
    def list_indicator_values(
        self, programme_key: str, indicator_key: str | None = None,
    ) -> list[IndicatorValue]: ...
    def put_indicator_value(self, programme_key: str, value: IndicatorValue) -> bool: ...


class DeliveryLedger(Protocol):
    """The outbox of reminders, digests and announcements, and the reminder holds."""

    def claim_delivery(
        self, key: str, kind: str, channel: str, payload: dict[str, Any], now: datetime,
        lease: timedelta | None = None,
    ) -> Delivery | None: ...
    def list_pending_deliveries(self, now: datetime, limit: int = 100) -> list[Delivery]: ...
    def renew_claim(self, delivery_id: int, now: datetime, lease: timedelta) -> bool: ...
    def retry_outage_failures(
        self, now: datetime, errors: frozenset[str], before: datetime,
    ) -> int: ...
    def delivery_backlog(self, now: datetime) -> tuple[int, int, datetime | None]: ...
    def get_delivery(self, key: str) -> Delivery | None: ...
    def get_delivery_by_message(self, channel: str, message_ts: str) -> Delivery | None: ...
    def lock_delivery(
        self, delivery_id: int, now: datetime, lease: timedelta,
    ) -> Delivery | None: ...
    def mark_delivered(self, delivery_id: int, message_ts: str | None, now: datetime) -> None: ...
    def mark_failed(
        self, delivery_id: int, reason: str, retry_at: datetime | None, now: datetime,
    ) -> None: ...
    def existing_delivery_keys(self, keys: list[str]) -> set[str]: ...
    def fold_deliveries(self, keys: list[str], into: str, now: datetime) -> int: ...
    def last_sent_at(self, kind: str, key_prefix: str, before: datetime) -> datetime | None: ...
    def list_sent_deliveries(self, kind: str, since: datetime) -> list[Delivery]: ...
    def add_reminder_hold(self, hold: ReminderHold) -> None: ...
    def list_reminder_holds(
        self, activity_ids: list[ActivityId], on: date,
    ) -> list[ReminderHold]: ...


class Bookkeeping(Protocol):
    """Rows that are not programme data: the data version, handled requests, the scheduler
    lease, users' locales."""

    # moved by every committed write that changed programme data; None: unknown (keep nothing)
    def data_version(self) -> Version | None: ...
    def remember_request(self, key: str, now: datetime, keep: timedelta) -> bool: ...
    def acquire_lease(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool: ...
    def release_lease(self, name: str, holder: str) -> None: ...
    def get_user_locale(self, user_id: str) -> str | None: ...
    def set_user_locale(self, user_id: str, locale: str | None, now: datetime) -> None: ...


class PersonalData(Protocol):
    """Privacy (AVG/GDPR): everything stored; forgetting one user (bot/services/privacy.py)."""

    def export_tables(self) -> dict[str, list[dict[str, Any]]]: ...
    def forget_user(
        self, user: str, pseudonym: str, rewrite_note: Callable[[str], str],
    ) -> dict[str, int]: ...
    def count_mentions(self, text: str) -> dict[str, int]: ...


class Repository(ProgrammeRepository, GroupRepository, ActivityRepository, UpdateLog,
                 Occurrences, CalendarLinks, ReportQueries, DeliveryLedger, Bookkeeping,
                 PersonalData, Protocol):
    """Every aggregate's port: what `UnitOfWork.repo` gives."""


class UnitOfWork(Protocol):
    @property
    def repo(self) -> Repository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """``deps.uow()`` opens a read-only unit of work: it never takes a write lock, and writing
    or committing in it fails loudly. ``deps.uow(write=True)`` opens a short write transaction:
    never keep one open across a call to Slack or any other network service."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...

    def data_version(self) -> Version | None:
        """The data version as committed now, read outside any unit of work (a kept answer's
        check: bot/services/answers.py); None when it cannot be known."""
        ...

    def changes_since(self, held: Version, now: Version) -> frozenset[str] | None:
        """The scopes (bot/domain/scopes.py) written after ``held`` up to ``now``; None when
        the history between them cannot be told (then everything counts as changed)."""
        ...

    def remembered_locale(self, user_id: str) -> str | None:
        """The user's locale as this process remembers it, without a unit of work (it is asked
        on every request); None when not remembered: then read it in one."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class PostResult:
    ok: bool
    ts: str | None = None
    error: str | None = None  # Slack's error code, e.g. "channel_not_found"
    retryable: bool = False
    uncertain: bool = False  # no answer (timeout, connection lost, 5xx): it may have been posted
    answered: bool = True  # False: no answer came at all (timeout, connection lost)


@dataclass(frozen=True, slots=True)
class Lookup:
    """Whether a message carrying a ledger key is in the channel: ``ts`` when found; ``known``
    False when the look-up itself failed (then nobody can tell, and nothing is posted)."""

    ts: str | None = None
    known: bool = True


class Notifier(Protocol):
    """Posts messages to Slack; never raises for a Slack error, it reports it.

    ``key`` (the delivery ledger key) travels with the message (Slack message metadata), so
    that ``find_posted`` can tell whether a post whose outcome was unknown did go out."""

    def post(self, channel: str, message: Any, thread_ts: str | None = None,
             key: str | None = None) -> PostResult: ...

    def find_posted(self, channel: str, key: str, since: datetime,
                    thread_ts: str | None = None) -> Lookup: ...


class ChannelDirectory(Protocol):
    """Who is in a Slack channel (``conversations.members``), cached for a few minutes at most.

    None when Slack cannot say (an outage, a channel the bot cannot see): callers refuse
    rather than allow."""

    def members(self, channel: str) -> frozenset[str] | None: ...


class Organisations(Protocol):
    """Partner organisations (Slack Connect): the name of the workspace a user belongs to when
    it is not the workspace served. The log keeps that name instead of a user id a reader
    here cannot resolve."""

    def partner(self, team_id: str) -> str | None:
        """The organisation's name for another workspace; None for the one served (or when
        which one is served is not known)."""
        ...


class Unavailable(Exception):
    """An outage (database, Slack) the caller cannot fix; never a user mistake."""

