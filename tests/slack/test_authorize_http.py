"""Bolt's authorize step asks Slack nothing while a user waits (handlers/authorize.py).

With Bolt's single-workspace default, `auth.test` runs before the first answer of a process,
and again before every answer until it succeeds: a Slack that is down makes every command
wait out the client's timeout and retries. Here the bot's ids are learned in the background,
and during an outage asked again only after a pause."""

from __future__ import annotations

import time
from typing import Any

from handlers import authorize
from handlers.authorize import BotIdentity
from tests.slack.reminder_programme import wait_until

SLOW = 4.0  # longer than Slack's 3 s


def test_commands_are_answered_while_auth_test_hangs_and_fails(
        app: Any, fake_slack: Any) -> None:
    fake_slack.slow("auth.test", SLOW)
    fake_slack.fail("auth.test", status=500)
    for _ in range(3):
        started = time.perf_counter()
        reply = app.client.command("wie MDA++")
        took = time.perf_counter() - started
        assert reply.status == 200 and "Werkgroep MDA++, Hoe verder?" in reply.text
        assert took < SLOW - 1, took  # never waited for auth.test
    # one background attempt for the whole burst, none after it failed (the pause)
    wait_until(lambda: len(fake_slack.calls_to("auth.test")) >= 1, timeout=10)
    time.sleep(SLOW + 0.5)
    assert app.client.command("wanneer MDA++").status == 200
    assert len(fake_slack.calls_to("auth.test")) == 1


def test_the_bot_ids_are_learned_in_the_background_and_asked_again_after_a_failure(
        fake_slack: Any, monkeypatch: Any) -> None:
    now = [1000.0]
    client = type("Client", (), {"token": "xoxb-test", "base_url": fake_slack.url})()
    fake_slack.fail("auth.test", status=500, times=1)
    identity = BotIdentity(client, clock=lambda: now[0])
    assert identity.ids() == (None, None)  # not known yet: never waits
    wait_until(lambda: len(fake_slack.calls_to("auth.test")) == 1, timeout=10)
    wait_until(lambda: not identity._asking, timeout=10)
    assert identity.ids() == (None, None)  # failed: paused, nothing asked
    assert len(fake_slack.calls_to("auth.test")) == 1
    now[0] += authorize.PAUSE_AFTER_FAILURE_SECONDS + 1
    identity.ids()  # the pause is over: asked again, in the background
    wait_until(lambda: identity.ids() == ("UBOT", "B1"), timeout=10)
    result = identity.result("E1", "T0001", "U0TESTER1")
    assert (result.bot_token, result.bot_user_id, result.bot_id) == ("xoxb-test", "UBOT", "B1")
    assert len(fake_slack.calls_to("auth.test")) == 2
