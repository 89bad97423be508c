"""Reminder buttons (block_actions): "Gereed" and "Herinner me volgende week".

Ack, and one service call (bot/services/reminders.py: the activity through the same
`record_update` as `/actie update`, a milestone or a snooze as a logged hold) before the answer
goes out; after it (handlers/follow_ups.py) the announcement, an ephemeral word to the clicker
and a trace under the reminder for everyone else. The change is under the same 2 s rule as a
typed one (handlers/in_time.py): when it cannot commit in time, the click is answered anyway,
the clicker is told "Nog bezig" at once and the outcome (the same ephemeral word and trace, a
refusal, or "er ging iets mis") as soon as the one attempt ended.

Nothing in the payload is trusted: the button's value only names an activity (the service looks
it up and decides whether this user may change it), and the clicked message counts only when it
is one the bot posted there (its ts is a delivered row of the ledger); only then is it edited.
Once the change is saved, a Slack failure while telling about it is logged, never raised: the
click must not turn into an error for the user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.services import Actor, Deps, changes, users
from bot.services.delivery import announce
from bot.services.reminder_buttons import complete_from_button, snooze
from bot.services.reminders import posted_message
from bot.services.results import (
    NewActivityForm,
    Result,
    UpdateForm,
    UpdateRecorded,
)
from handlers import ids
from handlers.errors import correlation_id, log_exception
from handlers.follow_ups import after_answer, run_follow_ups
from handlers.in_time import InTime, Replayed, claimed, settle
from handlers.render import blocks
from handlers.render.changes import button_trace
from handlers.render.late import outcome_unknown, still_busy
from handlers.render.messages import Reply, button_answer, compose, error_reply
from handlers.views import open_form

log = logging.getLogger(__name__)


def actor_from_action(body: dict[str, Any]) -> Actor:
    user = body.get("user") or {}
    return Actor(
        user_id=str(user.get("id") or "unknown"),
        user_name=user.get("username") or user.get("name"),
        channel_id=(body.get("channel") or {}).get("id")
        or (body.get("container") or {}).get("channel_id"),
        team_id=user.get("team_id") or (body.get("team") or {}).get("id"),  # the user's own
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


def _notice(client: Any, actor: Actor, reply: Reply) -> None:
    """A word to the clicker alone: ephemeral in the channel of the click, else (a view) a
    direct message. Logged, never raised."""
    if actor.channel_id:
        _safely("chat.postEphemeral", client.chat_postEphemeral, channel=actor.channel_id,
                user=actor.user_id, **blocks.message(reply))
    else:
        _safely("chat.postMessage", client.chat_postMessage, channel=actor.user_id,
                **blocks.message(reply))


def register(app: App, deps: Deps, settings: Settings) -> None:
    in_time = InTime()  # a click's change is acknowledged within the budget

    def steps(client: Any, body: dict[str, Any], actor: Actor,
              result: Result) -> list[Callable[[], object]]:
        """What follows a click's change, after the answer: the announcement (committed),
        then the word to the clicker and the trace under the reminder."""
        def tell() -> None:
            lang = users.language(deps, actor.user_id, settings.language)
            _tell(client, body, actor, result, lang, deps, settings.language)

        if isinstance(result, UpdateRecorded) and result.delivery_key:
            return [partial(announce, deps, result), tell]
        return [tell]

    def changed(ack: Ack, body: dict[str, Any], client: Any, context: BoltContext,
                work: Callable[[], Result]) -> None:
        """A button that changes something: the change in time, or "Nog bezig" and its
        outcome later (handlers/in_time.py); never a second attempt beside a slow one."""
        ack()
        actor = actor_from_action(body)
        outcome = in_time.run(claimed(context, deps, work))
        if isinstance(outcome, Replayed):  # pressed before: acknowledged, nothing done
            return
        if not isinstance(outcome, Future):
            for step in steps(client, body, actor, outcome):
                after_answer(context, step)
            return
        lang = users.language(deps, actor.user_id, settings.language)  # known, or the default
        after_answer(context, partial(_notice, client, actor, still_busy(lang)))

        def done(result: Result) -> None:
            for step in steps(client, body, actor, result):
                try:
                    step()
                except Exception as error:  # noqa: BLE001 - as follow-ups: logged, next runs
                    log_exception(correlation_id(), error)

        after_answer(context, partial(
            settle, outcome, done,
            lambda cid: _notice(client, actor, error_reply(lang, cid) if cid
                                else outcome_unknown(lang))))

    def on_done_clicked(ack: Ack, body: dict[str, Any], client: Any,
                        context: BoltContext) -> None:
        actor = actor_from_action(body)
        changed(ack, body, client, context, partial(
            complete_from_button, deps, *clicked_value(body), actor,
            message_ts=clicked_message(body)))

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
        actor = actor_from_action(body)
        changed(ack, body, client, context, partial(
            snooze, deps, *clicked_value(body), actor, message_ts=clicked_message(body)))

    app.action(ids.ACTION_DONE)(ack=on_done_clicked, lazy=[run_follow_ups])
    app.action(ids.ACTION_OPEN_UPDATE)(ack=on_update_clicked, lazy=[run_follow_ups])
    app.action(ids.ACTION_OPEN_NEW)(ack=on_new_clicked, lazy=[run_follow_ups])
    app.action(ids.ACTION_SNOOZE)(ack=on_snooze_clicked, lazy=[run_follow_ups])
