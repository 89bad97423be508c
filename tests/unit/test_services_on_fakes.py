"""Use cases on the in-memory repositories (tests/fakes/repository.py): their rules, without a
database. Who may change an activity, what a refused or empty change leaves behind (nothing),
what an update writes (its log row, the activity's status, its announcement in the ledger, in
one commit), and the scheduler lease. tests/storage/test_fake_repository.py keeps the fakes
answering as the SQL repositories do."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain import grammar
from bot.domain.model import Status
from bot.domain.ports import ActivityId
from bot.services import Actor, Deps, execute, lease
from bot.services import results as r
from bot.services.reminders import PinnedClock
from storage.programme_file import read_file
from tests.fakes.repository import FakeUnitOfWorkFactory

ROOT = Path(__file__).resolve().parents[2]
JUNE_15 = datetime(2021, 6, 15, 9, tzinfo=ZoneInfo("Europe/Amsterdam"))
MDA = ActivityId("kennemerland-2021", "mda-advies")
MDA_CHANNEL = "C0MDA0001"


class Channels:
    """ports.ChannelDirectory: who is in which channel."""

    def __init__(self, members: dict[str, frozenset[str]]) -> None:
        self._members = members

    def members(self, channel: str) -> frozenset[str] | None:
        return self._members.get(channel)


@pytest.fixture
def uow() -> FakeUnitOfWorkFactory:
    factory = FakeUnitOfWorkFactory()
    with factory(write=True) as unit:
        for file in read_file(ROOT / "examples" / "kennemerland-2021.yaml"):
            unit.repo.save_programme(file)
        unit.commit()
    factory.commits = 0
    return factory


def deps_on(uow: FakeUnitOfWorkFactory, **members: frozenset[str]) -> Deps:
    return Deps(uow=uow, clock=PinnedClock(JUNE_15),
                channels=Channels({MDA_CHANNEL: frozenset(members.get("mda", frozenset()))}))


def member(user: str) -> Actor:
    return Actor(user_id=user, user_name="iemand", channel_id=MDA_CHANNEL)


def test_questions_are_answered_from_memory(uow: FakeUnitOfWorkFactory) -> None:
    deps = deps_on(uow)
    who = execute(deps, grammar.parse("wie doet de zelfscan"), Actor.console())
    assert isinstance(who, r.OwnersAnswer) and who.activity.key == "zelfscan-wijkteams"
    when = execute(deps, grammar.parse("wanneer MDA++"), Actor.console())
    assert isinstance(when, r.DeadlineAnswer) and when.activity.key == "mda-advies"
    overdue = execute(deps, grammar.parse("te-laat"), Actor.console())
    assert isinstance(overdue, r.DueListAnswer)
    assert [e.item.activity.key for e in overdue.entries] == ["mda-advies"]
    assert uow.commits == 0  # asking writes nothing


def test_an_update_writes_log_status_and_announcement_in_one_commit(
        uow: FakeUnitOfWorkFactory) -> None:
    deps = deps_on(uow, mda=frozenset({"U0MEMBER1"}))
    before = uow.store.version
    answer = execute(deps, grammar.parse("update mda-advies vertraagd wacht op de stuurgroep"),
                     member("U0MEMBER1"))
    assert isinstance(answer, r.UpdateRecorded)
    assert (uow.commits, uow.store.version) == (1, before + 1)
    activity_id, update, source = uow.store.updates[-1]
    assert (activity_id, update.author, update.new_status, update.note, source) == (
        MDA, "U0MEMBER1", Status.DELAYED, "wacht op de stuurgroep", "slack")
    assert update.at == JUNE_15
    assert uow.store.activities[MDA].status == Status.DELAYED
    (announcement,) = [d.delivery for d in uow.store.deliveries.values()]
    assert (announcement.kind, announcement.channel, announcement.key) == (
        "update", MDA_CHANNEL, answer.delivery_key)


@pytest.mark.parametrize("user", ["U0OUTSIDE", "U0MEMBER1"])
def test_a_refused_or_empty_change_leaves_nothing(uow: FakeUnitOfWorkFactory, user: str) -> None:
    deps = deps_on(uow, mda=frozenset({"U0MEMBER1"}))
    status = uow.store.activities[MDA].status
    log = list(uow.store.updates)
    # an outsider is refused; a member who repeats the status without a note changes nothing
    answer = execute(deps, grammar.parse(f"update mda-advies {status.value}"), member(user))
    assert isinstance(answer, r.Refused)
    assert answer.reason == ("not_allowed" if user == "U0OUTSIDE" else "same_status_no_note")
    assert uow.commits == 0
    assert uow.store.updates == log and not uow.store.deliveries


def test_the_scheduler_lease_has_one_holder_until_it_expires(uow: FakeUnitOfWorkFactory) -> None:
    clock = PinnedClock(JUNE_15)
    deps = Deps(uow=uow, clock=clock)
    assert lease.hold(deps, "a") and not lease.hold(deps, "b")
    assert lease.hold(deps, "a")  # renewing
    later = Deps(uow=uow, clock=PinnedClock(JUNE_15 + lease.TTL + timedelta(seconds=1)))
    assert lease.hold(later, "b") and not lease.hold(later, "a")
    lease.release(later, "b")
    assert lease.hold(later, "a")
