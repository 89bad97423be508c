"""The data version a kept answer is checked against (storage/versioning.py VersionPeek): it
follows every committed write; on PostgreSQL it is read on a connection of the process's own
(no pre-ping, no rollback), and a lost connection gives None once (the question is then
answered through a unit of work) and is made again at the next peek."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text


def _write(runtime: Any) -> None:
    with runtime.deps.uow(write=True) as uow:
        uow.commit()  # every committed write unit of work bumps the data version


def test_the_peek_follows_writes_and_survives_a_lost_connection(runtime: Any) -> None:
    factory = runtime.deps.uow
    first = factory.data_version()
    assert first is not None
    _write(runtime)
    assert factory.data_version() == first + 1
    if runtime.engine.dialect.name != "postgresql":
        return  # SQLite: a pooled connection each time, nothing of its own to lose
    own = factory._peek._connection
    assert own is not None and own.autocommit
    with runtime.engine.connect() as connection:  # the server cuts the peek's connection
        connection.execute(text("SELECT pg_terminate_backend(:pid)"),
                           {"pid": own.info.backend_pid})
        connection.commit()
    assert factory.data_version() is None  # lost: not trusted, the answer is computed
    _write(runtime)
    assert factory.data_version() == first + 2  # connected again, and current
