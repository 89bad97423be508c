"""The answer goes out before any Slack Web API call (process_before_response + lazy listeners,
handlers/follow_ups.py): with a Web API that takes seconds to answer, a typed update and a
"Gereed" click still get their HTTP answer at once; the change is in the database when the
answer comes, and the announcement follows, exactly once."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import ActivityRow, StatusUpdateRow
from tests.slack.reminder_programme import (
    CHANNEL_A,
    at,
    ledger,
    notifying,
    sweep_on,
    travel,
    wait_until,
)
from tests.slack.test_reminders_http import _click, rapp  # noqa: F401 - the fixture

SLOW = 3.0  # seconds the fake Web API takes to answer (it does the work at once)
THV_CHANNEL = "C0THV0001"


def _updates(engine: Any, key: str) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(
            select(StatusUpdateRow).join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .where(ActivityRow.key == key)))


def _announced_once(fake: Any, engine: Any, channel: str) -> None:
    """Every ledger row sent, each posted exactly once, and nothing else in the channel."""
    wait_until(lambda: ledger(engine) and all(
        r.state == "sent" for r in ledger(engine).values()), timeout=SLOW + 20)
    rows = ledger(engine)
    for key, row in rows.items():
        posts = fake.posts_of(key)
        assert len(posts) == 1 and posts[0]["ts"] == row.message_ts, key


def test_a_typed_update_is_answered_before_slack_answers_the_announcement(
        app: Any, fake_slack: Any) -> None:
    fake_slack.join(THV_CHANNEL, "U0ALICE01")  # a member: may change THV's activities
    fake_slack.slow("chat.postMessage", SLOW)
    started = time.perf_counter()
    reply = app.client.command("update THV gereed het onderzoek is afgerond", user="U0ALICE01")
    [row] = ledger(app.engine).values()  # claimed with the change, not yet confirmed sent
    answered = time.perf_counter() - started
    assert reply.status == 200 and "Opgeslagen" in reply.text, reply.body
    assert answered < SLOW and row.state != "sent", (answered, row.state)
    assert [u.new_status for u in _updates(app.engine, "thv-onderzoek")] == ["done"]
    _announced_once(fake_slack, app.engine, THV_CHANNEL)
    [post] = fake_slack.posted(THV_CHANNEL)
    assert "<@U0ALICE01>" in str(post["blocks"])


def test_a_gereed_click_is_answered_before_slack_answers_the_follow_ups(
        rapp: Any, fake_slack: Any) -> None:  # noqa: F811 - the fixture
    sweep_on(notifying(rapp.deps, fake_slack), at(2021, 10, 15))  # the reminders, at once
    reminders = set(ledger(rapp.engine))
    fake_slack.join(CHANNEL_A, "U0ALICE01")
    for method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
        fake_slack.slow(method, SLOW)
    with travel(at(2021, 10, 15, 10)):
        started = time.perf_counter()
        reply = _click(rapp, fake_slack, CHANNEL_A, "Zelfscan", "actie_done", "U0ALICE01")
        rows = {k: r for k, r in ledger(rapp.engine).items() if k not in reminders}
        answered = time.perf_counter() - started
        assert reply.status == 200
        assert answered < SLOW, answered
        [row] = rows.values()  # the announcement, claimed with the change
        assert row.state != "sent"
        assert [(u.new_status, u.source) for u in _updates(rapp.engine, "a-oktober")] == [
            ("done", "button")]
        # the follow-ups: the clicker is told, the reminder rewritten, the change announced once
        fake_slack.wait_for("chat.postEphemeral", timeout=SLOW + 20)
        fake_slack.wait_for("chat.update", timeout=SLOW + 20)
        _announced_once(fake_slack, rapp.engine, CHANNEL_A)
    assert len(fake_slack.posts_of(row.key)) == 1


def test_a_refused_modal_after_the_answer_is_logged_and_the_next_command_works(
        app: Any, fake_slack: Any, caplog: pytest.LogCaptureFixture) -> None:
    fake_slack.join(THV_CHANNEL, "U0ALICE01")
    fake_slack.fail("views.open", error="expired_trigger_id", times=1)
    reply = app.client.command("update THV", user="U0ALICE01", channel=THV_CHANNEL)
    assert reply.status == 200 and reply.body == ""  # acknowledged; the modal follows
    wait_until(lambda: "correlation id" in caplog.text)
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in failed] == ["actiebot.errors"]
    assert "SlackApiError" in failed[0].getMessage() and "xoxb" not in caplog.text
    again = app.client.command("update THV", user="U0ALICE01", channel=THV_CHANNEL)
    assert again.status == 200
    assert len(fake_slack.wait_for("views.open", 2)) == 2


def test_in_socket_mode_the_answer_also_goes_back_before_the_announcement(
        db_url: str, fake_slack: Any, settings_for: Any) -> None:
    """What SocketModeHandler does with each envelope (slack_bolt/adapter/socket_mode):
    dispatch the payload, send back what dispatch returns. The follow-ups need the listener's
    queue, so the lazy listener must start after the listener: process_before_response."""
    from slack_bolt.request import BoltRequest

    from bot.app import build_app, build_runtime
    from tests.conftest import GOOI, KENNEMERLAND, load_examples

    settings = settings_for(db_url, slack_api_url=fake_slack.url, slack_app_token="xapp-test")
    runtime = build_runtime(settings)
    load_examples(runtime.deps, KENNEMERLAND, GOOI)
    app, _deps = build_app(settings, runtime.deps, socket_mode=True)
    fake_slack.join(THV_CHANNEL, "U0ALICE01")
    fake_slack.slow("chat.postMessage", SLOW)
    payload = {"token": "legacy", "team_id": "T0001", "team_domain": "gemeente",
               "channel_id": "C0OTHER01", "channel_name": "test", "user_id": "U0ALICE01",
               "user_name": "alice", "command": "/actie", "api_app_id": "A0ACTIEBOT",
               "text": "update THV gereed het onderzoek is afgerond", "trigger_id": "7.7.7",
               "response_url": "https://hooks.slack.invalid/x"}
    try:
        started = time.perf_counter()
        answer = app.dispatch(BoltRequest(mode="socket_mode", body=payload))
        [row] = ledger(runtime.engine).values()
        answered = time.perf_counter() - started
        assert answer.status == 200 and "Opgeslagen" in answer.body, answer.body
        assert answered < SLOW and row.state != "sent", (answered, row.state)
        _announced_once(fake_slack, runtime.engine, THV_CHANNEL)
    finally:
        runtime.engine.dispose()


def test_questions_skip_the_lazy_listener_and_changes_keep_it(
        app: Any, fake_slack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A question's answer is all there is: Bolt starts no lazy listener for it (a copy of the
    request and a thread woken for nothing); a change still gets its follow-ups."""
    from slack_bolt.lazy_listener import ThreadLazyListenerRunner

    started: list[str] = []
    start = ThreadLazyListenerRunner.start

    def counting(self: Any, function: Any, request: Any) -> None:
        started.append(function.__name__)
        start(self, function, request)

    monkeypatch.setattr(ThreadLazyListenerRunner, "start", counting)  # Bolt's, not ours
    for text in ("wie MDA++", "wanneer indicatoren", "status", "binnenkort 60", "te-laat",
                 "lijst THV", "overzicht", "geschiedenis THV", "help", "frobnicate"):
        reply = app.client.command(text)
        assert reply.status == 200 and reply.text.strip(), text
    assert started == []
    fake_slack.join(THV_CHANNEL, "U0ALICE01")
    app.client.command("update THV risico het onderzoek loopt uit", user="U0ALICE01")
    fake_slack.wait_for("chat.postMessage")
    assert started == ["run_follow_ups"]
