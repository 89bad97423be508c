"""The follow-up queue (handlers/follow_ups.py): shared with Bolt's copy of the context for
the lazy listener, run once, in order, and a failing step is logged and does not stop the
next."""

from __future__ import annotations

import copy
import logging

import pytest
from slack_bolt import BoltContext

from handlers.follow_ups import after_answer, run_follow_ups


def test_steps_travel_through_bolts_deep_copy_and_run_once_in_order() -> None:
    context = BoltContext()
    ran: list[str] = []
    after_answer(context, lambda: ran.append("announce"))
    after_answer(context, lambda: ran.append("tell"))
    lazy = copy.deepcopy(context.to_copyable())  # what Bolt hands a lazy listener
    run_follow_ups(lazy)
    run_follow_ups(lazy)
    run_follow_ups(context)
    assert ran == ["announce", "tell"]


def test_a_failing_step_is_logged_with_a_correlation_id_and_the_next_still_runs(
        caplog: pytest.LogCaptureFixture) -> None:
    context = BoltContext()
    ran: list[str] = []

    detail = "a-private-note"  # what failed, never written to the log

    def fails() -> None:
        raise RuntimeError(detail)

    after_answer(context, fails)
    after_answer(context, lambda: ran.append("next"))
    run_follow_ups(copy.deepcopy(context.to_copyable()))
    assert ran == ["next"]
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "correlation id" in record.getMessage()
    assert "a-private-note" not in caplog.text  # where it failed, never what it was about


def test_nothing_queued_runs_nothing() -> None:
    run_follow_ups(BoltContext())
