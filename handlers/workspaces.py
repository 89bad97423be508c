"""Many workspaces: every Slack call made outside a request goes out with the token of the
workspace the channel belongs to.

A request's own calls (views.open, chat.postEphemeral, users.info …) use Bolt's context client,
which Bolt authorized with that request's installation. What the bot does on its own — posting
announcements, reminders and digests, asking who is in a group's channel — is routed here by
channel: the channel's programme was imported into one workspace, whose installation gives the
token (bot/installs.py). A channel of no installed workspace gets no call at all.

`app_uninstalled` and `tokens_revoked` (the bot's token) end an installation at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import App

from bot.domain import tenancy
from bot.domain.ports import Lookup, PostResult
from handlers.channels import SlackChannelDirectory, quick_client
from handlers.delivery import SlackNotifier, make_client

log = logging.getLogger(__name__)

TokenForChannel = Callable[[str], "str | None"]
NOT_INSTALLED = "not_installed"  # our code for "no workspace of ours has this channel now"


class _ClientsByToken:
    """One client per token (a rotated token gets a new one); a few hundred at most."""

    def __init__(self, base_url: str, make: Callable[[str, str], Any]) -> None:
        self.base_url = base_url
        self._make = make
        self._lock = threading.Lock()
        self._made: dict[str, Any] = {}

    def get(self, token: str) -> Any:
        with self._lock:
            made = self._made.get(token)
            if made is None:
                if len(self._made) > 1000:  # tokens rotated many times over: start afresh
                    self._made.clear()
                made = self._made[token] = self._make(token, self.base_url)
            return made


class RoutedNotifier:
    """ports.Notifier over many workspaces: the channel's workspace's token for each post."""

    def __init__(self, token_for: TokenForChannel, base_url: str, language: str,
                 timezone: str) -> None:
        self.token_for = token_for
        self._notifiers = _ClientsByToken(
            base_url, lambda token, url: SlackNotifier(make_client(token, url), language,
                                                       timezone))

    def _notifier(self, channel: str) -> SlackNotifier | None:
        token = self.token_for(channel)
        return self._notifiers.get(token) if token else None

    def post(self, channel: str, message: Any, thread_ts: str | None = None,
             key: str | None = None) -> PostResult:
        notifier = self._notifier(channel)
        if notifier is None:
            return PostResult(False, error=NOT_INSTALLED)
        return notifier.post(channel, message, thread_ts=thread_ts, key=key)

    def find_posted(self, channel: str, key: str, since: datetime,
                    thread_ts: str | None = None) -> Lookup:
        notifier = self._notifier(channel)
        if notifier is None:
            return Lookup(None, known=False)  # nobody can tell; and nothing will be posted
        return notifier.find_posted(channel, key, since, thread_ts=thread_ts)


PARTNER_FALLBACK = "partnerorganisatie"  # Slack did not say which: still never the id
PARTNER_NAME_SECONDS = 3600.0  # a name Slack gave; a failed look-up is tried again sooner
PARTNER_RETRY_SECONDS = 60.0


class SlackOrganisations:
    """ports.Organisations on Slack: the served workspace (``home``: SLACK_TEAM_ID with one
    workspace, the request's installation with many) and `team.info` of a partner's workspace,
    asked with the served workspace's token and kept per process. Only a change by a partner
    asks, once an hour per partner; while Slack cannot say, the partner is
    "partnerorganisatie". Grid: an org-wide install serves several teams of one enterprise,
    none of which is a partner, so nobody is under an enterprise id."""

    def __init__(self, home: Callable[[], str | None], client: Callable[[], Any | None],
                 clock: Callable[[], float] | None = None) -> None:
        import time

        self._home = home
        self._client = client
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._names: dict[str, tuple[str, float]] = {}

    def partner(self, team_id: str) -> str | None:
        home = self._home()
        if not home or home == tenancy.NOBODY or home.startswith("E") or team_id == home:
            return None
        with self._lock:
            known = self._names.get(team_id)
        if known is not None and known[1] > self._clock():
            return known[0]
        name, keep = self._ask(team_id)
        with self._lock:
            if len(self._names) > 10_000:
                self._names.clear()
            self._names[team_id] = (name, self._clock() + keep)
        return name

    def _ask(self, team_id: str) -> tuple[str, float]:
        client = self._client()
        if client is None:
            return PARTNER_FALLBACK, PARTNER_RETRY_SECONDS
        try:
            found = client.team_info(team=team_id).get("team") or {}
        except Exception as error:  # noqa: BLE001 - refused, rate-limited or down: say "partner"
            log.info("team.info for a partner workspace failed (%s)", type(error).__name__)
            return PARTNER_FALLBACK, PARTNER_RETRY_SECONDS
        name = " ".join(str(found.get("name") or "").split())[:200]
        return (name, PARTNER_NAME_SECONDS) if name else (PARTNER_FALLBACK,
                                                          PARTNER_RETRY_SECONDS)


class RoutedChannelDirectory:
    """ports.ChannelDirectory over many workspaces: `conversations.members` asked with the
    token of the workspace the channel belongs to; None (refuse) for a channel of none."""

    def __init__(self, token_for: TokenForChannel, base_url: str) -> None:
        self.token_for = token_for
        self._directories = _ClientsByToken(
            base_url, lambda token, url: SlackChannelDirectory(quick_client(
                make_client(token, url))))

    def members(self, channel: str) -> frozenset[str] | None:
        token = self.token_for(channel)
        if not token:
            return None
        directory: SlackChannelDirectory = self._directories.get(token)
        return directory.members(channel)

    def forget(self, channel: str) -> None:
        token = self.token_for(channel)
        if token:
            self._directories.get(token).forget(channel)


def register(app: App, uninstalled: Callable[[str], None] | None) -> None:
    """`app_uninstalled`, and `tokens_revoked` naming a bot token: the workspace's installation
    is removed at once (`uninstalled(workspace)`); its data waits for the retention period.
    With one workspace (SLACK_BOT_TOKEN, ``uninstalled`` None) there is no installation to
    remove: the event is logged for the operator and nothing is deleted."""

    def single(workspace: str) -> None:
        log.warning("the app was uninstalled from workspace %s (or its bot token revoked): "
                    "SLACK_BOT_TOKEN no longer works; the data is kept", workspace)

    uninstalled = uninstalled or single

    def workspace_of(body: dict[str, Any]) -> str | None:
        enterprise = body.get("enterprise_id")
        team = body.get("team_id")
        if body.get("is_enterprise_install") and enterprise:
            return str(enterprise)
        return str(team) if team else (str(enterprise) if enterprise else None)

    def on_app_uninstalled(body: dict[str, Any]) -> None:
        workspace = workspace_of(body)
        if workspace:
            uninstalled(workspace)
            log.info("app_uninstalled from workspace %s handled", workspace)

    def on_tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        tokens = event.get("tokens") or {}
        workspace = workspace_of(body)
        if workspace and tokens.get("bot"):  # a user token alone is nothing of ours
            uninstalled(workspace)
            log.info("tokens_revoked (bot) in workspace %s handled", workspace)

    app.event("app_uninstalled")(on_app_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)


def register_shared_channels(app: App, forget: Callable[[str], None]) -> None:
    """`channel_shared` / `channel_unshared`: a channel gained or lost a partner organisation,
    so who is in it changed: its cached member list (the permission rule's) is dropped at once
    instead of after its few minutes. A working group's channel may be a shared one."""

    def on_channel_shared(event: dict[str, Any]) -> None:
        channel = str(event.get("channel") or "")
        if channel:
            forget(channel)
            log.info("channel %s shared with another organisation: its members are asked anew",
                     channel)

    def on_channel_unshared(event: dict[str, Any]) -> None:
        channel = str(event.get("channel") or "")
        if channel:
            forget(channel)
            log.info("channel %s no longer shared with an organisation: its members are asked "
                     "anew", channel)

    app.event("channel_shared")(on_channel_shared)
    app.event("channel_unshared")(on_channel_unshared)
