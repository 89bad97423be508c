"""Wording and Block Kit of reminders, digests and channel notices: Dutch first, English when
asked, always inside Slack's limits. No database, no Slack."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from slack_sdk.models.blocks import Block

from bot.domain.digest import build_digest
from bot.domain.model import (
    Activity,
    DueDate,
    Precision,
    Programme,
    Status,
    StatusUpdate,
    WorkingGroup,
)
from bot.domain.ports import DueItem
from bot.domain.workdays import WorkCalendar
from bot.services import results as r
from handlers.render import blocks
from handlers.render.messages import compose
from handlers.render.text import render

CAL = WorkCalendar()
GROUP = WorkingGroup("wg-a", "Werkgroep A", channel="C0AAA0001",
                     members={"Veilig Thuis": ("U0VT00001",)})
OCTOBER = DueDate(date(2021, 10, 31), Precision.MONTH)
ACTIVITY = Activity("a-oktober", "Zelfscan lokale teams", programme_key="test-2021",
                    owners=("Veilig Thuis", "Teamleider CJG"), working_group="wg-a", due=OCTOBER,
                    status=Status.AT_RISK)
UPDATE = StatusUpdate(datetime(2021, 10, 1, 12, tzinfo=UTC), "U0ALICE01", Status.NOT_STARTED,
                      Status.AT_RISK, "wacht op <de> stuurgroep")


def notice(stage: str, kind: str, days: int, as_of: date) -> r.ReminderNotice:
    return r.ReminderNotice(ACTIVITY, GROUP, None, OCTOBER, kind, stage, as_of, days, UPDATE,
                            {"Veilig Thuis": ("U0VT00001",)})


def valid(message: dict[str, object]) -> str:
    assert len(message["blocks"]) <= 50  # type: ignore[arg-type]
    for block in message["blocks"]:  # type: ignore[attr-defined]
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    return str(message)


@pytest.mark.parametrize(("stage", "kind", "days", "as_of", "nl", "en"), [
    ("before", "before-5", 5, date(2021, 10, 22), "⏰ *Herinnering:*", "⏰ *Reminder:*"),
    ("due", "due", 0, date(2021, 10, 29), "📅 *Laatste werkdag vóór de deadline:*",
     "📅 *Last working day before the deadline:*"),
    ("overdue", "overdue-6", -6, date(2021, 11, 8), "⚠️ *Te laat:*", "⚠️ *Overdue:*"),
])
def test_reminder_wording_in_dutch_and_english(stage: str, kind: str, days: int, as_of: date,
                                               nl: str, en: str) -> None:
    dutch = compose(notice(stage, kind, days, as_of), "nl")
    english = compose(notice(stage, kind, days, as_of), "en")
    assert dutch.sections[0].startswith(nl) and english.sections[0].startswith(en)
    assert "oktober 2021" in dutch.sections[0] and "October 2021" in english.sections[0]
    assert "Veilig Thuis (<@U0VT00001>)" in dutch.sections[0]
    assert "&lt;de&gt;" in dutch.sections[0]  # a note never formats or pings
    message = blocks.message(dutch)
    valid(message)
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["text"]["text"], b["value"]) for b in buttons] == [
        ("Gereed", "test-2021/a-oktober|activity"),
        ("Herinner me volgende week", "test-2021/a-oktober|activity"),
        ("Bijwerken", "test-2021/a-oktober|activity")]
    english_buttons = [e["text"]["text"] for b in blocks.message(english)["blocks"]
                       if b["type"] == "actions" for e in b["elements"]]
    assert english_buttons == ["Done", "Remind me next week", "Update"]


def test_a_sunday_deadline_says_today_is_the_last_working_day() -> None:
    text = compose(notice("due", "due", 0, date(2021, 10, 29)), "nl").sections[0]
    assert text.startswith("📅 *Laatste werkdag vóór de deadline:*")
    assert "vandaag" not in text.lower().replace("vóór", "")  # the deadline is Sunday, not today
    assert "nog 5 werkdagen" in compose(notice("before", "before-5", 5, date(2021, 10, 22)),
                                        "nl").sections[0]
    assert "6 werkdagen te laat" in compose(notice("overdue", "overdue-6", -6,
                                                   date(2021, 11, 8)), "nl").sections[0]


def test_a_deadline_on_a_day_off_never_says_today_on_the_day_before() -> None:
    # Bevrijdingsdag 2026 (Tuesday 5 May) is a day off under cao-gemeenten: the deadline is
    # due on Monday 4 May, and a before-1 notice that day counts 0 working days.
    liberation = DueDate(date(2026, 5, 5))
    for stage, kind in (("due", "due"), ("before", "before-1")):
        item = r.ReminderNotice(ACTIVITY, GROUP, None, liberation, kind, stage,
                                date(2026, 5, 4), 0, None)
        for lang in ("nl", "en"):
            reply = compose(item, lang)
            shown = " ".join((reply.text, *reply.sections)).lower()
            assert "(vandaag)" not in shown and "(due today)" not in shown
            assert "deadline vandaag" not in shown and "due today:" not in shown
    on_the_day = compose(r.ReminderNotice(ACTIVITY, GROUP, None, liberation, "due", "due",
                                          date(2026, 5, 5), 0, None), "nl")
    assert on_the_day.sections[0].startswith("📅 *Deadline vandaag:*")


def test_the_console_shows_a_reminder_as_text() -> None:
    text = render(compose(notice("before", "before-10", 10, date(2021, 10, 15)), "nl"))
    assert "Herinnering: Zelfscan lokale teams (a-oktober)" in text
    assert "nog 10 werkdagen" in text and "Werkgroep A" in text


def test_channel_problem_notice_says_nothing_is_lost() -> None:
    reply = compose(r.ChannelProblem("C0BBB0001", "is_archived", Programme("p", "P"), (GROUP,)),
                    "nl")
    assert "<#C0BBB0001>" in reply.sections[0] and "gearchiveerd" in reply.sections[0]
    assert "niet verloren" in reply.sections[1]
    assert "archived" in compose(r.ChannelProblem("C0B", "is_archived", None), "en").sections[0]


def huge_digest(n: int) -> r.DigestMessage:
    activities = [Activity(f"act-{i:04d}", "Activiteit " + "met een lange titel " * 12 + str(i),
                           programme_key="p", working_group="wg-a",
                           due=DueDate(date(2021, 6 + i % 6, 1 + i % 27)), status=Status.ON_TRACK)
                  for i in range(n)]
    items = [DueItem(a, None, a.due.value) for a in activities if a.due]  # type: ignore[union-attr]
    changes = [(a, StatusUpdate(datetime(2021, 10, 20, tzinfo=UTC), "U0ALICE01",
                                Status.NOT_STARTED, Status.ON_TRACK)) for a in activities[:300]]
    digest = build_digest(
        programme=Programme("p", "P"), group=GROUP, month=date(2021, 11, 1),
        as_of=date(2021, 11, 1), since=datetime(2021, 10, 1, tzinfo=UTC),
        counts={Status.ON_TRACK: n}, due_items=items, changes=changes, stale=activities[:200],
        stale_total=n, calendar=CAL)
    return r.DigestMessage(digest, "summary")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("part", ["summary", "thread", "now"])
def test_a_digest_of_1000_activities_fits_every_limit(lang: str, part: str) -> None:
    message = huge_digest(1000)
    reply = compose(r.DigestMessage(message.digest, part), lang)
    payload = blocks.message(reply)
    valid(payload)
    sections = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    assert all(len(s) <= 3000 for s in sections)
    assert sum(len(s) for s in sections) <= 12_000
    if part == "summary":
        assert len(payload["blocks"]) <= 4
    else:
        assert any(("meer_" if lang == "nl" else "more_") in s for s in sections)


def test_scheduler_has_a_few_jobs_not_one_per_activity() -> None:
    from bot.config import Settings
    from bot.scheduler import build_scheduler
    from bot.services.deps import Deps

    deps = Deps(uow=lambda: None)  # type: ignore[arg-type,return-value]
    scheduler, jobs = build_scheduler(Settings(), deps)
    assert sorted(job.id for job in scheduler.get_jobs()) == ["digest", "lease", "outbox",
                                                               "reminders"]
    assert str(scheduler.get_job("reminders").trigger) == "working days at 09:00"
    assert str(scheduler.get_job("digest").trigger) == \
        "first working day of the month at 09:00"
    assert not jobs.held  # nothing runs before the lease is taken
