"""The message shortcut "Voortgang loggen": the update modal, the message's link in the note.

The shortcut is acknowledged at once; the link (chat.getPermalink) and the modal (views.open,
within the trigger's 3 seconds) follow the answer (handlers/follow_ups.py)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.config import Settings
from bot.services import Actor, Deps, changes, users
from handlers import ids
from handlers.follow_ups import after_answer, run_follow_ups
from handlers.views import open_form

log = logging.getLogger(__name__)


def open_log_progress(deps: Deps, settings: Settings, client: Any,
                      shortcut: dict[str, Any]) -> None:
    user = str((shortcut.get("user") or {}).get("id") or "unknown")
    channel = str((shortcut.get("channel") or {}).get("id") or "")
    ts = str((shortcut.get("message") or {}).get("ts") or "")
    link = ""
    if channel and ts:
        try:
            link = str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
        except Exception as error:  # noqa: BLE001 - the modal opens without the link
            log.info("no permalink for the shortcut (%s)", type(error).__name__)
    actor = Actor(user_id=user, channel_id=channel or None, source="modal")
    lang = users.language(deps, user, settings.language)
    form = changes.update_form(deps, None, actor, note=link)
    open_form(client, str(shortcut.get("trigger_id") or ""), form, lang, channel or None)


def register(app: App, deps: Deps, settings: Settings) -> None:
    def on_log_progress(ack: Ack, shortcut: dict[str, Any], client: Any,
                        context: BoltContext) -> None:
        ack()
        after_answer(context, partial(open_log_progress, deps, settings, client, shortcut))

    app.shortcut(ids.SHORTCUT_LOG_PROGRESS)(ack=on_log_progress, lazy=[run_follow_ups])
