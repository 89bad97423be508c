"""The privacy guard in front of every listener that receives typed text from Slack.

Slash-command notes are checked by the use case (bot/services/dispatch.py:record_update). Text a
user types into a modal or a message input (a snooze reason, a note field) arrives in
`view_submission` and `block_actions` payloads; this global middleware checks every such field
before any listener runs, so no listener added later can store or post personal data:

* a modal submission is answered with Slack's `response_action: errors`, one error under each
  field that holds personal data (the modal stays open, the text is never echoed);
* a `block_actions` request (an input with dispatch_action, or a button next to inputs) runs no
  listener; the user gets an ephemeral message saying what kind of data was found.

Button values, selected options and other values the bot set itself are not user text and are
not checked. Nothing here logs a payload.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from slack_bolt import App, BoltResponse

from bot.config import Settings
from bot.services import Deps, users
from bot.services.privacy import refuse_personal_data
from bot.services.results import Refused
from handlers.render import blocks
from handlers.render.messages import compose
from handlers.render.refusals import personal_data_field_error

log = logging.getLogger("actiebot.guards")

_TEXT_INPUTS = frozenset({"plain_text_input", "rich_text_input", "email_text_input",
                          "url_text_input", "number_input"})


def typed_fields(body: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(block_id, text) for every value a user typed, in a modal or in a message."""
    states: list[Any] = [(body.get("view") or {}).get("state"), body.get("state")]
    for state in states:
        values = state.get("values") if isinstance(state, dict) else None
        if not isinstance(values, dict):
            continue
        for block_id, actions in values.items():
            if not isinstance(actions, dict):
                continue
            for element in actions.values():
                if isinstance(element, dict):
                    yield from ((str(block_id), text) for text in _texts(element))
    for action in body.get("actions") or ():
        if isinstance(action, dict) and action.get("type") in _TEXT_INPUTS:
            yield from ((str(action.get("block_id") or ""), text) for text in _texts(action))


def _texts(element: dict[str, Any]) -> Iterator[str]:
    if element.get("type") not in _TEXT_INPUTS:
        return
    if isinstance(element.get("value"), str):
        yield element["value"]
    if element.get("rich_text_value") is not None:
        yield " ".join(_strings(element["rich_text_value"]))


def _strings(node: Any) -> Iterator[str]:
    """Every "text" (and link "url") string in a rich text value."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "url") and isinstance(value, str):
                yield value
            else:
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def register(app: App, deps: Deps, settings: Settings) -> None:
    @app.middleware
    def refuse_typed_personal_data(body: dict[str, Any], client: Any, next: Any) -> Any:
        kind = body.get("type")
        if kind not in ("view_submission", "block_actions"):
            return next()
        refusals: dict[str, Refused] = {}
        for block_id, text in typed_fields(body):
            refused = refuse_personal_data(text)
            if refused is not None:
                refusals[block_id] = refused
        if not refusals:
            return next()
        user = str((body.get("user") or {}).get("id") or "")
        lang = users.language(deps, user, settings.language) if user else settings.language
        log.info("refused a %s with personal data in %d field(s)", kind, len(refusals))
        if kind == "view_submission":
            errors = {block_id: personal_data_field_error(refused.kinds, lang)
                      for block_id, refused in refusals.items()}
            return BoltResponse(
                status=200, body=json.dumps({"response_action": "errors", "errors": errors}),
                headers={"content-type": ["application/json;charset=utf-8"]})
        found = tuple(sorted({k for refused in refusals.values() for k in refused.kinds}))
        reply = compose(Refused("personal_data", found), lang)
        channel = ((body.get("channel") or {}).get("id")
                   or (body.get("container") or {}).get("channel_id"))
        if channel and user:
            try:
                client.chat_postEphemeral(channel=channel, user=user, **blocks.message(reply))
            except Exception as error:  # noqa: BLE001 - the refusal stands without the notice
                log.warning("could not tell the user why (%s)", type(error).__name__)
        return BoltResponse(status=200, body="")

