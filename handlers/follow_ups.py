"""Slack work that waits until the answer went out: Bolt lazy listeners.

The app runs with ``process_before_response=True`` (bot/app.py): a listener's return sends the
answer, so a listener does only what the answer needs (the use case: permission, database
change) and queues every Web API follow-up (announcements, modals, ephemeral notices, message
rewrites, uploads) with ``after_answer``. Each listener is registered with ``run_follow_ups``
as its lazy function; Bolt starts that in its thread pool once the listener returned
(slack_bolt/listener/thread_runner.py), with a copy of the request's context.

Bolt deep-copies the context for a lazy listener; the queue opts out of the copy, so the lazy
listener runs the very steps (closures over what the listener computed) the listener queued:
nothing is decided, checked or looked up twice. A failing step is logged with a correlation id
(where, never what: no text, no payload) and the next steps still run; nothing reaches the
user. An announcement lost in a failure stays in the delivery ledger, claimed in the same
transaction as the change, and the scheduler's sweep posts it (bot/services/delivery.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext

from handlers.errors import correlation_id, log_exception

KEY = "actiebot_follow_ups"

Step = Callable[[], object]


class FollowUps:
    """The steps one request queued, in order. Shared with (never copied into) its lazy run."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def __deepcopy__(self, memo: dict[int, Any]) -> FollowUps:
        return self  # Bolt copies the context for lazy listeners: this travels as it is

    def run(self) -> None:
        steps, self.steps = self.steps, []  # each step at most once
        for step in steps:
            try:
                step()
            except Exception as error:  # noqa: BLE001 - logged; the answer went out already
                log_exception(correlation_id(), error)


def after_answer(context: BoltContext, step: Step) -> None:
    """Run ``step`` after the answer went out (in Bolt's thread pool), in the order queued."""
    queue = context.get(KEY)
    if not isinstance(queue, FollowUps):
        queue = context[KEY] = FollowUps()
    queue.steps.append(step)


def pending(context: BoltContext) -> bool:
    queue = context.get(KEY)
    return isinstance(queue, FollowUps) and bool(queue.steps)


def run_follow_ups(context: BoltContext) -> None:
    """The lazy listener of every listener that queues follow-ups."""
    queue = context.get(KEY)
    if isinstance(queue, FollowUps):
        queue.run()
