"""Modals (view_submission): the update modal and the new-activity modal.

Opening: `open_form` (from `/actie update|nieuw`, the **Bijwerken** buttons, App Home and the
message shortcut). Submitting: unpack the fields -> one use case (bot/services/changes.py, the
same `record_update` as the typed update) -> `response_action: errors` under the fields, or the
modal turns into a confirmation; the announcement (and the Home tab, when the modal came from
there) follows that answer (handlers/follow_ups.py). Ids in
private_metadata and picked options are only hints: the use case looks them up again.

A submission is under the same 2 s rule as a typed change (handlers/in_time.py): when it
cannot commit in time, the modal turns into "Nog bezig" at once, and the one attempt's outcome
replaces it (views.update) as soon as it ended: the confirmation, what was wrong (nothing
saved), or "er ging iets mis". A user who closed the modal meanwhile gets it as a direct
message. Never silently, never a second attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.config import Settings
from bot.domain.model import Status
from bot.services import Actor, Deps, changes, users
from bot.services.delivery import announce as announce_update
from bot.services.results import FieldErrors, NewActivityForm, Result, UpdateForm, UpdateRecorded
from handlers import ids
from handlers.follow_ups import after_answer, run_follow_ups
from handlers.in_time import InTime, Replayed, claimed, settle
from handlers.render import blocks, modals
from handlers.render.late import outcome_unknown, still_busy
from handlers.render.messages import Reply, compose, error_reply, t

log = logging.getLogger(__name__)


def open_form(client: Any, trigger_id: str, form: Result, lang: str, channel: str | None,
              origin: str | None = None) -> None:
    if isinstance(form, UpdateForm):
        view = modals.update_modal(form, lang, origin, channel)
    elif isinstance(form, NewActivityForm):
        view = modals.new_activity_modal(form, lang, channel)
    else:  # pragma: no cover - callers pass forms only
        raise TypeError(type(form).__name__)
    client.views_open(trigger_id=trigger_id, view=view.to_dict())


def actor_from_view(body: dict[str, Any]) -> Actor:
    user = body.get("user") or {}
    return Actor(user_id=str(user.get("id") or "unknown"),
                 user_name=user.get("username") or user.get("name"),
                 team_id=user.get("team_id") or (body.get("team") or {}).get("id"),  # the user's
                 source="modal")


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _status(value: Any) -> Status | None:
    try:
        return Status(str(value)) if value else None
    except ValueError:
        return None


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, str) else ""


def _not_saved(result: Result, lang: str, fields: set[str]) -> list[Reply]:
    """A submission that was refused after "Nog bezig": what was wrong, as text (the fields'
    error lines can no longer be shown under the fields)."""
    if isinstance(result, FieldErrors):
        lines = list(dict.fromkeys(modals.field_errors(result, lang, fields).values()))
        text = "\n".join([t(lang, "Niet opgeslagen:", "Not saved:"), *lines])
        return [Reply(text, (text,))]
    return [compose(result, lang)]


def _show(client: Any, body: dict[str, Any], actor: Actor, view: Any,
          replies: list[Reply]) -> None:
    """Replace the "Nog bezig" modal with ``view``; when that fails (the user closed it),
    the same words as a direct message."""
    view_id = (body.get("view") or {}).get("id")
    if view_id:
        try:
            client.views_update(view_id=view_id, view=view.to_dict())
            return
        except Exception as error:  # noqa: BLE001 - told by direct message instead
            log.info("views.update after a late submission failed (%s); sending a DM",
                     type(error).__name__)
    for reply in replies:
        client.chat_postMessage(channel=actor.user_id, **blocks.message(reply))


def register(app: App, deps: Deps, settings: Settings) -> None:
    in_time = InTime()  # a submission's change is acknowledged within the budget

    def later(ack: Ack, body: dict[str, Any], client: Any, context: BoltContext,
              actor: Actor, lang: str, attempt: Future[Any], fields: set[str],
              then: Callable[[tuple[UpdateRecorded, ...]], None]) -> None:
        """Not done within the budget: the modal says "Nog bezig" now; the outcome replaces
        it once the attempt ended, and ``then`` runs on what was recorded."""
        busy = still_busy(lang)
        ack(response_action="update",
            view=modals.notice_view(t(lang, "Nog bezig", "Still working"), [busy],
                                    lang).to_dict())

        def done(result: Result | tuple[UpdateRecorded, ...]) -> None:
            recorded = (result,) if isinstance(result, UpdateRecorded) else result
            if isinstance(recorded, tuple):
                replies = [compose(d, lang, deps.timezone) for d in recorded]
                _show(client, body, actor, modals.done_view(replies, lang), replies)
                then(recorded)
                return
            replies = _not_saved(recorded, lang, fields)
            _show(client, body, actor, modals.notice_view(
                t(lang, "Niet opgeslagen", "Not saved"), replies, lang), replies)

        def failed(cid: str | None) -> None:
            reply = error_reply(lang, cid) if cid else outcome_unknown(lang)
            _show(client, body, actor, modals.notice_view(
                t(lang, "Niet opgeslagen", "Not saved") if cid else
                t(lang, "Onbekend", "Unknown"), [reply], lang), [reply])

        after_answer(context, partial(settle, attempt, done, failed))

    def announce(recorded: tuple[UpdateRecorded, ...]) -> None:
        for one in recorded:
            if one.delivery_key:
                announce_update(deps, one)

    def finish(ack: Ack, context: BoltContext, done: tuple[UpdateRecorded, ...],
               lang: str) -> None:
        ack(response_action="update",
            view=modals.done_view([compose(d, lang, deps.timezone) for d in done], lang).to_dict())
        for recorded in done:
            if recorded.delivery_key:
                after_answer(context, partial(announce_update, deps, recorded))

    def submitted(ack: Ack, body: dict[str, Any], client: Any, context: BoltContext,
                  actor: Actor, lang: str, fields: dict[str, Any], work: Callable[[], Any],
                  then: Callable[[tuple[UpdateRecorded, ...]], None]) -> Any:
        """Run a submission's change within the budget: its result when it ended in time and
        was not refused field by field, else None (the modal has been answered: a replay, a
        change still at work, or the field errors)."""
        outcome = in_time.run(claimed(context, deps, work))
        if isinstance(outcome, Replayed):  # submitted before: acknowledged, nothing done
            ack()
            return None
        if isinstance(outcome, Future):
            later(ack, body, client, context, actor, lang, outcome, set(fields), then)
            return None
        if isinstance(outcome, FieldErrors):
            ack(response_action="errors", errors=modals.field_errors(outcome, lang, set(fields)))
            return None
        return outcome

    def on_update_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                            client: Any, context: BoltContext) -> None:
        actor = actor_from_view(body)
        lang = users.language(deps, actor.user_id, settings.language)
        meta, fields = modals.read_metadata(view), modals.values(view)
        submission = changes.UpdateSubmission(
            activity=fields.get("activity") or meta.get("a"), status=_status(fields.get("status")),
            note=_text(fields.get("note")), due_day=_day(fields.get("due_day")),
            due_text=_text(fields.get("due_text")), reason=_text(fields.get("reason")))
        home = meta.get("o") == "home"

        def then(recorded: tuple[UpdateRecorded, ...]) -> None:
            announce(recorded)
            if home:
                from handlers.events import publish_home

                publish_home(deps, settings, client, actor.user_id)

        result = submitted(ack, body, client, context, actor, lang, fields,
                           partial(changes.submit_update, deps, submission, actor), then)
        if result is None:
            return
        finish(ack, context, result, lang)
        if home:  # the Home tab shows the change at once
            from handlers.events import publish_home

            after_answer(context, partial(publish_home, deps, settings, client, actor.user_id))

    def on_new_activity_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                                  client: Any, context: BoltContext) -> None:
        actor = actor_from_view(body)
        lang = users.language(deps, actor.user_id, settings.language)
        fields = modals.values(view)
        draft = changes.ActivityDraft(
            title=_text(fields.get("title")), group=fields.get("group"), goal=fields.get("goal"),
            theme=_text(fields.get("theme")), owners=_text(fields.get("owners")),
            due_text=_text(fields.get("due_text")), due_day=_day(fields.get("due_day")),
            milestones=_text(fields.get("milestones")))
        result = submitted(ack, body, client, context, actor, lang, fields,
                           partial(changes.create_activity, deps, draft, actor), announce)
        if result is None:
            return
        if not isinstance(result, UpdateRecorded):  # pragma: no cover - a refusal is a field error
            ack(response_action="errors", errors={"title": compose(result, lang).text})
            return
        finish(ack, context, (result,), lang)

    app.view(ids.VIEW_UPDATE)(ack=on_update_submitted, lazy=[run_follow_ups])
    app.view(ids.VIEW_NEW)(ack=on_new_activity_submitted, lazy=[run_follow_ups])
