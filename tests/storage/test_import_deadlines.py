"""Re-importing a programme never reverts a deadline moved in Slack (`verplaats`, the update
modal): the file's deadline changes an activity's deadline only when the file's deadline itself
changed since the last import, and the summary says what it changed and kept. Export keeps
the reschedules of the update log, so import -> export -> import is lossless."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select, text

from bot.domain import grammar
from bot.domain.dates import parse_due
from bot.domain.model import DueDate, Precision, ProgrammeFile
from bot.domain.ports import ActivityId
from bot.services import commands
from bot.services.deps import Actor
from storage.models import ActivityRow
from storage.programme_file import dump_yaml, read_text
from tests.conftest import KENNEMERLAND

THV = ActivityId("kennemerland-2021", "thv-onderzoek")
MARCH_2022 = DueDate(date(2022, 3, 31), Precision.MONTH)


def save(deps, file: ProgrammeFile):  # type: ignore[no-untyped-def]
    with deps.uow(write=True) as uow:
        counts = uow.repo.save_programme(file)
        uow.commit()
    return counts


def move_in_slack(deps) -> None:  # type: ignore[no-untyped-def]
    deps = replace(deps, admins=deps.admins | {"U0ALICE01"})  # may move it (permissions.py)
    result = commands.execute(deps, grammar.parse("verplaats thv-onderzoek maart 2022 wachten op "
                                                  "de gemeente"), Actor(user_id="U0ALICE01"))
    assert type(result).__name__ == "UpdateRecorded", result
    assert due_of(deps) == MARCH_2022


def due_of(deps) -> DueDate | None:  # type: ignore[no-untyped-def]
    with deps.uow() as uow:
        activity = uow.repo.get_activity(THV)
    assert activity is not None
    return activity.due


def with_due(file: ProgrammeFile, due: DueDate | None) -> ProgrammeFile:
    return replace(file, activities=tuple(
        replace(a, due=due) if a.key == THV.key else a for a in file.activities))


def kennemerland() -> ProgrammeFile:
    return read_text(KENNEMERLAND.read_text(encoding="utf-8"))[0]


def test_reimport_keeps_a_deadline_moved_in_slack_and_says_so(runtime) -> None:
    file = kennemerland()
    in_file = next(a.due for a in file.activities if a.key == THV.key)
    save(runtime.deps, file)
    move_in_slack(runtime.deps)

    counts = save(runtime.deps, file)

    assert due_of(runtime.deps) == MARCH_2022
    assert counts["deadlines_kept"] == 1 and counts["deadlines_changed"] == 0
    assert counts.deadlines_kept == [(THV.key, MARCH_2022, in_file)]


def test_a_deadline_changed_in_the_file_since_the_last_import_wins(runtime) -> None:
    file = kennemerland()
    save(runtime.deps, file)
    move_in_slack(runtime.deps)
    june = parse_due("juni 2022")

    counts = save(runtime.deps, with_due(file, june))

    assert due_of(runtime.deps) == june
    assert counts.deadlines_changed == [(THV.key, MARCH_2022, june)]
    assert counts.deadlines_kept == []
    # and the next import of that same file keeps what is now stored, silently
    again = save(runtime.deps, with_due(file, june))
    assert again.deadlines_changed == again.deadlines_kept == []


def test_a_deadline_changed_only_in_the_file_is_imported(runtime) -> None:
    file = kennemerland()
    save(runtime.deps, file)
    counts = save(runtime.deps, with_due(file, None))
    assert due_of(runtime.deps) is None
    assert counts.deadlines_changed and counts.deadlines_changed[0][0] == THV.key


def test_an_unknown_imported_deadline_keeps_what_the_database_has(runtime) -> None:
    """A database from before migration 0010 whose deadline was moved in Slack: the file's
    deadline at the last import is unknown, so the moved one is kept."""
    file = kennemerland()
    save(runtime.deps, file)
    move_in_slack(runtime.deps)
    with runtime.deps.uow(write=True) as uow:
        uow.repo.session.execute(text("UPDATE activities SET imported_due = NULL"))
        uow.commit()
    counts = save(runtime.deps, with_due(file, parse_due("juni 2022")))
    assert due_of(runtime.deps) == MARCH_2022
    assert [k for k, _, _ in counts.deadlines_kept] == [THV.key]
    with runtime.deps.uow() as uow:
        stored = uow.repo.session.scalar(
            select(ActivityRow.imported_due).where(ActivityRow.key == THV.key))
    assert stored == "2022-06-30:month"


def test_export_keeps_the_reschedules_and_a_second_round_trip_is_identical(
        runtime, db_url, settings_for, request) -> None:  # type: ignore[no-untyped-def]
    from bot.app import build_runtime

    save(runtime.deps, kennemerland())
    move_in_slack(runtime.deps)
    with runtime.deps.uow() as uow:
        exported = uow.repo.load_programme("kennemerland-2021")
    assert exported is not None
    text_out = dump_yaml([exported])
    assert "event: reschedule" in text_out and "wachten op de gemeente" in text_out

    # into a fresh database: the deadline and the reschedule (old -> new, reason) come back
    fresh = (db_url.replace("actiebot.db", "second.db") if db_url.startswith("sqlite")
             else request.getfixturevalue("pg_url"))
    other = build_runtime(settings_for(fresh))
    try:
        save(other.deps, read_text(text_out)[0])
        with other.deps.uow() as uow:
            moved = [u for u in uow.repo.list_updates(THV) if u.event == "reschedule"]
            again = uow.repo.load_programme("kennemerland-2021")
        assert len(moved) == 1
        original = next(a for a in exported.activities if a.key == THV.key).updates
        assert moved[0] == next(u for u in original if u.event == "reschedule")
        assert moved[0].new_due == MARCH_2022 and moved[0].note == "wachten op de gemeente"
        assert again is not None and dump_yaml([again]) == text_out
        assert due_of(other.deps) == MARCH_2022
    finally:
        other.engine.dispose()


def test_migration_0010_backfills_the_imported_deadline_except_where_moved_in_slack(
        runtime) -> None:
    from alembic import command

    from storage.db import alembic_config
    from storage.programme_store import due_token

    file = kennemerland()
    save(runtime.deps, file)
    move_in_slack(runtime.deps)
    config = alembic_config(runtime.engine.url.render_as_string(hide_password=False))
    command.downgrade(config, "0009_status_versions")
    command.upgrade(config, "head")
    with runtime.deps.uow() as uow:
        stored = {k: v for k, v in uow.repo.session.execute(
            select(ActivityRow.key, ActivityRow.imported_due))}
    assert stored.pop(THV.key) is None  # moved in Slack: unknown, the moved deadline is kept
    assert stored == {a.key: due_token(a.due) for a in file.activities if a.key != THV.key}
    assert "-" in stored.values() or all(a.due for a in file.activities)
