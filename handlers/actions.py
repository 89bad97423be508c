"""Reminder buttons (block_actions): "Gereed" and "Herinner me volgende week".

Ack, and one service call (bot/services/reminders.py: the activity through the same
`record_update` as `/actie update`, a milestone or a snooze as a logged hold) before the answer
goes out; after it (handlers/follow_ups.py) the announcement, an ephemeral word to the clicker
and a trace under the reminder for everyone else.

Nothing in the payload is trusted: the button's value only names an activity (the service looks
it up and decides whether this user may change it), and the clicked message counts only when it
is one the bot posted there (its ts is a delivered row of the ledger); only then is it edited.
Once the change is saved, a Slack failure while telling about it is logged, never raised: the
click must not turn into an error for the user.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.services import Actor, Deps, changes, users
from bot.services.delivery import deliver
from bot.services.reminder_buttons import complete_from_button, snooze
from bot.services.reminders import posted_message
from bot.services.results import (
    NewActivityForm,
    Result,
    UpdateForm,
    UpdateRecorded,
)
from handlers import ids
from handlers.follow_ups import after_answer, run_follow_ups
from handlers.render import blocks
from handlers.render.changes import button_trace
from handlers.render.messages import button_answer, compose
from handlers.views import open_form

log = logging.getLogger(__name__)


def actor_from_action(body: dict[str, Any]) -> Actor:
    user = body.get("user") or {}
    return Actor(
        user_id=str(user.get("id") or "unknown"),
        user_name=user.get("username") or user.get("name"),
        channel_id=(body.get("channel") or {}).get("id")
        or (body.get("container") or {}).get("channel_id"),
        team_id=(body.get("team") or {}).get("id"),
        source="button",
    )


def clicked_value(body: dict[str, Any]) -> tuple[str, str]:
    """(ref "programme/key", target "activity" | "milestone:<hash>") from the button's value."""
    action = (body.get("actions") or [{}])[0]
    ref, _, target = str(action.get("value") or "").partition("|")
    return ref, target or "activity"


def clicked_message(body: dict[str, Any]) -> str | None:
    """The ts of the message whose button was clicked; None for a view (App Home, a modal),
    "" when a message click names none (then no ledger row matches and the click is refused)."""
    container = body.get("container") or {}
    if container.get("type") == "view" or (body.get("view") and not body.get("message")):
        return None
    return str(container.get("message_ts") or (body.get("message") or {}).get("ts") or "")


def _safely(what: str, call: Any, **kwargs: Any) -> None:
    """One Slack call after the change was saved: a failure is logged, never raised."""
    try:
        call(**kwargs)
    except SlackApiError as error:
        log.warning("%s after a button click failed: %s", what,
                    error.response.get("error") or error.response.status_code)
    except Exception as error:  # noqa: BLE001 - the change is saved; telling is best effort
        log.warning("%s after a button click failed: %s", what, type(error).__name__)


def _tell(client: Any, body: dict[str, Any], actor: Actor, result: Result, lang: str,
          deps: Deps, channel_lang: str) -> None:
    tz = deps.timezone
    reply = (compose(result, lang, tz) if isinstance(result, UpdateRecorded)
             else button_answer(result, lang))
    if actor.channel_id:
        _safely("chat.postEphemeral", client.chat_postEphemeral, channel=actor.channel_id,
                user=actor.user_id, **blocks.message(reply))
    container = body.get("container") or {}
    trace = button_trace(result, actor.user_id, lang)  # None unless something was changed
    if trace and actor.channel_id and container.get("message_ts") and not container.get(
            "is_ephemeral"):
        # the service checked that this ts is a reminder the bot posted in this channel; the
        # message is rebuilt from the ledger as it reads now (new statuses, done items without
        # buttons), never from the payload's blocks, in the language it was posted in
        now = posted_message(deps, actor.channel_id, str(container["message_ts"]))
        if now is None:
            return
        rewritten = blocks.message(compose(now, channel_lang, tz))
        _safely("chat.update", client.chat_update, channel=actor.channel_id,
                ts=container["message_ts"], text=rewritten["text"],
                blocks=blocks.after_click(rewritten["blocks"], trace, False))


def register(app: App, deps: Deps, settings: Settings) -> None:
    def tell_later(context: BoltContext, client: Any, body: dict[str, Any], actor: Actor,
                   result: Result) -> None:
        def tell() -> None:
            lang = users.language(deps, actor.user_id, settings.language)
            _tell(client, body, actor, result, lang, deps, settings.language)

        after_answer(context, tell)

    def on_done_clicked(ack: Ack, body: dict[str, Any], client: Any,
                        context: BoltContext) -> None:
        ack()
        actor = actor_from_action(body)
        result = complete_from_button(deps, *clicked_value(body), actor,
                                      message_ts=clicked_message(body))
        if isinstance(result, UpdateRecorded) and result.delivery_key:
            after_answer(context, partial(deliver, deps, result.delivery_key))  # committed
        tell_later(context, client, body, actor, result)

    def on_update_clicked(ack: Ack, body: dict[str, Any], client: Any,
                          context: BoltContext) -> None:
        """"Bijwerken" (reminders, App Home): the update modal for that activity."""
        ack()
        actor = actor_from_action(body)
        ref, _target = clicked_value(body)
        origin = "home" if (body.get("view") or {}).get("type") == "home" else None
        result = changes.update_form(deps, ref if "/" in ref else None, actor)

        def show() -> None:
            lang = users.language(deps, actor.user_id, settings.language)
            if isinstance(result, UpdateForm):
                open_form(client, str(body.get("trigger_id") or ""), result, lang,
                          actor.channel_id, origin)
            elif actor.channel_id:  # the activity is gone
                client.chat_postEphemeral(channel=actor.channel_id, user=actor.user_id,
                                          **blocks.message(compose(result, lang)))

        after_answer(context, show)

    def on_new_clicked(ack: Ack, body: dict[str, Any], client: Any,
                       context: BoltContext) -> None:
        ack()
        actor = actor_from_action(body)
        result = changes.new_activity_form(deps, "", actor)

        def show() -> None:
            lang = users.language(deps, actor.user_id, settings.language)
            if isinstance(result, NewActivityForm):
                open_form(client, str(body.get("trigger_id") or ""), result, lang,
                          actor.channel_id)
            else:
                client.chat_postMessage(channel=actor.user_id,
                                        **blocks.message(compose(result, lang)))

        after_answer(context, show)

    def on_snooze_clicked(ack: Ack, body: dict[str, Any], client: Any,
                          context: BoltContext) -> None:
        ack()
        actor = actor_from_action(body)
        result = snooze(deps, *clicked_value(body), actor, message_ts=clicked_message(body))
        tell_later(context, client, body, actor, result)

    app.action(ids.ACTION_DONE)(ack=on_done_clicked, lazy=[run_follow_ups])
    app.action(ids.ACTION_OPEN_UPDATE)(ack=on_update_clicked, lazy=[run_follow_ups])
    app.action(ids.ACTION_OPEN_NEW)(ack=on_new_clicked, lazy=[run_follow_ups])
    app.action(ids.ACTION_SNOOZE)(ack=on_snooze_clicked, lazy=[run_follow_ups])
