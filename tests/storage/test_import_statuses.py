"""Re-importing a programme never reverts statuses set in Slack; an import is one transaction.

A status in the file is the starting status; a later import changes an activity's status only
when the file's status itself changed since the last import, and its summary says what it
changed and what it kept. A failure half-way through an import stores nothing at all.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select, text

from bot.domain import grammar
from bot.domain.model import Activity, Programme, ProgrammeFile, Status, WorkingGroup
from bot.domain.ports import ActivityId
from bot.services import commands
from bot.services.deps import Actor
from storage.models import (
    ActivityRow,
    GoalRow,
    OwnerRow,
    ProgrammeRow,
    StatusUpdateRow,
    WorkingGroupRow,
)
from storage.programme_file import read_file
from tests.conftest import KENNEMERLAND

THV = ActivityId("kennemerland-2021", "thv-onderzoek")
MDA = ActivityId("kennemerland-2021", "mda-advies")


def save(deps, file: ProgrammeFile):  # type: ignore[no-untyped-def]
    with deps.uow(write=True) as uow:
        counts = uow.repo.save_programme(file)
        uow.commit()
    return counts


def set_in_slack(deps, ref: str, status: str) -> None:  # type: ignore[no-untyped-def]
    deps = replace(deps, admins=deps.admins | {"U0ALICE01"})  # may change (permissions.py)
    result = commands.execute(deps, grammar.parse(f"update {ref} {status}"),
                              Actor(user_id="U0ALICE01"))
    assert type(result).__name__ == "UpdateRecorded", result


def status_of(deps, activity_id: ActivityId) -> Status:  # type: ignore[no-untyped-def]
    with deps.uow() as uow:
        activity = uow.repo.get_activity(activity_id)
    assert activity is not None
    return activity.status


def with_status(file: ProgrammeFile, key: str, status: Status) -> ProgrammeFile:
    return replace(file, activities=tuple(
        replace(a, status=status) if a.key == key else a for a in file.activities))


def test_reimport_keeps_the_statuses_set_in_slack_and_says_so(runtime) -> None:
    file = read_file(KENNEMERLAND)[0]
    save(runtime.deps, file)
    set_in_slack(runtime.deps, "thv-onderzoek", "risico")
    set_in_slack(runtime.deps, "mda-advies", "gereed")
    with runtime.deps.uow() as uow:
        logged = len(uow.repo.list_updates(THV)) + len(uow.repo.list_updates(MDA))

    counts = save(runtime.deps, file)

    assert status_of(runtime.deps, THV) is Status.AT_RISK
    assert status_of(runtime.deps, MDA) is Status.DONE
    assert counts["updates_added"] == 0 and counts["statuses_changed"] == 0
    assert counts["statuses_kept"] == 2
    assert sorted(counts.kept) == [
        ("mda-advies", Status.DONE, Status.NOT_STARTED),
        ("thv-onderzoek", Status.AT_RISK, Status.NOT_STARTED),
    ]
    with runtime.deps.uow() as uow:
        assert len(uow.repo.list_updates(THV)) + len(uow.repo.list_updates(MDA)) == logged


def test_a_status_changed_in_the_file_since_the_last_import_is_applied(runtime) -> None:
    file = read_file(KENNEMERLAND)[0]
    save(runtime.deps, file)
    set_in_slack(runtime.deps, "thv-onderzoek", "risico")

    counts = save(runtime.deps, with_status(file, "thv-onderzoek", Status.DELAYED))

    assert status_of(runtime.deps, THV) is Status.DELAYED
    assert counts.changed == [("thv-onderzoek", Status.AT_RISK, Status.DELAYED)]
    assert counts["statuses_changed"] == 1 and counts["statuses_kept"] == 0
    with runtime.deps.uow() as uow:
        last = uow.repo.last_update(THV)
    assert last is not None and last.author == "import"
    assert (last.old_status, last.new_status) == (Status.AT_RISK, Status.DELAYED)
    # the same file again: the file's status did not change since, so nothing moves
    set_in_slack(runtime.deps, "thv-onderzoek", "op-schema")
    again = save(runtime.deps, with_status(file, "thv-onderzoek", Status.DELAYED))
    assert status_of(runtime.deps, THV) is Status.ON_TRACK
    assert again.kept == [("thv-onderzoek", Status.ON_TRACK, Status.DELAYED)]


def test_a_new_activity_starts_in_the_files_status(runtime) -> None:
    file = read_file(KENNEMERLAND)[0]
    file = with_status(file, "thv-onderzoek", Status.ON_TRACK)
    counts = save(runtime.deps, file)
    assert status_of(runtime.deps, THV) is Status.ON_TRACK
    assert counts["updates_added"] == 0 and not counts.changed and not counts.kept


# -- one transaction: a failure half-way stores nothing -------------------------------------

def synthetic(activities: int, status: Status = Status.NOT_STARTED) -> ProgrammeFile:
    groups = tuple(WorkingGroup(key=f"wg-{g}", name=f"Werkgroep {g}") for g in range(5))
    return ProgrammeFile(
        programme=Programme(key="half-way", name="Half way"),
        working_groups=groups,
        activities=tuple(
            Activity(key=f"act-{i:04d}", title=f"Activiteit {i}", owners=(f"Eigenaar {i}",),
                     working_group=f"wg-{i % 5}", status=status)
            for i in range(activities)),
    )


def install_failure(engine, table: str, condition_sqlite: str, condition_pg: str) -> None:  # type: ignore[no-untyped-def]
    """A database trigger that aborts the statement inserting a chosen row: a real failure
    half-way through the import, outside our code."""
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text(
                f"CREATE TRIGGER fail_half_way BEFORE INSERT ON {table} WHEN {condition_sqlite} "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"))
        else:
            connection.execute(text(
                "CREATE FUNCTION fail_half_way() RETURNS trigger AS $$ BEGIN "
                f"IF {condition_pg} THEN RAISE EXCEPTION 'injected failure'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"))
            connection.execute(text(
                f"CREATE TRIGGER fail_half_way BEFORE INSERT ON {table} FOR EACH ROW "
                "EXECUTE FUNCTION fail_half_way()"))


def counts_of(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return {row.__tablename__: connection.execute(
                    select(func.count()).select_from(row)).scalar_one()
                for row in (ProgrammeRow, GoalRow, WorkingGroupRow, ActivityRow, OwnerRow,
                            StatusUpdateRow)}


def test_a_failure_half_way_through_a_first_import_stores_nothing(runtime) -> None:
    install_failure(runtime.engine, "activity_owners",
                    "NEW.name = 'Eigenaar 600'", "NEW.name = 'Eigenaar 600'")
    with pytest.raises(Exception, match="injected failure"):
        save(runtime.deps, synthetic(1000))
    assert counts_of(runtime.engine) == dict.fromkeys(counts_of(runtime.engine), 0)


def test_a_failure_half_way_through_a_reimport_changes_nothing(runtime) -> None:
    save(runtime.deps, synthetic(1000))
    before = counts_of(runtime.engine)
    with runtime.deps.uow() as uow:
        titles_before = uow.repo.list_activities()
    install_failure(runtime.engine, "status_updates",
                    "NEW.new_status = 'done'", "NEW.new_status = 'done'")
    changed = synthetic(1000)
    changed = replace(changed, activities=tuple(
        replace(a, title=a.title + " (nieuw)", owners=("Iemand anders",),
                status=Status.DONE if i >= 500 else a.status)
        for i, a in enumerate(changed.activities)) + (Activity(key="extra", title="Extra"),))
    with pytest.raises(Exception, match="injected failure"):
        save(runtime.deps, changed)
    assert counts_of(runtime.engine) == before
    with runtime.deps.uow() as uow:
        assert uow.repo.list_activities() == titles_before
