"""Composition root: settings + storage + Slack client -> Deps and a Bolt App."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from sqlalchemy import Engine

import handlers
from bot.config import Settings
from bot.domain import tenancy
from bot.domain.ports import Clock, Notifier
from bot.domain.workdays import WorkCalendar
from bot.logging_setup import install_redaction
from bot.services import Deps
from bot.services.answers import ReadCache
from bot.services.deps import SystemClock
from handlers.authorize import bolt_authorize
from handlers.channels import SlackChannelDirectory, quick_client
from handlers.delivery import SlackNotifier, make_client
from handlers.workspaces import RoutedChannelDirectory, RoutedNotifier, SlackOrganisations
from storage.db import REQUEST_STATEMENT, REQUEST_WAIT, create_db_engine, upgrade
from storage.uow import SqlUnitOfWorkFactory

if TYPE_CHECKING:  # imported only in many-workspace mode: slack_sdk's stores need greenlet
    from bot.installs import Installs


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    deps: Deps
    installs: Installs | None = None  # many-workspace mode


class _DropTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client's token wins, or that our
    `authorize` (handlers/authorize.py) replaces it: both are meant."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "`token` will be unused" not in message and "will be ignored" not in message


def quiet_slack_loggers() -> None:
    """At DEBUG/INFO these log payloads and rejected bodies: keep them at WARNING."""
    for name in ("slack_bolt", "slack_sdk", "slack_bolt.App", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)
    bolt = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _DropTokenNotice) for f in bolt.filters):
        bolt.addFilter(_DropTokenNotice())


def build_runtime(
    settings: Settings, *, migrate: bool = True, clock: Clock | None = None,
    notifier: Notifier | None = None, serving: bool = False,
) -> Runtime:
    """``serving``: the engine of a process that answers Slack, whose lock waits are bounded
    so that a change is acknowledged in time (storage/db.py REQUEST_WAIT)."""
    engine = create_db_engine(settings.database_url)
    if migrate:
        upgrade(engine)  # migrations may wait for their locks
    if serving:
        engine.dispose()
        engine = create_db_engine(settings.database_url, REQUEST_WAIT, REQUEST_STATEMENT)
    cache = ReadCache(settings.cache_bytes, answers=settings.answer_cache)
    deps = Deps(
        uow=SqlUnitOfWorkFactory(engine, kept=cache),
        clock=clock or SystemClock(),
        calendar=WorkCalendar(),
        timezone=settings.timezone,
        command=settings.command,
        admins=settings.admins,
        notifier=notifier,
        answers=cache,
    )
    installs = None
    if settings.many_workspaces:
        from bot.installs import Installs

        installs = Installs(settings, engine)
        deps = replace(deps, channels=RoutedChannelDirectory(installs.token_for_channel,
                                                             settings.slack_api_url))
        if deps.notifier is None:
            deps = replace(deps, notifier=RoutedNotifier(
                installs.token_for_channel, settings.slack_api_url, settings.language,
                settings.timezone))
        deps = replace(deps, organisations=_partners_of_many(settings, installs))
    return Runtime(settings, engine, deps, installs)


def _partners_of_many(settings: Settings, installs: Installs) -> SlackOrganisations:
    """Partner organisations in many-workspace mode: the served workspace is the request's
    (bot/domain/tenancy.py); `team.info` is asked with its token."""
    clients: dict[str, WebClient] = {}

    def client() -> WebClient | None:
        served = tenancy.current()
        token = installs.bot_token(served) if served and served != tenancy.NOBODY else None
        if not token:
            return None
        if token not in clients:
            if len(clients) > 1000:
                clients.clear()
            clients[token] = quick_client(make_client(token, settings.slack_api_url))
        return clients[token]

    return SlackOrganisations(tenancy.current, client)


def build_client(settings: Settings) -> WebClient:
    return make_client(settings.slack_bot_token, settings.slack_api_url)


AUTHORIZE_REFUSAL = (
    ":warning: Actiebot is niet (meer) geïnstalleerd in deze workspace; vraag een beheerder "
    "om de app opnieuw toe te voegen. · Actiebot is not installed in this workspace (any "
    "more); ask an admin to add the app again.")


def build_app(settings: Settings, deps: Deps, client: WebClient | None = None,
              socket_mode: bool = False, installs: Installs | None = None) -> tuple[App, Deps]:
    """The Bolt app; returns the deps with the Slack notifier wired in. With ``installs``
    (many-workspace mode) Bolt's OAuth flow installs the app and authorizes each request with
    its workspace's installation; otherwise SLACK_BOT_TOKEN serves one workspace."""
    quiet_slack_loggers()
    install_redaction(settings.slack_bot_token, settings.slack_signing_secret,
                      settings.slack_app_token, settings.slack_client_secret,
                      settings.slack_state_secret)  # before App(): Bolt copies the filters
    if installs is not None:
        return _build_oauth_app(settings, deps, installs, client)
    client = client or build_client(settings)
    if deps.notifier is None:
        deps = replace(deps, notifier=SlackNotifier(client, settings.language, settings.timezone))
    if deps.channels is None:
        deps = replace(deps, channels=SlackChannelDirectory(quick_client(client)))
    if deps.organisations is None:
        quick = quick_client(client)
        deps = replace(deps, organisations=SlackOrganisations(lambda: settings.slack_team_id,
                                                              lambda: quick))
    kwargs: dict[str, Any] = {}
    if socket_mode:
        kwargs["request_verification_enabled"] = False
    else:
        kwargs["signing_secret"] = settings.slack_signing_secret
    app = App(
        client=client,
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("slack_bolt.App"),
        # The answer is the listener's return: no thread handoff and no 10 ms ack polling
        # (Bolt's default), and the listeners' Slack calls run after the answer, as lazy
        # listeners (handlers/follow_ups.py). Also in Socket Mode, where the answer goes back
        # over the websocket when the listener returns: only then does Bolt start a lazy
        # listener after its listener (with the default it starts both at once, before the
        # listener queued anything).
        process_before_response=True,
        # our one workspace's token without Bolt's auth.test before the first answer (and
        # before every answer while Slack is unreachable)
        authorize=bolt_authorize(client),
        **kwargs,
    )
    from handlers import replays, workspaces

    replays.register(app, deps)  # before any listener: a replay has no second effect
    workspaces.register(app, None)  # app_uninstalled, tokens_revoked: logged
    workspaces.register_shared_channels(app, _forget_members(deps))
    handlers.register(app, deps, settings)
    return app, deps


