"""Monthly digests: one per working-group channel and one per programme's admin channel.

`post_digests(deps, month)` is what the scheduler runs at 09:00 on the first working day of the
month and what `actiebot digest --month` runs. Per channel it claims the ledger key
``digest:<channel>:<scope>:<YYYY-MM>`` (so a month's digest is posted once per channel however
often it runs; `--force` adds a suffix to post again), posts the short message, and then claims
``digest-thread:…`` whose payload carries the parent's ts: the full lists go into its thread.
A parent posted later by the outbox (after a Slack failure) gets its thread reply from
``complete_threads``, which the scheduler's outbox job and every run of `post_digests` call.

`digest_now(deps, channel)` builds the same digest for `/actie overzicht`, ephemerally.
The message is rebuilt from the database when it is posted (a materialiser): the ledger row
holds only the parameters (scope, day, since), never the lists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from bot.domain import digest as d
from bot.domain.ports import Delivery, Repository
from bot.domain.workdays import WorkCalendar, calendar_spec
from bot.services import results as r
from bot.services.calendars import ProgrammeCalendars, calendar_of
from bot.services.delivery import MATERIALISERS, RETRY_AT, DeliveryOutcome, deliver
from bot.services.deps import Deps
from bot.services.reminders import SWEEP_HOUR, next_working_moment, report_channel_failures

log = logging.getLogger(__name__)

DIGEST = "digest"
DIGEST_THREAD = "digest-thread"
STALE_LIMIT = 200  # the thread shows at most this many quiet activities (then "en N meer")


@dataclass(frozen=True, slots=True)
class Scope:
    """What one digest covers and where it goes."""

    channel: str
    programme_key: str | None  # None: every programme
    group_key: str | None  # None: the whole programme

    @property
    def label(self) -> str:
        if self.programme_key is None:
            return "*"
        return f"{self.programme_key}/{self.group_key}" if self.group_key else self.programme_key


def month_label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def digest_prefix(scope: Scope) -> str:
    return f"digest:{scope.channel}:{scope.label}:"


def digest_key(scope: Scope, month: date, forced_at: datetime | None = None) -> str:
    key = digest_prefix(scope) + month_label(month)
    if forced_at is not None:
        key += f":forced-{forced_at.astimezone(UTC).strftime('%Y%m%dT%H%M%S%f')}"
    return key


def thread_key(parent_key: str) -> str:
    return DIGEST_THREAD + parent_key[len(DIGEST):]


def targets(repo: Repository) -> list[Scope]:
    """Each programme's admin channel (the whole programme), then each group's own channel."""
    scopes: list[Scope] = []
    admin_channels: dict[str, str] = {}
    live = repo.list_programmes(live_only=True)  # not archived (rollover, `programme archive`)
    for programme in live:
        if programme.admin_channel:
            admin_channels[programme.key] = programme.admin_channel
            scopes.append(Scope(programme.admin_channel, programme.key, None))
    keys = {programme.key for programme in live}
    for programme_key, group in repo.list_groups():
        if programme_key in keys and group.channel \
                and group.channel != admin_channels.get(programme_key):
            scopes.append(Scope(group.channel, programme_key, group.key))
    return scopes


def scope_for_channel(repo: Repository, channel: str | None) -> Scope:
    """The digest a channel gets: its working group's, its programme's (an admin channel), or
    the single programme's (anywhere else); with several programmes, all of them."""
    if channel:
        groups = repo.find_groups_by_channel(channel)
        if len(groups) == 1:
            return Scope(channel, groups[0][0], groups[0][1].key)
        for programme in repo.list_programmes(live_only=True):
            if programme.admin_channel == channel:
                return Scope(channel, programme.key, None)
    programmes = repo.list_programmes(live_only=True)
    if len(programmes) == 1:
        return Scope(channel or "", programmes[0].key, None)
    return Scope(channel or "", None, None)


