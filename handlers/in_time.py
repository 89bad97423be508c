"""A change is acknowledged within Slack's 3 seconds, however busy the database is.

The change runs in a thread of its own; the listener waits for it at most ``BUDGET`` seconds.
Done in time (nearly always): its answer rides in the acknowledgement as before. Not done: the
acknowledgement says "Nog bezig — je krijgt bericht" (handlers/render/late.py) and, once the
acknowledgement went out, the very same attempt is waited for and its outcome (the
confirmation, a refusal, or "er ging iets mis … niets opgeslagen") is sent to the command's
``response_url``; then its follow-ups run (the announcement). Never silently.

Nothing is stored twice: there is one attempt, never a second one beside a slow first. It is
tried again only after ``Busy`` (ports.Busy: a lock wait ran out and the transaction was rolled
back, so nothing of it was written), at most ``TRIES`` times. Lock waits are bounded by the
serving engine (storage/db.py REQUEST_WAIT), so an attempt ends within seconds.

The budget counts from the request's arrival (``ARRIVED``, stamped by bot/wsgi.py before the
body is read and Bolt checks it), not from the listener's start: on a busy machine the way to
the listener can take a noticeable part of Slack's 3 s.

The request's replay mark (handlers/replays.py) is a write too. For a change it is taken in
the attempt, within the budget, instead of before the listener: on SQLite it waits for the
same write lock, and taken before the budget it could keep the answer waiting for up to 2 s
more (past Slack's 3 s), or end Busy with "er ging iets mis". ``claimed`` has it written in the
same transaction as the change's first write (bot/domain/replay_marks.py), or on its own when
the attempt wrote nothing; once (an attempt tried again after Busy does not take it twice),
and yields ``REPLAYED`` for a request seen before: acknowledged, nothing done.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from slack_bolt import BoltContext
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.domain import replay_marks
from bot.domain.ports import Busy
from bot.services import replays
from bot.services.deps import Deps
from handlers import ids
from handlers.errors import correlation_id, log_exception

log = logging.getLogger(__name__)

BUDGET = 2.0  # seconds a change may take before the acknowledgement says "nog bezig"
TRIES = 3  # attempts of a change whose lock wait ran out (Busy)
PAUSE = 0.2  # seconds before the next attempt, times the attempt's number
LATE_LIMIT = 60.0  # seconds the outcome is waited for after "nog bezig"
LEAST = 0.1  # seconds a change is given however late its request reached the listener

# time.monotonic() when the request arrived; None outside a request (the console, tests)
ARRIVED: contextvars.ContextVar[float | None] = contextvars.ContextVar("actiebot_arrived",
                                                                      default=None)

T = TypeVar("T")

# The surfaces whose changes run here: their replay mark is taken in the attempt
ACTIONS = frozenset({ids.ACTION_DONE, ids.ACTION_SNOOZE})
VIEWS = frozenset({ids.VIEW_UPDATE, ids.VIEW_NEW})
CLAIM = "actiebot_replay_claim"  # context key: the request's Claim, left by the middleware


class Replayed:
    """The outcome of a change whose request was seen before: nothing was done."""


REPLAYED = Replayed()


class Claim:
    """A request's replay key, to be marked by the change's attempt (``claimed``)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.marked = False


def claimed(context: BoltContext, deps: Deps, work: Callable[[], T]) -> Callable[[], T | Replayed]:
    """``work`` with the request's replay mark, when the middleware left one: once per
    request, in the same attempt (and budget) as the change, written in the change's own
    first write transaction."""
    claim = context.get(CLAIM)
    if not isinstance(claim, Claim):
        return work

    def first_then_work() -> T | Replayed:
        if claim.marked:  # a retry after Busy is the same request, not a replay
            return work()
        mark = replay_marks.PendingMark(claim.key, deps.now(), replays.KEEP)
        try:
            with replay_marks.with_first_write(mark):  # written with the change (storage/uow.py)
                outcome = work()
            seen_before = False
        except replay_marks.SeenBefore:
            seen_before = True
        finally:
            claim.marked = mark.taken
        if not seen_before and not mark.taken:
            # it wrote nothing (a refusal, a modal): remembered on its own
            seen_before = not replays.first_time(deps, claim.key)
            claim.marked = not seen_before
        if seen_before:
            log.warning("a replayed request was acknowledged and ignored")
            return REPLAYED
        return outcome

    return first_then_work


