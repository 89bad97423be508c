"""Upgrading an existing SQLite database keeps every row: a batch migration that recreates a
table (programmes in 0007_programme_admins) must not cascade-delete its children."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, select

from storage.db import alembic_config, upgrade
from storage.models import ActivityRow, StatusUpdateRow, WorkingGroupRow
from storage.programme_file import read_file
from tests.conftest import KENNEMERLAND


def counts(runtime) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with runtime.deps.uow() as uow:
        session = uow.repo.session
        return tuple(int(session.scalar(select(func.count()).select_from(table)) or 0)
                     for table in (ActivityRow, WorkingGroupRow, StatusUpdateRow))  # type: ignore[return-value]


def test_the_upgrade_at_start_up_keeps_every_row(runtime) -> None:
    with runtime.deps.uow(write=True) as uow:
        uow.repo.save_programme(read_file(KENNEMERLAND)[0])
        uow.commit()
    before = counts(runtime)
    assert before[0] > 0 and before[1] > 0
    # back to before 0007 (alembic's own engine), then the start-up upgrade (ours: foreign
    # keys on for every connection)
    command.downgrade(alembic_config(runtime.engine.url.render_as_string(hide_password=False)),
                      "0006_programme_rollover")
    upgrade(runtime.engine)
    assert counts(runtime) == before
    if runtime.engine.dialect.name == "sqlite":  # and foreign keys are on again afterwards
        with runtime.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
