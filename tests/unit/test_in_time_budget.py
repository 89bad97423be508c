"""handlers/in_time.py: a change's budget counts from the request's arrival (bot/wsgi.py
stamps it), so time spent on the way to the listener is not given again."""

from __future__ import annotations

import contextvars
import threading
import time
from concurrent.futures import Future

from handlers.in_time import ARRIVED, InTime


def _slow(release: threading.Event) -> str:
    release.wait(5)
    return "done"


def test_a_request_that_arrived_earlier_gets_what_is_left_of_the_budget() -> None:
    in_time, release = InTime(budget=1.0, workers=2), threading.Event()
    context = contextvars.copy_context()
    context.run(ARRIVED.set, time.monotonic() - 0.8)  # 0.8 s on the way to the listener
    started = time.monotonic()
    outcome = context.run(in_time.run, lambda: _slow(release))
    took = time.monotonic() - started
    release.set()
    assert isinstance(outcome, Future) and outcome.result(5) == "done"
    assert took < 0.7, took  # what was left (0.2 s), not the whole budget again


def test_outside_a_request_the_whole_budget_and_a_quick_change_returns_its_result() -> None:
    in_time = InTime(budget=0.5, workers=2)
    started = time.monotonic()
    release = threading.Event()
    outcome = in_time.run(lambda: _slow(release))
    assert isinstance(outcome, Future) and time.monotonic() - started >= 0.45
    release.set()
    assert in_time.run(lambda: "quick") == "quick"
