"""Hostile bodies: unsigned or malformed requests of any content type get a 4xx,
never a 500, and leave no traceback in the log; a listener that fails after it acknowledged
never turns the user's answer into a 404."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import make_server

import pytest

from tests.slack.conftest import SECRET, SlackClient, _QuietHandler, _ThreadingWSGIServer
from tests.slack.test_commands_http import count_updates

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
BODIES = [
    (JSON, '{"type": "url_verification", "challenge": "x"'),  # cut off
    (JSON, "notjson"),
    (JSON, "[1, 2, 3]"),
    (JSON, '"a string"'),
    (JSON, ""),
    (FORM, "payload=notjson"),
    (FORM, "payload=%7B%22type%22%3A"),
    (FORM, "payload=%5B%5D"),
    ("text/plain", "{{{{"),
    ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data\r\n\r\n{\r\n--x--"),
    ("application/octet-stream", "\x00\x01\x02"),
    ("", "{"),
]


@pytest.fixture(scope="module")
def booming(tmp_path_factory: pytest.TempPathFactory, fake_slack_server: Any) -> Iterator[Any]:
    """The real app, plus one listener that fails right after it acknowledged."""
    from bot.app import build_runtime
    from bot.config import Settings
    from bot.wsgi import create

    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'actiebot.db'}"
    settings = Settings(database_url=url, slack_bot_token="xoxb-test-token",
                        slack_signing_secret=SECRET, slack_api_url=fake_slack_server.url)
    runtime = build_runtime(settings)
    wsgi = create(settings)

    @wsgi.bolt.app.command("/boom")
    def on_boom(ack: Any) -> None:
        ack("Ontvangen.")
        raise RuntimeError("failed after the answer")

    server = make_server("127.0.0.1", 0, wsgi, server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = SlackClient(f"http://127.0.0.1:{server.server_address[1]}")
    client.deps, client.engine = runtime.deps, runtime.engine  # type: ignore[attr-defined]
    yield client
    server.shutdown()
    server.server_close()
    runtime.engine.dispose()


def _signature(body: str, ts: str) -> str:
    from slack_sdk.signature import SignatureVerifier

    return SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)


@pytest.mark.parametrize(("content_type", "body"), BODIES)
def test_unsigned_malformed_bodies_get_401_and_no_traceback(
        booming: Any, content_type: str, body: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    reply = booming.post(body, content_type, signature="v0=" + "0" * 64)
    assert reply.status == 401
    assert "Traceback" not in caplog.text and not [
        r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(("content_type", "body"), BODIES)
def test_signed_malformed_bodies_get_a_4xx_and_no_traceback(
        booming: Any, content_type: str, body: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    ts = str(int(time.time()))
    reply = booming.post(body, content_type, timestamp=int(ts), signature=_signature(body, ts))
    assert 400 <= reply.status < 500, (reply.status, reply.body)
    assert "Traceback" not in caplog.text and not [
        r for r in caplog.records if r.levelno >= logging.ERROR]


def test_an_unsigned_json_update_changes_nothing(booming: Any, fake_slack: Any) -> None:
    before = count_updates(booming)
    body = '{"command": "/actie", "text": "update THV gereed", "user_id": "U0MALLORY"}'
    assert booming.post(body, JSON, signature="v0=" + "1" * 64).status == 401
    assert count_updates(booming) == before and fake_slack.calls == []


def test_a_listener_failing_after_its_answer_still_answers_200(
        booming: Any, caplog: pytest.LogCaptureFixture) -> None:
    body = urlencode({"team_id": "T0001", "channel_id": "C0OTHER01", "user_id": "U0TESTER1",
                      "command": "/boom", "text": "", "api_app_id": "A0ACTIEBOT",
                      "response_url": "https://hooks.slack.invalid/x", "trigger_id": "1.2.3"})
    for _ in range(10):  # Bolt's race was a 10 ms window: try it several times
        reply = booming.post(body, FORM)
        assert reply.status == 200 and "Ontvangen." in reply.body
    assert "correlation id" in caplog.text  # logged by the error handler, with its id
