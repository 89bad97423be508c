"""The in-memory fakes (tests/fakes/repository.py) against the SQL repositories: every port is
implemented by exactly one SQL aggregate and one fake with the same methods, and the same
reads after the same writes give the same answers on both. A fake that drifts from SQL would
let a service test pass on behaviour the product does not have."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain import ports
from bot.domain.model import Activity, DueDate, IndicatorValue, Precision, Status, StatusUpdate
from bot.domain.ports import ActivityId, ReminderHold
from storage.aggregates.activities import SqlActivities
from storage.aggregates.bookkeeping import SqlBookkeeping
from storage.aggregates.deliveries import SqlDeliveries
from storage.aggregates.groups import SqlGroups
from storage.aggregates.personal_data import SqlPersonalData
from storage.aggregates.programmes import SqlProgrammes
from storage.aggregates.updates import SqlUpdateLog
from storage.calendar_links import CalendarLinkQueries
from storage.occurrences import OccurrenceQueries
from storage.programme_file import read_file
from storage.report_queries import ReportQueries
from storage.repository import SqlRepository
from tests.conftest import GOOI, KENNEMERLAND
from tests.fakes import repository as fake

PORTS: list[tuple[type, type, type]] = [
    (ports.ProgrammeRepository, SqlProgrammes, fake.FakeProgrammes),
    (ports.GroupRepository, SqlGroups, fake.FakeGroups),
    (ports.ActivityRepository, SqlActivities, fake.FakeActivities),
    (ports.UpdateLog, SqlUpdateLog, fake.FakeUpdateLog),
    (ports.Occurrences, OccurrenceQueries, fake.FakeOccurrences),
    (ports.CalendarLinks, CalendarLinkQueries, fake.FakeCalendarLinks),
    (ports.ReportQueries, ReportQueries, fake.FakeReportQueries),
    (ports.DeliveryLedger, SqlDeliveries, fake.FakeDeliveries),
    (ports.Bookkeeping, SqlBookkeeping, fake.FakeBookkeeping),
    (ports.PersonalData, SqlPersonalData, fake.FakePersonalData),
]


def _methods(cls: type) -> set[str]:
    return {name for name, value in vars(cls).items()
            if callable(value) and not name.startswith("_")}


def _shape(function: Any) -> list[tuple[str, Any, Any]]:
    """Parameter names, kinds and defaults (annotations are strings under PEP 563)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize(("port", "sql", "memory"), PORTS, ids=[p[0].__name__ for p in PORTS])
def test_each_port_has_one_sql_aggregate_and_one_fake(port: type, sql: type,
                                                      memory: type) -> None:
    wanted = _methods(port)
    assert wanted, port
    assert _methods(sql) == wanted, f"{sql.__name__} is not exactly {port.__name__}"
    assert wanted <= _methods(memory)
    for name in wanted:
        assert _shape(getattr(sql, name)) == _shape(getattr(port, name)), (sql, name)
        assert _shape(getattr(memory, name)) == _shape(getattr(port, name)), (memory, name)


def test_the_repository_port_is_the_union_of_the_aggregates() -> None:
    every = set().union(*(_methods(port) for port, _, _ in PORTS))
    declared = {name for cls in ports.Repository.__mro__ if cls.__module__ == ports.__name__
                for name in _methods(cls)}
    assert declared == every
    assert every <= {n for n in dir(SqlRepository) if not n.startswith("_")}
    assert every <= {n for n in dir(fake.FakeRepository) if not n.startswith("_")}


# -- the same scenario on SQLite and in memory -----------------------------------------------

@pytest.fixture
def both(tmp_path: Path, settings_for: Any) -> Iterator[tuple[Any, fake.FakeUnitOfWorkFactory]]:
    from bot.app import build_runtime

    runtime = build_runtime(settings_for(f"sqlite:///{tmp_path / 'actiebot.db'}"))
    memory = fake.FakeUnitOfWorkFactory()
    for uow_factory in (runtime.deps.uow, memory):
        with uow_factory(write=True) as uow:
            for path in (KENNEMERLAND, GOOI):
                for file in read_file(path):
                    uow.repo.save_programme(file)
            uow.commit()
    yield runtime.deps.uow, memory
    runtime.engine.dispose()


def _without_import_times(value: Any) -> Any:
    """An import stamps the status it sets with the moment it ran: not the same on both."""
    if isinstance(value, StatusUpdate) and value.author == fake.IMPORT_AUTHOR:
        return replace(value, at=None)
    if isinstance(value, tuple | list):
        return type(value)(_without_import_times(v) for v in value)
    if isinstance(value, dict):
        return {k: _without_import_times(v) for k, v in value.items()}
    return value


