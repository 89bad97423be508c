"""Database habits: a read never takes the write lock nor waits for a writer, and a
read-only unit of work that tries to write fails loudly instead of taking the lock late."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage.db import WriteInReadTransaction, ping, reading
from tests.conftest import KENNEMERLAND, load_examples

NOW = datetime(2021, 10, 15, 7, 0, tzinfo=UTC)


def test_a_read_unit_of_work_that_changes_a_row_fails_at_commit(runtime: Any) -> None:
    load_examples(runtime.deps, KENNEMERLAND)
    with runtime.deps.uow() as uow, pytest.raises(WriteInReadTransaction):
        uow.repo.set_group_channel("kennemerland-2021", "wg-mda", "C0SNEAKY1")
        uow.commit()
    with runtime.deps.uow() as uow:
        assert uow.repo.get_group("kennemerland-2021", "wg-mda").channel != "C0SNEAKY1"


def test_a_read_unit_of_work_that_inserts_fails_at_the_statement(runtime: Any) -> None:
    with runtime.deps.uow() as uow, pytest.raises(WriteInReadTransaction):
        uow.repo.claim_delivery("k1", "update", "C0AAA0001", {}, NOW)
    with runtime.deps.uow(write=True) as uow:  # the same call in a write unit of work
        assert uow.repo.claim_delivery("k1", "update", "C0AAA0001", {}, NOW) is not None
        uow.commit()
    with runtime.deps.uow() as uow:
        assert uow.repo.get_delivery("k1") is not None


def test_even_raw_sql_cannot_write_in_a_read_transaction_on_sqlite(sqlite_url: str,
                                                                   settings_for: Any) -> None:
    from bot.app import build_runtime

    runtime = build_runtime(settings_for(sqlite_url))
    try:
        with reading(runtime.engine).connect() as connection, \
                pytest.raises(OperationalError, match="readonly"):
            connection.execute(text("DELETE FROM deliveries"))
        with runtime.engine.connect() as connection:  # a plain connection still writes
            connection.execute(text("DELETE FROM deliveries"))
            connection.commit()
    finally:
        runtime.engine.dispose()


def _while_a_writer_holds_the_lock(runtime: Any, read: Any) -> Any:
    """Run ``read`` in another thread while a write transaction holds the write lock, and keep
    that lock until ``read`` has returned: a read that waited for the writer would never
    return before the writer gives up (and fail with "database is locked")."""
    load_examples(runtime.deps, KENNEMERLAND)
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def reader() -> None:
        try:
            outcome["value"] = read()
        except Exception as error:  # noqa: BLE001 - reported below
            outcome["error"] = error
        finally:
            done.set()

    with runtime.deps.uow(write=True) as uow:
        uow.repo.set_group_channel("kennemerland-2021", "wg-mda", "C0WRITING")
        uow.repo.claim_delivery("held", "update", "C0WRITING", {}, NOW)  # the lock is taken
        thread = threading.Thread(target=reader)
        thread.start()
        finished = done.wait(120)
        uow.commit()
    thread.join()
    assert finished, "the read waited for the writer"
    assert "error" not in outcome, outcome.get("error")
    return outcome["value"]


def test_a_read_answers_while_a_writer_holds_the_lock(runtime: Any) -> None:
    def read() -> Any:
        with runtime.deps.uow() as uow:
            return uow.repo.get_group("kennemerland-2021", "wg-mda"), uow.repo.get_delivery("held")

    group, delivery = _while_a_writer_holds_the_lock(runtime, read)
    assert group is not None and group.channel != "C0WRITING"  # the last committed state
    assert delivery is None


def test_the_health_check_answers_while_a_writer_holds_the_lock(runtime: Any) -> None:
    assert _while_a_writer_holds_the_lock(runtime, lambda: ping(runtime.engine)) is True


def test_a_who_question_answers_while_a_writer_holds_the_lock(runtime: Any) -> None:
    from bot.domain import grammar
    from bot.services import execute
    from bot.services.deps import Actor

    answer = _while_a_writer_holds_the_lock(runtime, lambda: execute(
        runtime.deps, grammar.parse("wie MDA++"), Actor("U0READER1")))
    assert answer.activity.key == "mda-advies"
