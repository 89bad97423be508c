"""The read cache's one rule (bot/services/answers.py), tested by writing each kind of change
and asking each kind of question: a write drops exactly the kept answers that depend on what
it changed, and the answers it drops are computed again with the change in them. Bookkeeping
drops nothing, bulk SQL (forget-user, an import) drops everything, and a restore to an older
snapshot never brings an answer back. On the Kennemerland and Gooi examples, day pinned."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.domain import grammar
from bot.services import Actor
from bot.services import results as r
from bot.services.commands import answer, execute
from bot.services.deps import DayClock
from handlers.render.messages import compose
from handlers.render.text import render
from storage.programme_file import read_file
from tests.conftest import KENNEMERLAND

ADMIN = "U0ALICE01"
THV, MDA = "C0THV0001", "C0MDA0001"  # wg-thv's and wg-mda's channels
# (question, channel): one of each kind: about one activity, about a named group, for a
# channel's group, for every programme (a channel without a group), in another programme
QUESTIONS = {
    "wie thv": ("wie thv-onderzoek", None),
    "wie mda": ("wie mda-advies", None),
    "status thv channel": ("status", THV),
    "status mda channel": ("status", MDA),
    "te-laat everywhere": ("te-laat", None),
    "lijst thv": ("lijst THV", None),
    "wanneer gooi": ("wanneer gv-samenwerkingsafspraken", None),
}


def pinned(deps: Any) -> Any:
    return replace(deps, clock=DayClock(date(2021, 6, 15)), admins=frozenset({ADMIN}))


def say(deps: Any, text: str, channel: str | None = None) -> str:
    return answer(deps, grammar.parse(text), Actor(ADMIN, channel_id=channel), "text",  # type: ignore[no-any-return]
                  lambda result: render(compose(result, "nl", deps.timezone)))


def change(deps: Any, text: str, channel: str | None = None) -> None:
    result = execute(deps, grammar.parse(text), Actor(ADMIN, channel_id=channel))
    assert not isinstance(result, r.Refused | r.UnknownRef | r.AmbiguousRef | r.UsageAnswer), \
        result


@contextmanager
def statements(engine: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def recomputed(loaded: Any, deps: Any) -> dict[str, str]:
    """Ask every question again: which were computed (not kept), with their answers."""
    found = {}
    for name, (text, channel) in QUESTIONS.items():
        with statements(loaded.engine) as seen:
            text_now = say(deps, text, channel)
        if [s for s in seen if "read_changes" not in s]:
            found[name] = text_now
    return found


def mention(deps: Any) -> None:
    """A title naming a user (forget-user rewrites it with bulk SQL)."""
    from sqlalchemy import select

    from storage.models import ActivityRow

    with deps.uow(write=True) as uow:
        row = uow.repo.session.scalar(select(ActivityRow).where(
            ActivityRow.key == "gv-samenwerkingsafspraken"))
        row.title += " met <@U0FORGET1>"
        uow.commit()


def forget(loaded: Any, deps: Any) -> None:
    from bot.services.privacy import forget_user

    report = forget_user(deps, "U0FORGET1")
    assert report is not None


def reimport(loaded: Any, deps: Any) -> None:
    file = read_file(KENNEMERLAND)[0]
    with deps.uow(write=True) as uow:
        uow.repo.save_programme(replace(file, activities=tuple(
            replace(a, owners=("Stuurgroep Veilig Thuis",)) if a.key == "thv-onderzoek" else a
            for a in file.activities)))
        uow.commit()


def bookkeeping(loaded: Any, deps: Any) -> None:
    now = deps.now()
    with deps.uow(write=True) as uow:
        uow.repo.set_user_locale("U0LOCALE1", "en-GB", now)
        uow.repo.remember_request("sig:rule", now, timedelta(minutes=10))
        uow.commit()


ALL = set(QUESTIONS)
REFS = {"wie thv", "wie mda", "wanneer gooi"}

CHANGES: dict[str, tuple[Any, set[str]]] = {
    # a status update to one open activity, staying open: its answers, its group's lists,
    # the lists over every programme
    "update mda": (lambda loaded, deps: change(deps, "update mda-advies vertraagd wacht"),
                   {"wie mda", "status mda channel", "te-laat everywhere"}),
    "verplaats thv": (lambda loaded, deps: change(
        deps, "verplaats thv-onderzoek februari 2022 later begonnen"),
        {"wie thv", "status thv channel", "te-laat everywhere", "lijst thv"}),
    # closing an activity can change what a ref resolves to: every answer by ref, too
    "gereed mda": (lambda loaded, deps: change(deps, "update mda-advies gereed klaar"),
                   REFS | {"status mda channel", "te-laat everywhere"}),
    # another channel for wg-thv: which group a channel is changed
    "koppel thv": (lambda loaded, deps: change(deps, "koppel THV", "C0NEWTHV1"),
                   {"wie thv", "status thv channel", "status mda channel",
                    "te-laat everywhere", "lijst thv"}),
    "indicator": (lambda loaded, deps: change(deps, "indicator vt-meldingen-kennemerland 2021 7"),
                  set()),
    "bookkeeping": (bookkeeping, set()),
    "forget-user": (forget, ALL),
    "import": (reimport, ALL),
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_each_kind_of_change_drops_exactly_the_answers_it_reaches(loaded: Any,
                                                                  kind: str) -> None:
    deps = pinned(loaded.deps)
    if kind == "forget-user":
        mention(deps)
    before = {name: say(deps, text, channel) for name, (text, channel) in QUESTIONS.items()}
    assert recomputed(loaded, deps) == {}  # all kept
    write, reached = CHANGES[kind]
    write(loaded, deps)
    again = recomputed(loaded, deps)
    assert set(again) == reached
    fresh = replace(deps, answers=None)  # what each answer is now, computed
    for name, (text, channel) in QUESTIONS.items():
        now = say(fresh, text, channel)
        assert say(deps, text, channel) == now, name  # kept or not: never a stale answer
        if name not in reached:
            assert now == before[name], name  # what was kept had not changed


def test_a_change_shows_in_the_answers_it_reaches(loaded: Any) -> None:
    deps = pinned(loaded.deps)
    assert "niet gestart" in say(deps, "status mda-advies")
    change(deps, "update mda-advies vertraagd wacht op de stuurgroep")
    assert "wacht op de stuurgroep" in say(deps, "status mda-advies")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_after_a_restore_no_answer_from_before_comes_back(loaded: Any, tmp_path: Any) -> None:
    """A backup at version v; a change kept at v+1; the backup restored (v again) and another
    change made (v+1 again, another token): the answer is the new one, never the one kept."""
    deps = pinned(loaded.deps)
    path = loaded.engine.url.database
    backup = str(tmp_path / "backup.db")
    assert "niet gestart" in say(deps, "status mda-advies")
    with sqlite3.connect(path) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)
    change(deps, "update mda-advies vertraagd wacht op de stuurgroep")
    assert "vertraagd" in say(deps, "status mda-advies")  # kept at v+1
    with sqlite3.connect(backup) as copy, sqlite3.connect(path) as live:
        copy.backup(live)  # restored behind the process's back: v, the old token
    assert "niet gestart" in say(deps, "status mda-advies")
    change(deps, "update mda-advies risico begroting onzeker")  # v+1 again
    assert "risico" in say(deps, "status mda-advies")
    assert "vertraagd" not in say(deps, "status mda-advies")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_restored_snapshot_at_the_very_same_number_is_not_the_version_kept(
        loaded: Any, tmp_path: Any) -> None:
    deps = pinned(loaded.deps)
    path = loaded.engine.url.database
    backup = str(tmp_path / "backup.db")
    with sqlite3.connect(path) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)
    change(deps, "update mda-advies vertraagd wacht op de stuurgroep")  # v+1, token A
    assert "vertraagd" in say(deps, "status mda-advies")  # kept at v+1, token A
    with sqlite3.connect(backup) as copy, sqlite3.connect(path) as live:
        copy.backup(live)
    other = replace(deps, answers=None)
    change(other, "update mda-advies risico begroting onzeker")  # v+1, token B
    assert "risico" in say(deps, "status mda-advies")  # the process saw only v+1 twice


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # PostgreSQL reads are READ
# COMMITTED: each statement sees the latest commit, so no request reads an older snapshot
def test_a_request_on_an_older_snapshot_is_served_the_kept_index(loaded: Any) -> None:
    """A request that began before a status update, and asks for the index after another
    request already saw the update, gets the kept index, not a rebuild; one that saw an index
    change in between gets its own (not kept)."""
    deps = pinned(loaded.deps)
    with deps.uow() as uow:
        kept = uow.repo.ref_index()
    with deps.uow() as older:
        older.repo.data_version()  # its snapshot starts here
        change(deps, "update mda-advies vertraagd wacht")
        with deps.uow() as newer:
            assert newer.repo.ref_index() is kept  # a status change: refreshed in place
            current = newer.repo.ref_index()
        assert older.repo.ref_index() is current  # served, not rebuilt
    with deps.uow() as older:
        older.repo.data_version()
        change(deps, "koppel THV", "C0NEWTHV1")  # not the index
        change(deps, "nieuw")  # a surface: nothing written
        reimport(loaded, deps)  # everything
        with deps.uow() as newer:
            rebuilt = newer.repo.ref_index()
        assert rebuilt is not current
        own = older.repo.ref_index()
        assert own is not rebuilt  # computed for its snapshot, not kept
    with deps.uow() as uow:
        assert uow.repo.ref_index() is rebuilt
