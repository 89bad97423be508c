"""What every use case receives: a unit-of-work factory, a clock, a calendar, a notifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.ports import (
    ChannelDirectory,
    Clock,
    Notifier,
    Organisations,
    UnitOfWork,
    UnitOfWorkFactory,
    Version,
)
from bot.domain.privacy import safe_name
from bot.domain.workdays import WorkCalendar
from bot.services.answers import ReadCache


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class DayClock:
    """A clock standing still at 09:00 on one day in the programme's time zone: `actiebot ask
    --today 2021-06-15` reads the 2021 example as it was then."""

    day: date
    timezone: str = "Europe/Amsterdam"

    def now(self) -> datetime:
        return datetime.combine(self.day, time(9), ZoneInfo(self.timezone)).astimezone(UTC)


class ChangeUnderStoppedClock(Exception):
    """A change was asked for while the clock stands still on a made-up day (`--today`,
    ``ACTIEBOT_TODAY``): it would be logged at that made-up moment, so it is refused before
    anything is written."""


@dataclass(frozen=True, slots=True)
class ReadingOnly:
    """A unit-of-work factory that reads and refuses to write (:class:`ChangeUnderStoppedClock`):
    what the clock of `--today` goes with, the one rule that a made-up day is for reading."""

    inner: UnitOfWorkFactory

    def __call__(self, *, write: bool = False) -> UnitOfWork:
        if write:
            raise ChangeUnderStoppedClock
        return self.inner()

    def data_version(self) -> Version | None:
        return self.inner.data_version()

    def changes_since(self, held: Version, now: Version) -> frozenset[str] | None:
        return self.inner.changes_since(held, now)

    def remembered_locale(self, user_id: str) -> str | None:
        return self.inner.remembered_locale(user_id)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asked, and where: enough to scope answers and to sign the update log."""

    user_id: str
    user_name: str | None = None
    channel_id: str | None = None
    team_id: str | None = None  # the user's own workspace (a partner's, in Slack Connect)
    locale: str | None = None
    source: str = "slack"  # "slack" | "console" | "button"

    def __post_init__(self) -> None:
        # The one guard for names that come with a request (the slash command's `user_name`,
        # a button's `user.username`): every surface builds an Actor, the log stores its name.
        object.__setattr__(self, "user_name", safe_name(self.user_name))

    @classmethod
    def console(cls) -> Actor:
        return cls(user_id="console", user_name="console", source="console")


@dataclass(frozen=True, slots=True)
class Deps:
    uow: UnitOfWorkFactory  # uow() reads, uow(write=True) writes (bot/domain/ports.py)
    clock: Clock = field(default_factory=SystemClock)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    timezone: str = "Europe/Amsterdam"
    command: str = "/actie"
    admins: frozenset[str] = frozenset()
    notifier: Notifier | None = None
    channels: ChannelDirectory | None = None  # Slack channel membership (bot/services/permissions.py)
    # the process's read cache (bot/services/answers.py); None: nothing kept
    answers: ReadCache | None = None
    organisations: Organisations | None = None  # partner organisations (Slack Connect)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.day_of(self.clock.now())

    def day_of(self, moment: datetime) -> date:
        """The day `moment` falls on in the programme's time zone."""
        return moment.astimezone(ZoneInfo(self.timezone)).date()

    def organisation_of(self, actor: Actor) -> str | None:
        """The partner organisation of an actor from another workspace (Slack Connect), which
        the log names instead of their id; None for the served workspace's own members."""
        if self.organisations is None or not actor.team_id:
            return None
        return self.organisations.partner(actor.team_id)

    def is_admin(self, actor: Actor) -> bool:
        """ACTIEBOT_ADMINS or the console; programme admins: bot/services/permissions.py."""
        return actor.user_id in self.admins or actor.source == "console"
