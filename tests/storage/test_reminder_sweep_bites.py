"""Tests that bite: a group's own reminder policy is the one applied, and a sweep that
loses the claim race reports "taken" and posts nothing. Real database, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest

from tests.slack.reminder_programme import load_programme

AMS = ZoneInfo("Europe/Amsterdam")

PROGRAMME = """\
programme: {key: beleid, name: "Beleid", admin_channel: C0ADM0009}
working_groups:
  - key: eigen
    name: "Werkgroep met een eigen ritme"
    channel: C0EIG0001
    reminders: {before_working_days: [3], on_due_day: false, overdue_every_working_days: 0}
  - key: standaard
    name: "Werkgroep met de standaard"
    channel: C0STD0001
activities:
  - {key: eigen-mei, title: "Eigen ritme", working_group: eigen, due: "2026-05-05"}
  - {key: standaard-mei, title: "Standaard ritme", working_group: standaard, due: "2026-05-05"}
"""


@pytest.fixture
def deps(db_url: str, settings_for: Any, tmp_path: Path) -> Any:
    from bot.app import build_runtime

    runtime = build_runtime(settings_for(db_url))
    path = tmp_path / "beleid.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    load_programme(runtime.deps, path)
    yield runtime.deps
    runtime.engine.dispose()


def sweep(deps: Any, day: date, dry_run: bool = True) -> Any:
    from bot.services.reminders import sweep_reminders

    return sweep_reminders(deps, datetime(day.year, day.month, day.day, 9, tzinfo=AMS),
                           dry_run=dry_run)


def kinds(report: Any) -> dict[str, str]:
    return {p.activity_id.split("/")[1]: p.kind for p in report.plans}


def test_each_group_is_reminded_by_its_own_policy(deps: Any) -> None:
    # 5 May 2026 is off (cao-gemeenten): both deadlines are due on Monday 4 May.
    # before-3 = Wednesday 29 April (Koningsdag 27 April is off); the default's before-5 is
    # Friday 24 April and its before-1 Friday 1 May.
    assert kinds(sweep(deps, date(2026, 4, 24))) == {"standaard-mei": "before-5"}
    assert kinds(sweep(deps, date(2026, 4, 29))) == {"eigen-mei": "before-3",
                                                     "standaard-mei": "before-5"}
    assert kinds(sweep(deps, date(2026, 5, 1))) == {"eigen-mei": "before-3",
                                                    "standaard-mei": "before-1"}
    # No due-day notice for "eigen": its before-3 stays the current one on the due day.
    assert kinds(sweep(deps, date(2026, 5, 4))) == {"eigen-mei": "before-3",
                                                    "standaard-mei": "due"}
    assert kinds(sweep(deps, date(2026, 5, 6))) == {"eigen-mei": "overdue-1",
                                                    "standaard-mei": "overdue-1"}
    # overdue_every_working_days: 0 -> one overdue notice, never repeated; the default repeats
    # every 5 working days (overdue-6 on Wednesday 13 May: 6, 7, 8, 11, 12, 13 May).
    assert kinds(sweep(deps, date(2026, 5, 13))) == {"eigen-mei": "overdue-1",
                                                     "standaard-mei": "overdue-6"}


class RecordingNotifier:
    """A Notifier (bot/domain/ports.py) that records what would reach Slack."""

    def __init__(self) -> None:
        self.posted: list[tuple[str, Any]] = []

    def post(self, channel: str, message: Any, thread_ts: str | None = None,
             key: str | None = None) -> Any:
        from bot.domain.ports import PostResult

        self.posted.append((channel, message))
        return PostResult(True, ts=f"{len(self.posted)}.000")

    def find_posted(self, channel: str, key: str, since: Any, thread_ts: str | None = None) -> Any:
        from bot.domain.ports import Lookup

        return Lookup(None)  # nothing reached Slack


class _RacingUow:
    """The real unit of work, except that right after the sweep has read which reminders were
    already sent, "another process" claims them all (in its own transaction, before the sweep's
    next one begins): the sweep's own claims must lose."""

    pending: ClassVar[list[str]] = []

    def __init__(self, deps: Any, write: bool = False) -> None:
        self._deps = deps
        self._write = write
        self._inner: Any = None

    def __enter__(self) -> Any:
        deps = self._deps
        if _RacingUow.pending:
            with deps.uow(write=True) as other:
                for key in _RacingUow.pending:
                    other.repo.claim_delivery(key, "reminder", "C0OTHER01", {"by": "other"},
                                              deps.now())
                other.commit()
            _RacingUow.pending = []
        self._inner = deps.uow(write=self._write).__enter__()
        repo = self._inner.repo
        real = repo.existing_delivery_keys

        def existing_then_race(keys: list[str]) -> set[str]:
            _RacingUow.pending = list(keys)
            return real(keys)

        repo.existing_delivery_keys = existing_then_race
        return self._inner

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)


def test_a_sweep_that_loses_the_claim_reports_taken_and_posts_nothing(deps: Any) -> None:
    notifier = RecordingNotifier()
    racing = replace(deps, uow=lambda write=False: _RacingUow(deps, write), notifier=notifier)
    report = sweep(racing, date(2026, 4, 29), dry_run=False)
    assert {p.state for p in report.plans} == {"taken"}
    assert len(report.plans) == 2
    assert notifier.posted == []  # the winner posts; the loser never does
