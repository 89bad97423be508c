"""Many workspaces in one deployment (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET).

Wiring, like bot/app.py: slack_sdk's SQLAlchemy installation and OAuth state stores on the
app's own database (their tables come from migration 0019, never `create_tables()`), Bolt's
`OAuthSettings` around them, and the token of each workspace for what the bot posts on its own
(handlers/workspaces.py).

- The OAuth `state` is a random nonce signed with SLACK_STATE_SECRET (HMAC-SHA256) and kept in
  the state store for ten minutes: a state that is not ours is refused before any database
  look-up, and one of ours works once.
- An install records the workspace (storage/workspaces.py); an uninstall or a revoked bot token
  removes its installation rows at once, and the scheduler purges its data after
  ACTIEBOT_RETENTION_DAYS.
- Tokens stay in the installation store: never logged (bot/logging_setup.py redacts any
  `xox…-` string), never exported (storage/models.py declares those tables without their
  token columns), never printed by a command.
- Token rotation: Bolt's `InstallationStoreAuthorize` refreshes an expiring token for requests,
  and `bot_token` below does the same for the scheduler's posts (slack_sdk's `TokenRotator`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation.rotator import TokenRotator
from sqlalchemy import Engine

from bot.config import Settings
from bot.services.deps import Deps
from bot.services.reminders import may_have_reminders
from storage import workspaces as stored

log = logging.getLogger("actiebot.installs")

# The bot scopes the app asks for at install: the manifest's `oauth_config.scopes.bot`
# (tests/slack/test_manifest.py holds the two equal).
SCOPES = ("commands", "chat:write", "chat:write.public", "users:read", "channels:read",
          "groups:read", "files:write", "channels:history", "groups:history")
STATE_SECONDS = 600
CHANNEL_MAP_SECONDS = 30.0  # which workspace a channel belongs to, kept this long per process
ROTATE_MINUTES_BEFORE = 120


def workspace_key(team_id: str | None, enterprise_id: str | None,
                  is_enterprise_install: bool | None) -> str | None:
    """The key a programme is imported under: the team, or the org for an org-wide install."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id
    return team_id or enterprise_id


class SignedStateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's SQLAlchemy state store with states signed by SLACK_STATE_SECRET."""

    def __init__(self, secret: str, engine: Engine,
                 expiration_seconds: int = STATE_SECONDS) -> None:
        super().__init__(expiration_seconds=expiration_seconds, engine=engine,
                         logger=logging.getLogger("actiebot.installs.state"))
        self._secret = secret.encode()

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._secret, nonce.encode(), hashlib.sha256).hexdigest()

    def issue(self, *args: object, **kwargs: object) -> str:
        nonce = secrets.token_urlsafe(24)
        state = f"{nonce}.{self._sign(nonce)}"
        expire_at = normalize_datetime_for_db(
            datetime.fromtimestamp(time.time() + self.expiration_seconds, tz=UTC))
        with self.engine.begin() as connection:
            connection.execute(self.oauth_states.insert(),
                               {"state": state, "expire_at": expire_at})
        return state

    def consume(self, state: str) -> bool:
        nonce, _, signature = (state or "").rpartition(".")
        if not nonce or not hmac.compare_digest(signature.encode(), self._sign(nonce).encode()):
            log.warning("refused an OAuth state that was not signed by this deployment")
            return False
        return bool(super().consume(state))


class WorkspaceInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy installation store that also records the workspace (name,
    installed at) for `actiebot workspaces` and the retention rule."""

    def __init__(self, client_id: str, engine: Engine) -> None:
        super().__init__(client_id=client_id, engine=engine,
                         logger=logging.getLogger("actiebot.installs.store"))

    def save(self, installation: Installation) -> None:
        super().save(installation)
        key = workspace_key(installation.team_id, installation.enterprise_id,
                            installation.is_enterprise_install)
        if key:
            stored.record_install(
                self.engine, key, installation.enterprise_id,
                installation.team_name or installation.enterprise_name, datetime.now(UTC))
            log.info("installed in workspace %s", key)


class Installs:
    """The stores, the OAuth settings, and a bot token per workspace and per channel."""

    def __init__(self, settings: Settings, engine: Engine,
                 clock: Callable[[], float] = time.monotonic) -> None:
        assert settings.slack_client_id and settings.slack_client_secret
        assert settings.slack_state_secret
        self.settings = settings
        self.engine = engine
        self.store = WorkspaceInstallationStore(settings.slack_client_id, engine)
        self.states = SignedStateStore(settings.slack_state_secret, engine)
        self._clock = clock
        self._lock = threading.Lock()
        self._channels: tuple[float, dict[str, set[str]]] | None = None
        self._rotator = TokenRotator(
            client_id=settings.slack_client_id, client_secret=settings.slack_client_secret,
            client=WebClient(base_url=settings.slack_api_url))

    def oauth_settings(self) -> OAuthSettings:
        settings = self.settings
        oauth = OAuthSettings(
            client_id=settings.slack_client_id, client_secret=settings.slack_client_secret,
            scopes=list(SCOPES), installation_store=self.store, state_store=self.states,
            install_path="/slack/install", redirect_uri_path="/slack/oauth_redirect",
            state_expiration_seconds=STATE_SECONDS,
            logger=logging.getLogger("actiebot.installs.oauth"))
        # Bolt's default asks auth.test before every request; the installation already says
        # who the bot is, so once per token and process is enough (a revoked token's
        # installation is deleted, and a rotated one is a new key).
        oauth.authorize = InstallationStoreAuthorize(
            logger=logging.getLogger("actiebot.installs.authorize"),
            client_id=settings.slack_client_id, client_secret=settings.slack_client_secret,
            installation_store=self.store, cache_enabled=True,
            token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE)
        return oauth

    # -- tokens for what the bot does on its own ----------------------------------------

    def bot_token(self, workspace: str) -> str | None:
        """The workspace's bot token, rotated first when it is about to expire; None when the
        app is not installed there (any more)."""
        org = workspace.startswith("E")
        bot = self.store.find_bot(enterprise_id=workspace if org else None,
                                  team_id=None if org else workspace,
                                  is_enterprise_install=org)
        if bot is None:
            return None
        if bot.bot_refresh_token:
            try:
                refreshed = self._rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE)
            except Exception as error:  # noqa: BLE001 - Slack down: try the token we have
                log.warning("token rotation for workspace %s failed (%s)", workspace,
                            type(error).__name__)
                refreshed = None
            if refreshed is not None:
                self.store.save_bot(refreshed)
                bot = refreshed
        return bot.bot_token

    def installed(self) -> list[str]:
        """The workspaces installed now, each swept on its own (bot/scheduler.py)."""
        return sorted(stored.installed_teams(self.engine))

    def with_reminders_due(self, deps: Deps) -> list[str]:
        """The installed workspaces whose reminder sweep can find something due today, decided
        for all of them from one read (`reminder_outlooks`) by the sweep's own horizon
        (bot/services/reminders.py `may_have_reminders`). The others have no open item that
        close to its deadline: sweeping them would open their programmes to plan nothing, a
        cost per installed workspace instead of per reminder."""
        today = deps.today()
        outlooks = stored.reminder_outlooks(self.engine)
        return [workspace for workspace in self.installed()
                if (outlook := outlooks.get(workspace)) is not None
                and may_have_reminders(deps, today, outlook.earliest_due, outlook.calendars,
                                       outlook.policies)]

    def workspaces_of_channel(self, channel: str) -> set[str]:
        now = self._clock()
        with self._lock:
            if self._channels is None or now - self._channels[0] > CHANNEL_MAP_SECONDS:
                self._channels = (now, stored.channel_workspaces(self.engine))
            return set(self._channels[1].get(channel, ()))

    def token_for_channel(self, channel: str) -> str | None:
        """The token of the workspace whose programme uses the channel (any of them, for a
        Slack Connect channel two workspaces share: both bots are in it)."""
        for workspace in sorted(self.workspaces_of_channel(channel)):
            token = self.bot_token(workspace)
            if token:
                return token
        return None

    def uninstalled(self, workspace: str) -> None:
        stored.record_uninstall(self.engine, workspace, datetime.now(UTC))
        with self._lock:
            self._channels = None

    def purge_expired(self, now: datetime | None = None) -> list[stored.Purged]:
        """The scheduler's retention rule: every workspace uninstalled more than
        ACTIEBOT_RETENTION_DAYS ago is purged completely (storage/workspaces.py)."""
        now = now or datetime.now(UTC)
        purged = []
        for team in stored.due_for_purge(self.engine, now, self.settings.retention_days):
            done = stored.purge_workspace(self.engine, team)
            log.info("workspace %s purged %d days after its uninstall: %d programmes, "
                     "%d ledger rows", team, self.settings.retention_days,
                     len(done.programmes), done.deliveries)
            purged.append(done)
        with self._lock:
            self._channels = None
        return purged
