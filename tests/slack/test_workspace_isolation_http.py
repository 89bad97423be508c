"""Isolation between workspaces, over real HTTP: every surface is tried from workspace A with
workspace B's ids — its activity keys, its channel, its button values, its modal metadata —
by a user who is even a member of B's channel. Nothing of B is shown, nothing changes, nothing
is posted, and no answer mentions anything of B. The same requests from B work, so the
refusals are not a broken fixture.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from storage.models import ActivityRow, ReminderHoldRow, StatusUpdateRow, WorkingGroupRow
from tests.slack.reminder_programme import wait_until
from tests.slack.test_surfaces_http import submission, update_values
from tests.slack.test_workspaces_http import (  # noqa: F401 - fixtures
    B_WORDS,
    CHANNEL_A,
    CHANNEL_B,
    MEMBER_A,
    MEMBER_B,
    TEAM_A,
    TEAM_B,
    TOKEN_A,
    TOKEN_B,
    many,
    two,
)


def snapshot(engine: Any) -> tuple[Any, ...]:
    with engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(StatusUpdateRow)).scalar_one(),
            connection.execute(select(func.count()).select_from(ReminderHoldRow)).scalar_one(),
            tuple(connection.execute(select(ActivityRow.key, ActivityRow.status,
                                            ActivityRow.due_date)
                                     .order_by(ActivityRow.key)).all()),
            tuple(connection.execute(select(WorkingGroupRow.key, WorkingGroupRow.channel)
                                     .order_by(WorkingGroupRow.key)).all()),
        )


def nothing_of_b(text: str) -> None:
    leaked = [word for word in B_WORDS if word in text]
    assert not leaked, (leaked, text)


def test_every_surface_from_workspace_a_with_workspace_bs_ids(
        two: Any, fake_slack: Any) -> None:  # noqa: F811 - the imported fixture
    fake_slack.join(CHANNEL_B, MEMBER_A)  # even a member of B's channel, as seen by Slack
    with fake_slack._lock:
        fake_slack.calls.clear()  # the installs' calls: from here on, only what A is sent
    before = snapshot(two.engine)
    said: list[str] = []

    def ask(text: str, channel: str = CHANNEL_A) -> None:
        reply = two.client.command(text, user=MEMBER_A, team=TEAM_A, channel=channel)
        assert reply.status == 200
        body = reply.body
        for typed in sorted(text.split(), key=len, reverse=True):
            body = body.replace(typed, "")  # the user's own words, echoed, say nothing of B
        said.append(body)

    for text in ("wie p-oktober", "wanneer hun-2021/p-oktober", "status p-oktober",
                 "geschiedenis p-oktober", "wie gooise", "wie wijkscan", "lijst P-groep",
                 "status", "te-laat", "binnenkort 365", "overzicht", "lijst",
                 "update p-oktober gereed klaar", "update hun-2021/p-oktober risico x",
                 "verplaats p-oktober december 2021 later", "koppel P-groep",
                 "indicator hun-2021-meldingen 2021 3", "indicator"):
        ask(text)
    for text in ("status", "lijst", "overzicht", "te-laat"):  # in B's channel, forged
        ask(text, channel=CHANNEL_B)

    # the reminder buttons and the Bijwerken button, with B's values, in B's channel
    for action_id in ("actie_done", "actie_snooze", "actie_open_update"):
        two.client.action({
            "type": "block_actions", "api_app_id": "A0ACTIEBOT", "team": {"id": TEAM_A},
            "user": {"id": MEMBER_A, "team_id": TEAM_A},
            "container": {"type": "message", "message_ts": "1634886000.000100",
                          "channel_id": CHANNEL_B},
            "channel": {"id": CHANNEL_B}, "message": {"ts": "1634886000.000100", "text": "x"},
            "response_url": fake_slack.response_url("buttons"),
            "actions": [{"action_id": action_id, "block_id": "b1", "type": "button",
                         "value": "hun-2021/p-oktober|activity", "action_ts": "1"}]})
    # the update modal, opened on A's own activity, submitted with B's id in its metadata
    opened = two.client.command("update a-oktober", user=MEMBER_A, team=TEAM_A,
                                channel=CHANNEL_A)
    assert opened.status == 200 and opened.body == "", opened.body
    view = fake_slack.wait_for("views.open")[0].body["view"]
    view["private_metadata"] = json.dumps(
        {**json.loads(view["private_metadata"]), "a": "hun-2021/p-oktober"})
    payload = submission(view, update_values("done", "klaar"), user=MEMBER_A)
    payload["team"] = {"id": TEAM_A}
    payload["user"]["team_id"] = TEAM_A
    modal = two.client.action(payload)
    said.append(modal.body)
    assert modal.json()["response_action"] == "errors"
    # the activity picker and the Home tab
    options = two.client.action({
        "type": "block_suggestion", "user": {"id": MEMBER_A}, "team": {"id": TEAM_A},
        "api_app_id": "A0ACTIEBOT", "action_id": "actie_pick_activity", "block_id": "activity",
        "value": "oktober", "view": {"id": "V0", "type": "modal",
                                     "callback_id": "actie_update_modal"}})
    said.append(options.body)
    assert "a-oktober" in options.body  # A's own are offered
    home = {"token": "legacy", "team_id": TEAM_A, "api_app_id": "A0ACTIEBOT",
            "type": "event_callback", "event_id": "EvHomeA", "event_time": 1,
            "event": {"type": "app_home_opened", "user": MEMBER_A, "tab": "home",
                      "channel": "D1"}}
    assert two.client.post(json.dumps(home), "application/json").status == 200
    [published] = fake_slack.wait_for("views.publish")
    said.append(json.dumps(published.body, ensure_ascii=False))
    fake_slack.wait_for("chat.postEphemeral", 2)

    assert snapshot(two.engine) == before
    assert fake_slack.posted() == [] and fake_slack.calls_to("chat.update") == []
    sent = ("hun-2021/p-oktober", "hun-2021-meldingen", "p-oktober", "P-groep", CHANNEL_B)
    for call in fake_slack.calls:  # every answer, refusal, modal and page A was sent
        body = json.dumps(call.body, ensure_ascii=False)
        for forged in sent:  # what A itself sent (ids, the channel it acted in), echoed
            body = body.replace(forged, "")
        said.append(body)
        assert fake_slack.token_of(call) in (TOKEN_A, "", "xoxb-response-url"), call.method
    for text in said:
        nothing_of_b(text)
    assert len(fake_slack.calls_to("views.open")) == 1  # B's Bijwerken opened nothing


def test_the_same_requests_from_workspace_b_reach_bs_programme(
        two: Any, fake_slack: Any) -> None:  # noqa: F811 - the imported fixture
    def ask(text: str) -> str:
        return two.client.command(text, user=MEMBER_B, team=TEAM_B, channel=CHANNEL_B).text

    assert "Wijkscan" in ask("wie p-oktober")
    assert "Wijkscan" in ask("status")
    assert "a-oktober" not in ask("lijst") and "Zelfscan" not in ask("wie zelfscan")
    assert "Opgeslagen" in ask("update p-oktober risico loopt uit")
    wait_until(lambda: len(fake_slack.calls_with("chat.postMessage", TOKEN_B)) == 1)
    assert fake_slack.posted(CHANNEL_B) and not fake_slack.posted(CHANNEL_A)
