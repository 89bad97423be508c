"""WSGI entry point for gunicorn: POST /slack/events -> Bolt, GET /healthz -> JSON,
GET /calendar/<token>.ics -> a subscribable calendar (bot/calendar_feed.py).

gunicorn runs the factory: `gunicorn 'bot.wsgi:create()'` (see `actiebot serve`).
"""

from __future__ import annotations

import contextvars
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from bot.calendar_feed import CalendarFeeds, FeedResponse
from bot.config import Settings
from handlers.in_time import ARRIVED
from storage.db import ping

log = logging.getLogger("actiebot.wsgi")

StartResponse = Callable[..., Any]
# many-workspace mode: the "Add to Slack" page and Slack's redirect back (bot/installs.py)
OAUTH_PATHS = ("/slack/install", "/slack/oauth_redirect")


def _version() -> str:
    try:
        return version("actiebot")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


class ActiebotWsgi:
    def __init__(self, settings: Settings, bolt_handler: SlackRequestHandler,
                 health: Callable[[], bool],
                 outbox: Callable[[], dict[str, Any]] | None = None,
                 calendars: Callable[[str, str | None, bool], FeedResponse] | None = None,
                 ) -> None:
        self.settings = settings
        self.bolt = bolt_handler
        self.health = health
        self.outbox = outbox  # the delivery backlog (bot/services/delivery.py:backlog)
        self.calendars = calendars
        self.version = _version()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            database = self.health()
            body: dict[str, Any] = {"status": "ok" if database else "degraded",
                                    "database": database, "version": self.version}
            if database and self.outbox is not None:
                try:
                    body["outbox"] = self.outbox()
                except Exception:  # noqa: BLE001 - a health check reports, it never raises
                    log.warning("reading the outbox backlog failed")
            return self._json(start_response, "200 OK" if database else "503 Service Unavailable",
                              body)
        if path in OAUTH_PATHS and self.settings.many_workspaces:
            if method != "GET":
                return self._json(start_response, "405 Method Not Allowed", {"error": "GET only"})
            return self._bolt(environ, start_response)  # Bolt's OAuth flow (bot/installs.py)
        if path == "/slack/events":
            arrived = time.monotonic()  # a change's 2 s budget counts from here
            if method != "POST":
                return self._json(start_response, "405 Method Not Allowed", {"error": "POST only"})
            timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
            if timestamp and not (timestamp.isascii() and timestamp.isdigit()):
                # slack_sdk's verifier would raise on it (int()) instead of rejecting it
                return self._json(start_response, "401 Unauthorized", {"error": "invalid request"})
            refused = self._read_body(environ) or self._check_body(environ)
            if refused is not None:
                return self._json(start_response, refused, {"error": refused[4:].lower()})
            return self._bolt(environ, start_response, arrived)
        if path.startswith("/calendar/") and self.calendars is not None:
            if method not in ("GET", "HEAD"):
                return self._json(start_response, "405 Method Not Allowed", {"error": "GET only"})
            # the path holds the feed's secret: it is never logged (bot/calendar_feed.py)
            feed = self.calendars(path, environ.get("HTTP_IF_NONE_MATCH"), method == "HEAD")
            start_response(feed.status, feed.headers)
            return [feed.body]
        return self._json(start_response, "404 Not Found", {"error": "not found"})

    def _bolt(self, environ: dict[str, Any], start_response: StartResponse,
              arrived: float | None = None) -> Iterable[bytes]:
        """Bolt, in a context of the request's own: what it sets (the workspace served, see
        bot/domain/tenancy.py) ends with the request, never carried into the thread's next.
        ``arrived``: when the request came in (handlers/in_time.py counts the budget from it)."""
        context = contextvars.copy_context()
        if arrived is not None:
            context.run(ARRIVED.set, arrived)
        result: Iterable[bytes] = context.run(self.bolt, environ, start_response)
        return result

    def _read_body(self, environ: dict[str, Any]) -> str | None:
        """Read the body, at most max_body_bytes of it, before Bolt parses anything.

        A declared Content-Length above the limit is refused without reading a byte; a chunked
        body (no Content-Length) is read up to one byte past the limit. Bolt then gets the body
        as a buffer with its exact length. Returns the HTTP status of a refusal, or None.
        """
        limit = self.settings.max_body_bytes
        declared = str(environ.get("CONTENT_LENGTH") or "").strip()
        stream = environ.get("wsgi.input")
        if declared:
            if not (declared.isascii() and declared.isdigit()):
                log.warning("refused a request with an invalid Content-Length")
                return "400 Bad Request"
            if int(declared) > limit:
                log.warning("refused a request body of %d bytes (limit %d)", int(declared), limit)
                return "413 Payload Too Large"
            data = stream.read(int(declared)) if stream is not None and int(declared) else b""
        elif stream is not None and (
                "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
                or environ.get("wsgi.input_terminated")):
            data = stream.read(limit + 1)
            if len(data) > limit:
                log.warning("refused a chunked request body over %d bytes", limit)
                return "413 Payload Too Large"
        else:
            data = b""  # no length, not chunked: no body (reading would wait for the client)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            log.warning("refused a request body that is not UTF-8")
            return "400 Bad Request"
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        return None

    def _check_body(self, environ: dict[str, Any]) -> str | None:
        """Signed by Slack (checked here, before anything parses the body: Bolt would parse an
        unsigned body first and fail with a 500 on malformed JSON), and parseable the way Bolt
        parses it, into an object. Returns the HTTP status of a refusal, or None."""
        body = environ["wsgi.input"].getvalue().decode("utf-8")
        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")
        secret = self.settings.slack_signing_secret or ""
        if not (timestamp and signature and secret and SignatureVerifier(secret).is_valid(
                body=body, timestamp=timestamp, signature=signature)):
            log.warning("refused a request without a valid Slack signature")
            return "401 Unauthorized"
        try:
            parsed = parse_body(body, environ.get("CONTENT_TYPE"))
        except ValueError:  # json.JSONDecodeError is one
            parsed = None
        if not isinstance(parsed, dict):
            log.warning("refused a signed request whose body Bolt cannot parse")
            return "400 Bad Request"
        return None

    @staticmethod
    def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(data)))])
        return [data]


def create(settings: Settings | None = None, migrate: bool = True) -> ActiebotWsgi:
    """Build the whole HTTP app (gunicorn calls this once per worker)."""
    from bot.app import build_app, build_runtime
    from bot.logging_setup import configure_logging

    configure_logging()
    settings = settings or Settings.from_env()
    settings.require_http()
    runtime = build_runtime(settings, migrate=migrate, serving=True)
    app, _deps = build_app(settings, runtime.deps, installs=runtime.installs)
    from bot.services.delivery import backlog

    return ActiebotWsgi(settings, SlackRequestHandler(app), lambda: ping(runtime.engine),
                        lambda: backlog(runtime.deps).as_dict(), CalendarFeeds(runtime.deps.uow))
