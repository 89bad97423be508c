"""Request checks in our setup: Bolt verifies signature and timestamp, our middleware the
workspace and app, bot/wsgi.py the body size -- and a rejected request changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import io
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.slack.conftest import SECRET, start_app
from tests.slack.test_commands_http import count_updates

FORM = "application/x-www-form-urlencoded"


def nothing_changed(app: Any, fake_slack: Any, updates_before: int) -> bool:
    return count_updates(app) == updates_before and fake_slack.calls == []


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory, fake_slack_server: Any) -> Iterator[Any]:
    from bot.config import Settings

    url = f"sqlite:///{tmp_path_factory.mktemp('checks') / 'actiebot.db'}"
    running, server = start_app(Settings(
        database_url=url, slack_bot_token="xoxb-test-token", slack_signing_secret=SECRET,
        slack_api_url=fake_slack_server.url))
    fake_slack_server.reset()
    assert running.client.command("help").status == 200  # Bolt's auth.test, the user's locale
    fake_slack_server.wait_for("users.info")
    fake_slack_server.wait_for("auth.test")  # asked in the background: done before any check
    # counts what the fake received (a late call would land in the first test's window)
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


@pytest.fixture
def app(shared_app: Any, fake_slack: Any) -> Any:
    """One app on SQLite for the whole module: these checks run before any query. (The
    workspace checks below, which must change nothing, run on both databases.)"""
    return shared_app


# -- signature and timestamp (Bolt's RequestVerification, in our app) ---------------------------

def test_a_signature_over_another_body_is_rejected(app: Any, fake_slack: Any) -> None:
    before = count_updates(app)
    ts = str(int(time.time()))
    signed = app.client.command_body("help")
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=signed)
    tampered = app.client.command_body("update THV gereed klaar")
    reply = app.client.post(tampered, FORM, timestamp=int(ts), signature=signature)
    assert reply.status == 401
    assert nothing_changed(app, fake_slack, before)


@pytest.mark.parametrize("age", [5 * 60 + 5, 60 * 60, 24 * 3600, -(6 * 60)])
def test_a_timestamp_more_than_five_minutes_off_is_rejected(
        app: Any, fake_slack: Any, age: int) -> None:
    before = count_updates(app)
    body = app.client.command_body("update THV gereed klaar")
    reply = app.client.post(body, FORM, timestamp=int(time.time()) - age)
    assert reply.status == 401
    assert nothing_changed(app, fake_slack, before)


def test_a_timestamp_four_minutes_old_is_still_accepted(app: Any) -> None:
    reply = app.client.post(app.client.command_body("help"), FORM,
                            timestamp=int(time.time()) - 4 * 60)
    assert reply.status == 200 and "Actiebot" in reply.text


@pytest.mark.parametrize("headers", [
    {},  # no signature headers at all
    {"X-Slack-Request-Timestamp": "gisteren", "X-Slack-Signature": "v0=00"},
    {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": ""},
])
def test_missing_or_malformed_signature_headers_are_rejected(
        app: Any, fake_slack: Any, headers: dict[str, str]) -> None:
    before = count_updates(app)
    body = app.client.command_body("update THV gereed klaar").encode()
    status, _ = raw_post(app, body, {"Content-Type": FORM, **headers})
    assert status == 401
    assert nothing_changed(app, fake_slack, before)


# -- another workspace or app (handlers/errors.py, SLACK_TEAM_ID / SLACK_APP_ID) --------------

@pytest.fixture
def pinned_app(db_url: str, fake_slack: Any, settings_for: Any) -> Iterator[Any]:
    settings = settings_for(db_url, slack_api_url=fake_slack.url, slack_team_id="T0001",
                            slack_app_id="A0ACTIEBOT")
    running, server = start_app(settings)
    # Bolt calls auth.test once per process, on the first request, before any middleware of
    # ours: warm up so that the tests see exactly what a rejected request causes.
    assert running.client.command("help", team="T0001").status == 200
    fake_slack.wait_for("users.info")
    fake_slack.wait_for("auth.test")  # the bot ids, learned in the background (handlers/authorize.py)
    fake_slack.reset()
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def test_our_workspace_and_app_are_answered(pinned_app: Any) -> None:
    reply = pinned_app.client.command("wie MDA++", team="T0001")
    assert reply.status == 200 and "Veilig Thuis" in reply.text


@pytest.mark.parametrize("override", [{"team": "T0OTHER01"}, {"api_app_id": "A0OTHERAPP"}])
def test_a_command_from_another_workspace_or_app_is_rejected_and_changes_nothing(
        pinned_app: Any, fake_slack: Any, override: dict[str, str]) -> None:
    before = count_updates(pinned_app)
    body = pinned_app.client.command_body("update THV gereed klaar", **override)
    reply = pinned_app.client.post(body, FORM)
    assert reply.status == 401
    assert "klaar" not in reply.body
    time.sleep(0.2)  # nothing may follow the answer either (announcement, users.info)
    assert nothing_changed(pinned_app, fake_slack, before)


def test_interactivity_from_another_workspace_is_rejected(pinned_app: Any,
                                                          fake_slack: Any) -> None:
    before = count_updates(pinned_app)
    reply = pinned_app.client.action({
        "type": "block_actions", "team": {"id": "T0OTHER01"}, "api_app_id": "A0ACTIEBOT",
        "user": {"id": "U0ALICE01", "team_id": "T0OTHER01"}, "channel": {"id": "C0THV0001"},
        "actions": [{"type": "button", "action_id": "actie_done", "value": "x"}],
    })
    assert reply.status == 401
    assert nothing_changed(pinned_app, fake_slack, before)


def test_an_org_wide_request_without_team_uses_the_users_team(pinned_app: Any) -> None:
    from handlers.errors import team_of

    assert team_of({"team": None, "user": {"id": "U1", "team_id": "T0001"}}) == "T0001"
    assert team_of({"team_id": "T0002", "team": {"id": "T0003"}}) == "T0002"
    assert team_of({"team": "T0004"}) == "T0004"
    assert team_of({"team": {"id": None}}) is None


# -- body size, before anything is parsed (bot/wsgi.py) ----------------------------------------

def raw_post(app: Any, body: bytes, headers: dict[str, str],
             path: str = "/slack/events") -> tuple[int, bytes]:
    url = urlparse(app.client.base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.putrequest("POST", path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        if "Content-Length" not in headers:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        if body:
            connection.send(body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_a_declared_body_over_the_limit_is_refused_without_reading_it(
        app: Any, fake_slack: Any) -> None:
    before = count_updates(app)
    started = time.monotonic()
    # Declares 10 MB but sends nothing: the answer must not wait for the body.
    status, body = raw_post(app, b"", {"Content-Type": FORM, "Content-Length": str(10 ** 7)})
    assert status == 413 and json.loads(body) == {"error": "payload too large"}
    assert time.monotonic() - started < 5
    assert nothing_changed(app, fake_slack, before)


def test_an_invalid_content_length_or_a_body_that_is_not_utf8_is_a_bad_request(app: Any) -> None:
    status, _ = raw_post(app, b"", {"Content-Type": FORM, "Content-Length": "12abc"})
    assert status == 400
    ts = str(int(time.time()))
    body = b"text=\xff\xfe&command=%2Factie"
    base = b"v0:" + ts.encode() + b":" + body  # signed as bytes: Slack's scheme, any body
    signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    status, _ = raw_post(app, body, {"Content-Type": FORM, "X-Slack-Request-Timestamp": ts,
                                     "X-Slack-Signature": signature})
    assert status == 400


def test_wrong_method_and_path(app: Any) -> None:
    assert app.client.get("/slack/events").status == 405
    assert app.client.get("/admin").status == 404
    status, _ = raw_post(app, b"x", {"Content-Type": FORM}, path="/elders")
    assert status == 404


class CountingStream(io.RawIOBase):
    """An endless chunked body that counts what the app read from it."""

    def __init__(self, total: int) -> None:
        self.total, self.consumed = total, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.total - self.consumed if size is None or size < 0 else size
        size = max(0, min(size, self.total - self.consumed))
        self.consumed += size
        return b"x" * size


def call_wsgi(wsgi: Any, environ: dict[str, Any]) -> tuple[str, bytes]:
    from wsgiref.util import setup_testing_defaults

    setup_testing_defaults(environ)
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"] = status
        return lambda data: None

    body = b"".join(wsgi(environ, start_response))
    return seen["status"], body


@pytest.fixture
def wsgi(sqlite_url: str, fake_slack: Any, settings_for: Any) -> Iterator[Any]:
    from bot.wsgi import create

    application = create(settings_for(sqlite_url, slack_api_url=fake_slack.url,
                                      max_body_bytes=4096))
    yield application


def test_a_chunked_body_without_content_length_is_read_only_up_to_the_limit(wsgi: Any) -> None:
    stream = CountingStream(10 ** 8)
    status, _ = call_wsgi(wsgi, {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events",
                                 "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": stream,
                                 "CONTENT_TYPE": FORM})
    assert status.startswith("413")
    assert stream.consumed <= 4096 + 1


def test_a_signed_body_one_byte_over_the_limit_is_refused_unread(wsgi: Any) -> None:
    # In-process: over a socket, a server that answers without reading may reset the
    # connection under a client still sending (which is what an oversized request deserves).
    from tests.slack.conftest import SlackClient

    body = SlackClient("http://unused").command_body("update THV gereed klaar")
    body = (body + "&pad=" + "x" * 4096).encode()[: 4096 + 1]
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    stream = CountingStream(len(body))
    status, _ = call_wsgi(wsgi, {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "CONTENT_TYPE": FORM,
        "CONTENT_LENGTH": str(len(body)), "wsgi.input": stream,
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts, "HTTP_X_SLACK_SIGNATURE": signature})
    assert status.startswith("413")
    assert stream.consumed == 0


def test_a_small_chunked_body_reaches_bolt_with_its_length(wsgi: Any) -> None:
    from tests.slack.conftest import SlackClient

    body = SlackClient("http://unused").command_body("help").encode()
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    status, answer = call_wsgi(wsgi, {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "CONTENT_TYPE": FORM,
        "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(body),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts, "HTTP_X_SLACK_SIGNATURE": signature})
    assert status.startswith("200"), answer
    assert "Actiebot" in answer.decode()


def test_the_body_limit_is_configurable() -> None:
    from bot.config import DEFAULT_MAX_BODY_BYTES, ConfigError, Settings

    assert Settings.from_env({}).max_body_bytes == DEFAULT_MAX_BODY_BYTES
    assert Settings.from_env({"ACTIEBOT_MAX_BODY_BYTES": "65536"}).max_body_bytes == 65536
    for wrong in ("12", "lots", "-1", "1e6"):
        with pytest.raises(ConfigError, match="ACTIEBOT_MAX_BODY_BYTES"):
            Settings.from_env({"ACTIEBOT_MAX_BODY_BYTES": wrong})
