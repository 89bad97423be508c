"""Answers to questions are kept per process while nothing they depend on is written
(bot/services/answers.py): a repeated question costs one version peek, and every kind of write
that reaches an answer, in this process or another, gives a fresh answer the next time. On SQLite and PostgreSQL, on the Kennemerland and
Gooi examples, on a pinned day (Tuesday 15 June 2021)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from bot.domain import grammar
from bot.services import Actor
from bot.services import results as r
from bot.services.answers import ReadCache
from bot.services.commands import answer, execute
from bot.services.deps import DayClock
from handlers.render.messages import compose
from handlers.render.text import render
from storage.programme_file import read_file
from tests.conftest import KENNEMERLAND

JUNE_15 = date(2021, 6, 15)
ADMIN = "U0ALICE01"
THV_CHANNEL = "C0THV0001"  # wg-thv's channel in the example
QUESTIONS = ["wie MDA++", "wanneer indicatoren", "status", "binnenkort 60", "te-laat", "lijst",
             "overzicht", "geschiedenis MDA++", "status mda-advies", "lijst THV"]


def pinned(deps: Any, day: date = JUNE_15) -> Any:
    return replace(deps, clock=DayClock(day), admins=frozenset({ADMIN}))


def run(deps: Any, text: str, channel: str | None = None) -> Any:
    return execute(deps, grammar.parse(text), Actor(ADMIN, channel_id=channel))


def say(deps: Any, text: str, channel: str | None = None) -> str:
    """What the console would print: the answer rendered for a person, kept as rendered."""
    return answer(deps, grammar.parse(text), Actor(ADMIN, channel_id=channel), "text",  # type: ignore[no-any-return]
                  lambda result: render(compose(result, "nl", deps.timezone)))


def change(deps: Any, text: str, channel: str | None = None) -> None:
    result = run(deps, text, channel)
    assert not isinstance(result, r.Refused | r.UnknownRef | r.AmbiguousRef | r.UsageAnswer), \
        result


@contextmanager
def statements(engine: Any) -> Iterator[list[str]]:
    """The SQL statements run on `engine` (transaction control left out)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


class Peeks:
    """The unit-of-work factory, counting its version peeks: one statement on a pooled DBAPI
    connection, which SQLAlchemy's statement events do not see."""

    def __init__(self, factory: Any) -> None:
        self.factory = factory
        self.count = 0

    def __call__(self, *, write: bool = False) -> Any:
        return self.factory(write=write)

    def data_version(self) -> Any:
        self.count += 1
        return self.factory.data_version()

    def changes_since(self, held: Any, now: Any) -> Any:
        return self.factory.changes_since(held, now)

    def remembered_locale(self, user_id: str) -> Any:
        return self.factory.remembered_locale(user_id)


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_repeated_question_runs_only_the_version_peek(loaded: Any, question: str) -> None:
    peeks = Peeks(loaded.deps.uow)
    deps = replace(pinned(loaded.deps), uow=peeks)
    assert deps.answers is not None  # on by default
    with statements(loaded.engine) as first:
        answer = say(deps, question, THV_CHANNEL)
    assert peeks.count == 1 and len(first) > 1  # peeked, missed, computed in a unit of work
    assert any("data_version" in s for s in first)  # the version of the answer's own snapshot
    with statements(loaded.engine) as again:
        assert say(deps, question, THV_CHANNEL) == answer
    assert peeks.count == 2 and again == []  # the peek alone: no unit of work, no other query


def test_a_status_update_gives_a_fresh_answer(loaded: Any) -> None:
    deps = pinned(loaded.deps)
    before = say(deps, "status mda-advies")
    group = say(deps, "status", THV_CHANNEL)
    assert "niet gestart" in before and "vertraagd" not in before
    change(deps, "update mda-advies vertraagd wachten op de stuurgroep")
    after = say(deps, "status mda-advies")
    assert "vertraagd" in after and "wachten op de stuurgroep" in after
    assert say(deps, "geschiedenis mda-advies").count("wachten op de stuurgroep") == 1
    assert say(deps, "status", THV_CHANNEL) == group  # another group: same text, recomputed


def test_a_reschedule_gives_a_fresh_answer(loaded: Any) -> None:
    deps = pinned(loaded.deps)
    assert "december 2021" in say(deps, "wanneer thv-onderzoek")
    upcoming = say(deps, "binnenkort 365", THV_CHANNEL)
    assert "december 2021" in upcoming
    change(deps, "verplaats thv-onderzoek februari 2022 later begonnen")
    after = say(deps, "wanneer thv-onderzoek")
    assert "februari 2022" in after and "later begonnen" in after
    assert say(deps, "binnenkort 365", THV_CHANNEL) != upcoming


