"""A typed status update costs what it writes: the statements it sends, through the real command
layer (grammar -> services -> the database) against the Kennemerland example.

- Two transactions: the read that resolves and checks, the write.
- The read: the permission rule and the answer's archive mark share one read of the
  programmes; the working group the resolution read is not read again.
- The write reads nothing but the activity's own row (its status as it is now), then writes
  the status, the log row (inserted once, never updated afterwards: a non-recurring activity
  has no occurrence to look for or set on it), the announcement's ledger row and the change
  log: no read of programmes, groups, milestones or occurrences, and no read-back.
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


def transactions_of(sent: list[str]) -> list[list[str]]:
    """The statements of each transaction, in order (its BEGIN left out)."""
    found: list[list[str]] = []
    for statement in sent:
        if statement == "<transaction>":
            found.append([])
        elif found and not statement.startswith("BEGIN"):
            found[-1].append(statement)
    return found


@pytest.mark.parametrize("second", [False, True], ids=["first", "after-another-update"])
def test_an_update_reads_once_and_writes_in_one_short_transaction(runtime: Any,
                                                                   second: bool) -> None:
    from storage.models import StatusUpdateRow

    if second:  # the usual case: the process's caches must catch up with an earlier write
        statements_of(runtime, "update mda-advies op-schema loopt")
    answer, sent = statements_of(runtime, "update mda-advies risico wacht op de gemeente")
    assert isinstance(answer, r.UpdateRecorded), answer
    assert answer.activity.status.value == "at-risk"  # as stored
    assert answer.update.old_status is not None
    assert answer.update.old_status.value == ("on-track" if second else "not-started")
    read, write = transactions_of(sent)  # resolve + rule, then the write
    group_reads = [s for s in read if "FROM working_groups" in s
                   and "working_groups.channel" in s]
    # at most once each: none when the read cache keeps them (storage/cache.py)
    assert len(group_reads) <= 1, group_reads
    assert sum(s.startswith("SELECT programmes.id") for s in read) <= 1, read
    assert not any(s.startswith(("INSERT", "UPDATE", "DELETE")) for s in read), read
    # the write: the activity's row, then writes only
    assert write[0].startswith("SELECT activities.id") and "FROM activities" in write[0], write
    assert not any(s.startswith("SELECT") for s in write[1:]), write
    assert len(write) == 7, write  # status stamp, status, log row, ledger row, version, scopes
    log_writes = [s for s in write if "status_updates" in s]
    assert len(log_writes) == 1 and log_writes[0].startswith("INSERT"), log_writes
    # all told: first with the resolution index built (two statements), then with the read
    # cache catching up on the earlier write (the change list and the changed statuses)
    assert len(read) + len(write) <= 16, sent
    with runtime.engine.connect() as connection:
        rows = connection.execute(select(StatusUpdateRow.note, StatusUpdateRow.occurrence)).all()
    assert [tuple(row) for row in rows if row.note == "wacht op de gemeente"] == [
        ("wacht op de gemeente", None)]


def test_moving_a_deadline_writes_in_one_transaction_without_reading_back(runtime: Any) -> None:
    answer, sent = statements_of(runtime, "verplaats mda-advies december 2021 wacht op de raad")
    assert isinstance(answer, r.UpdateRecorded), answer
    assert answer.activity.due is not None and answer.activity.due.value.month == 12  # as stored
    assert answer.update.new_due == answer.activity.due
    _read, write = transactions_of(sent)  # resolve + rule, then the write: no third to read back
    assert write[0].startswith("SELECT activities.id") and "FROM activities" in write[0], write
    assert not any(s.startswith("SELECT") for s in write[1:]), write


def test_the_announcement_is_posted_from_the_change_in_one_write(runtime: Any) -> None:
    """The process that answered the change posts its announcement on the lease the change's
    own transaction took: no lease of its own, no look-up, no read of what it just wrote; the
    message is the one the outbox would rebuild from the database."""
    from bot.domain.ports import Lookup, PostResult
    from bot.services.delivery import announce, materialise

    posted: list[tuple[str, Any, str | None]] = []

    class Recording:
        def post(self, channel: str, message: Any, thread_ts: str | None = None,
                 key: str | None = None) -> PostResult:
            posted.append((channel, message, key))
            return PostResult(True, ts="1623747600.000100")

        def find_posted(self, *args: Any, **kwargs: Any) -> Lookup:
            raise AssertionError("a fresh post looks nothing up")

    deps = replace(runtime.deps, clock=PinnedClock(JUNE_15), notifier=Recording())
    answer = execute(deps, grammar.parse("update THV risico onderzoek loopt uit"),
                     Actor(ADMIN, "coordinator", "C0NOWHERE1", source="slack"))
    assert isinstance(answer, r.UpdateRecorded) and answer.delivery is not None, answer
    assert answer.delivery.attempts == 1  # leased in the change's transaction
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(runtime.engine, "before_cursor_execute", record)
    try:
        outcome = announce(deps, answer)
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)
    assert outcome is not None and outcome.ok
    assert [(channel, key) for channel, _m, key in posted] == [
        (answer.announce_channel, answer.delivery_key)]
    body = [s for s in sent if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    # only the outcome recorded: the ledger's row (its kind tells whether a digest moved)
    assert [s.split()[0] for s in body] == ["SELECT", "UPDATE"], body
    assert all("deliveries" in s for s in body), body
    with runtime.deps.uow() as uow:
        row = uow.repo.get_delivery(answer.delivery_key)
        assert row is not None and (row.state, row.attempts) == ("sent", 1)
        assert materialise(uow.repo, row) == posted[0][1]  # what the outbox would post


def test_a_changes_replay_mark_is_written_in_the_changes_own_transaction(runtime: Any) -> None:
    """A change answered within the budget takes its request's replay mark with its first
    write (bot/domain/replay_marks.py): still two transactions, the mark in the write. The
    same key again rolls that transaction back: nothing of the second change is written."""
    from bot.domain import replay_marks
    from bot.services.replays import KEEP
    from storage.models import RequestReplayRow, StatusUpdateRow

    mark = replay_marks.PendingMark("sig:test-mark", JUNE_15, KEEP)
    with replay_marks.with_first_write(mark):
        answer, sent = statements_of(runtime, "update mda-advies risico wacht op de gemeente")
    assert isinstance(answer, r.UpdateRecorded) and mark.taken
    _read, write = transactions_of(sent)  # still two transactions
    assert any(s.startswith("INSERT INTO request_replays") for s in write), write
    assert len(write) == 9, write  # the change's seven, the old marks' delete, the mark

    def stored() -> tuple[int, int]:
        with runtime.engine.connect() as connection:
            return (len(connection.execute(select(StatusUpdateRow.id)).all()),
                    len(connection.execute(select(RequestReplayRow.key)).all()))

    before = stored()
    again = replay_marks.PendingMark("sig:test-mark", JUNE_15, KEEP)
    with replay_marks.with_first_write(again), pytest.raises(replay_marks.SeenBefore):
        statements_of(runtime, "update mda-advies op-schema nog een keer")
    assert not again.taken and stored() == before
