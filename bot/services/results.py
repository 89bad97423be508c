"""What a use case answers: a closed set of dataclasses that renderers `match` on.

No wording here: renderers turn these into Block Kit (Slack) or plain text (console).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.digest import Digest
from bot.domain.grammar import Usage
from bot.domain.model import (
    Activity,
    ActivityLine,
    DueDate,
    Programme,
    Status,
    StatusUpdate,
    WorkingGroup,
)
from bot.domain.ports import ActivityEntry, Delivery, DueItem
from bot.domain.privacy import PiiKind
from bot.domain.recurrence import Occurrence
from bot.services.report_results import ReportResult


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
    moved: StatusUpdate | None = None  # the latest reschedule (old -> new, the reason)


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    activity: Activity
    group: WorkingGroup | None
    last_update: StatusUpdate | None


@dataclass(frozen=True, slots=True)
class GroupStatusAnswer:
    group: WorkingGroup | None  # None: the whole programme(s)
    counts: dict[Status, int]
    lines: tuple[ActivityLine, ...]  # the first open ones, in programme order
    total: int


@dataclass(frozen=True, slots=True)
class UpdateRecorded:
    activity: Activity
    group: WorkingGroup | None
    update: StatusUpdate
    announce_channel: str | None
    delivery_key: str | None
    # the announcement's ledger row as claimed (leased to this process when it posts at once:
    # bot/services/delivery.py `announce`)
    delivery: Delivery | None = None


@dataclass(frozen=True, slots=True)
class Refused:
    """The request was understood but not carried out; nothing was stored.

    A permission refusal (bot/services/permissions.py) says who may: the members of
    ``channel``, the users in ``linked`` (linked to an owner in the group's ``members:``) and
    the ``admins``; ``admins_configured`` False means no admin is configured anywhere."""

    # "personal_data" | "not_admin" | "no_channel" | "same_status_no_note"
    # | "not_allowed" (change) | "not_channel_member" (koppel without admins)
    # | "membership_unknown" (Slack could not say who is in the channel) | "not_our_message"
    reason: str
    kinds: tuple[PiiKind, ...] = ()
    activity: Activity | None = None
    group: WorkingGroup | None = None
    channel: str | None = None
    linked: tuple[str, ...] = ()
    admins: tuple[str, ...] = ()
    admins_configured: bool = True


@dataclass(frozen=True, slots=True)
class HistoryAnswer:
    activity: Activity
    updates: tuple[StatusUpdate, ...]
    total: int
    # the log of the activity it was carried over from (rollover), newest year first
    earlier: tuple[EarlierHistory, ...] = ()
    # a recurring activity: every occurrence with its deadline and status, first to last
    occurrences: tuple[Occurrence, ...] = ()


@dataclass(frozen=True, slots=True)
class EarlierHistory:
    programme_key: str
    activity_key: str
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
    period: str | None = None  # "week" | "month": "deze week/maand" instead of a day count
    overdue_count: int = 0  # upcoming with nothing due: how many are overdue (a hint)


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
    activities: tuple[ActivityLine, ...]  # the first ones, in programme order
    total: int | None = None  # all of the group's activities (None: as many as listed)


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


# -- reminders and digests -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReminderNotice:
    """Posted in a working group's channel: a deadline is coming, is today, or has passed."""

    activity: Activity
    group: WorkingGroup | None
    milestone: str | None  # None: the activity's own deadline
    due: DueDate
    kind: str  # "before-5" | "due" | "overdue-6" (bot/domain/reminders.py)
    stage: str  # "before" | "due" | "overdue"
    as_of: date
    working_days: int  # seen from as_of: > 0 left, 0 today, < 0 late
    last_update: StatusUpdate | None
    mentions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # owner -> Slack ids
    target: str = "activity"  # what the buttons act on: "activity" | "milestone:<hash>"
    in_admin_channel: bool = False  # the group has no channel of its own
    settled: bool = False  # done since it was posted (closed, or the milestone marked done)


@dataclass(frozen=True, slots=True)
class ReminderBundle:
    """All reminders of one sweep for one channel as one message: a short list of every item
    (``listed``) and the details with buttons of this part's ``notices``. Part 1 is the
    top-level message; later parts go into its thread."""

    notices: tuple[ReminderNotice, ...]
    listed: tuple[ReminderNotice, ...]
    as_of: date
    part: int = 1
    parts: int = 1


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """One reminder of a sweep, as the CLI prints it."""

    key: str
    channel: str | None
    activity_id: str  # "programme/key"
    title: str
    milestone: str | None
    due: DueDate
    kind: str
    working_days: int
    state: str  # "would-send" | "sent" | "failed" | "taken" | "held" | "no-channel"
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Retried:
    """A ledger row posted again on this sweep (an earlier failure whose time had come)."""

    key: str
    channel: str
    ok: bool
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SweepReport:
    at: datetime
    today: date
    working_day: bool
    dry_run: bool
    plans: tuple[ReminderPlan, ...] = ()
    retried: tuple[Retried, ...] = ()
    notices: tuple[str, ...] = ()  # channel-problem notices sent to admin channels (keys)
    holiday: str | None = None

    @property
    def failed(self) -> int:
        return (sum(p.state == "failed" for p in self.plans)
                + sum(not r.ok for r in self.retried))


@dataclass(frozen=True, slots=True)
class DigestMessage:
    """A digest as a message: the short one in the channel, the full lists in its thread, or
    everything at once for `/actie overzicht`."""

    digest: Digest
    part: str  # "summary" | "thread" | "now"


@dataclass(frozen=True, slots=True)
class DigestPlan:
    key: str
    channel: str
    scope: str  # "programme" or "programme/group"
    state: str  # "would-send" | "sent" | "failed" | "exists" | "taken" | "empty" | "queued"
    digest: Digest | None = None
    thread_state: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class DigestReport:
    month: date
    as_of: date
    dry_run: bool
    force: bool
    plans: tuple[DigestPlan, ...] = ()

    @property
    def failed(self) -> int:
        return sum(p.state == "failed" or p.thread_state == "failed" for p in self.plans)


@dataclass(frozen=True, slots=True)
class ChannelProblem:
    """Told to the programme's admin channel once: the bot cannot post in a channel."""

    channel: str
    error: str  # "channel_not_found" | "not_in_channel" | "is_archived"
    programme: Programme | None
    groups: tuple[WorkingGroup, ...] = ()


@dataclass(frozen=True, slots=True)
class SnoozeRecorded:
    activity: Activity
    milestone: str | None
    until: date
    by: str


@dataclass(frozen=True, slots=True)
class MilestoneDone:
    activity: Activity
    milestone: str
    by: str


@dataclass(frozen=True, slots=True)
class AlreadyClosed:
    activity: Activity


# -- Slack surfaces: the update modal, rescheduling, new activities, App Home ------

@dataclass(frozen=True, slots=True)
class UpdateForm:
    """Open the update modal: for one activity, or (activity None) with an activity picker."""

    activity: Activity | None
    group: WorkingGroup | None
    today: date
    note: str = ""  # prefilled (the message shortcut puts the message's link here)


@dataclass(frozen=True, slots=True)
class GroupChoice:
    programme_key: str
    group: WorkingGroup


@dataclass(frozen=True, slots=True)
class NewActivityForm:
    """Open the modal that adds an activity: the groups the user may add to, the goals."""

    title: str
    groups: tuple[GroupChoice, ...]
    goals: tuple[tuple[str, str, str], ...]  # (programme key, goal key, goal name)


@dataclass(frozen=True, slots=True)
class FieldErrors:
    """A modal submission that cannot be carried out: one problem per field, nothing stored.

    Fields: "activity", "status", "note", "due", "reason", "title", "group", "goal", "owners",
    "milestones". Problems: "required", "missing_reason", "bad_date", "two_dates",
    "same_due", "too_long", "bad_milestone", "no_change"; or a Refused (personal data,
    no permission)."""

    errors: tuple[tuple[str, str | Refused], ...]


@dataclass(frozen=True, slots=True)
class ActivityOption:
    id: str  # "programme/key"
    title: str
    status: Status
    mine: bool


@dataclass(frozen=True, slots=True)
class ActivityOptions:
    """The activity picker's type-ahead (block_suggestion): the user's groups first."""

    options: tuple[ActivityOption, ...]
    total: int


@dataclass(frozen=True, slots=True)
class HomeItem:
    activity: Activity
    due: DueDate | None
    milestone: str | None
    working_days: int | None


@dataclass(frozen=True, slots=True)
class HomeDashboard:
    """The App Home tab of one user: their work at a glance."""

    user_id: str
    today: date
    is_admin: bool
    groups: tuple[GroupChoice, ...]
    mine: tuple[Activity, ...]
    upcoming: tuple[HomeItem, ...]
    overdue: tuple[HomeItem, ...]
    latest: tuple[tuple[Activity, StatusUpdate], ...]
    horizon_days: int = 60


Result = (
    HelpAnswer | UsageAnswer | UnknownRef | AmbiguousRef | EmptyGroup | OwnersAnswer
    | DeadlineAnswer | StatusAnswer | GroupStatusAnswer | UpdateRecorded | Refused
    | HistoryAnswer | DueListAnswer | GroupsAnswer | ActivityListAnswer | LinkAnswer
    | OverviewAnswer | Announcement
    | ReminderNotice | ReminderBundle | SweepReport | DigestMessage | DigestReport | ChannelProblem
    | SnoozeRecorded | MilestoneDone | AlreadyClosed
    | UpdateForm | NewActivityForm | FieldErrors | ActivityOptions | HomeDashboard
    | ReportResult  # the council report and indicators (bot/services/report_results.py)
)
