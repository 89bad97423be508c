"""A typed status update costs what it writes: the statements it sends, through the real command
layer (grammar -> services -> the database) against the Kennemerland example.

- The permission rule reuses the working group the resolution read (one read of it) and reads
  the programmes once.
- The activity as stored is read back inside the write transaction: two transactions in all
  (the read that resolves and checks, the write), not a third for the read-back.
- The log row is inserted once, never updated afterwards (a non-recurring activity has no
  occurrence to set on it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from bot.domain import grammar
from bot.services import Actor
from bot.services import results as r
from bot.services.commands import execute
from bot.services.reminders import PinnedClock
from tests.slack.reminder_programme import load_programme

ROOT = Path(__file__).resolve().parents[2]
JUNE_15 = datetime(2021, 6, 15, 9, tzinfo=ZoneInfo("Europe/Amsterdam"))
ADMIN = "U0ADMIN01"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    from bot.app import build_runtime
    from bot.config import Settings

    url = (f"sqlite:///{tmp_path / 'actiebot.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    runtime = build_runtime(Settings(database_url=url, admins=frozenset({ADMIN})))
    load_programme(runtime.deps, ROOT / "examples" / "kennemerland-2021.yaml")
    yield runtime
    runtime.engine.dispose()


def statements_of(runtime: Any, text: str) -> tuple[Any, list[str]]:
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(" ".join(statement.split()))

    def begin(conn: Any) -> None:
        sent.append("<transaction>")

    deps = replace(runtime.deps, clock=PinnedClock(JUNE_15))
    event.listen(runtime.engine, "before_cursor_execute", record)
    event.listen(runtime.engine, "begin", begin)
    try:
        answer = execute(deps, grammar.parse(text),
                         Actor(ADMIN, "coordinator", "C0NOWHERE1", source="slack"))
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)
        event.remove(runtime.engine, "begin", begin)
    return answer, sent


def test_an_update_reads_its_group_once_and_writes_its_log_row_once(runtime: Any) -> None:
    from storage.models import StatusUpdateRow

    answer, sent = statements_of(runtime, "update mda-advies risico wacht op de gemeente")
    assert isinstance(answer, r.UpdateRecorded), answer
    assert answer.activity.status.value == "at-risk"  # read back as stored
    transactions = sum(s == "<transaction>" for s in sent)
    assert transactions == 2, sent  # resolve + rule, then the write (with the read-back)
    first_write = next(i for i, s in enumerate(sent) if s.startswith(("INSERT", "UPDATE")))
    reads = [s for s in sent[:first_write] if s.startswith("SELECT")]
    group_reads = [s for s in reads if "FROM working_groups" in s
                   and "working_groups.channel" in s]
    assert len(group_reads) == 1, group_reads
    # at most twice: once for the permission rule, once for the archive mark of the answer
    # (the programme's archived_at is not yet part of the activity's read; to be folded in)
    assert sum(s.startswith("SELECT programmes.id") for s in reads) <= 2, reads
    log_writes = [s for s in sent if "status_updates" in s and s.startswith(("INSERT", "UPDATE"))]
    assert len(log_writes) == 1 and log_writes[0].startswith("INSERT"), log_writes
    with runtime.engine.connect() as connection:
        rows = connection.execute(select(StatusUpdateRow.note, StatusUpdateRow.occurrence)).all()
    assert [tuple(row) for row in rows if row.note == "wacht op de gemeente"] == [
        ("wacht op de gemeente", None)]
