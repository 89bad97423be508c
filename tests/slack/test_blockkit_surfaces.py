"""Every message, modal and Home view the app produces, validated as Slack checks it
(tests/slack/blockkit.py: slack_sdk.models plus Slack's documented limits), for both example
programmes and a stress programme: long titles, many owners, many milestones, many activities.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.app import build_runtime
from bot.domain import grammar
from bot.domain.model import (
    Activity,
    DueDate,
    Milestone,
    Precision,
    Programme,
    ProgrammeFile,
    Status,
    StatusUpdate,
    WorkingGroup,
)
from bot.services import Actor, changes, execute
from bot.services import results as r
from handlers.render import blocks, home, modals
from handlers.render.messages import compose
from tests.conftest import GOOI, KENNEMERLAND, load_examples
from tests.slack.blockkit import check_message, check_view

ADMIN = "U0ADMIN01"
LONG = "Lange titel met veel woorden over samenwerking in de regio " * 9  # ~530 characters


def stress_programme() -> ProgrammeFile:
    owners = tuple(f"Organisatie nummer {i}, afdeling {'x' * 150}" for i in range(30))
    group = WorkingGroup(key="wg-stress", name="Werkgroep " + "met een hele lange naam " * 12,
                         aliases=("STRESS",), channel="C0STRESS1",
                         members={owners[0]: ("U0STRESS1", "U0STRESS2")})
    activities = tuple(
        Activity(key=f"stress-{i:03d}", title=f"{i} {LONG}"[:500], programme_key="stress",
                 theme="Thema " * 50, owners=owners, working_group="wg-stress",
                 due=DueDate(date(2021, 1 + i % 12, 1 + i % 27), Precision.DAY),
                 milestones=tuple(Milestone(f"Mijlpaal {j} " + "y" * 250,
                                            DueDate(date(2021, 1 + j % 12, 28)))
                                  for j in range(40)),
                 status=Status.AT_RISK)
        for i in range(120))
    return ProgrammeFile(programme=Programme(key="stress", name="Stress " * 40,
                                             admin_channel="C0ADMSTR1"),
                         working_groups=(group,), activities=activities)


@pytest.fixture(scope="module")
def deps(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from dataclasses import replace

    from bot.config import Settings

    url = f"sqlite:///{tmp_path_factory.mktemp('bk') / 'actiebot.db'}"
    runtime = build_runtime(Settings(database_url=url, admins=frozenset({ADMIN})))
    load_examples(runtime.deps, KENNEMERLAND, GOOI)
    with runtime.deps.uow(write=True) as uow:
        uow.repo.save_programme(stress_programme())
        uow.commit()

    class Pinned:
        def now(self) -> datetime:
            return datetime(2021, 9, 15, 10, tzinfo=UTC)

    yield replace(runtime.deps, clock=Pinned())
    runtime.engine.dispose()


def all_activities(deps: Any) -> list[Activity]:
    with deps.uow() as uow:
        return uow.repo.list_activities()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_answer_and_announcement_is_valid_block_kit(deps: Any, lang: str) -> None:
    actor = Actor(ADMIN, channel_id="C0STRESS1")
    for activity in all_activities(deps):
        ref = f"{activity.programme_key}/{activity.key}"
        for command in (grammar.Who(ref), grammar.When(ref), grammar.StatusOf(ref),
                        grammar.History(ref)):
            check_message(blocks.message(compose(execute(deps, command, actor), lang)))
        moved = StatusUpdate(datetime(2021, 9, 1, tzinfo=UTC), ADMIN, Status.AT_RISK,
                             Status.AT_RISK, "reden " * 300, event="reschedule",
                             old_due=activity.due, new_due=DueDate(date(2022, 3, 31)))
        created = StatusUpdate(datetime(2021, 9, 1, tzinfo=UTC), ADMIN, None,
                               Status.NOT_STARTED, event="created", new_due=activity.due)
        plain = StatusUpdate(datetime(2021, 9, 1, tzinfo=UTC), ADMIN, Status.NOT_STARTED,
                             Status.DONE, "klaar " * 300)
        for update in (moved, created, plain):
            check_message(blocks.message(compose(r.Announcement(activity, update, None), lang)))
            check_message(blocks.message(compose(
                r.UpdateRecorded(activity, None, update, "C0STRESS1", "k"), lang)))
        notice = r.ReminderNotice(activity, None, None, activity.due or DueDate(date(2021, 9, 1)),
                                  "before-5", "before", date(2021, 9, 15), 5, plain,
                                  {o: ("U0STRESS1",) for o in activity.owners})
        check_message(blocks.message(compose(notice, lang)))
    for command in (grammar.Overview(), grammar.Overdue(), grammar.Upcoming(366),
                    grammar.ListActivities(), grammar.ListActivities("STRESS"),
                    grammar.StatusOf(None), grammar.Help()):
        check_message(blocks.message(compose(execute(deps, command, actor), lang)))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_modal_and_home_view_is_valid(deps: Any, lang: str) -> None:
    for activity in all_activities(deps):
        form = changes.update_form(deps, f"{activity.programme_key}/{activity.key}",
                                   Actor(ADMIN), note="https://x.slack.com/archives/C1/p1" * 80)
        assert isinstance(form, r.UpdateForm)
        check_view(modals.update_modal(form, lang, "home", "C0STRESS1").to_dict())
    picker = changes.update_form(deps, None, Actor(ADMIN))
    assert isinstance(picker, r.UpdateForm)
    check_view(modals.update_modal(picker, lang).to_dict())
    new = changes.new_activity_form(deps, LONG, Actor(ADMIN))
    assert isinstance(new, r.NewActivityForm)
    check_view(modals.new_activity_modal(new, lang, "C0STRESS1").to_dict())
    for user in (ADMIN, "U0STRESS1", "U0NOBODY1"):
        view = home.home_view(changes.dashboard(deps, Actor(user)), lang, "/actie",
                              "Europe/Amsterdam").to_dict()
        check_view(view)
        assert len(view["blocks"]) <= 100
    options = modals.activity_options(changes.activity_options(deps, "", Actor(ADMIN)), lang)
    listed = options.get("options") or [o for g in options["option_groups"] for o in g["options"]]
    assert 0 < len(listed) <= 100
    assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in listed)
    done = modals.done_view([compose(r.UpdateRecorded(
        all_activities(deps)[0], None, StatusUpdate(datetime(2021, 9, 1, tzinfo=UTC), ADMIN,
                                                    None, Status.DONE, "x" * 2000), "C1", "k"),
        lang)], lang)
    check_view(done.to_dict())
    errors = modals.field_errors(r.FieldErrors((("note", "too_long"), ("reason",
                                                                       "missing_reason"))),
                                 lang, {"note", "reason", "status"})
    assert set(errors) == {"note", "reason"}


def _dashboard_queries(deps: Any, user: str) -> tuple[int, int]:
    from sqlalchemy import event

    engine = deps.uow()._factory.kw["bind"]
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = changes.dashboard(deps, Actor(user))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), len(result.mine)


def test_the_home_tab_takes_a_fixed_number_of_queries(deps: Any, tmp_path: Any) -> None:
    """The stress programme adds 120 activities with 40 milestones each; the Home tab asks the
    database as many times as on the examples alone (both counted after a warm-up)."""
    from dataclasses import replace

    from bot.config import Settings

    small = build_runtime(Settings(database_url=f"sqlite:///{tmp_path / 's.db'}",
                                   admins=frozenset({ADMIN})))
    try:
        load_examples(small.deps, KENNEMERLAND, GOOI)
        small_deps = replace(small.deps, clock=deps.clock)
        _dashboard_queries(small_deps, ADMIN)  # a warm-up: the read cache keeps the
        # programmes and groups after a first read, as it does in the other process
        small_queries, small_mine = _dashboard_queries(small_deps, ADMIN)
    finally:
        small.engine.dispose()
    _dashboard_queries(deps, ADMIN)
    big_queries, big_mine = _dashboard_queries(deps, ADMIN)
    assert big_mine >= small_mine + 100
    assert big_queries == small_queries
