"""Everything Slack-shaped. `register` wires each surface's listeners onto a Bolt app."""

from __future__ import annotations

from slack_bolt import App

from bot.config import Settings
from bot.services import Deps


def register(app: App, deps: Deps, settings: Settings) -> None:
    from handlers import commands, errors, events

    errors.register(app, settings)
    commands.register(app, deps, settings)
    events.register(app, deps, settings)
