"""What a use case answers: a closed set of dataclasses that renderers `match` on.

No wording here: renderers turn these into Block Kit (Slack) or plain text (console).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.domain.grammar import Usage
from bot.domain.model import Activity, DueDate, Programme, Status, StatusUpdate, WorkingGroup
from bot.domain.ports import ActivityEntry, DueItem
from bot.domain.privacy import PiiKind


@dataclass(frozen=True, slots=True)
class HelpAnswer:
    command: str
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class UsageAnswer:
    usage: Usage
    command: str


@dataclass(frozen=True, slots=True)
class UnknownRef:
    query: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AmbiguousRef:
    query: str
    candidates: tuple[ActivityEntry, ...]
    total: int


@dataclass(frozen=True, slots=True)
class EmptyGroup:
    group: WorkingGroup


@dataclass(frozen=True, slots=True)
class OwnersAnswer:
    activity: Activity
    group: WorkingGroup | None
    linked: dict[str, tuple[str, ...]] = field(default_factory=dict)  # owner -> Slack ids


@dataclass(frozen=True, slots=True)
class MilestoneDeadline:
    title: str
    due: DueDate | None
    working_days: int | None  # > 0 left, 0 today, < 0 overdue; None without a date


@dataclass(frozen=True, slots=True)
class DeadlineAnswer:
    activity: Activity
    group: WorkingGroup | None
    today: date
    working_days: int | None
    milestones: tuple[MilestoneDeadline, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    activity: Activity
    group: WorkingGroup | None
    last_update: StatusUpdate | None


@dataclass(frozen=True, slots=True)
class StatusLine:
    activity: Activity
    last_update: StatusUpdate | None


@dataclass(frozen=True, slots=True)
class GroupStatusAnswer:
    group: WorkingGroup | None  # None: the whole programme(s)
    counts: dict[Status, int]
    lines: tuple[StatusLine, ...]
    total: int


@dataclass(frozen=True, slots=True)
class UpdateRecorded:
    activity: Activity
    group: WorkingGroup | None
    update: StatusUpdate
    announce_channel: str | None
    delivery_key: str | None


@dataclass(frozen=True, slots=True)
class Refused:
    """The request was understood but not carried out; nothing was stored."""

    reason: str  # "personal_data" | "not_admin" | "no_channel" | "same_status_no_note"
    kinds: tuple[PiiKind, ...] = ()


@dataclass(frozen=True, slots=True)
class HistoryAnswer:
    activity: Activity
    updates: tuple[StatusUpdate, ...]
    total: int


@dataclass(frozen=True, slots=True)
class DueEntry:
    item: DueItem
    working_days: int


@dataclass(frozen=True, slots=True)
class DueListAnswer:
    kind: str  # "upcoming" | "overdue"
    today: date
    days: int | None
    entries: tuple[DueEntry, ...]
    group: WorkingGroup | None = None


@dataclass(frozen=True, slots=True)
class GroupSummary:
    programme_key: str
    group: WorkingGroup
    open_count: int
    total: int


@dataclass(frozen=True, slots=True)
class GroupsAnswer:
    groups: tuple[GroupSummary, ...]


@dataclass(frozen=True, slots=True)
class ActivityListAnswer:
    group: WorkingGroup
    activities: tuple[Activity, ...]


@dataclass(frozen=True, slots=True)
class LinkAnswer:
    group: WorkingGroup
    channel: str
    previous: str | None


@dataclass(frozen=True, slots=True)
class OverviewAnswer:
    """The channel's (or the programme's) digest, shown now."""

    programme: Programme | None
    group: WorkingGroup | None
    today: date
    counts: dict[Status, int]
    upcoming: tuple[DueEntry, ...]
    overdue: tuple[DueEntry, ...]
    stale: tuple[Activity, ...]
    changes: tuple[tuple[Activity, StatusUpdate], ...]
    horizon_days: int = 60


@dataclass(frozen=True, slots=True)
class Announcement:
    """Posted in a working group's channel after a status update."""

    activity: Activity
    update: StatusUpdate
    group: WorkingGroup | None


Result = (
    HelpAnswer | UsageAnswer | UnknownRef | AmbiguousRef | EmptyGroup | OwnersAnswer
    | DeadlineAnswer | StatusAnswer | GroupStatusAnswer | UpdateRecorded | Refused
    | HistoryAnswer | DueListAnswer | GroupsAnswer | ActivityListAnswer | LinkAnswer
    | OverviewAnswer | Announcement
)
