"""A moved deadline is reminded on its new date, and what was already sent for a date is never
sent again for it (the reminder ledger key holds the due date)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.domain import grammar
from bot.domain.model import DueDate, Precision
from bot.services import Actor
from bot.services.changes import reschedule
from bot.services.reminders import sweep_reminders
from bot.services.results import UpdateRecorded

THV = "kennemerland-2021/thv-onderzoek"


def thv_reminders(deps: Any, day: date) -> list[tuple[str, str]]:
    report = sweep_reminders(deps, datetime(day.year, day.month, day.day, 8, tzinfo=UTC))
    return [(p.key, p.state) for p in report.plans if p.activity_id == THV]


def move(deps: Any, due: DueDate) -> None:
    result = reschedule(deps, grammar.Reschedule(THV, due, "cijfers politie"), Actor.console())
    assert isinstance(result, UpdateRecorded)


def test_reminders_follow_a_moved_deadline_without_sending_twice(loaded: Any) -> None:
    deps = loaded.deps
    first = thv_reminders(deps, date(2021, 12, 17))  # 10 working days before 31 December
    assert [state for _, state in first] == ["queued"]
    assert ":2021-12-31:" in first[0][0]

    move(deps, DueDate(date(2022, 3, 31), Precision.MONTH))
    assert thv_reminders(deps, date(2021, 12, 31)) == []  # no longer due in December
    # the same kind of reminder (10 working days before) comes again, for the new date
    march = thv_reminders(deps, date(2022, 3, 17))
    assert [state for _, state in march] == ["queued"]
    assert march[0][0] == first[0][0].replace("2021-12-31", "2022-03-31")

    move(deps, DueDate(date(2021, 12, 31), Precision.MONTH))  # back to December
    again = thv_reminders(deps, date(2021, 12, 17))
    assert again == []  # that reminder was sent for that date already
