"""SQLAlchemy 2 typed ORM. The schema itself is created by Alembic migrations, never create_all."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime}


class ProgrammeRow(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    admin_channel: Mapped[str | None] = mapped_column(String(100))
    admins: Mapped[list[Any]] = mapped_column(default=list)  # Slack user ids (programme admins)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    file_extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the programme `actiebot rollover` continued this one in; set: archived (0006)
    succeeded_by: Mapped[str | None] = mapped_column(String(80))
    # the Slack team it was imported into (0019); None: the one workspace of single mode
    workspace: Mapped[str | None] = mapped_column(String(32), index=True)
    # `actiebot programme archive`: no reminders or digests; questions still answered (0017)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class GoalRow(Base):
    __tablename__ = "goals"
    __table_args__ = (UniqueConstraint("programme_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class WorkingGroupRow(Base):
    __tablename__ = "working_groups"
    __table_args__ = (UniqueConstraint("programme_id", "key"), Index("ix_working_groups_channel", "channel"))

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    channel: Mapped[str | None] = mapped_column(String(100))
    reminders: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)

    members: Mapped[list[MemberRow]] = relationship(
        cascade="all, delete-orphan", order_by="MemberRow.position"
    )


class MemberRow(Base):
    """Links an owner name ("Veilig Thuis") to a Slack user of a working group."""

    __tablename__ = "working_group_members"
    __table_args__ = (UniqueConstraint("working_group_id", "owner_name", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE")
    )
    owner_name: Mapped[str] = mapped_column(String(300))
    slack_user_id: Mapped[str] = mapped_column(String(32), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ActivityRow(Base):
    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("programme_id", "key"),
        Index("ix_activities_status_due", "status", "due_date"),
        # the first open activities of a scope in programme order (migration 0013); the
        # group's also serves every query by working_group_id (and status)
        Index("ix_activities_programme_status_position", "programme_id", "status", "position",
              "id"),
        Index("ix_activities_group_status_position", "working_group_id", "status", "position",
              "id"),
        Index("ix_activities_programme_status", "programme_id", "status", "due_date"),
        Index("ix_activities_programme_position", "programme_id", "position", "id"),
        Index("ix_activities_group_position", "working_group_id", "position", "id"),
        Index("ix_activities_status_version", "status_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(500))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    theme: Mapped[str | None] = mapped_column(String(300))
    result: Mapped[str | None] = mapped_column(Text)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="SET NULL")
    )
    due_date: Mapped[date | None] = mapped_column(Date)
    due_precision: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="not-started")
    # the file's status at the last import (None: unknown); see storage/programme_store.py
    imported_status: Mapped[str | None] = mapped_column(String(16))
    # the file's deadline at the last import ("2027-03-01:day", "-": none; None: unknown)
    imported_due: Mapped[str | None] = mapped_column(String(32))
    # the programme's status version of this activity's latest status change (storage/versioning.py)
    status_version: Mapped[int | None] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)

    owners: Mapped[list[OwnerRow]] = relationship(
        cascade="all, delete-orphan", order_by="OwnerRow.position"
    )
    milestones: Mapped[list[MilestoneRow]] = relationship(
        cascade="all, delete-orphan", order_by="MilestoneRow.position"
    )


class OwnerRow(Base):
    __tablename__ = "activity_owners"
    __table_args__ = (UniqueConstraint("activity_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))


class MilestoneRow(Base):
    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("activity_id", "position"),
        Index("ix_milestones_due", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[date | None] = mapped_column(Date)
    due_precision: Mapped[str | None] = mapped_column(String(16))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class StatusUpdateRow(Base):
    """Append-only log of status updates: rows are inserted, never updated or deleted."""

    __tablename__ = "status_updates"
    __table_args__ = (Index("ix_status_updates_activity_at", "activity_id", "at"),
                      Index("ix_status_updates_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    author: Mapped[str] = mapped_column(String(300))
    author_name: Mapped[str | None] = mapped_column(String(300))
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="slack")
    # 0003: a moved deadline (old -> new, the note is the reason) and activities added in Slack
    event: Mapped[str] = mapped_column(String(16), default="update", server_default="update")
    old_due_date: Mapped[date | None] = mapped_column(Date)
    old_due_precision: Mapped[str | None] = mapped_column(String(16))
    new_due_date: Mapped[date | None] = mapped_column(Date)
    new_due_precision: Mapped[str | None] = mapped_column(String(16))
    # 0018: which occurrence of a recurring activity the update was about (None: it does not recur)
    occurrence: Mapped[int | None] = mapped_column(Integer)
    # 0021: the author's organisation when they belong to another workspace (Slack Connect)
    author_org: Mapped[str | None] = mapped_column(String(200))


class OccurrenceRow(Base):
    """One occurrence of a recurring activity (0018), numbered from 1. The activity row carries
    the current occurrence's deadline and status (storage/occurrences.py)."""

    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("activity_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    due_precision: Mapped[str] = mapped_column(String(16))
    # the deadline the programme file planned for it at the last import (a deadline moved in
    # Slack differs from it and survives a re-import that plans the same)
    planned_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="not-started")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CalendarLinkRow(Base):
    """The secret of a subscribable calendar feed (0018), kept as its SHA-256 only. `target`
    is "programme" or "programme/group"; one link per target, replaced on rotation."""

    __tablename__ = "calendar_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(200), unique=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryRow(Base):
    """Outbox and delivery ledger: one row per message the bot must post, unique by its key.

    A row is inserted (claimed) in the same transaction as the change that causes it, then
    posted; its message ts is stored after Slack accepted it. Exactly-once lives here.
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state", "state", "next_attempt_at"),
                      Index("ix_deliveries_kind_sent", "kind", "sent_at"),
                      Index("ix_deliveries_message", "channel", "message_ts"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    message_ts: Mapped[str | None] = mapped_column(String(40))
    thread_ts: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Recorded (committed) before each post goes out: a row attempted before whose outcome is
    # unknown is looked up in Slack (message metadata) before it is ever posted again.
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UserRow(Base):
    """What the bot remembers of a Slack user: only the locale, to answer in their language."""

    __tablename__ = "slack_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReminderHoldRow(Base):
    """Append-only log of reminder buttons: a snooze until a day, or a milestone marked done.

    The latest row per (activity, target) wins; rows are never updated or deleted.
    """

    __tablename__ = "reminder_holds"
    __table_args__ = (Index("ix_reminder_holds_activity", "activity_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(16))
    until: Mapped[date | None] = mapped_column(Date)
    by_user: Mapped[str] = mapped_column(String(300))
    by_name: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(16), default="button")


class ProgrammeVersionRow(Base):
    """One row, two counters that go up in the same transaction as a programme change, so each
    process knows with one cheap query whether what it cached is still current: `value` for
    what the resolution index holds (keys, titles, themes, groups, which activity is in which
    group), `statuses` for status changes (storage/versioning.py)."""

    __tablename__ = "programme_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    statuses: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")


class DataVersionRow(Base):
    """One row, one counter: the data version, bumped by every write unit of work that commits,
    in its transaction (storage/uow.py), so that a process knows with one primary-key query
    whether an answer it kept (bot/services/answers.py) may still be given. A row of its own,
    not a third column of `programme_version`: it is locked last, at commit, and a transaction
    holding it waits for nothing else, so it cannot deadlock with one that took the programme
    version early (an import) and waits for a row the committing one wrote."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    # random, made anew at every bump (0015): a version number reached again after a restore
    # or a failover is not the version a process kept its answers under
    token: Mapped[str] = mapped_column(String(32), default="", server_default="")


