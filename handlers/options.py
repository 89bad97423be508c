"""Options for external selects (block_suggestion): the update modal's activity picker."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.config import Settings
from bot.services import Actor, Deps, changes, users
from handlers import ids
from handlers.render import modals


def register(app: App, deps: Deps, settings: Settings) -> None:
    @app.options(ids.ACTION_PICK_ACTIVITY)
    def on_activity_options(ack: Ack, body: dict[str, Any]) -> None:
        user = str((body.get("user") or {}).get("id") or "unknown")
        lang = users.language(deps, user, settings.language)
        query = str(body.get("value") or "")[:200]
        result = changes.activity_options(deps, query, Actor(user_id=user, source="modal"))
        ack(**modals.activity_options(result, lang))