def with_retries(work: Callable[[], T], tries: int = TRIES) -> T:
    """``work()``, again after Busy (nothing was written), at most ``tries`` times."""
    for attempt in range(1, tries + 1):
        try:
            return work()
        except Busy:
            if attempt == tries:
                raise
            log.info("a change waited too long for a lock; trying again (%d/%d)", attempt + 1,
                     tries)
            time.sleep(PAUSE * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


class InTime:
    """Runs changes in a small pool and waits for each at most ``budget`` seconds."""

    def __init__(self, budget: float = BUDGET, workers: int = 8) -> None:
        self.budget = budget
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="change")

    def run(self, work: Callable[[], T]) -> T | Future[T]:
        """The outcome of ``work`` if it came within the budget (its exception raised, as if
        it ran here); else the Future of the attempt, which goes on."""
        # in the request's context: the change serves the request's workspace
        # (bot/domain/tenancy.py), whichever pool thread runs it
        future = self._pool.submit(contextvars.copy_context().run, with_retries, work)
        arrived = ARRIVED.get()
        budget = self.budget if arrived is None else max(
            LEAST, self.budget - (time.monotonic() - arrived))
        try:
            return future.result(timeout=budget)
        except FutureTimeout:
            return future


def respond(response_url: str, payload: dict[str, Any]) -> bool:
    """Send an ephemeral message to a command's ``response_url`` (Slack keeps it 30 minutes,
    5 uses); True when Slack took it. Never raises."""
    client = WebhookClient(response_url, timeout=5, retry_handlers=[
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3)])
    try:
        answer = client.send(response_type="ephemeral", replace_original=False, **payload)
    except Exception as error:  # noqa: BLE001 - reported in the log, never raised
        log.warning("response_url failed: %s", type(error).__name__)
        return False
    if answer.status_code != 200:
        log.warning("response_url answered HTTP %d", answer.status_code)
        return False
    return True


def settle(future: Future[T | Replayed] | Future[T], done: Callable[[T], None],
           failed: Callable[[str | None], None]) -> None:
    """After "nog bezig": wait for the attempt, then ``done(result)``; on a failure
    ``failed(correlation id)`` (logged under that id), and ``failed(None)`` when it has not
    ended within ``LATE_LIMIT`` (the outcome is unknown). Every surface tells its user from
    here: a command by ``response_url``, a button by an ephemeral message, a modal by
    views.update (handlers/commands.py, actions.py, views.py)."""
    try:
        result = future.result(timeout=LATE_LIMIT)
    except FutureTimeout:
        log.error("a change acknowledged as 'nog bezig' took over %d s", LATE_LIMIT)
        failed(None)
        return
    except Exception as failure:  # noqa: BLE001 - told to the user, logged with an id
        cid = correlation_id()
        log_exception(cid, failure)
        failed(cid)
        return
    if isinstance(result, Replayed):  # a request seen before: nothing was done, nothing to tell
        return
    done(result)


def report_later(future: Future[T | Replayed] | Future[T], response_url: str | None,
                 render: Callable[[T], dict[str, Any]],
                 error: Callable[[str], dict[str, Any]], unknown: Callable[[], dict[str, Any]],
                 then: Callable[[T], None]) -> None:
    """A command after "nog bezig": its outcome by ``response_url`` (``settle``), then
    ``then`` on a result."""
    def done(result: T) -> None:
        if not response_url or not respond(response_url, render(result)):
            log.warning("the outcome of a change acknowledged as 'nog bezig' could not be sent")
        then(result)

    def failed(cid: str | None) -> None:
        if response_url:
            respond(response_url, error(cid) if cid else unknown())

    settle(future, done, failed)
