"""A Bolt middleware: a replayed request that could change something gets a 200 and no second
effect (bot/services/replays.py). It runs after Bolt verified the signature and timestamp.

A change that is answered within the 2 s budget (a typed change, a Gereed or snooze click, an
update or new-activity modal: handlers/in_time.py) takes its mark in its own attempt, inside
the budget; every other request is marked here, before its listener."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.request import BoltRequest

from bot.services import replays
from bot.services.commands import INTERACTIONS_REFUSING_REPLAY, Kind, row_of
from bot.services.deps import Deps
from handlers.commands import parsed
from handlers.in_time import ACTIONS, CLAIM, VIEWS, Claim

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


def in_time(body: dict[str, Any], context: BoltContext, command_name: str) -> bool:
    """Whether this request's listener runs its change through handlers/in_time.py."""
    if "command" in body:
        return row_of(parsed(context, body, command_name)).kind is Kind.CHANGE
    if body.get("type") == "block_actions":
        actions = body.get("actions") or []
        return bool(actions) and all(isinstance(a, dict) and a.get("action_id") in ACTIONS
                                     for a in actions)
    if body.get("type") == "view_submission":
        return (body.get("view") or {}).get("callback_id") in VIEWS
    return False


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def once(request: BoltRequest, body: dict[str, Any], context: BoltContext,
             next: Any) -> Any:
        key = replay_key(request, body, context, deps.command)
        if key is not None and in_time(body, context, deps.command):
            # marked by the listener's attempt (handlers/in_time.py `claimed`); the listeners
            # of exactly these requests do so, and test_replays_every_surface_http.py checks
            # each of them
            context[CLAIM] = Claim(key)
            return next()
        if key is not None and not replays.first_time(deps, key):
            log.warning("a replayed request was acknowledged and ignored")
            return BoltResponse(status=200, body="")
        return next()
