"""Events API: the App Home tab shows how to use the bot."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk.models.views import View

from bot.config import Settings
from bot.services import Deps, users
from bot.services.results import HelpAnswer
from handlers.render import blocks
from handlers.render.messages import compose

log = logging.getLogger(__name__)


def home_view(command: str, lang: str) -> View:
    reply = compose(HelpAnswer(command), lang)
    return View(type="home", blocks=blocks.to_blocks(reply))


def register(app: App, deps: Deps, settings: Settings) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], client: Any) -> None:
        user = str(event.get("user") or "")
        if not user or event.get("tab", "home") != "home":
            return
        lang = users.language(deps, user, settings.language)
        client.views_publish(user_id=user, view=home_view(settings.command, lang).to_dict())
