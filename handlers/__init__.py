"""Everything Slack-shaped. `register` wires each surface's listeners onto a Bolt app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not at run time: `actiebot serve`'s master imports handlers.render (the
    # CLI's report formats) and must not import Bolt and the services (its workers are forks)
    from slack_bolt import App

    from bot.config import Settings
    from bot.services import Deps


def register(app: App, deps: Deps, settings: Settings) -> None:
    from handlers import commands, errors, events

    errors.register(app, settings)
    from handlers import guards  # privacy guard on typed text: before every listener

    guards.register(app, deps, settings)
    commands.register(app, deps, settings)
    from handlers import actions  # reminder buttons

    actions.register(app, deps, settings)
    events.register(app, deps, settings)
    from handlers import options, shortcuts, views  # modals, picker, shortcut

    views.register(app, deps, settings)
    options.register(app, deps, settings)
    shortcuts.register(app, deps, settings)
