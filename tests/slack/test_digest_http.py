"""Monthly digests end to end: posted once per channel and month through the fake Web API,
the full lists as a thread reply, `/actie overzicht` over signed HTTP, and Slack's limits for
a programme of 1,000 activities."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from tests.slack.conftest import start_app
from tests.slack.reminder_programme import (
    ADMIN,
    CHANNEL_A,
    CHANNEL_B,
    CHANNEL_C,
    at,
    ledger,
    load_programme,
    notifying,
    texts,
    travel,
    wait_until,
    write_programme,
)

NOVEMBER = date(2021, 11, 1)


@pytest.fixture
def dapp(db_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> Any:
    settings = settings_for(db_url, slack_api_url=fake_slack.url)
    running, server = start_app(settings, load=False)
    load_programme(running.deps, write_programme(tmp_path))
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def post_on(deps: Any, moment: Any, month: date, **kwargs: Any) -> Any:
    from bot.services.digests import post_digests

    with travel(moment):
        return post_digests(deps, month, **kwargs)


def within_limits(body: dict[str, Any]) -> int:
    """Asserts Slack's limits for one message; returns its characters of block text."""
    blocks = body["blocks"]
    assert 0 < len(blocks) <= 50
    total = 0
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
            total += len(block["text"]["text"])
        for element in block.get("elements", []):
            total += len(element.get("text", "")) if isinstance(element.get("text"), str) else 0
    assert total <= 12_000, total  # chat.postMessage: msg_blocks_too_long beyond about that
    assert len(body.get("text", "")) <= 3000
    return total


def test_the_digest_is_posted_once_per_channel_with_its_lists_in_the_thread(
        dapp: Any, fake_slack: Any) -> None:
    deps = notifying(dapp.deps, fake_slack)
    report = post_on(deps, at(2021, 11, 1), NOVEMBER)
    assert report.as_of == NOVEMBER
    assert sorted((p.channel, p.state, p.thread_state) for p in report.plans) == sorted([
        (ADMIN, "sent", "sent"), (CHANNEL_A, "sent", "sent"), (CHANNEL_B, "sent", "sent"),
        (CHANNEL_C, "sent", "sent")])
    rows = ledger(dapp.engine)
    for channel in (ADMIN, CHANNEL_A, CHANNEL_B, CHANNEL_C):
        parent, reply = fake_slack.posted(channel)
        assert "thread_ts" not in parent or not parent["thread_ts"]
        parent_row = next(r for k, r in rows.items()
                          if k.startswith(f"digest:{channel}:") and r.kind == "digest")
        assert reply["thread_ts"] == parent_row.message_ts
        within_limits(parent)
        within_limits(reply)

    summary_a, thread_a = texts(fake_slack.posted(CHANNEL_A))
    assert "Maandoverzicht november 2021 — Werkgroep A" in summary_a
    assert "Zelfscan lokale teams" in summary_a and "1 werkdag te laat" in summary_a  # urgent
    assert "Actieagenda 2022 opstellen" in summary_a and "december 2021" in summary_a
    assert "Deadlines komende 60 dagen (1)" in thread_a and "Te laat (1)" in thread_a
    assert "Al afgeronde activiteit" not in summary_a + thread_a  # done: not overdue, not stale
    admin_summary, admin_thread = texts(fake_slack.posted(ADMIN))
    assert "Testprogramma 2021" in admin_summary and "✅ gereed: 1" in admin_summary
    assert "Evaluatie leerlijn" in admin_thread  # a milestone's deadline is a deadline too

    again = post_on(deps, at(2021, 11, 1, 11), NOVEMBER)
    assert {p.state for p in again.plans} == {"exists"}
    assert len(fake_slack.posted()) == 8  # nothing twice

    forced = post_on(deps, at(2021, 11, 2, 9), NOVEMBER, force=True)
    assert {p.state for p in forced.plans} == {"sent"}
    assert len(fake_slack.posted()) == 16


def test_changes_since_the_previous_digest_come_from_the_update_log(
        dapp: Any, fake_slack: Any) -> None:
    deps = notifying(dapp.deps, fake_slack)
    post_on(deps, at(2021, 11, 1), NOVEMBER)
    fake_slack.join(CHANNEL_A, "U0ALICE01")
    with travel(at(2021, 11, 10, 14)):
        reply = dapp.client.command("update a-december risico wacht op de stuurgroep",
                                    user="U0ALICE01", channel=CHANNEL_A)
        assert reply.status == 200
        wait_until(lambda: len(fake_slack.posted(CHANNEL_A)) == 3)  # the announcement
    post_on(deps, at(2021, 12, 1), date(2021, 12, 1))
    summary, thread = texts(fake_slack.posted(CHANNEL_A)[-2:])
    assert "Gewijzigd sinds 1 november 2021: *1*" in summary
    assert "Gewijzigd sinds 1 november 2021 (1)" in thread
    assert "Actieagenda 2022 opstellen" in thread and "<@U0ALICE01>" in thread
    assert "🟠 risico" in thread
    # the other groups' digests do not list it
    assert "Actieagenda 2022" not in texts(fake_slack.posted(CHANNEL_B)[-1:])[0]


