"""Benchmark: a reminder sweep and the monthly digests cost what is due, not what exists.

Times `remind --dry-run` and `digest --dry-run` (the service functions the CLI and the scheduler
call: sweep_reminders, post_digests) on SQLite files with 1,000, 10,000 and 100,000 synthetic
activities. Every size has the *same due set*: the same 240 open activities (overdue, due within
the reminder lead time, due within the digest's 60 days, undated) with the same milestones and
recent updates; the other activities are closed (done or cancelled) with deadlines, milestones
and old updates spread over 2019-2026, so the indexes must skip them. Prints the times and the
growth factors 10k/1k and 100k/10k (1.0 = flat).

    .venv/bin/python scripts/bench_reminders.py [--sizes 1000,10000,100000] [--repeat 5]

On PostgreSQL the tables are analysed after loading, as autovacuum does within a minute in
production. Not a test: numbers depend on the machine. Run it from the repository root.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert

from bot.app import build_runtime
from bot.config import Settings
from bot.services.digests import post_digests
from bot.services.reminders import sweep_reminders
from storage.models import (
    ActivityRow,
    GoalRow,
    MilestoneRow,
    OwnerRow,
    ProgrammeRow,
    StatusUpdateRow,
    WorkingGroupRow,
)

AMS = ZoneInfo("Europe/Amsterdam")
SWEEP_AT = datetime(2021, 10, 15, 9, 0, tzinfo=AMS)  # a Friday
MONTH = date(2021, 11, 1)  # its digest speaks for Monday 1 November 2021
GROUPS = 10
OPEN = ("not-started", "on-track", "at-risk", "delayed")


def populate(url: str, size: int, seed: int = 7) -> dict[str, int]:
    """One programme, ten groups; 240 open activities (the due set) + closed ones up to size."""
    rng = random.Random(seed)  # the due set: the same for every size
    other = random.Random(seed + 1)  # the closed activities
    runtime = build_runtime(Settings(database_url=url))
    engine = runtime.engine
    counts = {"open": 0, "closed": 0, "milestones": 0, "updates": 0}
    with engine.begin() as connection:
        programme_id = connection.execute(insert(ProgrammeRow).values(
            key="bench", name="Benchmark programme", region="Bench", timezone="Europe/Amsterdam",
            admin_channel="C0BENCHADM", extra={}, file_extra={})).inserted_primary_key[0]
        goal_id = connection.execute(insert(GoalRow).values(
            programme_id=programme_id, key="g", name="Goal", position=0, extra={}
        )).inserted_primary_key[0]
        group_ids = [connection.execute(insert(WorkingGroupRow).values(
            programme_id=programme_id, key=f"wg-{g}", name=f"Werkgroep {g}", aliases=[],
            channel=f"C0BENCH{g:03d}", reminders=None, position=g, extra={},
        )).inserted_primary_key[0] for g in range(GROUPS)]

        activities: list[dict[str, Any]] = []
        due_set: list[tuple[date | None, str]] = []
        base = date(2021, 10, 15)
        for i in range(60):  # overdue, up to half a year
            due_set.append((base - timedelta(days=rng.randint(1, 180)), rng.choice(OPEN)))
        for i in range(60):  # within the reminder lead time (10 working days = 14 days)
            due_set.append((base + timedelta(days=rng.randint(0, 16)), rng.choice(OPEN)))
        for i in range(60):  # within the digest's 60 days from 1 November
            due_set.append((date(2021, 11, 1) + timedelta(days=rng.randint(0, 59)),
                            rng.choice(OPEN)))
        for i in range(60):  # open without a deadline
            due_set.append((None, rng.choice(OPEN)))
        for i in range(size):
            if i < len(due_set):
                due, status = due_set[i]
                counts["open"] += 1
            else:
                due = date(2019, 1, 1) + timedelta(days=other.randint(0, 8 * 365))
                status = "done" if other.random() < 0.7 else "cancelled"
                counts["closed"] += 1
            activities.append({
                "programme_id": programme_id, "key": f"act-{i:06d}",
                "title": f"Activiteit {i}: afspraken en deskundigheidsbevordering",
                "goal_id": goal_id, "theme": None, "result": None,
                "working_group_id": group_ids[i % GROUPS], "due_date": due,
                "due_precision": "day" if due else None, "status": status, "position": i,
                "extra": {},
            })
        for start in range(0, len(activities), 5000):
            connection.execute(insert(ActivityRow), activities[start:start + 5000])
        ids = [row[0] for row in connection.exec_driver_sql(
            "SELECT id FROM activities ORDER BY position")]

        owners, milestones, updates = [], [], []
        for i, activity_id in enumerate(ids):
            owners.append({"activity_id": activity_id, "position": 0, "name": f"Eigenaar {i % 17}"})
            if i < len(due_set) and i % 4 == 0 or i >= len(due_set) and i % 10 == 0:
                if i < len(due_set):
                    ms_due = date(2021, 10, 20) + timedelta(days=rng.randint(0, 40))
                else:
                    ms_due = date(2019, 1, 1) + timedelta(days=other.randint(0, 8 * 365))
                milestones.append({"activity_id": activity_id, "position": 0,
                                   "title": f"Mijlpaal {i}", "due_date": ms_due,
                                   "due_precision": "day", "extra": {}})
            if i < len(due_set):
                if i % 3 == 0:  # recent changes: in the month before the digest
                    at = (datetime(2021, 10, 1, 10, tzinfo=UTC)
                          + timedelta(hours=rng.randint(0, 700)))
                    updates.append(_update(activity_id, at, activities[i]["status"]))
            else:  # closed long ago
                at = datetime(2019, 6, 1, tzinfo=UTC) + timedelta(hours=other.randint(0, 17000))
                updates.append(_update(activity_id, at, activities[i]["status"]))
        for rows, table in ((owners, OwnerRow), (milestones, MilestoneRow),
                            (updates, StatusUpdateRow)):
            for start in range(0, len(rows), 5000):
                connection.execute(insert(table), rows[start:start + 5000])
        counts["milestones"], counts["updates"] = len(milestones), len(updates)
    if engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load (autovacuum_naptime): without
        # it the planner has no statistics yet and reads whole tables (measured: digest 2.3x
        # its floor at 100,000 right after the load, 1.0x once analysed).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return counts


def _update(activity_id: int, at: datetime, status: str) -> dict[str, Any]:
    return {"activity_id": activity_id, "at": at, "author": "U0BENCH01", "author_name": "bench",
            "old_status": "not-started", "new_status": status, "note": "", "source": "slack"}


def best_of(repeat: int, run: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: list[tuple[int, float, float, int, int]] = []
    print(f"{'activities':>10} {'open':>5} {'closed':>7} {'remind --dry-run':>17} "
          f"{'digest --dry-run':>17} {'reminders':>9} {'digest items':>12}")
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="actiebot-bench-") as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            counts = populate(url, size)
            runtime = build_runtime(Settings(database_url=url), migrate=False)
            deps = runtime.deps
            remind_s, sweep = best_of(args.repeat, functools.partial(
                sweep_reminders, deps, SWEEP_AT, dry_run=True))
            digest_s, digest = best_of(args.repeat, functools.partial(
                post_digests, deps, MONTH, dry_run=True))
            runtime.engine.dispose()
        items = sum(len(p.digest.overdue) + len(p.digest.upcoming) + len(p.digest.changes)
                    + p.digest.stale_total for p in digest.plans if p.digest)
        results.append((size, remind_s, digest_s, len(sweep.plans), items))
        print(f"{size:>10,} {counts['open']:>5} {counts['closed']:>7,} "
              f"{remind_s * 1000:>14.1f} ms {digest_s * 1000:>14.1f} ms "
              f"{len(sweep.plans):>9} {items:>12}")
    print()
    for (n1, r1, d1, *_), (n2, r2, d2, *_) in itertools.pairwise(results):
        print(f"growth {n2 // 1000}k/{n1 // 1000}k: remind x{r2 / r1:.2f}, digest x{d2 / d1:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
