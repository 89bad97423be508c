"""Posting what the outbox holds: update announcements now, reminders and digests later.

Rows are claimed in the database (deliveries.key is unique) in the same transaction as the
change that causes them; posting takes a short lease so that two processes never post the
same row at once; a Slack failure is recorded with its reason and retried on a later sweep.

Exactly once, also when the outcome is unknown: the attempt is recorded (committed) before the
post goes out, and the post carries its ledger key as Slack message metadata. A row attempted
before is looked up in the channel (``Notifier.find_posted``: conversations.history with
include_all_metadata, from the first attempt on) and marked delivered with the ts found instead
of being posted again; if the look-up fails, nothing is posted until a later sweep can tell.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import monotonic, sleep

from bot.domain.model import StatusUpdate
from bot.domain.ports import ActivityId, Delivery, PostResult, Repository
from bot.services.deps import Deps
from bot.services.results import Announcement, UpdateRecorded

log = logging.getLogger(__name__)

# How long a row stays leased to the process posting it: longer than one attempt lasts (a post,
# a look-up, a second post, each with the client's timeout), short enough that a row whose
# process was killed mid-attempt is taken up again within a minute.
LEASE = timedelta(seconds=60)
# Slack errors that need a person (invite the bot, unarchive): retry, but not soon.
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
RETRY_FIRST = timedelta(seconds=10)  # the first retry of a post that failed; doubled each time
RETRY_SOON = timedelta(minutes=5)  # ... up to this
# Errors of an outage rather than of the message: retried at once when Slack answers again.
OUTAGE_ERRORS = frozenset({"internal_error", "connection_error", "ratelimited", "http_500",
                           "http_502", "http_503", "http_504", "service_unavailable",
                           "fatal_error", "request_timeout", "unreconciled"})
SAME_CHANNEL_GAP = 1.0  # seconds between two posts to one channel (Slack: 1 message/s/channel)
DRAIN_BATCH = 200  # rows read per round of a drain
DRAIN_SECONDS = 50.0  # one drain stops after this; the next outbox run goes on
DRAIN_CHANNELS = 4  # channels posted to side by side
RETRY_LATER = timedelta(hours=1)
# Slack's clock and ours differ a little: look for an earlier attempt from a bit before it.
RECONCILE_MARGIN = timedelta(minutes=2)
UNRECONCILED = "unreconciled"  # the look-up for an earlier attempt failed: retry later
# An announcement leased in its change's transaction is posted by `announce` on that lease
# only this soon after the change (well inside the lease, which must outlast the attempt);
# later, the lease is renewed first.
FRESH_POST = timedelta(seconds=10)


def announcement_key(activity_id: ActivityId, at: datetime) -> str:
    return f"update:{activity_id}:{at.isoformat()}"


def claim_announcement(deps: Deps, repo: Repository, activity_id: ActivityId,
                       update: StatusUpdate, update_id: int,
                       channel: str | None) -> Delivery | None:
    """Queue the channel announcement of a logged update, in the caller's transaction.

    The ledger row carries the update's own id: however many updates follow before it is
    posted (a long Slack outage, a busy activity), the retry finds exactly this one. With a
    notifier the caller posts it right after its commit (`announce`): the row is leased to the
    caller in this same transaction, its first attempt on record."""
    if not channel:
        return None
    key = announcement_key(activity_id, update.at)
    return repo.claim_delivery(key, "update", channel, {
        "programme": activity_id.programme_key, "activity": activity_id.key,
        "at": update.at.isoformat(), "update": update_id}, update.at,
        lease=LEASE if deps.notifier is not None else None)


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    key: str
    channel: str
    ok: bool
    error: str | None = None


def materialise(repo: Repository, delivery: Delivery) -> object | None:
    """The message a ledger row stands for, built from what the database holds now."""
    if delivery.kind == "update":
        activity_id = ActivityId(delivery.payload["programme"], delivery.payload["activity"])
        activity = repo.get_activity(activity_id)
        if activity is None:
            return None
        at = datetime.fromisoformat(delivery.payload["at"])
        update_id = delivery.payload.get("update")
        update = repo.get_update(activity_id, int(update_id) if update_id is not None else None,
                                 at)
        if update is None:
            return None
        group = (repo.get_group(activity.programme_key, activity.working_group)
                 if activity.working_group else None)
        return Announcement(activity, update, group)
    if delivery.kind not in MATERIALISERS:
        _import_kind_modules()
    return MATERIALISERS[delivery.kind](repo, delivery) if delivery.kind in MATERIALISERS else None


# Other message kinds (reminders, digests) register how to rebuild their message here.
MATERIALISERS: dict[str, Callable[[Repository, Delivery], object | None]] = {}
# ... and, optionally, when a failed row may be retried: reminders and digests only on working
# days (given the earliest retry moment, the moment to use).
RETRY_AT: dict[str, Callable[[Deps, datetime], datetime]] = {}
# The modules that register kinds, imported on first need so that a process that only runs the
# outbox never mistakes a reminder for a message that no longer exists.
KIND_MODULES = ("bot.services.reminders", "bot.services.digests")


def _import_kind_modules() -> None:
    import importlib

    for name in KIND_MODULES:
        importlib.import_module(name)


def announce(deps: Deps, recorded: UpdateRecorded) -> DeliveryOutcome | None:
    """Post the announcement a change just committed, from the process that answered it.

    Its ledger row was leased to this process in the change's own transaction
    (`claim_announcement`), so the post needs no lease of its own, no
    look-up and no read of what was just written: the message is the change's own result
    (what the outbox would rebuild from the database, `materialise`). Started more than
    FRESH_POST after the change (a follow-up queued behind slow posts), it first renews the
    lease, if nobody took the row over meanwhile (then it posts nothing): a post never starts
    late in its lease."""
    leased = recorded.delivery
    if leased is None or leased.attempts != 1 or leased.first_attempt_at is None:
        return deliver(deps, recorded.delivery_key) if recorded.delivery_key else None
    if deps.notifier is None:
        return None
    now = deps.now()
    if now - leased.first_attempt_at > FRESH_POST:
        with deps.uow(write=True) as uow:
            renewed = uow.repo.renew_claim(leased.id, now, LEASE)
            uow.commit()
        if not renewed:  # the outbox took it over (or it was sent): nothing to do here
            return None
    message = Announcement(recorded.activity, recorded.update, recorded.group)
    return _record(deps, leased, _send(deps, leased, message, now))


def deliver(deps: Deps, key: str) -> DeliveryOutcome | None:
    """Post one claimed row now (after the change that queued it was committed)."""
    with deps.uow() as uow:
        row = uow.repo.get_delivery(key)
    if row is None or row.state == "sent":
        return None
    return _post(deps, row)


def deliver_pending(deps: Deps, limit: int = DRAIN_BATCH, budget: float = DRAIN_SECONDS,
                    gap: float = SAME_CHANNEL_GAP, channels: int = DRAIN_CHANNELS,
                    keep_going: Callable[[], bool] | None = None) -> list[DeliveryOutcome]:
    """Post every row whose time has come, as fast as Slack allows; the scheduler's outbox
    job calls this every few seconds, and each reminder sweep once.

    Channels are drained side by side (``channels`` at a time), each channel in ledger order
    with at least ``gap`` seconds between two of its posts (Slack: one message a second per
    channel); a 429 waits for its Retry-After in the client (handlers/delivery.py). Batches of
    ``limit`` rows follow each other until nothing is due or ``budget`` seconds have passed
    (the next run goes on). Once Slack took a post after a row's failed attempt (any post:
    an announcement right after the outage, a row of this run), the rows that failed on an
    outage (5xx, 429, no answer) are due at once instead of at their back-off: Slack is back.
    Exactly once stays with the ledger (``_post`` leases each row before it posts)."""
    started = monotonic()
    outcomes: list[DeliveryOutcome] = []
    seen: set[int] = set()
    healed = False
    while monotonic() - started < budget and (keep_going is None or keep_going()):
        if not healed:  # Slack took a post since the outage: what failed on it is due now
            healed = _due_after_outage(deps)
        with deps.uow() as uow:
            rows = [row for row in uow.repo.list_pending_deliveries(deps.now(), limit)
                    if row.id not in seen]
        if not rows:
            break
        seen.update(row.id for row in rows)
        by_channel: dict[str, list[Delivery]] = {}
        for row in rows:
            by_channel.setdefault(row.channel, []).append(row)

        def drain(queue: list[Delivery]) -> list[DeliveryOutcome]:
            done: list[DeliveryOutcome] = []
            last: float | None = None
            for row in queue:
                if monotonic() - started >= budget or (keep_going is not None
                                                       and not keep_going()):
                    break
                if last is not None and (pause := gap - (monotonic() - last)) > 0:
                    sleep(pause)
                outcome = _post(deps, row)
                last = monotonic()
                if outcome is not None:
                    done.append(outcome)
            return done

        if len(by_channel) == 1 or channels <= 1:
            batch = [o for queue in by_channel.values() for o in drain(queue)]
        else:
            with ThreadPoolExecutor(max_workers=min(channels, len(by_channel)),
                                    thread_name_prefix="outbox") as pool:
                batch = [o for done in pool.map(drain, by_channel.values()) for o in done]
        outcomes.extend(batch)
        if not healed and any(o.ok for o in batch):
            healed = _due_after_outage(deps)
    return outcomes


def _due_after_outage(deps: Deps) -> bool:
    """Make the rows that failed on an outage due now if Slack took a post after their
    attempt; True when some were."""
    now = deps.now()
    with deps.uow() as uow:  # a read first: nearly always nothing waits, and no write is due
        if uow.repo.delivery_backlog(now)[1] == 0:
            return False
    with deps.uow(write=True) as uow:
        if uow.repo.retry_outage_failures(now, OUTAGE_ERRORS, now + RETRY_SOON):
            uow.commit()  # only then: a write that changes nothing bumps no version
            return True
    return False


@dataclass(frozen=True, slots=True)
class Backlog:
    """What the outbox still has to post: due now, waiting for a later retry, the oldest."""

    due: int
    waiting: int
    oldest: datetime | None
    now: datetime

    @property
    def oldest_age_seconds(self) -> int | None:
        return None if self.oldest is None else max(0, int((self.now - self.oldest)
                                                           .total_seconds()))

    def as_dict(self) -> dict[str, object]:
        return {"due": self.due, "waiting": self.waiting,
                "oldest": self.oldest.isoformat() if self.oldest else None,
                "oldest_age_seconds": self.oldest_age_seconds}


def backlog(deps: Deps) -> Backlog:
    """The outbox's backlog now (one indexed query, no write): for /healthz and
    `actiebot status`."""
    now = deps.now()
    with deps.uow() as uow:
        due, waiting, oldest = uow.repo.delivery_backlog(now)
    return Backlog(due, waiting, oldest, now)


def retry_wait(attempts: int) -> timedelta:
    """The back-off after a failed attempt: 10 s, 20 s, 40 s, … at most RETRY_SOON."""
    wait: timedelta = RETRY_FIRST * 2 ** min(max(attempts - 1, 0), 10)
    return min(wait, RETRY_SOON)


def _post(deps: Deps, row: Delivery) -> DeliveryOutcome | None:
    """Lease the row and record the attempt (committed before anything goes out), reconcile an
    earlier attempt whose outcome is unknown, post with the ledger key as message metadata,
    record the outcome. No transaction is open while Slack is asked."""
    notifier = deps.notifier
    if notifier is None:
        return None
    now = deps.now()
    with deps.uow(write=True) as uow:
        leased = uow.repo.lock_delivery(row.id, now, LEASE)
        uow.commit()
    if leased is None:
        return None  # another process holds it, or it was sent meanwhile
    thread_ts = leased.payload.get("thread_ts")  # a reply in the thread of an earlier post
    if leased.attempts > 1 and leased.first_attempt_at is not None:
        # Attempted before: that post may have gone out (no answer in time, connection lost,
        # process killed before it recorded the answer). Look before posting again.
        found = notifier.find_posted(leased.channel, leased.key,
                                     leased.first_attempt_at - RECONCILE_MARGIN, thread_ts)
        if not found.known:
            log.warning("delivery %s to %s: cannot tell whether an earlier attempt was posted; "
                        "trying again later", leased.kind, leased.channel)
            return _record(deps, leased, PostResult(False, error=UNRECONCILED, uncertain=True))
        if found.ts is not None:
            log.info("delivery %s to %s was posted by an earlier attempt", leased.kind,
                     leased.channel)
            return _record(deps, leased, PostResult(True, ts=found.ts))
    with deps.uow() as uow:
        message = materialise(uow.repo, leased)
    if message is None:  # what it announced no longer exists: nothing to post
        with deps.uow(write=True) as uow:
            uow.repo.mark_failed(leased.id, "gone", None, deps.now())
            uow.commit()
        return None
    return _record(deps, leased, _send(deps, leased, message, now))


def _send(deps: Deps, leased: Delivery, message: object, now: datetime) -> PostResult:
    """Post a leased row's message with its ledger key as metadata (no transaction open)."""
    notifier = deps.notifier
    assert notifier is not None
    thread_ts = leased.payload.get("thread_ts")
    result = notifier.post(leased.channel, message, thread_ts=thread_ts, key=leased.key)
    if result.uncertain and result.answered:
        # Slack answered with a server error: it is done with the request, so one look now
        # tells, and if the message is not there it is posted once more. (Without an answer
        # Slack may still be at it: that waits for a later sweep.)
        found = notifier.find_posted(leased.channel, leased.key, now - RECONCILE_MARGIN,
                                     thread_ts)
        if found.known and found.ts is not None:
            result = PostResult(True, ts=found.ts)
        elif found.known:
            result = notifier.post(leased.channel, message, thread_ts=thread_ts, key=leased.key)
    return result


def _record(deps: Deps, leased: Delivery, result: PostResult) -> DeliveryOutcome:
    with deps.uow(write=True) as uow:
        if result.ok:
            uow.repo.mark_delivered(leased.id, result.ts, deps.now())
        else:
            error = result.error or "unknown_error"
            wait = RETRY_LATER if error in CHANNEL_ERRORS else retry_wait(leased.attempts)
            retry_at = deps.now() + wait
            if leased.kind in RETRY_AT:
                retry_at = RETRY_AT[leased.kind](deps, retry_at)
            uow.repo.mark_failed(leased.id, error, retry_at, deps.now())
            log.warning("delivery %s to %s failed%s: %s", leased.kind, leased.channel,
                        " (outcome unknown: looked up before any new post)"
                        if result.uncertain else "", error)
        uow.commit()
    return DeliveryOutcome(leased.key, leased.channel, result.ok, result.error)
