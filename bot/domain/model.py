"""The programme's vocabulary: frozen values the rest of the bot passes around.

Pure data: no Slack, no SQL, no clock, no I/O.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    NOT_STARTED = "not-started"
    ON_TRACK = "on-track"
    AT_RISK = "at-risk"
    DELAYED = "delayed"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_closed(self) -> bool:
        return self in (Status.DONE, Status.CANCELLED)


# Dutch words first, English second; both are accepted wherever a status is typed.
STATUS_WORDS: dict[str, Status] = {
    "niet-gestart": Status.NOT_STARTED,
    "not-started": Status.NOT_STARTED,
    "op-schema": Status.ON_TRACK,
    "on-track": Status.ON_TRACK,
    "risico": Status.AT_RISK,
    "at-risk": Status.AT_RISK,
    "vertraagd": Status.DELAYED,
    "delayed": Status.DELAYED,
    "gereed": Status.DONE,
    "done": Status.DONE,
    "vervallen": Status.CANCELLED,
    "cancelled": Status.CANCELLED,
}

DUTCH_STATUS_WORD: dict[Status, str] = {
    Status.NOT_STARTED: "niet-gestart",
    Status.ON_TRACK: "op-schema",
    Status.AT_RISK: "risico",
    Status.DELAYED: "vertraagd",
    Status.DONE: "gereed",
    Status.CANCELLED: "vervallen",
}


def parse_status(word: str) -> Status | None:
    """A status from a Dutch or English word; case-, accent- and separator-insensitive."""
    key = fold(word).replace(" ", "-").replace("_", "-")
    return STATUS_WORDS.get(key)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a text, for matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


class Precision(StrEnum):
    """How precisely a deadline was given; the date is always the last day it covers."""

    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    SEASON = "season"
    YEAR = "year"
    ONGOING = "ongoing"  # "doorlopend": no end; the value is date.max, never due or late


@dataclass(frozen=True, slots=True)
class DueDate:
    value: date  # the last day the deadline covers ("maart 2021" -> 2021-03-31)
    precision: Precision = Precision.DAY


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    before_working_days: tuple[int, ...] = (10, 5, 1)
    on_due_day: bool = True
    overdue_every_working_days: int = 5


@dataclass(frozen=True, slots=True)
class Programme:
    key: str
    name: str
    region: str | None = None
    timezone: str = "Europe/Amsterdam"
    admin_channel: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    admins: tuple[str, ...] = ()  # Slack user ids allowed to do everything in this programme
    # `actiebot programme archive`: no reminders or digests; questions answered, marked archive
    archived: bool = False


@dataclass(frozen=True, slots=True)
class Goal:
    key: str
    name: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WorkingGroup:
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    channel: str | None = None
    reminders: ReminderPolicy = ReminderPolicy()
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # owner name -> Slack ids
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Milestone:
    title: str
    due: DueDate | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    at: datetime
    author: str  # Slack user id, or a name for updates transcribed from reports
    old_status: Status | None
    new_status: Status
    note: str = ""
    author_name: str | None = None
    # "update" (a status and/or a note), "reschedule" (the deadline moved from old_due to
    # new_due; the note is the reason) or "created" (the activity was added in Slack)
    event: str = "update"
    old_due: DueDate | None = None
    new_due: DueDate | None = None
    # which occurrence of a recurring activity it was about (1-based; None: it does not recur)
    occurrence: int | None = None
    # the author's organisation when they are a partner's member from another workspace (Slack
    # Connect): what the log shows instead of their id, which readers here cannot resolve
    author_org: str | None = None

    @property
    def moved(self) -> bool:
        return self.event == UpdateEvent.RESCHEDULE


class UpdateEvent(StrEnum):
    UPDATE = "update"
    RESCHEDULE = "reschedule"
    CREATED = "created"


@dataclass(frozen=True, slots=True)
class Activity:
    key: str
    title: str
    programme_key: str = ""
    goal: str | None = None
    theme: str | None = None
    result: str | None = None
    owners: tuple[str, ...] = ()
    working_group: str | None = None
    due: DueDate | None = None
    milestones: tuple[Milestone, ...] = ()
    status: Status = Status.NOT_STARTED
    updates: tuple[StatusUpdate, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # its programme is archived (`actiebot programme archive`): set where a question resolves
    # it (bot/services/dispatch.py), so that the answer says so
    archived: bool = False

    @property
    def is_open(self) -> bool:
        return not self.status.is_closed


@dataclass(frozen=True, slots=True)
class ActivityLine:
    """An activity as a list shows it (`lijst`, `status` of a group): without its owners,
    milestones or extra fields, which such a list never shows and which cost most of the read."""

    programme_key: str
    key: str
    title: str
    status: Status
    due: DueDate | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    """A figure the programme follows ("Meldingen bij Veilig Thuis"), optionally per breakdown
    (municipality); its values live in IndicatorValue."""

    key: str
    name: str
    unit: str | None = None  # "aantal", "procent", "euro", ...
    source: str | None = None
    breakdown: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    indicator: str  # Indicator.key
    period: str  # a period key: "2020", "2021-H1", "2021-Q3", "2021-03" (bot/domain/periods.py)
    value: float
    breakdown: str | None = None  # None: the programme's whole region
    source: str | None = None
    note: str = ""
    recorded_by: str | None = None  # "import", or the Slack user who recorded it
    recorded_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProgrammeFile:
    """A whole programme as read from or written to a programme file."""

    programme: Programme
    working_groups: tuple[WorkingGroup, ...] = ()
    goals: tuple[Goal, ...] = ()
    activities: tuple[Activity, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    indicators: tuple[Indicator, ...] = ()
    indicator_values: tuple[IndicatorValue, ...] = ()
    # when `actiebot export` wrote the file (read from it, never stored): a stale file is
    # refused by `import` without --force
    exported_at: datetime | None = None
