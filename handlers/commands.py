"""The slash command: parse -> one service call -> render -> ack (the answer rides in the ack).

Slack Web API calls (the modal, the announcement, the report upload) follow the answer
(handlers/follow_ups.py)."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.config import Settings
from bot.domain.grammar import Command, Usage
from bot.services import Actor, Deps, execute, users
from bot.services.commands import Kind, answer, read, row_of
from bot.services.delivery import announce
from bot.services.report_results import ReportReady
from bot.services.results import NewActivityForm, Result, UpdateForm, UpdateRecorded
from handlers.follow_ups import after_answer, pending, run_follow_ups
from handlers.in_time import InTime, Replayed, claimed, report_later
from handlers.locale import LocaleLookups
from handlers.render import blocks
from handlers.render.late import outcome_unknown, still_busy
from handlers.render.messages import compose, error_reply
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
    # one quick client, and one pause after a failure, per token: the request's workspace's
    lookups = LocaleLookups(app.client)
    in_time = InTime()  # changes are acknowledged within the budget (handlers/in_time.py)

    def language(actor: Actor, client: Any) -> str:
        # a new user's locale is learned first (one quick users.info), so the first answer is
        # already in their language
        return users.language(deps, actor.user_id, settings.language, lookups.of(client))

    def on_actie(ack: Ack, command: dict[str, Any], client: Any, context: BoltContext) -> None:
        actor = actor_from_command(command)

        def work() -> tuple[str, Result]:
            return language(actor, client), execute(deps, parsed(context, command, settings.command),
                                            actor)

        change = row_of(parsed(context, command, settings.command)).kind is Kind.CHANGE
        # a change: acknowledged in time, its replay mark taken in the same attempt
        outcome = in_time.run(claimed(context, deps, work)) if change else work()
        if isinstance(outcome, Replayed):  # sent before: acknowledged, nothing done
            ack()
            return
        if isinstance(outcome, Future):
            late(ack, command, context, actor, outcome)
            return
        lang, result = outcome
        if isinstance(result, UpdateForm | NewActivityForm):  # a modal (handlers/views.py)
            ack()
            trigger = str(command.get("trigger_id") or "")
            after_answer(context, partial(open_form, client, trigger, result, lang,
                                          actor.channel_id))
            return
        ack(response_type="ephemeral", **rendered(result, lang, deps.timezone))
        for step in follow_ups(client, actor, lang, result):
            after_answer(context, step)

    def follow_ups(client: Any, actor: Actor, lang: str, result: Result) -> list[Any]:
        steps: list[Any] = []
        if isinstance(result, UpdateRecorded) and result.delivery_key:
            steps.append(partial(announce, deps, result))  # committed
        if isinstance(result, ReportReady):  # outside any transaction
            steps.append(partial(upload_report, client, result, actor.user_id, lang))
        return steps

    def late(ack: Ack, command: dict[str, Any], context: BoltContext, actor: Actor,
             outcome: Future[tuple[str, Result] | Replayed]) -> None:
        """Not done within the budget: "nog bezig" now, the outcome by response_url."""
        lang = users.language(deps, actor.user_id, settings.language)  # known, or the default
        ack(response_type="ephemeral", **blocks.message(still_busy(lang)))

        def then(done: tuple[str, Result]) -> None:
            for step in follow_ups(app.client, actor, done[0], done[1]):
                step()

        after_answer(context, partial(
            report_later, outcome, command.get("response_url"),
            lambda done: rendered(done[1], done[0], deps.timezone),
            lambda cid: blocks.message(error_reply(lang, cid)),
            lambda: blocks.message(outcome_unknown(lang)), then))

    def is_question(command: dict[str, Any], context: BoltContext) -> bool:
        return row_of(parsed(context, command, settings.command)).kind is Kind.QUESTION

    def on_question(ack: Ack, command: dict[str, Any], client: Any,
                    context: BoltContext) -> None:
        actor = actor_from_command(command)
        lang, tz = language(actor, client), deps.timezone
        # the rendered answer, kept in the read cache when the command table says so
        payload = answer(deps, parsed(context, command, settings.command), actor, (lang, tz),
                         lambda result: rendered(result, lang, tz))
        ack(response_type="ephemeral", **payload)
        if pending(context):  # not a question after all: nothing is lost, only slower
            log.warning("a question queued Slack calls: they run before its answer")
            run_follow_ups(context)

    # Two listeners, chosen by the command table's kind: a question's answer is all there is,
    # so its listener has no lazy listener; changes and surfaces queue Slack calls that run
    # after the answer. For a lazy listener Bolt deep-copies the request and starts a thread on
    # every command: measured in-process with Bolt 1.x (3,000 dispatches of one slash command
    # to an ack-only listener, process_before_response=True) 205 us of CPU per command without
    # and 720 us with a no-op lazy listener; ~0.5 ms is about a third of a computed `wie` at
    # 10,000 activities, and more than a kept answer costs in all. The first match wins.
    app.command(settings.command, matchers=[is_question])(on_question)
    app.command(settings.command)(ack=on_actie, lazy=[run_follow_ups])