def test_koppel_gives_the_channel_its_group(loaded: Any) -> None:
    deps = pinned(loaded.deps)
    assert say(deps, "status", "C0NEWTHV1").startswith("Alle activiteiten")
    change(deps, "koppel THV", "C0NEWTHV1")
    assert say(deps, "status", "C0NEWTHV1").startswith("Werkgroep Tijdelijk Huisverbod")


def test_a_reimport_with_another_owner_and_deadline_gives_a_fresh_answer(loaded: Any) -> None:
    deps = pinned(loaded.deps)
    assert "Werkgroep Tijdelijk Huisverbod" in say(deps, "wie thv-onderzoek")
    assert "december 2021" in say(deps, "wanneer thv-onderzoek")
    file = read_file(KENNEMERLAND)[0]
    activities = tuple(
        replace(a, owners=("Stuurgroep Veilig Thuis",), due=replace(a.due, value=date(2021, 11, 1)))
        if a.key == "thv-onderzoek" else a
        for a in file.activities)
    with deps.uow(write=True) as uow:
        uow.repo.save_programme(replace(file, activities=activities))
        uow.commit()
    owners = say(deps, "wie thv-onderzoek")
    assert "Stuurgroep Veilig Thuis" in owners and "Werkgroep Tijdelijk Huisverbod\n" not in owners
    assert "november 2021" in say(deps, "wanneer thv-onderzoek")


def test_an_indicator_value_leaves_the_answers_that_do_not_show_it(loaded: Any) -> None:
    deps = pinned(loaded.deps)
    first = say(deps, "overzicht", THV_CHANNEL)
    change(deps, "indicator vt-meldingen-kennemerland 2021 700")
    with statements(loaded.engine) as seen:
        assert say(deps, "overzicht", THV_CHANNEL) == first
    assert len(seen) == 1 and "read_changes" in seen[0]  # what changed, read once: kept


def test_a_write_by_another_process_gives_a_fresh_answer(loaded: Any, db_url: str,
                                                         settings_for: Any) -> None:
    from bot.app import build_runtime

    deps = pinned(loaded.deps)
    other = build_runtime(settings_for(db_url))  # its own engine, pool and read cache
    try:
        assert "niet gestart" in say(deps, "status plegeraanpak")
        change(pinned(other.deps), "update plegeraanpak op-schema eerste bijeenkomst gehouden")
        assert "eerste bijeenkomst gehouden" in say(deps, "status plegeraanpak")
    finally:
        other.engine.dispose()


def test_a_new_day_gives_a_fresh_answer(loaded: Any) -> None:
    deps = pinned(loaded.deps)
    today = say(deps, "wanneer indicatoren")
    later = pinned(loaded.deps, date(2021, 8, 2))  # July has passed
    assert later.answers is deps.answers  # the same cache
    assert "over ruim 1 maand" in today
    assert "over ruim 1 maand" not in say(later, "wanneer indicatoren")
    assert say(deps, "wanneer indicatoren") == today  # and back


def test_each_channel_gets_its_own_answer(loaded: Any) -> None:
    deps = pinned(loaded.deps)
    thv = say(deps, "status", THV_CHANNEL)
    mda = say(deps, "status", "C0MDA0001")
    nowhere = say(deps, "status")
    assert thv.startswith("Werkgroep Tijdelijk Huisverbod")
    assert mda.startswith("Werkgroep MDA++")
    assert nowhere.startswith("Alle activiteiten")
    assert (say(deps, "status", THV_CHANNEL), say(deps, "status", "C0MDA0001"),
            say(deps, "status")) == (thv, mda, nowhere)
    # a question about one activity is the same in every channel: kept once
    kept = len(deps.answers)
    say(deps, "wie MDA++", THV_CHANNEL)
    say(deps, "wie MDA++", "C0MDA0001")
    assert len(deps.answers) == kept + 1