class ReadChangeRow(Base):
    """What each data version changed, by scope (storage/versioning.py `scopes`): a process
    brings its read cache up to date by reading the rows after the version it holds
    (bot/services/answers.py). Bookkeeping writes add no row and move no version."""

    __tablename__ = "read_changes"

    version: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    scope: Mapped[str] = mapped_column(String(300), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class RequestReplayRow(Base):
    """Signed requests that changed something, by a hash of (timestamp, signature), and Slack
    event ids: a replay of one (within Slack's 5-minute window) or Slack's retry of an event
    is answered without a second effect. Rows older than 10 minutes are pruned as new ones come."""

    __tablename__ = "request_replays"
    __table_args__ = (Index("ix_request_replays_seen_at", "seen_at"),)

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SchedulerLeaseRow(Base):
    """Who runs the scheduler's jobs: one row per lease name, renewed by its holder."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IndicatorRow(Base):
    """A figure the programme follows (programme file `indicators:`)."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("programme_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(String(500))
    breakdown: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class IndicatorValueRow(Base):
    """One value of an indicator for a period and a breakdown ("" = the whole region); a new
    value for the same period and breakdown replaces the old one (a correction)."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period", "breakdown"),
        Index("ix_indicator_values_indicator_end", "indicator_id", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(40))
    period_end: Mapped[date] = mapped_column(Date)
    breakdown: Mapped[str] = mapped_column(String(200), default="")
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str | None] = mapped_column(String(40))  # "import" | "slack" | "console"
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class WorkspaceRow(Base):
    """A Slack workspace that installed the app (many-workspace mode), kept after an uninstall
    until its data is purged: `uninstalled_at` + ACTIEBOT_RETENTION_DAYS. Its tokens are not
    here: they live in slack_sdk's installation store (`slack_installations`, `slack_bots`)."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))
    installed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# The deployment's credentials, not programme data: slack_sdk's installation store (bot and
# user tokens) and OAuth state store. Never in a backup, never replaced by a restore, never
# exported with their token columns (storage/backup.py, storage/aggregates/personal_data.py).
CREDENTIAL_TABLES = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})

# slack_sdk's SQLAlchemy installation and state stores own these tables (created by migration
# 0019 with their exact schema). Only the columns storage itself reads or deletes by are named:
# which teams are installed, and removing a team's rows. Never the tokens.
SLACK_INSTALLATIONS = Table(
    "slack_installations", Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("enterprise_id", String(32)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("is_enterprise_install", Boolean),
    Column("installed_at", DateTime),
)
SLACK_BOTS = Table(
    "slack_bots", Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("enterprise_id", String(32)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("installed_at", DateTime),
)
