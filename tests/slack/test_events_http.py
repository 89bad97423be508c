"""Events API over signed HTTP: the App Home tab and the url_verification handshake."""

from __future__ import annotations

import json

from slack_sdk.models.views import View


def event_body(event: dict) -> str:  # type: ignore[type-arg]
    return json.dumps({"token": "legacy", "team_id": "T0001", "api_app_id": "A0ACTIEBOT",
                       "type": "event_callback", "event_id": "Ev1", "event_time": 1,
                       "event": event})


def test_app_home_shows_the_dashboard(app, fake_slack) -> None:
    reply = app.client.post(event_body({"type": "app_home_opened", "user": "U0HOME001",
                                        "tab": "home", "channel": "D1"}), "application/json")
    assert reply.status == 200
    [call] = fake_slack.wait_for("views.publish")
    assert call.body["user_id"] == "U0HOME001"
    view = call.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    View(**view).validate_json()
    assert "Mijn open activiteiten" in json.dumps(view, ensure_ascii=False)
    assert "help" in json.dumps(view, ensure_ascii=False)


def test_url_verification_challenge_is_answered(app) -> None:
    reply = app.client.post(json.dumps({"type": "url_verification", "challenge": "abc123",
                                        "token": "x"}), "application/json")
    assert reply.status == 200 and "abc123" in reply.body
