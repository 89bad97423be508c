"""Every kind of change through every surface, replayed: the same signed request sent three
times (same body, timestamp and signature, as a captured request would be) is stored once and
announced once. The replay guard (handlers/replays.py) reads the command table
(bot/services/commands.py) and the one parse of the text, so a text that Slack escaped, or a
custom command name, is classified exactly as the listener runs it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from storage.models import (
    ActivityRow,
    IndicatorValueRow,
    RequestReplayRow,
    StatusUpdateRow,
    WorkingGroupRow,
)
from tests.slack.conftest import SECRET, HttpResult, RunningApp, next_trigger_id, start_app
from tests.slack.test_surfaces_http import (
    new_activity_values,
    opened_view,
    submission,
    update_values,
)

FORM = "application/x-www-form-urlencoded"
ADMIN = "U0ADMIN01"
THV = "kennemerland-2021/thv-onderzoek"
THV_CHANNEL = "C0THV0001"


def _start(settings: Any) -> Iterator[RunningApp]:
    running, server = start_app(settings)
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


@pytest.fixture
def app(sqlite_url: str, fake_slack: Any, settings_for: Any) -> Iterator[RunningApp]:
    yield from _start(settings_for(sqlite_url, slack_api_url=fake_slack.url,
                                   admins=frozenset({ADMIN})))


@pytest.fixture
def custom_app(sqlite_url: str, fake_slack: Any, settings_for: Any) -> Iterator[RunningApp]:
    yield from _start(settings_for(sqlite_url, slack_api_url=fake_slack.url,
                                   admins=frozenset({ADMIN}), command="/mijnactie"))


def thrice(app: RunningApp, body: str) -> list[HttpResult]:
    """The same signed request three times: once, and twice replayed."""
    ts = int(time.time())
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=str(ts), body=body)
    return [app.client.post(body, FORM, timestamp=ts, signature=signature) for _ in range(3)]


def settle() -> None:
    time.sleep(0.5)  # a Slack call, had a replay caused one, goes out right after its ack


def count(app: RunningApp, table: Any, *where: Any) -> int:
    with app.engine.connect() as connection:
        return int(connection.execute(
            select(func.count()).select_from(table).where(*where)).scalar_one())


def updates_of(app: RunningApp, key: str) -> int:
    return count(app, StatusUpdateRow, StatusUpdateRow.activity_id.in_(
        select(ActivityRow.id).where(ActivityRow.key == key)))


def command_body(app: RunningApp, text: str, channel: str = THV_CHANNEL) -> str:
    return app.client.command_body(text, user=ADMIN, channel=channel)


def action_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps({**payload, "trigger_id": next_trigger_id()})})


def assert_replays_ignored(replies: list[HttpResult]) -> None:
    assert all(reply.status == 200 for reply in replies)
    assert replies[1].body == replies[2].body == ""  # the guard's empty acknowledgement


def test_an_escaped_note_of_900_ampersands_replayed_is_stored_once(app: RunningApp,
                                                                   fake_slack: Any) -> None:
    """Slack sends `&` as `&amp;`: 4,518 characters of text, 918 once un-escaped. The guard
    classifies the very parse the listener runs, so this is a change to it too."""
    before = updates_of(app, "thv-onderzoek")
    replies = thrice(app, command_body(app, "update THV risico " + "&amp;" * 900))
    assert "Opgeslagen" in replies[0].text
    assert_replays_ignored(replies)
    fake_slack.wait_for("chat.postMessage")
    settle()
    assert updates_of(app, "thv-onderzoek") == before + 1
    with app.engine.connect() as connection:
        note = connection.execute(select(StatusUpdateRow.note).order_by(
            StatusUpdateRow.id.desc()).limit(1)).scalar_one()
    assert note == "&" * 900
    assert len(fake_slack.posted(THV_CHANNEL)) == 1


def test_a_custom_command_name_in_the_text_replayed_is_stored_once(custom_app: RunningApp,
                                                                    fake_slack: Any) -> None:
    before = updates_of(custom_app, "thv-onderzoek")
    replies = thrice(custom_app, command_body(custom_app, "mijnactie update THV risico later"))
    assert "Opgeslagen" in replies[0].text
    assert_replays_ignored(replies)
    fake_slack.wait_for("chat.postMessage")
    settle()
    assert updates_of(custom_app, "thv-onderzoek") == before + 1
    assert len(fake_slack.posted(THV_CHANNEL)) == 1


def test_verplaats_replayed_moves_and_logs_once(app: RunningApp, fake_slack: Any) -> None:
    before = updates_of(app, "thv-onderzoek")
    replies = thrice(app, command_body(app, "verplaats THV oktober 2021 eerder klaar"))
    assert "verplaatst" in replies[0].text
    assert_replays_ignored(replies)
    settle()
    assert updates_of(app, "thv-onderzoek") == before + 1
    assert len(fake_slack.posted(THV_CHANNEL)) <= 1  # announced at most once


def test_koppel_replayed_links_once(app: RunningApp, fake_slack: Any) -> None:
    replies = thrice(app, command_body(app, "koppel THV", channel="C0NEWTHV01"))
    assert "C0NEWTHV01" in replies[0].text or "gekoppeld" in replies[0].text.lower()
    assert_replays_ignored(replies)
    assert count(app, WorkingGroupRow, WorkingGroupRow.channel == "C0NEWTHV01") == 1
    assert count(app, RequestReplayRow) == 1


def test_an_indicator_value_recorded_and_replayed_is_a_change_remembered_once(
        app: RunningApp) -> None:
    replies = thrice(app, command_body(app, "indicator vt-meldingen 2021 700"))
    assert replies[0].body != ""
    assert_replays_ignored(replies)
    assert count(app, RequestReplayRow) == 1
    assert count(app, IndicatorValueRow, IndicatorValueRow.value == 700) <= 1


def test_the_update_modal_submitted_and_replayed_is_stored_and_announced_once(
        app: RunningApp, fake_slack: Any) -> None:
    app.client.command("update THV", user=ADMIN, channel=THV_CHANNEL)
    view = opened_view(fake_slack)
    before = updates_of(app, "thv-onderzoek")
    replies = thrice(app, action_body(submission(view, update_values("at-risk", "wacht op B&W"),
                                                 user=ADMIN)))
    assert replies[0].json()["response_action"] == "update"
    assert_replays_ignored(replies)
    fake_slack.wait_for("chat.postMessage")
    settle()
    assert updates_of(app, "thv-onderzoek") == before + 1
    assert len(fake_slack.posted(THV_CHANNEL)) == 1


def test_the_nieuw_modal_submitted_and_replayed_adds_one_activity(app: RunningApp,
                                                                  fake_slack: Any) -> None:
    app.client.command("nieuw Training professionals", user=ADMIN, channel=THV_CHANNEL)
    view = opened_view(fake_slack)
    replies = thrice(app, action_body(submission(view, new_activity_values(
        "Training professionals", "kennemerland-2021/wg-thv"), user=ADMIN)))
    assert replies[0].json()["response_action"] == "update"
    assert_replays_ignored(replies)
    fake_slack.wait_for("chat.postMessage")
    settle()
    assert count(app, ActivityRow, ActivityRow.key.like("training-professionals%")) == 1
    assert updates_of(app, "training-professionals") == 1
    assert len(fake_slack.posted(THV_CHANNEL)) == 1


def test_a_modal_opened_by_the_message_shortcut_submitted_and_replayed_is_stored_once(
        app: RunningApp, fake_slack: Any) -> None:
    shortcut = {"type": "message_action", "callback_id": "actie_log_progress",
                "team": {"id": "T0001"}, "user": {"id": ADMIN}, "api_app_id": "A0ACTIEBOT",
                "channel": {"id": THV_CHANNEL, "name": "thv"}, "message_ts": "1600000000.000200",
                "message": {"type": "message", "ts": "1600000000.000200", "text": "verslag"},
                "response_url": "https://hooks.slack.invalid/x"}
    assert app.client.action(shortcut).status == 200
    view = opened_view(fake_slack)
    values = update_values("on-track", "verslag van het overleg")
    values["activity"] = {"x": {"type": "external_select", "selected_option": {
        "value": THV, "text": {"type": "plain_text", "text": "x"}}}}
    before = updates_of(app, "thv-onderzoek")
    replies = thrice(app, action_body(submission(view, values, user=ADMIN)))
    assert replies[0].json()["response_action"] == "update"
    assert_replays_ignored(replies)
    fake_slack.wait_for("chat.postMessage")
    settle()
    assert updates_of(app, "thv-onderzoek") == before + 1
    assert len(fake_slack.posted(THV_CHANNEL)) == 1


def test_gereed_clicked_and_replayed_is_stored_announced_and_answered_once(
        app: RunningApp, fake_slack: Any) -> None:
    """The Gereed button under the App Home's list (a view: no reminder message to check)."""
    click = {"type": "block_actions", "team": {"id": "T0001"}, "api_app_id": "A0ACTIEBOT",
             "user": {"id": ADMIN, "username": "admin", "team_id": "T0001"},
             "container": {"type": "message", "message_ts": "", "channel_id": THV_CHANNEL},
             "channel": {"id": THV_CHANNEL},
             "actions": [{"type": "button", "action_id": "actie_done", "block_id": "b1",
                          "value": f"{THV}|activity", "action_ts": "1"}]}
    click["container"] = {"type": "view", "view_id": "V0HOME"}
    click["view"] = {"id": "V0HOME", "type": "home"}
    before = updates_of(app, "thv-onderzoek")
    replies = thrice(app, action_body(click))
    assert all(reply.status == 200 for reply in replies)
    fake_slack.wait_for("chat.postEphemeral")
    fake_slack.wait_for("chat.postMessage")
    settle()
    assert updates_of(app, "thv-onderzoek") == before + 1
    assert len(fake_slack.posted(THV_CHANNEL)) == 1
    assert len(fake_slack.calls_to("chat.postEphemeral")) == 1


def test_a_new_request_with_the_same_text_is_not_a_replay(app: RunningApp) -> None:
    before = updates_of(app, "thv-onderzoek")
    for note in ("eerste", "tweede"):
        reply = app.client.command(f"update THV risico {note} " + "&amp;" * 10, user=ADMIN,
                                   channel=THV_CHANNEL)
        assert "Opgeslagen" in reply.text
    assert updates_of(app, "thv-onderzoek") == before + 2


def test_questions_and_surfaces_are_not_remembered(app: RunningApp) -> None:
    for text in ("wie THV", "status", "indicator", "update THV", "nieuw"):
        thrice(app, command_body(app, text))
    assert count(app, RequestReplayRow) == 0