def _reads(repo: Any) -> dict[str, Any]:
    ids = [ActivityId(a.programme_key, a.key) for a in repo.list_activities()]
    index = repo.ref_index()
    reads: dict[str, Any] = {
        "programmes": repo.list_programmes(),
        "live": repo.list_programmes(live_only=True),
        "groups": repo.list_groups(),
        "groups of one": repo.list_groups("kennemerland-2021"),
        "by channel": [repo.find_groups_by_channel(g.channel) for _, g in repo.list_groups()
                       if g.channel],
        "group": [repo.get_group(p, g.key) for p, g in repo.list_groups()],
        "goals": repo.list_goals("kennemerland-2021"),
        "keys": repo.activity_keys("kennemerland-2021"),
        "index": (index.groups, index.activities),
        "activities": repo.list_activities(),
        "activity": [repo.get_activity(i) for i in ids],
        "open first 3": repo.list_activities(open_only=True, limit=3),
        "lines": repo.list_activity_lines(),
        "open lines first 3": repo.list_activity_lines(open_only=True, limit=3),
        "lines of a group": [repo.list_activity_lines(p, g.key, limit=2)
                             for p, g in repo.list_groups()],
        "of a group": [repo.list_activities(p, g.key) for p, g in repo.list_groups()],
        "counts": repo.count_by_status(),
        "counts of a group": [repo.count_by_status(p, g.key) for p, g in repo.list_groups()],
        "due 2021": repo.find_open_due_items(date(2021, 1, 1), date(2021, 12, 31)),
        "overdue mid 2021": repo.find_open_due_items(None, date(2021, 6, 15)),
        "stale": repo.list_stale_activities(datetime(2021, 6, 1, tzinfo=UTC), limit=5),
        "log": [repo.list_updates(i) for i in ids],
        "last": [repo.last_update(i) for i in ids],
        "latest": repo.list_latest_updates(5),
        "since": repo.list_updates_since(datetime(2021, 1, 1, tzinfo=UTC)),
        "status log": repo.list_status_changes("kennemerland-2021"),
        "indicators": repo.list_indicators(),
        "values": [repo.list_indicator_values(p) for p, _ in repo.list_indicators()],
    }
    return _without_import_times(reads)


def _write(repo: Any, now: datetime) -> list[Any]:
    mda = ActivityId("kennemerland-2021", "mda-advies")
    programme, group = repo.list_groups()[0]
    first = repo.append_update(mda, StatusUpdate(
        at=now, author="U0AAA0001", old_status=Status.ON_TRACK, new_status=Status.DELAYED,
        note="wacht op de stuurgroep"), source="slack")
    repo.append_update(mda, StatusUpdate(
        at=now + timedelta(seconds=1), author="U0AAA0001", old_status=Status.DELAYED,
        new_status=Status.DELAYED, event="reschedule",
        old_due=DueDate(date(2021, 3, 31), Precision.MONTH),
        new_due=DueDate(date(2021, 12, 31), Precision.MONTH)), source="slack")
    repo.set_group_channel(programme, group.key, "C0NEW0001")
    repo.add_activity(Activity(
        key="nieuw-1", title="Een nieuwe activiteit", programme_key=programme,
        working_group=group.key, owners=("Gemeente Haarlem",),
        due=DueDate(date(2021, 9, 30), Precision.DAY), status=Status.NOT_STARTED))
    repo.add_reminder_hold(ReminderHold(mda, "activity", "snooze", date(2021, 7, 1),
                                        "U0AAA0001", now))
    repo.set_user_locale("U0AAA0001", "en-GB", now)
    indicators = repo.list_indicators()
    if indicators:
        programme_key, indicator = indicators[0]
        repo.put_indicator_value(programme_key, IndicatorValue(
            indicator=indicator.key, period="H1 2021", value=12, recorded_by="U0AAA0001",
            recorded_at=now))
    return [repo.get_update(mda, first, now), repo.get_update(mda, None, now),
            repo.get_update(mda, None, now - timedelta(days=1))]


