"""Events API: the App Home tab is a dashboard of the user's work (views.publish)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.config import Settings
from bot.services import Actor, Deps, changes, users
from handlers.render import home

log = logging.getLogger(__name__)


def publish_home(deps: Deps, settings: Settings, client: Any, user: str) -> None:
    lang = users.language(deps, user, settings.language)
    result = changes.dashboard(deps, Actor(user_id=user, source="home"))
    view = home.home_view(result, lang, settings.command, deps.timezone)
    client.views_publish(user_id=user, view=view.to_dict())


def register(app: App, deps: Deps, settings: Settings) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], client: Any) -> None:
        user = str(event.get("user") or "")
        if not user or event.get("tab", "home") != "home":
            return
        publish_home(deps, settings, client, user)
