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
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.ports import ActivityId, Delivery, PostResult, Repository
from bot.services.deps import Deps
from bot.services.results import Announcement

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
# Slack errors that need a person (invite the bot, unarchive): retry, but not soon.
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
RETRY_SOON = timedelta(minutes=5)
RETRY_LATER = timedelta(hours=1)
# Slack's clock and ours differ a little: look for an earlier attempt from a bit before it.
RECONCILE_MARGIN = timedelta(minutes=2)
UNRECONCILED = "unreconciled"  # the look-up for an earlier attempt failed: retry later


def announcement_key(activity_id: ActivityId, at: datetime) -> str:
    return f"update:{activity_id}:{at.isoformat()}"


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
        update = next((u for u in repo.list_updates(activity_id, limit=200) if u.at == at), None)
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


def deliver(deps: Deps, key: str) -> DeliveryOutcome | None:
    """Post one claimed row now (after the change that queued it was committed)."""
    with deps.uow() as uow:
        row = uow.repo.get_delivery(key)
    if row is None or row.state == "sent":
        return None
    return _post(deps, row)


def deliver_pending(deps: Deps, limit: int = 100) -> list[DeliveryOutcome]:
    """Retry every row whose time has come; the scheduler calls this on each sweep."""
    with deps.uow() as uow:
        rows = uow.repo.list_pending_deliveries(deps.now(), limit)
    return [outcome for row in rows if (outcome := _post(deps, row)) is not None]


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
    return _record(deps, leased, result)


def _record(deps: Deps, leased: Delivery, result: PostResult) -> DeliveryOutcome:
    with deps.uow(write=True) as uow:
        if result.ok:
            uow.repo.mark_delivered(leased.id, result.ts, deps.now())
        else:
            error = result.error or "unknown_error"
            wait = RETRY_LATER if error in CHANNEL_ERRORS else RETRY_SOON
            retry_at = deps.now() + wait
            if leased.kind in RETRY_AT:
                retry_at = RETRY_AT[leased.kind](deps, retry_at)
            uow.repo.mark_failed(leased.id, error, retry_at, deps.now())
            log.warning("delivery %s to %s failed%s: %s", leased.kind, leased.channel,
                        " (outcome unknown: looked up before any new post)"
                        if result.uncertain else "", error)
        uow.commit()
    return DeliveryOutcome(leased.key, leased.channel, result.ok, result.error)