def _bookkeeping(repo: Any, now: datetime) -> list[Any]:
    """Writes whose answer is the point: claims, leases, replays."""
    first = repo.claim_delivery("update:1", "update", "C0MDA0001", {"a": 1}, now)
    again = repo.claim_delivery("update:1", "update", "C0MDA0001", {"a": 1}, now)
    locked = repo.lock_delivery(first.id, now, timedelta(minutes=1))
    locked_twice = repo.lock_delivery(first.id, now, timedelta(minutes=1))
    repo.mark_delivered(first.id, "1623740000.000100", now)
    repo.claim_delivery("reminder:2", "reminder", "C0MDA0001", {}, now)
    repo.claim_delivery("reminder:3", "reminder", "C0MDA0001", {}, now)
    folded = repo.fold_deliveries(["reminder:2", "reminder:3"], "reminder:3", now)
    earlier = now - timedelta(minutes=1)  # attempted before update:1 was sent: retried now
    for key, error, retry in (("digest:4", "ratelimited", now + timedelta(minutes=30)),
                              ("digest:5", "channel_not_found", None),
                              ("digest:6", "ratelimited", now + timedelta(minutes=30))):
        claimed = repo.claim_delivery(key, "digest", "C0MDA0001", {},
                                      earlier if key == "digest:4" else now)
        if key == "digest:4":
            repo.lock_delivery(claimed.id, earlier, timedelta(minutes=1))
        repo.mark_failed(claimed.id, error, retry, now)
    # digest:4 is due now; digest:6, never attempted, keeps its back-off
    retried = repo.retry_outage_failures(now, frozenset({"ratelimited"}), now + timedelta(hours=1))
    return [
        again, locked.attempts, locked_twice, folded, retried, repo.delivery_backlog(now),
        repo.get_delivery("digest:4"), repo.get_delivery("digest:5"),
        repo.get_delivery("update:1"), repo.get_delivery("reminder:2"),
        repo.get_delivery_by_message("C0MDA0001", "1623740000.000100"),
        repo.list_pending_deliveries(now), repo.existing_delivery_keys(["update:1", "nope"]),
        repo.last_sent_at("update", "update:", now + timedelta(seconds=1)),
        repo.list_sent_deliveries("update", now),
        repo.remember_request("req-1", now, timedelta(minutes=5)),
        repo.remember_request("req-1", now, timedelta(minutes=5)),
        repo.remember_request("req-1", now + timedelta(minutes=6), timedelta(minutes=5)),
        repo.acquire_lease("scheduler", "a", now, timedelta(minutes=3)),
        repo.acquire_lease("scheduler", "b", now, timedelta(minutes=3)),
        repo.acquire_lease("scheduler", "b", now + timedelta(minutes=4), timedelta(minutes=3)),
        repo.get_user_locale("U0AAA0001"),
    ]


def test_sql_and_memory_answer_alike_before_and_after_writes(both: Any) -> None:
    sql, memory = both
    now = datetime(2021, 6, 15, 7, 0, tzinfo=UTC)
    answers = []
    for uow_factory in (sql, memory):
        with uow_factory(write=True) as uow:
            before = _reads(uow.repo)
            written = _write(uow.repo, now)
            uow.commit()
        with uow_factory(write=True) as uow:
            booked = _bookkeeping(uow.repo, now)
            holds = uow.repo.list_reminder_holds(
                [ActivityId("kennemerland-2021", "mda-advies")], date(2021, 6, 20))
            uow.commit()
        with uow_factory() as uow:
            answers.append((before, _reads(uow.repo), booked + written, holds))
    (sql_before, sql_after, sql_booked, sql_holds), (
        mem_before, mem_after, mem_booked, mem_holds) = answers
    for name in sql_before:
        assert mem_before[name] == sql_before[name], name
    assert sql_after["log"] != sql_before["log"]  # the writes were seen at all
    for name in sql_after:
        assert mem_after[name] == sql_after[name], name
    assert mem_booked == sql_booked
    assert mem_holds == sql_holds and len(sql_holds) == 1


def test_an_uncommitted_unit_of_work_leaves_nothing_in_memory() -> None:
    memory = fake.FakeUnitOfWorkFactory()
    for file in read_file(KENNEMERLAND):
        with memory(write=True) as uow:
            uow.repo.save_programme(file)
            uow.commit()
    mda = ActivityId("kennemerland-2021", "mda-advies")
    with memory(write=True) as uow:
        uow.repo.append_update(mda, StatusUpdate(
            at=datetime(2021, 6, 15, tzinfo=UTC), author="U0AAA0001", old_status=None,
            new_status=Status.DONE), source="slack")
    with memory() as uow:
        assert uow.repo.get_activity(mda).status != Status.DONE  # type: ignore[union-attr]
        with pytest.raises(RuntimeError):
            uow.commit()
