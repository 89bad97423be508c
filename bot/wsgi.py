"""WSGI entry point for gunicorn: POST /slack/events -> Bolt, GET /healthz -> JSON.

gunicorn runs the factory: `gunicorn 'bot.wsgi:create()'` (see `actiebot serve`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.config import Settings
from storage.db import ping

log = logging.getLogger("actiebot.wsgi")

StartResponse = Callable[..., Any]


def _version() -> str:
    try:
        return version("actiebot")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


class ActiebotWsgi:
    def __init__(self, settings: Settings, bolt_handler: SlackRequestHandler,
                 health: Callable[[], bool]) -> None:
        self.settings = settings
        self.bolt = bolt_handler
        self.health = health
        self.version = _version()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            database = self.health()
            body = {"status": "ok" if database else "degraded", "database": database,
                    "version": self.version}
            return self._json(start_response, "200 OK" if database else "503 Service Unavailable",
                              body)
        if path == "/slack/events":
            if method != "POST":
                return self._json(start_response, "405 Method Not Allowed", {"error": "POST only"})
            length = environ.get("CONTENT_LENGTH") or "0"
            if not length.isdigit() or int(length) > self.settings.max_body_bytes:
                log.warning("refused a request body of %s bytes", length[:12])
                return self._json(start_response, "413 Payload Too Large", {"error": "too large"})
            return self.bolt(environ, start_response)
        return self._json(start_response, "404 Not Found", {"error": "not found"})

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
    runtime = build_runtime(settings, migrate=migrate)
    app, _deps = build_app(settings, runtime.deps)
    return ActiebotWsgi(settings, SlackRequestHandler(app), lambda: ping(runtime.engine))
