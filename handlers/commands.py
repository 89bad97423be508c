"""The slash command: parse -> one service call -> render -> ack (the answer rides in the ack).

Slack Web API calls (the modal, the announcement, the report upload) follow the answer
(handlers/follow_ups.py)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.config import Settings
from bot.domain.grammar import Command, Usage
from bot.services import Actor, Deps, execute, users
from bot.services.commands import Kind, answer, read, row_of
from bot.services.delivery import deliver
from bot.services.report_results import ReportReady
from bot.services.results import NewActivityForm, Result, UpdateForm, UpdateRecorded
from handlers.follow_ups import after_answer, pending, run_follow_ups
from handlers.locale import locale_lookup
from handlers.render import blocks
from handlers.render.messages import compose
from handlers.report_upload import upload_report
from handlers.views import open_form

log = logging.getLogger(__name__)

PARSED = "actiebot_command"  # the request's one parse, kept in its Bolt context


def parsed(context: BoltContext, body: dict[str, Any], command_name: str) -> Command | Usage:
    """The slash command of this request, parsed once (bot/services/commands.py `read`): the
    replay guard, the listener matcher and the listener all read this one value."""
    found = context.get(PARSED)
    if found is None:
        found = context[PARSED] = read(str(body.get("text") or ""), command_name)
    return found


def rendered(result: Result, lang: str, timezone: str) -> dict[str, Any]:
    return blocks.message(compose(result, lang, timezone))


def actor_from_command(command: dict[str, Any]) -> Actor:
    return Actor(
        user_id=str(command.get("user_id") or "unknown"),
        user_name=command.get("user_name"),
        channel_id=command.get("channel_id"),
        team_id=command.get("team_id"),
    )


def register(app: App, deps: Deps, settings: Settings) -> None:
    lookup = locale_lookup(app.client)  # one quick client, and one pause after a failure

    def language(actor: Actor) -> str:
        # a new user's locale is learned first (one quick users.info), so the first answer is
        # already in their language
        return users.language(deps, actor.user_id, settings.language, lookup)

    def on_actie(ack: Ack, command: dict[str, Any], client: Any, context: BoltContext) -> None:
        actor = actor_from_command(command)
        lang = language(actor)
        result = execute(deps, parsed(context, command, settings.command), actor)
        if isinstance(result, UpdateForm | NewActivityForm):  # a modal (handlers/views.py)
            ack()
            trigger = str(command.get("trigger_id") or "")
            after_answer(context, partial(open_form, client, trigger, result, lang,
                                          actor.channel_id))
            return
        ack(response_type="ephemeral", **rendered(result, lang, deps.timezone))
        if isinstance(result, UpdateRecorded) and result.delivery_key:
            after_answer(context, partial(deliver, deps, result.delivery_key))  # committed
        if isinstance(result, ReportReady):  # outside any transaction
            after_answer(context, partial(upload_report, client, result, actor.user_id, lang))

    def is_question(command: dict[str, Any], context: BoltContext) -> bool:
        return row_of(parsed(context, command, settings.command)).kind is Kind.QUESTION

    def on_question(ack: Ack, command: dict[str, Any], client: Any,
                    context: BoltContext) -> None:
        actor = actor_from_command(command)
        lang, tz = language(actor), deps.timezone
        # the rendered answer, kept in the read cache when the command table says so
        payload = answer(deps, parsed(context, command, settings.command), actor, (lang, tz),
                         lambda result: rendered(result, lang, tz))
        ack(response_type="ephemeral", **payload)
        if pending(context):  # not a question after all: nothing is lost, only slower
            log.warning("a question queued Slack calls: they run before its answer")
            run_follow_ups(context)

    # Two listeners, chosen by the command table's kind: a question's answer is all there is,
    # so its listener has no lazy listener (for one, Bolt copies the request and wakes a thread
    # on every command: ~0.3 ms of CPU, a tenth of a `wie` at 10,000 activities); changes and
    # surfaces queue Slack calls that run after the answer. The first match wins.
    app.command(settings.command, matchers=[is_question])(on_question)
    app.command(settings.command)(ack=on_actie, lazy=[run_follow_ups])
