"""A Bolt middleware: a replayed request that could change something gets a 200 and no second
effect (bot/services/replays.py). It runs after Bolt verified the signature and timestamp."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest

from bot.domain import grammar
from bot.services import replays
from bot.services.deps import Deps

log = logging.getLogger("actiebot.replays")

CHANGES = (grammar.Update, grammar.Link, grammar.Reschedule)  # typed commands that store
EFFECTS = frozenset({"block_actions", "view_submission"})  # buttons and modal submissions


def replay_key(request: BoltRequest, body: dict[str, Any]) -> str | None:
    """The key to remember this request by, or None when it cannot change anything."""
    if body.get("type") == "event_callback":
        event_id = body.get("event_id")
        return replays.event_key(event_id) if isinstance(event_id, str) and event_id else None
    if "command" in body:
        if not isinstance(grammar.parse(str(body.get("text") or "")), CHANGES):
            return None
    elif body.get("type") not in EFFECTS:
        return None
    timestamp = request.headers.get("x-slack-request-timestamp") or [""]
    signature = request.headers.get("x-slack-signature") or [""]
    return replays.signed_request_key(timestamp[0], signature[0])


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def once(request: BoltRequest, body: dict[str, Any], next: Any) -> Any:
        key = replay_key(request, body)
        if key is not None and not replays.first_time(deps, key):
            log.warning("a replayed request was acknowledged and ignored")
            return BoltResponse(status=200, body="")
        return next()