def _build_oauth_app(settings: Settings, deps: Deps, installs: Installs,
                     client: WebClient | None) -> tuple[App, Deps]:
    """Many workspaces: no token of our own; each request gets its installation's (Bolt's
    `InstallationStoreAuthorize`), the bot's own posts the channel's workspace's
    (bot/installs.py, handlers/workspaces.py)."""
    from handlers import replays, workspaces

    client = client or make_client(None, settings.slack_api_url)
    deps.uow.require_workspace = True  # type: ignore[attr-defined]  # SqlUnitOfWorkFactory
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        # follow-ups (lazy listeners) run in these threads: they serve the request's workspace
        listener_executor=WorkspaceExecutor(max_workers=5),
        token_verification_enabled=False,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("slack_bolt.App"),
        process_before_response=True,  # as in build_app
        oauth_settings=installs.oauth_settings(),
        user_facing_authorize_error_message=AUTHORIZE_REFUSAL,
    )
    app.middleware(serve_workspace)  # after Bolt's authorization: the installation's workspace
    replays.register(app, deps)
    workspaces.register(app, installs.uninstalled)
    workspaces.register_shared_channels(app, _forget_members(deps))
    handlers.register(app, deps, settings)
    return app, deps


def _forget_members(deps: Deps) -> Callable[[str], None]:
    """Drop a channel's cached member list (channel_shared / channel_unshared)."""
    def forget(channel: str) -> None:
        drop = getattr(deps.channels, "forget", None)
        if drop is not None:
            drop(channel)
    return forget


def serve_workspace(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Everything the request does, and every unit of work it opens, serves the workspace Bolt
    authorized it for (its installation): storage/tenancy.py filters every query by it. Bolt
    runs the listeners after the middleware has returned, so the workspace is set for the rest
    of the request's context, which bot/wsgi.py opens afresh for every request."""
    from bot.installs import workspace_key

    result = context.authorize_result
    workspace = workspace_key(
        result.team_id if result else context.team_id,
        result.enterprise_id if result else context.enterprise_id,
        context.is_enterprise_install) if result is not None else None
    tenancy.enter(workspace)  # for the rest of this request's context (bot/wsgi.py)
    return next()


class WorkspaceExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in the context of whoever submitted them: a follow-up
    serves the workspace of the request that queued it."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)
