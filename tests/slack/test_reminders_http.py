"""Deadline reminders end to end: the sweep posts through the fake Web API, the buttons come
back as signed block_actions over HTTP, and the database holds what happened.

The clock travels (time-machine): the sweep is the scheduler's own function, run at 09:00.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import select

from storage.models import ActivityRow, ReminderHoldRow, StatusUpdateRow
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
    sweep_on,
    texts,
    travel,
    wait_until,
    write_programme,
)


@pytest.fixture
def rapp(db_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> Any:
    settings = settings_for(db_url, slack_api_url=fake_slack.url)
    running, server = start_app(settings, load=False)
    load_programme(running.deps, write_programme(tmp_path))
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def about(fake: Any, channel: str, words: str, start: int = 0) -> list[str]:
    return [t for t in texts(fake.posted(channel)[start:]) if words in t]


def test_an_october_deadline_reminds_on_the_right_working_days(rapp: Any, fake_slack: Any) -> None:
    deps = notifying(rapp.deps, fake_slack)
    timeline = [
        (at(2021, 10, 14), None),
        (at(2021, 10, 15), "nog 10 werkdagen"),
        (at(2021, 10, 16), None),  # Saturday
        (at(2021, 10, 17), None),  # Sunday
        (at(2021, 10, 18), None),  # before-10 was sent on Friday
        (at(2021, 10, 22), "nog 5 werkdagen"),
        (at(2021, 10, 28), "nog 1 werkdag"),
        (at(2021, 10, 29), "Laatste werkdag vóór de deadline"),  # October's last working day
        (at(2021, 10, 30), None),
        (at(2021, 10, 31), None),  # the deadline itself is a Sunday
        (at(2021, 11, 1), "1 werkdag te laat"),
        (at(2021, 11, 2), None),
        (at(2021, 11, 8), "6 werkdagen te laat"),
    ]
    for moment, fragment in timeline:
        start = len(fake_slack.posted(CHANNEL_A))
        sweep_on(deps, moment)
        posts = about(fake_slack, CHANNEL_A, "Zelfscan lokale teams", start)
        if fragment is None:
            assert posts == [], moment
        else:
            assert len(posts) == 1 and fragment in posts[0], (moment, posts)
    assert about(fake_slack, CHANNEL_A, "Al afgeronde activiteit") == []  # done: never

    first = fake_slack.posted(CHANNEL_A)[0]
    text = texts([first])[0]
    assert "oktober 2021" in text and "<@U0VT00001>" in text  # owner linked to a Slack user
    assert "Teamleider CJG" in text and "niet gestart" in text
    actions = [b for b in first["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == ["actie_done", "actie_snooze", "actie_open_update"]
    assert actions[0]["elements"][0]["value"] == "test-2021/a-oktober|activity"
    assert [e["text"]["text"] for e in actions[0]["elements"]] == [
        "Gereed", "Herinner me volgende week", "Bijwerken"]
    for body in fake_slack.posted():
        assert len(body["blocks"]) <= 50
        for block in body["blocks"]:
            Block.parse(block).validate_json()  # type: ignore[union-attr]


def test_a_milestone_gets_its_own_reminders(rapp: Any, fake_slack: Any) -> None:
    deps = notifying(rapp.deps, fake_slack)
    sweep_on(deps, at(2021, 11, 1))  # "Evaluatie leerlijn", 15 November: 10 working days
    posts = about(fake_slack, CHANNEL_C, "Evaluatie leerlijn")
    assert len(posts) == 1 and "mijlpaal" in posts[0] and "nog 10 werkdagen" in posts[0]


def test_the_same_sweep_twice_sends_nothing_new(rapp: Any, fake_slack: Any) -> None:
    deps = notifying(rapp.deps, fake_slack)
    first = sweep_on(deps, at(2021, 10, 15))
    assert sorted(p.channel for p in first.plans if p.state == "sent") == [
        CHANNEL_A, CHANNEL_B, CHANNEL_C]
    calls = len(fake_slack.calls_to("chat.postMessage"))
    again = sweep_on(deps, at(2021, 10, 15, 11))
    assert again.plans == () and len(fake_slack.calls_to("chat.postMessage")) == calls
    rows = [r for k, r in ledger(rapp.engine).items() if k.startswith("reminder:")]
    assert len(rows) == 3 and all(r.state == "sent" and r.message_ts for r in rows)


def test_a_429_burst_still_delivers_once(rapp: Any, fake_slack: Any) -> None:
    deps = notifying(rapp.deps, fake_slack)
    fake_slack.fail("chat.postMessage", status=429, retry_after=1, times=3)
    report = sweep_on(deps, at(2021, 10, 15))
    assert [p.state for p in report.plans] == ["sent", "sent", "sent"]
    for channel in (CHANNEL_A, CHANNEL_B, CHANNEL_C):
        assert len(fake_slack.posted(channel)) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 3 + 3  # three refused, then once each
    sweep_on(deps, at(2021, 10, 15, 12))
    assert len(fake_slack.posted()) == 3


def test_a_missing_channel_stops_no_other_channel_and_is_delivered_after_it_comes_back(
        rapp: Any, fake_slack: Any) -> None:
    deps = notifying(rapp.deps, fake_slack)
    fake_slack.fail("chat.postMessage", error="channel_not_found", channel=CHANNEL_B)
    report = sweep_on(deps, at(2021, 10, 15))
    states = {p.channel: (p.state, p.error) for p in report.plans}
    assert states[CHANNEL_B] == ("failed", "channel_not_found")
    assert len(fake_slack.posted(CHANNEL_A)) == 1 and len(fake_slack.posted(CHANNEL_C)) == 1
    assert fake_slack.posted(CHANNEL_B) == []
    b_key = next(p.key for p in report.plans if p.channel == CHANNEL_B)
    row = ledger(rapp.engine)[b_key]
    assert row.state == "failed" and row.last_error == "channel_not_found"
    admin = texts(fake_slack.posted(ADMIN))
    assert len(admin) == 1 and "<#C0BBB0001>" in admin[0] and "Werkgroep B" in admin[0]

    sweep_on(deps, at(2021, 10, 15, 11))  # retried later that day: still missing
    assert fake_slack.posted(CHANNEL_B) == [] and len(fake_slack.posted(ADMIN)) == 1  # told once

    fake_slack.heal()  # someone invited the bot again
    later = sweep_on(deps, at(2021, 10, 18))
    assert [r.ok for r in later.retried] == [True]
    delivered = about(fake_slack, CHANNEL_B, "Samenwerkingsafspraken opvang")
    assert len(delivered) == 1 and "nog 10 werkdagen" in delivered[0]
    assert ledger(rapp.engine)[b_key].state == "sent"
    total = len(fake_slack.posted())
    sweep_on(deps, at(2021, 10, 18, 11))
    assert len(fake_slack.posted()) == total  # nothing twice


def test_reminders_missed_in_a_dead_channel_fold_into_the_current_one(
        rapp: Any, fake_slack: Any) -> None:
    deps = notifying(rapp.deps, fake_slack)
    fake_slack.fail("chat.postMessage", error="not_in_channel", channel=CHANNEL_B)
    sweep_on(deps, at(2021, 10, 15))  # before-10 fails
    sweep_on(deps, at(2021, 10, 22))  # before-5 fails too; before-10 is folded into it
    fake_slack.heal()
    sweep_on(deps, at(2021, 10, 25))
    posts = about(fake_slack, CHANNEL_B, "Samenwerkingsafspraken opvang")
    assert len(posts) == 1 and "nog 5 werkdagen" in posts[0]
    rows = {k.rsplit(":", 1)[1]: r for k, r in ledger(rapp.engine).items()
            if k.startswith("reminder:test-2021/b-oktober")}
    assert rows["before-10"].state == "folded" and rows["before-5"].state == "sent"
    assert len(fake_slack.posted(ADMIN)) == 1  # one notice for not_in_channel


def _click(rapp: Any, fake: Any, channel: str, words: str, action_id: str,
           user: str, **overrides: Any) -> Any:
    """Press a button of the reminder about ``words`` in ``channel``, as Slack would."""
    body = [b for b in fake.posted(channel) if words in texts([b])[0]][-1]
    button, about_it = None, False  # in a bundle: the buttons under this reminder's details
    for block in body["blocks"]:
        if block["type"] == "section":
            about_it = words in block["text"]["text"] and "Status:" in block["text"]["text"]
        elif block["type"] == "actions" and about_it:
            button = next(e for e in block["elements"] if e["action_id"] == action_id)
            break
    assert button is not None
    ref, _, target = button["value"].partition("|")
    prefix = f"reminder:{ref}:{target}:"
    sent = [r for k, r in ledger(rapp.engine).items() if r.message_ts and (
        k.startswith(prefix)  # a reminder of its own, or a bundle of a sweep's reminders
        or any(i.startswith(prefix) for i in (r.payload or {}).get("items", ())))]
    ts = max(sent, key=lambda r: r.sent_at).message_ts  # the message the button sits under
    payload = {
        "type": "block_actions", "api_app_id": "A0ACTIEBOT", "token": "legacy",
        "team": {"id": "T0001", "domain": "gemeente"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0001"},
        "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                      "is_ephemeral": False},
        "channel": {"id": channel, "name": "werkgroep"},
        "message": {"type": "message", "ts": ts, "text": body["text"], "blocks": body["blocks"]},
        "trigger_id": "1.2.3", "response_url": "https://hooks.slack.invalid/actions/1",
        "actions": [{"action_id": action_id, "block_id": "b1", "type": "button",
                     "value": button["value"], "action_ts": "1634281200.000100",
                     "text": button["text"]}],
    }
    payload.update(overrides)
    return rapp.client.action(payload)


def test_gereed_button_marks_done_through_the_update_service_and_logs_who(
        rapp: Any, fake_slack: Any) -> None:
    deps = notifying(rapp.deps, fake_slack)
    sweep_on(deps, at(2021, 10, 15))
    fake_slack.join(CHANNEL_A, "U0ALICE01")
    with travel(at(2021, 10, 15, 10)):
        reply = _click(rapp, fake_slack, CHANNEL_A, "Zelfscan", "actie_done", "U0ALICE01")
        assert reply.status == 200
        fake_slack.wait_for("chat.postEphemeral")
        fake_slack.wait_for("chat.update")
        wait_until(lambda: len(fake_slack.posted(CHANNEL_A)) == 2)  # the announcement
    with rapp.engine.connect() as connection:
        status = connection.execute(
            select(ActivityRow.status).where(ActivityRow.key == "a-oktober")).scalar_one()
        update = connection.execute(
            select(StatusUpdateRow).join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .where(ActivityRow.key == "a-oktober")).one()
    assert status == "done"
    assert (update.author, update.new_status, update.source) == ("U0ALICE01", "done", "button")
    ephemeral = fake_slack.calls_to("chat.postEphemeral")[0].body
    assert ephemeral["user"] == "U0ALICE01"
    assert "gereed" in json.dumps(ephemeral, ensure_ascii=False)
    updated = fake_slack.calls_to("chat.update")[0].body
    blocks = updated["blocks"] if isinstance(updated["blocks"], list) else json.loads(
        updated["blocks"])
    assert all(b["type"] != "actions" for b in blocks)
    assert "Gereed gemeld door <@U0ALICE01>" in json.dumps(blocks, ensure_ascii=False)
    announcement = texts(fake_slack.posted(CHANNEL_A))[1]
    assert "<@U0ALICE01>" in announcement and "gereed" in announcement
    sweep_on(deps, at(2021, 10, 22))  # done: no more reminders for it
    assert about(fake_slack, CHANNEL_A, "nog 5 werkdagen") == []
    assert len(about(fake_slack, CHANNEL_B, "nog 5 werkdagen")) == 1


def test_gereed_on_a_milestone_reminder_ends_that_milestones_reminders_only(
        rapp: Any, fake_slack: Any) -> None:
    deps = notifying(rapp.deps, fake_slack)
    sweep_on(deps, at(2021, 11, 1))  # "Evaluatie leerlijn" before-10; the activity overdue-1
    fake_slack.join(CHANNEL_C, "U0CAROL01")
    with travel(at(2021, 11, 1, 10)):
        reply = _click(rapp, fake_slack, CHANNEL_C, "Evaluatie leerlijn", "actie_done",
                       "U0CAROL01")
        assert reply.status == 200
        fake_slack.wait_for("chat.update")
    with rapp.engine.connect() as connection:
        hold = connection.execute(select(ReminderHoldRow)).one()
        status = connection.execute(
            select(ActivityRow.status).where(ActivityRow.key == "c-oktober")).scalar_one()
    assert (hold.reason, hold.until, hold.by_user) == ("done", None, "U0CAROL01")
    assert status == "not-started"  # the activity itself is not done
    sweep_on(deps, at(2021, 11, 8))
    assert len(about(fake_slack, CHANNEL_C, "Evaluatie leerlijn")) == 1  # no before-5
    assert len(about(fake_slack, CHANNEL_C, "6 werkdagen te laat")) == 1  # the activity: yes


def test_snooze_button_holds_reminders_for_a_week_and_logs_who(
        rapp: Any, fake_slack: Any) -> None:
    deps = notifying(rapp.deps, fake_slack)
    sweep_on(deps, at(2021, 10, 22))  # before-5 in every channel
    fake_slack.join(CHANNEL_B, "U0BOB0001")
    with travel(at(2021, 10, 22, 10)):
        reply = _click(rapp, fake_slack, CHANNEL_B, "Samenwerkingsafspraken", "actie_snooze",
                       "U0BOB0001")
        assert reply.status == 200
        fake_slack.wait_for("chat.postEphemeral")
        fake_slack.wait_for("chat.update")
    with rapp.engine.connect() as connection:
        hold = connection.execute(select(ReminderHoldRow)).one()
    assert (hold.by_user, hold.reason, hold.until.isoformat(), hold.source) == (
        "U0BOB0001", "snooze", "2021-10-29", "button")
    ephemeral = json.dumps(fake_slack.calls_to("chat.postEphemeral")[0].body, ensure_ascii=False)
    assert "vrijdag 29 oktober 2021" in ephemeral
    updated = json.dumps(fake_slack.calls_to("chat.update")[0].body, ensure_ascii=False)
    assert "uitgesteld" in updated and "actie_done" in updated  # the buttons stay

    sweep_on(deps, at(2021, 10, 28))  # before-1: held for B, not for A and C
    assert about(fake_slack, CHANNEL_B, "nog 1 werkdag") == []
    assert len(about(fake_slack, CHANNEL_A, "nog 1 werkdag")) == 1
    sweep_on(deps, at(2021, 10, 29))  # the snooze is over: the current notice, once
    assert len(about(fake_slack, CHANNEL_B, "Laatste werkdag vóór de deadline")) == 1
    assert about(fake_slack, CHANNEL_B, "nog 1 werkdag") == []  # folded, never sent late


def test_a_forged_or_replayed_button_press_changes_nothing(rapp: Any, fake_slack: Any) -> None:
    deps = notifying(rapp.deps, fake_slack)
    sweep_on(deps, at(2021, 10, 22))
    body = next(b for b in fake_slack.posted(CHANNEL_B) if "nog 5 werkdagen" in texts([b])[0])
    value = next(e["value"] for b in body["blocks"] if b["type"] == "actions"
                 for e in b["elements"] if e["action_id"] == "actie_done")
    payload = {"type": "block_actions", "user": {"id": "U0MALLORY"},
               "channel": {"id": CHANNEL_B}, "team": {"id": "T0001"},
               "api_app_id": "A0ACTIEBOT",
               "actions": [{"action_id": "actie_done", "value": value, "type": "button"}]}
    raw = urlencode({"payload": json.dumps(payload)})
    with travel(at(2021, 10, 22, 10)):
        bad = rapp.client.post(raw, "application/x-www-form-urlencoded", signature="v0=00")
        replayed = rapp.client.post(raw, "application/x-www-form-urlencoded",
                                    timestamp=int(time.time()) - 600)
        other = rapp.client.post(raw, "application/x-www-form-urlencoded", secret="other")
    assert (bad.status, replayed.status, other.status) == (401, 401, 401)
    with rapp.engine.connect() as connection:
        status = connection.execute(
            select(ActivityRow.status).where(ActivityRow.key == "b-oktober")).scalar_one()
        updates = connection.execute(select(StatusUpdateRow)).all()
    assert status == "not-started" and updates == []
    assert fake_slack.calls_to("chat.postEphemeral") == []