def build(repo: Repository, calendar: WorkCalendar | Callable[[str | None], WorkCalendar],
          scope: Scope,
          as_of: date, since: datetime, month: date | None, timezone: str) -> d.Digest:
    """The digest's data; every query is bounded by what is due, changed or quiet.

    ``calendar``: one calendar, or each item on its own programme's (``ProgrammeCalendars``)."""
    programme = repo.get_programme(scope.programme_key) if scope.programme_key else None
    group = (repo.get_group(scope.programme_key, scope.group_key)
             if scope.programme_key and scope.group_key else None)
    _, end = d.due_window(as_of)
    moment = datetime.combine(as_of, time(SWEEP_HOUR), ZoneInfo(timezone))
    stale, stale_total = repo.list_stale_activities(
        d.stale_before(moment), scope.programme_key, scope.group_key, STALE_LIMIT)
    return d.build_digest(
        programme=programme, group=group, month=month, as_of=as_of, since=since,
        counts=repo.count_by_status(scope.programme_key, scope.group_key),
        due_items=repo.find_open_due_items(None, end, scope.programme_key, scope.group_key),
        changes=repo.list_updates_since(since, scope.programme_key, scope.group_key),
        stale=stale, stale_total=stale_total,
        calendar=calendar if isinstance(calendar, WorkCalendar) else calendar(scope.programme_key),
        calendar_of=None if isinstance(calendar, WorkCalendar) else calendar,
    )


def _since(repo: Repository, scope: Scope, as_of: date, now: datetime, timezone: str) -> datetime:
    """Changes count from the previous digest in this channel; without one, a month back."""
    previous = repo.last_sent_at(DIGEST, digest_prefix(scope), now)
    if previous is not None:
        return previous
    start = datetime.combine(as_of - relativedelta(months=1), time(SWEEP_HOUR), ZoneInfo(timezone))
    return start.astimezone(UTC)


# -- posting --------------------------------------------------------------------------------

def post_digests(deps: Deps, month: date, dry_run: bool = False,
                 force: bool = False, only_first_working_day: bool = False,
                 only_started_months: bool = False) -> r.DigestReport:
    """The digests of ``month`` (any day in it) for every channel; once per channel and month
    unless ``force``. With ``dry_run`` nothing is claimed or posted. With
    ``only_first_working_day`` (the scheduler's daily job) only the scopes whose programme has
    its first working day of the month today; with ``only_started_months`` (the catch-up) the
    scopes whose programme's first working day has come."""
    month = d.month_start(month)
    now = deps.now()
    today = deps.today()
    with deps.uow() as uow:
        scopes = targets(uow.repo)
        calendars = ProgrammeCalendars(deps, uow.repo.list_programmes())
    # The report's day: the default calendar's; each scope's own on its programme's calendar.
    report_as_of = d.as_of_for_month(month, today, deps.calendar)
    plans: list[r.DigestPlan] = []
    outcomes: list[DeliveryOutcome] = []
    for scope in scopes:
        as_of = d.as_of_for_month(month, today, calendars(scope.programme_key))
        first = calendars(scope.programme_key).first_working_day_of_month(month.year, month.month)
        if only_first_working_day and first != today:
            continue  # the scheduler: this programme's first working day is another day
        if only_started_months and first > today:
            continue  # the catch-up: this programme's month has not started yet
        key = digest_key(scope, month, forced_at=now if force else None)
        with deps.uow() as uow:
            repo = uow.repo
            existing = repo.get_delivery(key)
            since = (datetime.fromisoformat(existing.payload["since"]) if existing
                     else _since(repo, scope, as_of, now, deps.timezone))
            digest = build(repo, calendars, scope, as_of, since, month, deps.timezone)
        if existing is None and digest.total == 0:
            plans.append(r.DigestPlan(key, scope.channel, scope.label, "empty", digest))
            continue  # a group without activities: nothing to say, no message
        if dry_run:
            state = "would-send" if existing is None else (
                "exists" if existing.state == "sent" else "would-retry")
            plans.append(r.DigestPlan(key, scope.channel, scope.label, state, digest))
            continue
        if existing is None:
            payload = {"programme": scope.programme_key, "group": scope.group_key,
                       "channel": scope.channel, "month": month_label(month),
                       "as_of": as_of.isoformat(), "since": since.isoformat(),
                       "tz": deps.timezone, "part": "summary"}
            with deps.uow(write=True) as uow:
                claimed = uow.repo.claim_delivery(key, DIGEST, scope.channel, payload, now)
                uow.commit()
            if claimed is None:
                plans.append(r.DigestPlan(key, scope.channel, scope.label, "taken", digest))
                continue
        outcome = deliver(deps, key)  # also retries an earlier failure whose time has come
        if outcome is not None:
            outcomes.append(outcome)
        state = ("sent" if outcome is not None and outcome.ok
                 else "failed" if outcome is not None
                 else "exists" if existing is not None and existing.state == "sent"
                 else "queued")
        thread = _ensure_thread(deps, key)
        if thread is not None and thread[1] is not None:
            outcomes.append(thread[1])
        plans.append(r.DigestPlan(
            key, scope.channel, scope.label, state, digest,
            thread_state=thread[0] if thread else None,
            error=outcome.error if outcome is not None and not outcome.ok else None))
    if not dry_run:
        outcomes.extend(complete_threads(deps))
        report_channel_failures(deps, outcomes)
        log.info("digests %s: %d sent, %d failed", month_label(month),
                 sum(p.state == "sent" for p in plans), sum(p.state == "failed" for p in plans))
    return r.DigestReport(month, report_as_of, dry_run, force, tuple(plans))


