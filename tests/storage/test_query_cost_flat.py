"""Issue "Fast at any size": `status`, `binnenkort`, `te-laat`, the reminder sweep and the
digest cost what their answer needs, not what the database holds.

The same programme at two sizes: a fixed hot set (open activities overdue, due soon, due later
and undated, with milestones and recent updates) plus many more other activities: closed ones
with past deadlines, milestones and old updates (a programme's history), and for the commands
that look at a window from today also open ones due far ahead. Against both:
- the number of SQL statements each use case sends is the same (no query per activity, no
  chunks that grow with the table), on SQLite and PostgreSQL;
- on SQLite, the work the database engine does (virtual-machine instructions, counted with
  sqlite3's progress handler: deterministic, not a timing) stays nearly the same with ten
  times the other activities. A query that walks an index past every closed activity (the
  plans fixed by migration 0013 and storage/aggregates/) multiplies it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert

TODAY = date(2026, 3, 2)  # a Monday
GROUPS = 3
SMALL, LARGE = 300, 3000  # other activities besides the hot set
HOT_OPEN = ("not-started", "on-track", "at-risk", "delayed")


def populate(url: str, others: int, open_ahead: bool) -> None:
    """One programme, three groups with channels; 24 hot activities, then `others`: closed in
    the past (a milestone on every fifth); with `open_ahead` every third one open and due a
    quarter to three years ahead instead (a milestone on every tenth, two weeks before)."""
    from bot.app import build_runtime
    from bot.config import Settings
    from storage.models import (
        ActivityRow,
        GoalRow,
        MilestoneRow,
        OwnerRow,
        ProgrammeRow,
        StatusUpdateRow,
        WorkingGroupRow,
    )

    rng = random.Random(5)
    runtime = build_runtime(Settings(database_url=url))
    with runtime.engine.begin() as connection:
        programme_id = connection.execute(insert(ProgrammeRow).values(
            key="groot", name="Groot programma", region="Test", timezone="Europe/Amsterdam",
            admin_channel="C0ADMIN01", extra={}, file_extra={})).inserted_primary_key[0]
        goal_id = connection.execute(insert(GoalRow).values(
            programme_id=programme_id, key="doel", name="Doel", position=0, extra={},
        )).inserted_primary_key[0]
        group_ids = [connection.execute(insert(WorkingGroupRow).values(
            programme_id=programme_id, key=f"wg-{g}", name=f"Werkgroep {g}", aliases=[],
            channel=f"C0GROUP0{g}", reminders=None, position=g, extra={},
        )).inserted_primary_key[0] for g in range(GROUPS)]
        activities: list[dict[str, Any]] = []
        hot: list[tuple[date | None, str]] = []
        for offsets in ((-90, -1), (0, 13), (14, 59)):
            hot += [(TODAY + timedelta(days=rng.randint(*offsets)), rng.choice(HOT_OPEN))
                    for _ in range(6)]
        hot += [(None, rng.choice(HOT_OPEN)) for _ in range(6)]
        for i in range(len(hot) + others):
            if i < len(hot):
                due, status = hot[i]
            elif i % 3 or not open_ahead:
                due = TODAY - timedelta(days=rng.randint(120, 2500))
                status = rng.choice(("done", "done", "cancelled"))
            else:
                due = TODAY + timedelta(days=rng.randint(90, 1100))
                status = rng.choice(HOT_OPEN)
            activities.append({
                "programme_id": programme_id, "key": f"a{i:05d}", "title": f"Activiteit {i}",
                "goal_id": goal_id, "theme": None, "result": None,
                "working_group_id": group_ids[i % GROUPS], "due_date": due,
                "due_precision": "day" if due else None, "status": status, "position": i,
                "extra": {}})
        connection.execute(insert(ActivityRow), activities)
        ids = [row[0] for row in connection.exec_driver_sql(
            "SELECT id FROM activities ORDER BY position")]
        owners, milestones, updates = [], [], []
        for i, activity_id in enumerate(ids):
            owners.append({"activity_id": activity_id, "position": 0, "name": f"Eigenaar {i % 7}"})
            due = activities[i]["due_date"]
            if i < len(hot) and i % 2 == 0:
                ms_due: date | None = TODAY + timedelta(days=rng.randint(-30, 40))
            elif i >= len(hot) and (i % 10 == 0 if due > TODAY else i % 5 == 0):
                ms_due = due - timedelta(days=14)
            else:
                ms_due = None
            if ms_due is not None:
                milestones.append({"activity_id": activity_id, "position": 0,
                                   "title": f"Mijlpaal {i}", "due_date": ms_due,
                                   "due_precision": "day", "extra": {}})
            if i < len(hot) and i % 3 == 0:
                at = datetime(2026, 2, 10, 10, tzinfo=UTC) + timedelta(hours=rng.randint(0, 400))
            elif i >= len(hot) and i % 3:
                at = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 9000))
            else:
                continue
            updates.append({
                "activity_id": activity_id, "at": at, "author": "U0TEST001", "author_name": "t",
                "old_status": "not-started", "new_status": activities[i]["status"], "note": "",
                "source": "slack"})
        for rows, table in ((owners, OwnerRow), (milestones, MilestoneRow),
                            (updates, StatusUpdateRow)):
            connection.execute(insert(table), rows)
    runtime.engine.dispose()


class Meter:
    """Statements sent and (SQLite) virtual-machine instructions run, per call."""

    def __init__(self, engine: Any) -> None:
        self.statements = 0
        self.steps = 0
        self.sqlite = engine.dialect.name == "sqlite"
        event.listen(engine, "before_cursor_execute", self._statement)
        if self.sqlite:
            event.listen(engine, "connect", self._connect)
            engine.dispose()  # every connection from now on counts its instructions

    def _statement(self, *args: Any) -> None:
        self.statements += 1

    def _connect(self, connection: Any, record: Any) -> None:
        def step() -> int:
            self.steps += 1
            return 0
        connection.set_progress_handler(step, 20)

    def measure(self, run: Callable[[], Any]) -> tuple[int, int]:
        run()  # warm: the per-process caches (counts per status, locale) as in steady state
        self.statements = self.steps = 0
        run()
        return self.statements, self.steps


def use_cases(deps: Any, open_ahead: bool) -> dict[str, Callable[[], Any]]:
    from bot.services import dispatch
    from bot.services.deps import Actor
    from bot.services.digests import post_digests
    from bot.services.reminders import sweep_reminders

    anywhere = Actor(user_id="U0TEST001", channel_id="C0NOWHERE")
    in_group = Actor(user_id="U0TEST001", channel_id="C0GROUP01")
    from_today: dict[str, Callable[[], Any]] = {
        "status": lambda: dispatch.status(deps, None, anywhere),
        "status in a group channel": lambda: dispatch.status(deps, None, in_group),
        "binnenkort 60": lambda: dispatch.upcoming(deps, 60, anywhere),
        "binnenkort 60 in a group channel": lambda: dispatch.upcoming(deps, 60, in_group),
    }
    if open_ahead:
        return from_today
    return {
        **from_today,
        "te-laat": lambda: dispatch.overdue(deps, anywhere),
        "remind --dry-run": lambda: sweep_reminders(
            deps, datetime(2026, 3, 2, 9, tzinfo=UTC), dry_run=True),
        "digest --dry-run": lambda: post_digests(deps, date(2026, 3, 1), dry_run=True),
    }


def measure(db_url: str, request: pytest.FixtureRequest) -> dict[int, dict[str, tuple[int, int]]]:
    """(statements, instructions / 20) per use case, scenario and size."""
    from dataclasses import replace

    from bot.app import build_runtime
    from bot.config import Settings
    from bot.services.deps import DayClock

    found: dict[int, dict[str, tuple[int, int]]] = {SMALL: {}, LARGE: {}}
    for open_ahead in (False, True):
        for size in (SMALL, LARGE):
            if db_url.startswith("sqlite"):
                url = db_url.replace("actiebot.db", f"actiebot-{open_ahead:d}-{size}.db")
            else:  # another database on the same throwaway server
                from tests.conftest import _postgres_url

                url = _postgres_url(request.getfixturevalue("postgres_server"))
            populate(url, size, open_ahead)
            runtime = build_runtime(Settings(database_url=url), migrate=False)
            deps = replace(runtime.deps, clock=DayClock(TODAY))
            meter = Meter(runtime.engine)
            scenario = " (with open activities ahead)" if open_ahead else ""
            found[size].update({name + scenario: meter.measure(run)
                                for name, run in use_cases(deps, open_ahead).items()})
            runtime.engine.dispose()
    return found


def test_cost_does_not_grow_with_the_database(db_url: str, request: pytest.FixtureRequest
                                              ) -> None:
    measured = measure(db_url, request)
    small, large = measured[SMALL], measured[LARGE]
    assert len(small) == 11
    # the same statements at both sizes: no query per activity, no chunks that grow
    assert {name: s for name, (s, _) in large.items()} == {
        name: s for name, (s, _) in small.items()}
    assert all(s > 0 for s, _ in small.values())
    if db_url.startswith("sqlite"):
        grown = {name: round(large[name][1] / max(1, small[name][1]), 2) for name in small}
        # ten times the other activities; a plan that walks them shows 3x-8x here
        assert all(ratio <= 1.5 for ratio in grown.values()), grown


def test_migration_0013_swaps_the_group_index_and_keeps_rows(db_url: str) -> None:
    from alembic import command
    from sqlalchemy import func, inspect, select

    from bot.app import build_runtime
    from bot.config import Settings
    from storage.db import alembic_config, upgrade
    from storage.models import ActivityRow

    populate(db_url, 50, open_ahead=True)
    runtime = build_runtime(Settings(database_url=db_url), migrate=False)

    def state() -> tuple[set[str], int]:
        with runtime.engine.connect() as connection:
            names = {i["name"] for i in inspect(connection).get_indexes("activities")}
            rows = connection.scalar(select(func.count()).select_from(ActivityRow))
        return {n for n in names if n and n.startswith("ix_activities_")}, int(rows or 0)

    new = {"ix_activities_programme_status_position", "ix_activities_group_status_position"}
    names, rows = state()
    assert new <= names and "ix_activities_working_group" not in names and rows == 74
    command.downgrade(alembic_config(db_url), "0012_request_replays")
    names, _ = state()
    assert "ix_activities_working_group" in names and not new & names
    upgrade(runtime.engine)
    assert state() == (names - {"ix_activities_working_group"} | new, 74)
    runtime.engine.dispose()
