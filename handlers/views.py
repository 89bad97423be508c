"""Modals (view_submission): the update modal and the new-activity modal.

Opening: `open_form` (from `/actie update|nieuw`, the **Bijwerken** buttons, App Home and the
message shortcut). Submitting: unpack the fields -> one use case (bot/services/changes.py, the
same `record_update` as the typed update) -> `response_action: errors` under the fields, or the
modal turns into a confirmation; the announcement (and the Home tab, when the modal came from
there) follows that answer (handlers/follow_ups.py). Ids in
private_metadata and picked options are only hints: the use case looks them up again.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.config import Settings
from bot.domain.model import Status
from bot.services import Actor, Deps, changes, users
from bot.services.delivery import deliver
from bot.services.results import FieldErrors, NewActivityForm, Result, UpdateForm, UpdateRecorded
from handlers import ids
from handlers.follow_ups import after_answer, run_follow_ups
from handlers.render import modals
from handlers.render.messages import compose

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
                 team_id=(body.get("team") or {}).get("id"), source="modal")


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


def register(app: App, deps: Deps, settings: Settings) -> None:
    def finish(ack: Ack, context: BoltContext, done: tuple[UpdateRecorded, ...],
               lang: str) -> None:
        ack(response_action="update",
            view=modals.done_view([compose(d, lang, deps.timezone) for d in done], lang).to_dict())
        for recorded in done:
            if recorded.delivery_key:
                after_answer(context, partial(deliver, deps, recorded.delivery_key))

    def on_update_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                            client: Any, context: BoltContext) -> None:
        actor = actor_from_view(body)
        lang = users.language(deps, actor.user_id, settings.language)
        meta, fields = modals.read_metadata(view), modals.values(view)
        submission = changes.UpdateSubmission(
            activity=fields.get("activity") or meta.get("a"), status=_status(fields.get("status")),
            note=_text(fields.get("note")), due_day=_day(fields.get("due_day")),
            due_text=_text(fields.get("due_text")), reason=_text(fields.get("reason")))
        result = changes.submit_update(deps, submission, actor)
        if isinstance(result, FieldErrors):
            ack(response_action="errors", errors=modals.field_errors(result, lang, set(fields)))
            return
        finish(ack, context, result, lang)
        if meta.get("o") == "home":  # the Home tab shows the change at once
            from handlers.events import publish_home

            after_answer(context, partial(publish_home, deps, settings, client, actor.user_id))

    def on_new_activity_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                                  context: BoltContext) -> None:
        actor = actor_from_view(body)
        lang = users.language(deps, actor.user_id, settings.language)
        fields = modals.values(view)
        draft = changes.ActivityDraft(
            title=_text(fields.get("title")), group=fields.get("group"), goal=fields.get("goal"),
            theme=_text(fields.get("theme")), owners=_text(fields.get("owners")),
            due_text=_text(fields.get("due_text")), due_day=_day(fields.get("due_day")),
            milestones=_text(fields.get("milestones")))
        result = changes.create_activity(deps, draft, actor)
        if isinstance(result, FieldErrors):
            ack(response_action="errors", errors=modals.field_errors(result, lang, set(fields)))
            return
        if not isinstance(result, UpdateRecorded):  # pragma: no cover - a refusal is a field error
            ack(response_action="errors", errors={"title": compose(result, lang).text})
            return
        finish(ack, context, (result,), lang)

    app.view(ids.VIEW_UPDATE)(ack=on_update_submitted, lazy=[run_follow_ups])
    app.view(ids.VIEW_NEW)(ack=on_new_activity_submitted, lazy=[run_follow_ups])
