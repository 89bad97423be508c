"""The real app over real HTTP: bot/wsgi.py on a free port, signed requests, fake Web API."""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.conftest import GOOI, KENNEMERLAND, load_examples

SECRET = "test-signing-secret"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of simultaneous requests (socketserver's default is 5)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class HttpResult:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """Everything a person would read in the reply (fallback text and blocks)."""
        data = self.json()
        parts = [data.get("text", "")]
        for block in data.get("blocks", []):
            if "text" in block:
                parts.append(block["text"]["text"])
            for element in block.get("elements", []):
                parts.append(element.get("text", ""))
        return "\n".join(parts)


_triggers = itertools.count(1)


def next_trigger_id() -> str:
    """Slack gives every invocation its own trigger_id, so no two requests share a body (and
    a signature): two identical requests are a replay (bot/services/replays.py)."""
    return f"{int(time.time())}.{next(_triggers)}.trigger"


class SlackClient:
    """Sends Slack-signed requests to the app, as Slack would."""

    def __init__(self, base: str, command: str = "/actie") -> None:
        self.base = base
        self.command_name = command

    def post(self, body: str, content_type: str, timestamp: int | None = None,
             signature: str | None = None, path: str = "/slack/events",
             secret: str = SECRET) -> HttpResult:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        if signature is None:
            signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        request = urllib.request.Request(
            self.base + path, data=body.encode(), method="POST",
            headers={"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                     "X-Slack-Signature": signature})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return HttpResult(response.status, response.read().decode(),
                                  dict(response.headers))
        except urllib.error.HTTPError as error:
            return HttpResult(error.code, error.read().decode(), dict(error.headers))

    def command_body(self, text: str, user: str = "U0TESTER1", channel: str = "C0OTHER01",
                     team: str = "T0001", **extra: str) -> str:
        return urlencode({
            "token": "legacy", "team_id": team, "team_domain": "gemeente",
            "channel_id": channel, "channel_name": "test", "user_id": user,
            "user_name": "tester", "command": self.command_name, "text": text,
            "api_app_id": "A0ACTIEBOT", "response_url": "https://hooks.slack.invalid/x",
            "trigger_id": next_trigger_id(), **extra,
        })

    def command(self, text: str, **kwargs: Any) -> HttpResult:
        return self.post(self.command_body(text, **kwargs), "application/x-www-form-urlencoded")

    def action(self, payload: dict[str, Any], **kwargs: Any) -> HttpResult:
        payload = {**payload, "trigger_id": next_trigger_id()}  # new for every interaction
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)

    def get(self, path: str) -> HttpResult:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return HttpResult(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return HttpResult(error.code, error.read().decode())


@dataclass
class RunningApp:
    client: SlackClient
    deps: Any
    settings: Any
    engine: Any


def start_app(settings: Any, load: bool = True) -> tuple[RunningApp, Any]:
    from bot.app import build_runtime
    from bot.wsgi import create

    runtime = build_runtime(settings)
    if load:
        load_examples(runtime.deps, KENNEMERLAND, GOOI)
    wsgi = create(settings)
    server = make_server("127.0.0.1", 0, wsgi, server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    return RunningApp(SlackClient(base, settings.command), runtime.deps, settings,
                      runtime.engine), server


@pytest.fixture
def app(db_url: str, fake_slack, settings_for):  # type: ignore[no-untyped-def]
    settings = settings_for(db_url, slack_api_url=fake_slack.url)
    running, server = start_app(settings)
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()