def test_a_missing_channel_gets_its_digest_and_thread_when_it_comes_back(
        dapp: Any, fake_slack: Any) -> None:
    from bot.services.delivery import deliver_pending
    from bot.services.digests import complete_threads

    deps = notifying(dapp.deps, fake_slack)
    fake_slack.fail("chat.postMessage", error="is_archived", channel=CHANNEL_C)
    report = post_on(deps, at(2021, 11, 1), NOVEMBER)
    states = {p.channel: p.state for p in report.plans}
    assert states == {ADMIN: "sent", CHANNEL_A: "sent",
                      CHANNEL_B: "sent", CHANNEL_C: "failed"}
    notices = [t for t in texts(fake_slack.posted(ADMIN)) if "<#C0CCC0001>" in t]
    assert len(notices) == 1 and "gearchiveerd" in notices[0]
    fake_slack.heal()
    with travel(at(2021, 11, 2, 9, 5)):  # what the scheduler's outbox job does
        deliver_pending(deps)
        complete_threads(deps)
    parent, reply = fake_slack.posted(CHANNEL_C)
    assert "Maandoverzicht november 2021" in texts([parent])[0]
    assert reply["thread_ts"]
    assert len(fake_slack.posted(CHANNEL_A)) == 2  # nothing twice elsewhere


def test_actie_overzicht_shows_the_channels_digest_now(dapp: Any, fake_slack: Any) -> None:
    with travel(at(2021, 11, 3, 10)):
        reply = dapp.client.command("overzicht", channel=CHANNEL_A)
        admin = dapp.client.command("digest", channel=ADMIN)
    assert reply.status == 200 and reply.json()["response_type"] == "ephemeral"
    assert "Overzicht Werkgroep A" in reply.text and "3 november 2021" in reply.text
    assert "Te laat (1)" in reply.text and "Actieagenda 2022 opstellen" in reply.text
    assert "Testprogramma 2021" in admin.text and "Evaluatie leerlijn" in admin.text
    within_limits(reply.json())
    assert fake_slack.posted() == []  # ephemeral: nothing posted


def big_programme(n: int = 1000) -> str:
    """One working group with ``n`` activities: overdue, upcoming, later, undated, done."""
    lines = [
        "programme: {key: groot-2021, name: \"Groot programma\", admin_channel: C0GROOT01}",
        "working_groups:",
        "  - {key: wg-groot, name: \"Werkgroep Groot\", channel: C0GROOT02}",
        "goals:",
        "  - {key: g1, name: \"Doel\"}",
        "activities:",
    ]
    months = ["2021-06", "2021-08", "2021-10", "2021-11", "2021-12", "2022-06"]
    for i in range(n):
        due = "null" if i % 7 == 0 else f"\"{months[i % len(months)]}-{(i % 27) + 1:02d}\""
        status = "gereed" if i % 11 == 0 else "op-schema"
        title = (f"Activiteit {i:04d}: samenwerkingsafspraken en deskundigheidsbevordering "
                 f"rond huiselijk geweld in subregio {i % 9}")
        lines.append(f"  - {{key: act-{i:04d}, title: \"{title}\", goal: g1, "
                     f"working_group: wg-groot, due: {due}, status: {status}, "
                     f"owners: [\"Eigenaar {i % 13}\"]}}")
    return "\n".join(lines) + "\n"


def test_a_programme_of_1000_activities_fits_slacks_limits(
        sqlite_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> None:
    settings = settings_for(sqlite_url, slack_api_url=fake_slack.url)
    running, server = start_app(settings, load=False)
    try:
        load_programme(running.deps, write_programme(tmp_path, big_programme()))
        deps = notifying(running.deps, fake_slack)
        report = post_on(deps, at(2021, 11, 1), NOVEMBER)
        assert {p.state for p in report.plans} == {"sent"}
        digest = report.plans[0].digest
        assert digest is not None and len(digest.overdue) > 300 and digest.stale_total > 800
        for body in fake_slack.posted():
            within_limits(body)
        thread = texts([fake_slack.posted("C0GROOT02")[1]])[0]
        assert "meer_" in thread and "en " in thread  # "… en N meer"
        summary = fake_slack.posted("C0GROOT02")[0]
        assert len(summary["blocks"]) <= 6  # short in the channel
        with travel(at(2021, 11, 3, 10)):
            now = running.client.command("overzicht", channel="C0GROOT02")
        within_limits(now.json())
        assert "en " in now.text and "meer" in now.text
        json.dumps(now.json())
    finally:
        server.shutdown()
        server.server_close()
        running.engine.dispose()
