"""Each process caches its resolution index and counts per programme version; a change made
through any other process (engine) is seen by the next request, because every change bumps
the version in its own transaction."""

from __future__ import annotations

from dataclasses import replace

from bot.domain import grammar
from bot.domain.model import Activity, Status
from bot.domain.ports import RefIndex
from bot.domain.refs import Search, prepare
from bot.services import commands
from bot.services import results as r
from bot.services.deps import Actor
from storage.programme_file import read_file
from storage.versioning import programme_version, programme_versions
from tests.conftest import KENNEMERLAND


def ask(deps, text: str, channel: str | None = None) -> r.Result:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    deps = replace(deps, admins=deps.admins | {"U0ALICE01"})  # may change (permissions.py)
    return commands.execute(deps, grammar.parse(text), Actor("U0ALICE01", channel_id=channel))


def version(runtime) -> int:  # type: ignore[no-untyped-def]
    with runtime.deps.uow() as uow:
        return programme_version(uow.repo.session)


def test_a_change_in_one_process_is_seen_by_the_other_at_once(db_url, settings_for) -> None:
    from bot.app import build_runtime

    first, second = build_runtime(settings_for(db_url)), build_runtime(settings_for(db_url))
    try:
        file = read_file(KENNEMERLAND)[0]
        with first.deps.uow(write=True) as uow:
            uow.repo.save_programme(file)
            uow.commit()
        assert isinstance(ask(second.deps, "wie zelfscan-nieuw"), r.UnknownRef)
        before = ask(second.deps, "status")
        assert isinstance(before, r.GroupStatusAnswer)

        # an import through the first: a new activity, resolvable through the second
        added = replace(file, activities=(*file.activities, Activity(
            key="zelfscan-nieuw", title="Nieuwe zelfscan", working_group="wg-thv")))
        v0 = version(second)
        with first.deps.uow(write=True) as uow:
            uow.repo.save_programme(added)
            uow.commit()
        assert version(second) > v0
        found = ask(second.deps, "wie zelfscan-nieuw")
        assert isinstance(found, r.OwnersAnswer) and found.activity.key == "zelfscan-nieuw"
        # THV now has two open activities: ambiguous through the second as well
        assert isinstance(ask(second.deps, "wie THV"), r.AmbiguousRef)

        # a status update through the first: counts and the one-open-activity rule follow
        assert isinstance(ask(first.deps, "update zelfscan-nieuw gereed"), r.UpdateRecorded)
        found = ask(second.deps, "wie THV")
        assert isinstance(found, r.OwnersAnswer) and found.activity.key == "thv-onderzoek"
        after = ask(second.deps, "status")
        assert isinstance(after, r.GroupStatusAnswer)
        assert after.total == before.total  # the new one is done: the open count is unchanged
        assert sum(after.counts.values()) == sum(before.counts.values()) + 1

        # koppel through the second binds the channel for the first
        assert isinstance(ask(second.deps, "koppel THV", channel="C0NEWTHV1"), r.LinkAnswer)
        listed = ask(first.deps, "status", channel="C0NEWTHV1")
        assert isinstance(listed, r.GroupStatusAnswer)
        assert listed.group is not None and listed.group.key == "wg-thv"
    finally:
        first.engine.dispose()
        second.engine.dispose()


def test_an_import_without_changes_leaves_the_version_alone(runtime) -> None:
    file = read_file(KENNEMERLAND)[0]
    with runtime.deps.uow(write=True) as uow:
        uow.repo.save_programme(file)
        uow.commit()
    v = version(runtime)
    with runtime.deps.uow(write=True) as uow:
        uow.repo.save_programme(file)
        uow.commit()
    assert version(runtime) == v


def versions(runtime) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with runtime.deps.uow() as uow:
        return programme_versions(uow.repo.session)


def index_of(runtime) -> RefIndex:  # type: ignore[no-untyped-def]
    with runtime.deps.uow() as uow:
        return uow.repo.ref_index()


def test_a_status_update_refreshes_the_index_without_rebuilding_it(db_url, settings_for) -> None:
    """A status update bumps only the status version; the other process patches the open-ness
    of what changed into the index it holds (its lookup tables are the same objects: nothing
    was rebuilt) and resolves as a fresh index would."""
    from bot.app import build_runtime

    first, second = build_runtime(settings_for(db_url)), build_runtime(settings_for(db_url))
    try:
        file = read_file(KENNEMERLAND)[0]
        added = replace(file, activities=(*file.activities, Activity(
            key="zelfscan-nieuw", title="Nieuwe zelfscan", working_group="wg-thv")))
        with first.deps.uow(write=True) as uow:
            uow.repo.save_programme(added)
            uow.commit()
        assert isinstance(ask(second.deps, "wie THV"), r.AmbiguousRef)  # two open
        before, (structure, statuses) = index_of(second), versions(second)

        assert isinstance(ask(first.deps, "update zelfscan-nieuw gereed"), r.UpdateRecorded)
        assert versions(second) == (structure, statuses + 1)
        after = index_of(second)
        assert after is not before
        assert isinstance(after.search, Search) and isinstance(before.search, Search)
        assert after.search.postings is before.search.postings  # shared, not rebuilt
        with second.deps.uow() as uow:
            fresh = prepare(uow.repo._load_ref_index())
        assert after == fresh
        found = ask(second.deps, "wie THV")
        assert isinstance(found, r.OwnersAnswer) and found.activity.key == "thv-onderzoek"
        status = ask(second.deps, "status")
        assert isinstance(status, r.GroupStatusAnswer)
        assert status.counts[Status.DONE] == fresh_counts(second)[Status.DONE]
    finally:
        first.engine.dispose()
        second.engine.dispose()


def fresh_counts(runtime) -> dict[Status, int]:  # type: ignore[no-untyped-def]
    with runtime.deps.uow() as uow:
        return uow.repo._count_by_status()


def test_what_the_index_does_not_hold_bumps_no_version(runtime) -> None:
    """A moved deadline changes nothing the index or the counts are built from; a new
    activity changes the structure."""
    from datetime import UTC, date, datetime

    from bot.domain.model import DueDate, StatusUpdate
    from bot.domain.ports import ActivityId

    with runtime.deps.uow(write=True) as uow:
        uow.repo.save_programme(read_file(KENNEMERLAND)[0])
        uow.commit()
    structure, statuses = versions(runtime)
    with runtime.deps.uow(write=True) as uow:
        activity = uow.repo.get_activity(ActivityId("kennemerland-2021", "thv-onderzoek"))
        assert activity is not None
        uow.repo.append_update(ActivityId("kennemerland-2021", "thv-onderzoek"), StatusUpdate(
            at=datetime(2026, 11, 30, tzinfo=UTC), author="U0ALICE01",
            old_status=activity.status, new_status=activity.status, note="later",
            event="reschedule", old_due=activity.due, new_due=DueDate(date(2027, 3, 1))),
            source="slack")
        uow.commit()
    assert versions(runtime) == (structure, statuses)
    with runtime.deps.uow(write=True) as uow:
        uow.repo.add_activity(Activity(key="nieuw-1", title="Nieuw",
                                       programme_key="kennemerland-2021"))
        uow.commit()
    assert versions(runtime) == (structure + 1, statuses)
