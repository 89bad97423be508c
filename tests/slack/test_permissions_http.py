"""Who may do what (the public contract, "Who may do what") over real HTTP: signed requests,
the fake Web API answering `conversations.members`, and the database.

A refusal is polite, says who may, changes nothing and announces nothing: every refusal here is
checked against a snapshot of the update log, the holds and the channel bindings, and against
what the fake Slack received.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.models import ActivityRow, ReminderHoldRow, StatusUpdateRow, WorkingGroupRow
from tests.slack.conftest import start_app
from tests.slack.reminder_programme import (
    CHANNEL_A,
    CHANNEL_B,
    PROGRAMME,
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

THV = "C0THV0001"  # Werkgroep Tijdelijk Huisverbod's channel in examples/kennemerland-2021.yaml
STRANGER, MEMBER, ADMIN = "U0STRANGE", "U0MEMBER1", "U0ADMIN01"
LINKED = "U0VT00001"  # linked to owner "Veilig Thuis" in wg-a's members: (reminder_programme)


def snapshot(running: Any) -> tuple[Any, ...]:
    with running.engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(StatusUpdateRow)).scalar_one(),
            connection.execute(select(func.count()).select_from(ReminderHoldRow)).scalar_one(),
            tuple(connection.execute(select(ActivityRow.key, ActivityRow.status)
                                     .order_by(ActivityRow.key)).all()),
            tuple(connection.execute(select(WorkingGroupRow.key, WorkingGroupRow.channel)
                                     .order_by(WorkingGroupRow.key)).all()),
        )


def _running(db_url: str, fake_slack: Any, settings_for: Any, **settings: Any) -> Any:
    return start_app(settings_for(db_url, slack_api_url=fake_slack.url, **settings))


def _stop(running: Any, server: Any) -> None:
    server.shutdown()
    server.server_close()
    running.engine.dispose()


# -- /actie update ---------------------------------------------------------------------------

def test_a_strangers_update_is_refused_says_who_may_and_changes_nothing(app, fake_slack) -> None:
    fake_slack.join(THV, MEMBER)
    before = snapshot(app)
    reply = app.client.command("update THV risico loopt uit", user=STRANGER)
    assert reply.status == 200
    assert "Je mag" in reply.text and "niet wijzigen" in reply.text
    assert f"<#{THV}>" in reply.text and "Er is niets veranderd" in reply.text
    assert snapshot(app) == before
    assert fake_slack.posted() == []  # nothing announced
    asked = fake_slack.calls_to("conversations.members")
    assert [c.body.get("channel") for c in asked] == [THV]


def test_a_channel_member_may_update_their_groups_activity(app, fake_slack) -> None:
    fake_slack.join(THV, MEMBER)
    reply = app.client.command("update THV risico loopt uit", user=MEMBER)
    assert "Opgeslagen" in reply.text
    with app.engine.connect() as connection:
        authors = connection.execute(select(StatusUpdateRow.author)).scalars().all()
    assert MEMBER in authors
    wait_until(lambda: len(fake_slack.posted(THV)) == 1)  # announced in the group's channel
    # membership of one group's channel gives nothing in another group
    other = app.client.command("update MDA++ risico loopt uit", user=MEMBER)
    assert "niet wijzigen" in other.text and "<#C0MDA0001>" in other.text


def test_membership_is_cached_briefly_and_read_across_pages(app, fake_slack) -> None:
    crowd = [f"U0C{i:06d}" for i in range(1500)]
    fake_slack.join(THV, *crowd, MEMBER)  # MEMBER is on the second page (1000 a page)
    first = app.client.command("update THV risico een", user=MEMBER)
    second = app.client.command("update THV op-schema twee", user=MEMBER)
    assert "Opgeslagen" in first.text and "Opgeslagen" in second.text
    calls = fake_slack.calls_to("conversations.members")
    assert len(calls) == 2  # two pages, once: the second update used the cached list
    assert calls[1].body.get("cursor")


def test_when_slack_cannot_say_who_is_in_the_channel_the_update_is_refused_politely(
        app, fake_slack) -> None:
    fake_slack.join(THV, MEMBER)
    fake_slack.fail("conversations.members", status=500)
    before = snapshot(app)
    reply = app.client.command("update THV risico loopt uit", user=MEMBER)
    assert reply.status == 200
    assert "kon bij Slack niet nagaan" in reply.text and "Er is niets veranderd" in reply.text
    assert snapshot(app) == before and fake_slack.posted() == []


def test_an_admin_may_update_anything(db_url, fake_slack, settings_for) -> None:
    running, server = _running(db_url, fake_slack, settings_for, admins=frozenset({ADMIN}))
    try:
        reply = running.client.command("update THV risico loopt uit", user=ADMIN)
        assert "Opgeslagen" in reply.text
        refused = running.client.command("update THV risico loopt uit", user=STRANGER)
        assert "niet wijzigen" in refused.text and f"<@{ADMIN}>" in refused.text
    finally:
        _stop(running, server)
    assert fake_slack.calls_to("conversations.members")  # the stranger was looked up


@pytest.fixture
def small(db_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> Any:
    """The reminder programme, with a programme admin in its file."""
    text = PROGRAMME.replace("  admin_channel: C0ADMIN01\n",
                             "  admin_channel: C0ADMIN01\n  admins: [U0PADMIN1]\n")
    running, server = _running(db_url, fake_slack, settings_for)
    running.server = server
    load_programme(running.deps, write_programme(tmp_path, text))
    yield running
    _stop(running, server)


def test_a_linked_owner_and_a_programme_admin_may_update(small, fake_slack) -> None:
    linked = small.client.command("update a-oktober op-schema loopt", user=LINKED)
    admin = small.client.command("update b-oktober op-schema loopt", user="U0PADMIN1")
    assert "Opgeslagen" in linked.text and "Opgeslagen" in admin.text
    assert fake_slack.calls_to("conversations.members") == []  # no need to ask Slack
    # linked in wg-a's members: is nothing in wg-b
    other = small.client.command("update b-oktober risico loopt", user=LINKED)
    assert "niet wijzigen" in other.text and "<@U0PADMIN1>" in other.text


def test_programme_admins_are_a_known_key_and_round_trip_through_the_file(small) -> None:
    from storage.programme_file import ProgrammeFileError, dump_yaml, read_text

    with small.deps.uow() as uow:
        file = uow.repo.load_programme("test-2021")
    assert file is not None and file.programme.admins == ("U0PADMIN1",)
    assert "admins" not in file.programme.extra
    again = read_text(dump_yaml([file]))
    assert again[0].programme.admins == ("U0PADMIN1",)
    with pytest.raises(ProgrammeFileError, match="not a Slack user id"):
        read_text(PROGRAMME.replace("  admin_channel: C0ADMIN01\n",
                                    "  admin_channel: C0ADMIN01\n  admins: [jan]\n"))


# -- koppel ------------------------------------------------------------------------------------

def test_koppel_without_admins_is_for_members_of_the_groups_current_channel(
        app, fake_slack) -> None:
    fake_slack.join(THV, MEMBER)
    before = snapshot(app)
    refused = app.client.command("koppel THV", user=STRANGER, channel="C0MINE001")
    assert "lid is van het huidige kanaal" in refused.text and f"<#{THV}>" in refused.text
    assert snapshot(app) == before and fake_slack.posted() == []
    allowed = app.client.command("koppel THV", user=MEMBER, channel="C0NEWTHV1")
    assert "gekoppeld" in allowed.text
    with app.engine.connect() as connection:
        channel = connection.execute(select(WorkingGroupRow.channel)
                                     .where(WorkingGroupRow.key == "wg-thv")).scalar_one()
    assert channel == "C0NEWTHV1"


def test_koppel_without_admins_binds_a_group_without_channel_for_anyone(
        db_url, fake_slack, settings_for, tmp_path) -> None:
    text = PROGRAMME.replace("    channel: C0BBB0001\n", "")
    running, server = _running(db_url, fake_slack, settings_for)
    try:
        load_programme(running.deps, write_programme(tmp_path, text))
        reply = running.client.command("koppel B-groep", user=STRANGER, channel="C0NEWBBB1")
        assert "gekoppeld" in reply.text
    finally:
        _stop(running, server)


def test_koppel_with_admins_is_for_admins_only(small, fake_slack) -> None:
    fake_slack.join(CHANNEL_A, MEMBER)
    before = snapshot(small)
    refused = small.client.command("koppel A-groep", user=MEMBER, channel="C0MINE001")
    assert "Alleen de beheerders" in refused.text and "<@U0PADMIN1>" in refused.text
    assert snapshot(small) == before and fake_slack.posted() == []
    allowed = small.client.command("koppel A-groep", user="U0PADMIN1", channel="C0MINE001")
    assert "gekoppeld" in allowed.text


# -- reminder buttons ---------------------------------------------------------------------------

@pytest.fixture
def reminded(small, fake_slack) -> Any:
    deps = notifying(small.deps, fake_slack)
    sweep_on(deps, at(2021, 10, 22))  # before-5 in every channel
    return small


def _button(fake: Any, channel: str, words: str, action_id: str) -> tuple[dict[str, Any], str]:
    body = next(b for b in fake.posted(channel) if words in texts([b])[0])
    blocks = body["blocks"] if isinstance(body["blocks"], list) else json.loads(body["blocks"])
    value = next(e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == action_id)
    return body, value


def _message_ts(running: Any, channel: str, ref: str) -> str:
    rows = [r for k, r in ledger(running.engine).items()
            if r.channel == channel and r.message_ts and ref in json.dumps(r.payload)]
    return max(rows, key=lambda r: r.sent_at).message_ts


def _press(running: Any, channel: str, ts: str, value: str, action_id: str, user: str,
           body: dict[str, Any]) -> Any:
    payload = {
        "type": "block_actions", "api_app_id": "A0ACTIEBOT", "token": "legacy",
        "team": {"id": "T0001", "domain": "gemeente"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0001"},
        "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                      "is_ephemeral": False},
        "channel": {"id": channel, "name": "werkgroep"},
        "message": {"type": "message", "ts": ts, "text": body.get("text"),
                    "blocks": body.get("blocks")},
        "trigger_id": "1.2.3", "response_url": "https://hooks.slack.invalid/actions/1",
        "actions": [{"action_id": action_id, "block_id": "b1", "type": "button",
                     "value": value, "action_ts": "1634281200.000100"}],
    }
    return running.client.action(payload)


@pytest.mark.parametrize("action_id", ["actie_done", "actie_snooze"])
def test_a_strangers_button_click_is_refused_and_changes_nothing(
        reminded, fake_slack, action_id) -> None:
    body, value = _button(fake_slack, CHANNEL_B, "Samenwerkingsafspraken", action_id)
    ts = _message_ts(reminded, CHANNEL_B, "b-oktober")
    before, posts = snapshot(reminded), len(fake_slack.posted())
    with travel(at(2021, 10, 22, 10)):
        reply = _press(reminded, CHANNEL_B, ts, value, action_id, STRANGER, body)
        assert reply.status == 200
        refusal = fake_slack.wait_for("chat.postEphemeral")[0].body
    assert refusal["user"] == STRANGER
    said = json.dumps(refusal, ensure_ascii=False)
    assert "niet wijzigen" in said and f"<#{CHANNEL_B}>" in said
    assert snapshot(reminded) == before and len(fake_slack.posted()) == posts
    assert fake_slack.calls_to("chat.update") == []


def test_a_channel_member_may_click_gereed(reminded, fake_slack) -> None:
    fake_slack.join(CHANNEL_B, MEMBER)
    body, value = _button(fake_slack, CHANNEL_B, "Samenwerkingsafspraken", "actie_done")
    ts = _message_ts(reminded, CHANNEL_B, "b-oktober")
    with travel(at(2021, 10, 22, 10)):
        _press(reminded, CHANNEL_B, ts, value, "actie_done", MEMBER, body)
        fake_slack.wait_for("chat.update")
    with reminded.engine.connect() as connection:
        status = connection.execute(select(ActivityRow.status)
                                    .where(ActivityRow.key == "b-oktober")).scalar_one()
    assert status == "done"
    assert fake_slack.calls_to("chat.update")[0].body["ts"] == ts


def test_a_forged_message_ts_or_button_value_is_refused(reminded, fake_slack) -> None:
    fake_slack.join(CHANNEL_A, MEMBER)
    fake_slack.join(CHANNEL_B, MEMBER)
    body, value = _button(fake_slack, CHANNEL_B, "Samenwerkingsafspraken", "actie_done")
    ts_b = _message_ts(reminded, CHANNEL_B, "b-oktober")
    ts_a = _message_ts(reminded, CHANNEL_A, "a-oktober")
    before = snapshot(reminded)
    with travel(at(2021, 10, 22, 10)):
        # a ts the bot never posted (say, someone's own message in the channel)
        _press(reminded, CHANNEL_B, "1600000000.999999", value, "actie_done", MEMBER, body)
        # a real reminder of another channel, named as if it were in this one
        _press(reminded, CHANNEL_B, ts_a, value, "actie_done", MEMBER, body)
        # the right message, but a value naming an activity that message is not about
        _press(reminded, CHANNEL_B, ts_b, "test-2021/a-december|activity", "actie_done", MEMBER,
               body)
        # an activity that does not exist
        _press(reminded, CHANNEL_B, ts_b, "test-2021/nope|activity", "actie_done", MEMBER, body)
        fake_slack.wait_for("chat.postEphemeral", 4)
    assert snapshot(reminded) == before
    assert fake_slack.calls_to("chat.update") == []
    said = [json.dumps(c.body, ensure_ascii=False) for c in fake_slack.calls_to(
        "chat.postEphemeral")]
    assert sum("hoort niet bij een herinnering" in s for s in said) == 3


def test_a_failing_chat_update_after_the_click_is_logged_not_raised(
        reminded, fake_slack, caplog) -> None:
    fake_slack.join(CHANNEL_B, MEMBER)
    fake_slack.fail("chat.update", error="message_not_found")
    fake_slack.fail("chat.postEphemeral", status=500)
    body, value = _button(fake_slack, CHANNEL_B, "Samenwerkingsafspraken", "actie_done")
    ts = _message_ts(reminded, CHANNEL_B, "b-oktober")
    caplog.set_level(logging.WARNING, logger="handlers.actions")
    with travel(at(2021, 10, 22, 10)):
        reply = _press(reminded, CHANNEL_B, ts, value, "actie_done", MEMBER, body)
        assert reply.status == 200
        fake_slack.wait_for("chat.update")
        wait_until(lambda: any("chat.update after a button click failed" in r.getMessage()
                               for r in caplog.records))
    with reminded.engine.connect() as connection:
        status = connection.execute(select(ActivityRow.status)
                                    .where(ActivityRow.key == "b-oktober")).scalar_one()
    assert status == "done"  # the change was saved
    failures = [r for r in caplog.records if "after a button click failed" in r.getMessage()]
    assert {r.getMessage().split()[0] for r in failures} == {"chat.postEphemeral", "chat.update"}
    assert all(r.exc_info is None for r in failures)  # a warning, no traceback
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
