"""A Bolt middleware: a replayed request that could change something gets a 200 and no second
effect (bot/services/replays.py). It runs after Bolt verified the signature and timestamp."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.request import BoltRequest

from bot.services import replays
from bot.services.commands import INTERACTIONS_REFUSING_REPLAY, row_of
from bot.services.deps import Deps
from handlers.commands import parsed

log = logging.getLogger("actiebot.replays")

def replay_key(request: BoltRequest, body: dict[str, Any], context: BoltContext,
               command_name: str) -> str | None:
    """The key to remember this request by, or None when it cannot change anything: a slash
    command whose row in the command table refuses a replay (the one parse of its text, the
    one the listener will run), a button or modal submission, an event by its id."""
    if body.get("type") == "event_callback":
        event_id = body.get("event_id")
        return replays.event_key(event_id) if isinstance(event_id, str) and event_id else None
    if "command" in body:
        if not row_of(parsed(context, body, command_name)).refuse_replay:
            return None
    elif body.get("type") not in INTERACTIONS_REFUSING_REPLAY:
        return None
    timestamp = request.headers.get("x-slack-request-timestamp") or [""]
    signature = request.headers.get("x-slack-signature") or [""]
    return replays.signed_request_key(timestamp[0], signature[0])


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def once(request: BoltRequest, body: dict[str, Any], context: BoltContext,
             next: Any) -> Any:
        key = replay_key(request, body, context, deps.command)
        if key is not None and not replays.first_time(deps, key):
            log.warning("a replayed request was acknowledged and ignored")
            return BoltResponse(status=200, body="")
        return next()
