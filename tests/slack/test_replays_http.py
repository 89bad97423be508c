"""A replayed signed request (same body, timestamp and signature, within Slack's 5-minute
window) and Slack's own retry of an event are answered without a second effect."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from storage.models import RequestReplayRow
from tests.slack.conftest import SECRET
from tests.slack.test_commands_http import count_updates

FORM = "application/x-www-form-urlencoded"
ADMIN = "U0ADMIN01"


@pytest.fixture
def app(db_url: str, fake_slack: Any, settings_for: Any) -> Iterator[Any]:
    """The app with an admin, who may update any activity."""
    from tests.slack.conftest import start_app

    running, server = start_app(settings_for(db_url, slack_api_url=fake_slack.url,
                                             admins=frozenset({ADMIN})))
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def test_a_replayed_update_is_stored_and_announced_once(app: Any, fake_slack: Any) -> None:
    before = count_updates(app)
    body = app.client.command_body("update THV risico het onderzoek loopt uit", user=ADMIN)
    ts = int(time.time())
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=str(ts), body=body)
    first = app.client.post(body, FORM, timestamp=ts, signature=signature)
    assert first.status == 200 and "Opgeslagen" in first.text
    fake_slack.wait_for("chat.postMessage")
    for _ in range(3):
        replay = app.client.post(body, FORM, timestamp=ts, signature=signature)
        assert replay.status == 200
    time.sleep(0.5)  # an announcement, had the replay caused one, goes out right after the ack
    assert count_updates(app) == before + 1
    assert len(fake_slack.posted()) == 1


@pytest.mark.parametrize("first_contact", [False, True], ids=["known user", "first contact"])
def test_the_same_update_sent_six_times_at_once_is_stored_and_announced_once(
        app: Any, fake_slack: Any, first_contact: bool) -> None:
    """The mark is written with the change itself: six copies racing each other make one
    update, one announcement, and six 200s; the others are answered as replays. On a user's
    first contact the mark goes with the first write, the remembered locale."""
    import threading

    if not first_contact:  # the locale is known: the change's own transaction takes the mark
        assert app.client.command("wie THV", user=ADMIN).status == 200
    before = count_updates(app)
    body = app.client.command_body("update THV risico tegelijk verstuurd", user=ADMIN)
    ts = int(time.time())
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=str(ts), body=body)
    replies: list[Any] = []
    start = threading.Barrier(6)

    def send() -> None:
        start.wait()
        replies.append(app.client.post(body, FORM, timestamp=ts, signature=signature))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status for r in replies) == [200] * 6
    assert sum("Opgeslagen" in r.body for r in replies) == 1, [r.body[:80] for r in replies]
    fake_slack.wait_for("chat.postMessage")
    time.sleep(0.5)
    assert count_updates(app) == before + 1
    assert len(fake_slack.posted()) == 1
    with app.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(RequestReplayRow)).scalar() == 1


def test_the_same_update_sent_again_as_a_new_request_is_a_new_update(app: Any,
                                                                      fake_slack: Any) -> None:
    """Only a replay is ignored: typing the same command twice means it twice."""
    before = count_updates(app)
    for _ in range(2):
        reply = app.client.command("update THV risico nog steeds vertraagd", user=ADMIN)
        assert reply.status == 200 and "Opgeslagen" in reply.text
        time.sleep(1.1)  # a new second: a new timestamp and signature, as Slack would send
    assert count_updates(app) == before + 2


def test_questions_are_not_remembered(app: Any) -> None:
    for _ in range(2):
        assert app.client.command("wie MDA++").status == 200
    with app.engine.connect() as connection:
        assert connection.execute(
            select(func.count()).select_from(RequestReplayRow)).scalar_one() == 0


def _event(app: Any, event_id: str, retry: int | None = None) -> int:
    body = json.dumps({
        "token": "legacy", "team_id": "T0001", "api_app_id": "A0ACTIEBOT",
        "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": "U0TESTER1", "channel": "D0HOME001",
                  "tab": "home", "event_ts": f"{time.time():.6f}"}})
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
                   timestamp=ts, body=body)}
    if retry is not None:
        headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
    request = urllib.request.Request(app.client.base + "/slack/events", data=body.encode(),
                                     method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


def test_slacks_retry_of_an_event_has_no_second_effect(app: Any, fake_slack: Any) -> None:
    assert _event(app, "Ev0REPLAY01") == 200
    fake_slack.wait_for("views.publish")
    assert _event(app, "Ev0REPLAY01", retry=1) == 200  # re-signed, same event id
    assert _event(app, "Ev0REPLAY01", retry=2) == 200
    time.sleep(0.5)
    assert len(fake_slack.calls_to("views.publish")) == 1
    assert _event(app, "Ev0ANOTHER1") == 200  # another event: handled
    fake_slack.wait_for("views.publish", count=2)
