"""One error handler for every listener, and the request guards that run before them."""

from __future__ import annotations

import json
import logging
import traceback
import uuid
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_bolt.request import BoltRequest

from bot.config import Settings
from handlers.render import blocks
from handlers.render.refusals import error_reply
from handlers.render.wording import language_for

log = logging.getLogger("actiebot.errors")


def correlation_id() -> str:
    return uuid.uuid4().hex[:10]


def log_exception(cid: str, error: BaseException) -> None:
    """Log where it failed, never what it was about: no message text, no parameters."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("unhandled %s [correlation id %s]\n%s", type(error).__name__, cid, frames)


def team_of(body: dict[str, Any]) -> str | None:
    """The workspace a request comes from: `team_id` (commands, events) or `team.id`
    (interactivity; `team` is null for org-wide apps, then the user's team)."""
    team: Any = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    if not team and isinstance(body.get("user"), dict):
        team = body["user"].get("team_id")
    return team if isinstance(team, str) and team else None


def teams_in(body: dict[str, Any]) -> set[str]:
    """Every workspace (or org) a signed request names: the request's team, the user's team,
    the view's and the one its modal was opened for, and the installations Slack delivered it
    for (`authorizations`)."""
    found: set[str] = set()

    def add(value: Any) -> None:
        if isinstance(value, str) and value:
            found.add(value)

    add(body.get("team_id"))
    add(body.get("enterprise_id"))
    add(body.get("context_team_id"))
    for key in ("team", "user", "view", "enterprise"):
        part = body.get(key)
        if isinstance(part, dict):
            add(part.get("id") if key in ("team", "enterprise") else part.get("team_id"))
    view = body.get("view")
    if isinstance(view, dict):
        # a modal opened in a Slack Connect channel and submitted by a partner's member names
        # the partner everywhere else; this names the installation it was opened for
        add(view.get("app_installed_team_id"))
    for authorization in body.get("authorizations") or ():
        if isinstance(authorization, dict):
            add(authorization.get("team_id"))
            add(authorization.get("enterprise_id"))
    return found


def in_shared_channel(body: dict[str, Any]) -> bool:
    """Slack marks requests from a Slack Connect channel (shared with other organisations):
    there the acting user's team, and the request's, may be the partner's."""
    channel = body.get("channel")
    return bool(body.get("is_ext_shared_channel")
                or (isinstance(channel, dict) and channel.get("is_ext_shared")))


class StickyAck(Ack):
    """Bolt's ``ack``, except that an acknowledgement, once given, stays given.

    With Bolt's default (not ours: bot/app.py sets process_before_response) Bolt runs a listener
    in a thread and waits (polling every 10 ms) for ``ack.response``; when the listener raises
    after ``ack()``, Bolt sets ``ack.response`` back to None, and a poll that had not yet seen
    the acknowledgement then waits out the 3 seconds and answers 404: the user sees a failure
    although the change was saved. With this ack, the error handler logs the error and the
    user keeps the answer they were given."""

    def __init__(self) -> None:  # Ack's own only sets response = None
        self._given: BoltResponse | None = None

    @property
    def response(self) -> BoltResponse | None:
        return self._given

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self._given is None:
            self._given = value


def register(app: App, settings: Settings) -> None:
    @app.middleware
    def acknowledgements_stay(context: BoltContext, next: Any) -> Any:
        context["ack"] = StickyAck()
        return next()

    @app.error
    def on_error(error: Exception, request: BoltRequest, response: BoltResponse | None) -> Any:
        cid = correlation_id()
        log_exception(cid, error)
        if response is None:  # already acknowledged (Bolt's threaded mode): it was sent
            return None
        given = getattr(request.context.get("ack"), "response", None)
        if isinstance(given, BoltResponse):  # acknowledged, then failed: the answer stands
            return given  # (process_before_response: sent now, in place of Bolt's 500)
        reply = blocks.message(error_reply(language_for(None, settings.language), cid))
        return BoltResponse(
            status=200,
            body=json.dumps({"response_type": "ephemeral", **reply}),
            headers={"content-type": ["application/json;charset=utf-8"]},
        )

    if settings.slack_team_id or settings.slack_app_id:

        @app.middleware
        def only_our_workspace(body: dict[str, Any], next: Any) -> Any:
            app_id = body.get("api_app_id")
            teams = teams_in(body)
            # A partner organisation's member in a Slack Connect channel carries the partner's
            # team id: Slack signed it and delivered it to our app, for that shared channel.
            if (settings.slack_team_id and teams and settings.slack_team_id not in teams
                    and not in_shared_channel(body)):
                log.warning("rejected a request from another workspace")
                return BoltResponse(status=401, body="")
            if settings.slack_app_id and app_id and app_id != settings.slack_app_id:
                log.warning("rejected a request for another app")
                return BoltResponse(status=401, body="")
            return next()
