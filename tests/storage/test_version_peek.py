"""The data version a kept answer is checked against (storage/versioning.py VersionPeek): it
follows every committed write that changed programme data (a new number, a new token); one
that wrote only bookkeeping moves nothing; on PostgreSQL it is read on a connection of the process's own
(no pre-ping, no rollback), and a lost connection gives None once (the question is then
answered through a unit of work) and is made again at the next peek."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import KENNEMERLAND, load_examples


def _write(runtime: Any, channel: str = "C0PEEK0001") -> None:
    with runtime.deps.uow(write=True) as uow:
        uow.repo.set_group_channel("kennemerland-2021", "wg-mda", channel)
        uow.commit()  # a write that changed programme data moves the data version


@pytest.fixture
def runtime(runtime: Any) -> Any:
    load_examples(runtime.deps, KENNEMERLAND)
    return runtime


def test_the_peek_follows_writes_and_survives_a_lost_connection(runtime: Any) -> None:
    factory = runtime.deps.uow
    first = factory.data_version()
    assert first is not None
    _write(runtime)
    second = factory.data_version()
    assert second is not None and second[0] == first[0] + 1 and second[1] != first[1]
    with runtime.deps.uow(write=True) as uow:  # bookkeeping only: nothing moves
        uow.repo.remember_request("sig:peek", runtime.deps.now(), timedelta(minutes=10))
        uow.commit()
    with runtime.deps.uow(write=True) as uow:  # nothing at all: nothing moves
        uow.commit()
    assert factory.data_version() == second
    if runtime.engine.dialect.name != "postgresql":
        return  # SQLite: a pooled connection each time, nothing of its own to lose
    own = factory._peek._connection
    assert own is not None and own.autocommit
    with runtime.engine.connect() as connection:  # the server cuts the peek's connection
        connection.execute(text("SELECT pg_terminate_backend(:pid)"),
                           {"pid": own.info.backend_pid})
        connection.commit()
    assert factory.data_version() is None  # lost: not trusted, the answer is computed
    _write(runtime, "C0PEEK0002")
    third = factory.data_version()  # connected again, and current
    assert third is not None and third[0] == first[0] + 2