def _ensure_thread(deps: Deps, parent_key: str) -> tuple[str, DeliveryOutcome | None] | None:
    """Once the parent is posted: claim and post its thread reply (the full lists)."""
    with deps.uow(write=True) as uow:
        parent = uow.repo.get_delivery(parent_key)
        if parent is None or parent.state != "sent" or not parent.message_ts:
            return None
        key = thread_key(parent_key)
        existing = uow.repo.get_delivery(key)
        if existing is None:
            payload = dict(parent.payload, part="thread", thread_ts=parent.message_ts)
            uow.repo.claim_delivery(key, DIGEST_THREAD, parent.channel, payload, deps.now())
            uow.commit()
        elif existing.state == "sent":
            return "sent", None
    outcome = deliver(deps, key)
    if outcome is None:
        return "queued", None
    return ("sent" if outcome.ok else "failed"), outcome


def complete_threads(deps: Deps, days: int = 40) -> list[DeliveryOutcome]:
    """Thread replies for digests whose parent was posted late (by the outbox)."""
    with deps.uow() as uow:
        parents = uow.repo.list_sent_deliveries(DIGEST, deps.now() - timedelta(days=days))
        missing = [p for p in parents
                   if thread_key(p.key) not in uow.repo.existing_delivery_keys(
                       [thread_key(p.key)])]
    outcomes: list[DeliveryOutcome] = []
    for parent in missing:
        done = _ensure_thread(deps, parent.key)
        if done is not None and done[1] is not None:
            outcomes.append(done[1])
    return outcomes


# -- `/actie overzicht` ---------------------------------------------------------------------

def digest_now(deps: Deps, channel: str | None) -> r.DigestMessage:
    """The channel's digest as of now: what the next monthly digest would say."""
    now = deps.now()
    today = deps.today()
    with deps.uow() as uow:
        repo = uow.repo
        scope = scope_for_channel(repo, channel)
        since = (repo.last_sent_at(DIGEST, digest_prefix(scope), now) if scope.channel
                 else None) or now - timedelta(days=30)
        calendars = ProgrammeCalendars(deps, repo.list_programmes())
        digest = build(repo, calendars, scope, today, since, None, deps.timezone)
    return r.DigestMessage(digest, "now")


# -- rebuilding a posted digest -------------------------------------------------------------

def _materialise_digest(repo: Repository, delivery: Delivery) -> r.DigestMessage | None:
    p = delivery.payload
    scope = Scope(p["channel"], p.get("programme"), p.get("group"))
    if scope.programme_key and repo.get_programme(scope.programme_key) is None:
        return None
    month = date.fromisoformat(p["month"] + "-01")
    # No Deps here: each programme's calendar as its file sets it (the default preset without).
    calendars = {prog.key: calendar_of(calendar_spec(prog)) for prog in repo.list_programmes()}
    default = calendar_of(calendar_spec(None))

    def calendar(key: str | None) -> WorkCalendar:
        return calendars.get(key, default) if key else default

    digest = build(repo, calendar, scope, date.fromisoformat(p["as_of"]),
                   datetime.fromisoformat(p["since"]), month, p.get("tz") or "Europe/Amsterdam")
    return r.DigestMessage(digest, "thread" if delivery.kind == DIGEST_THREAD else "summary")


MATERIALISERS[DIGEST] = _materialise_digest
MATERIALISERS[DIGEST_THREAD] = _materialise_digest
RETRY_AT[DIGEST] = next_working_moment
RETRY_AT[DIGEST_THREAD] = next_working_moment
