"""Events API: the App Home tab is a dashboard of the user's work (views.publish).

The event is acknowledged at once; the dashboard is built and published after that answer
(handlers/follow_ups.py)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App, BoltContext

from bot.config import Settings
from bot.services import Actor, Deps, changes, users
from handlers.follow_ups import after_answer, run_follow_ups
from handlers.render import home

log = logging.getLogger(__name__)


def publish_home(deps: Deps, settings: Settings, client: Any, user: str) -> None:
    lang = users.language(deps, user, settings.language)
    result = changes.dashboard(deps, Actor(user_id=user, source="home"))
    view = home.home_view(result, lang, settings.command, deps.timezone)
    client.views_publish(user_id=user, view=view.to_dict())


def register(app: App, deps: Deps, settings: Settings) -> None:
    def on_home_opened(event: dict[str, Any], client: Any, context: BoltContext) -> None:
        user = str(event.get("user") or "")
        if not user or event.get("tab", "home") != "home":
            return
        after_answer(context, partial(publish_home, deps, settings, client, user))

    app.event("app_home_opened")(ack=on_home_opened, lazy=[run_follow_ups])