def test_the_switch_turns_it_off(db_url: str, settings_for: Any) -> None:
    from bot.app import build_runtime
    from tests.conftest import load_examples

    runtime = build_runtime(settings_for(db_url, answer_cache=False))
    try:
        load_examples(runtime.deps, KENNEMERLAND)
        deps = pinned(runtime.deps)
        assert deps.answers is not None and not deps.answers.keeps_answers
        first = say(deps, "status", THV_CHANNEL)
        with statements(runtime.engine) as seen:
            assert say(deps, "status", THV_CHANNEL) == first
        assert len(seen) > 1  # computed again
        assert len(deps.answers) == 0
    finally:
        runtime.engine.dispose()


def test_the_cache_is_bounded_in_bytes(loaded: Any) -> None:
    questions = [f"binnenkort {days}" for days in range(1, 41)]
    probe = pinned(loaded.deps)
    measure = ReadCache(1024 * 1024 * 1024)  # each answer's bytes as the cache counts them
    sizes = []
    for question in questions:
        before = measure.answer_bytes()
        say(replace(probe, answers=measure), question, THV_CHANNEL)
        sizes.append(measure.answer_bytes() - before)
    room = 4 * max(sizes)  # every answer fits, not all of them together
    assert sum(sizes) > room
    cache = ReadCache(room)
    deps = replace(probe, answers=cache)
    for question in questions:
        say(deps, question, THV_CHANNEL)
        assert cache.answer_bytes() <= room
    with statements(loaded.engine) as seen:
        say(deps, questions[-1], THV_CHANNEL)  # the most recent: still kept
    assert seen == []  # the version peek alone
    with statements(loaded.engine) as seen:
        say(deps, questions[0], THV_CHANNEL)  # the oldest: evicted, computed again
    assert len(seen) > 1


def test_changes_and_reports_are_never_kept(loaded: Any) -> None:
    deps = pinned(loaded.deps)
    for text, channel in (("update mda-advies op-schema", None),
                          ("indicator vt-meldingen-kennemerland", None),
                          ("koppel THV", "C0NEWTHV1")):
        result = answer(deps, grammar.parse(text), Actor(ADMIN, channel_id=channel), "text",
                        lambda result: result)
        assert not isinstance(result, r.Refused | r.UnknownRef | r.UsageAnswer), result
    assert len(deps.answers) == 0


def test_every_committed_write_of_programme_data_moves_the_data_version_once(
        loaded: Any) -> None:
    from storage.versioning import data_version

    def version() -> Any:
        with loaded.deps.uow() as uow:
            found = data_version(uow.repo.session)
            assert found is not None
            return found

    before = version()
    with loaded.deps.uow(write=True) as uow:
        uow.repo.set_group_channel("kennemerland-2021", "wg-thv", "C0NEWTHV1")
        uow.commit()
    after = version()
    assert after[0] == before[0] + 1 and after[1] != before[1]
    with loaded.deps.uow(write=True) as uow:  # rolled back: no write, no bump
        uow.repo.set_group_channel("kennemerland-2021", "wg-thv", "C0OTHER01")
    assert version() == after
    with loaded.deps.uow(write=True) as uow:  # bookkeeping: a learned locale moves nothing
        uow.repo.set_user_locale("U0LOCALE1", "en-GB", loaded.deps.now())
        uow.commit()
    assert version() == after


def test_a_committing_writer_never_deadlocks_with_an_import(loaded: Any) -> None:
    """The data version is bumped at commit, in a row of its own: a writer that holds a group's
    row and commits does not wait for `programme_version`, which an import holds from its first
    flush while it waits for that same group's row (on PostgreSQL a shared row would make this
    a deadlock, and one of the two would fail)."""
    import threading
    import time

    from storage.versioning import bump_programme_version

    key = ("kennemerland-2021", "wg-thv")
    errors: list[BaseException] = []

    def importer() -> None:
        try:
            with loaded.deps.uow(write=True) as uow:
                bump_programme_version(uow.repo.session)  # as an import's first flush does
                uow.repo.set_group_channel(*key, "C0IMPORT1")  # waits for the first writer
                uow.repo.session.flush()
                uow.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    with loaded.deps.uow(write=True) as uow:
        uow.repo.set_group_channel(*key, "C0FIRST01")
        uow.repo.session.flush()  # the group's row is locked now
        second = threading.Thread(target=importer)
        second.start()
        time.sleep(0.5)  # the importer takes programme_version and waits for the group's row
        uow.commit()
    second.join(60)
    assert not second.is_alive() and errors == []
    with loaded.deps.uow() as uow:
        group = uow.repo.get_group(*key)
    assert group is not None and group.channel == "C0IMPORT1"
