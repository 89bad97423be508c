"""Bolt's authorize step for our one workspace, without a Web API call while a user waits.

Bolt's single-workspace default calls `auth.test` before the first answer of every process,
and, until one call succeeds, again before every answer: with Slack slow or unreachable each
command then waits out the client's timeout and retries before it is answered (measured
in-process: ~2.4 s per request), and Slack gives 3 s. The bot token is ours already; the
bot's own ids (Bolt uses them only to ignore the bot's own events) are learned by one
`auth.test` in the background, tried again after a pause when it fails. Until then the
answer simply carries no bot ids.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

log = logging.getLogger("actiebot.authorize")

LOOKUP_TIMEOUT_SECONDS = 5  # in the background: nobody waits for it
PAUSE_AFTER_FAILURE_SECONDS = 60.0


def bolt_authorize(client: Any) -> Callable[..., AuthorizeResult]:
    """Bolt's `authorize` for the app's client (a plain function: Bolt passes the arguments
    its parameters name)."""
    identity = BotIdentity(client)

    def authorize(enterprise_id: str | None, team_id: str | None,
                  user_id: str | None) -> AuthorizeResult:
        return identity.result(enterprise_id, team_id, user_id)

    return authorize


class BotIdentity:
    """The token, and the bot's ids once known."""

    def __init__(self, client: Any, clock: Callable[[], float] = time.monotonic) -> None:
        self.token: str | None = getattr(client, "token", None)
        self._client = WebClient(token=self.token,
                                 base_url=getattr(client, "base_url", WebClient.BASE_URL),
                                 timeout=LOOKUP_TIMEOUT_SECONDS, retry_handlers=[])
        self._clock = clock
        self._lock = threading.Lock()
        self._ids: tuple[str | None, str | None] | None = None  # (bot user id, bot id)
        self._next_try = 0.0
        self._asking = False

    def result(self, enterprise_id: str | None, team_id: str | None,
               user_id: str | None) -> AuthorizeResult:
        ids = self.ids()
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id,
                               bot_token=self.token, bot_user_id=ids[0], bot_id=ids[1])

    def ids(self) -> tuple[str | None, str | None]:
        """The bot's (user id, bot id), or (None, None) while not known; never waits."""
        with self._lock:
            if self._ids is not None:
                return self._ids
            if self._asking or self._clock() < self._next_try:
                return (None, None)
            self._asking = True
        threading.Thread(target=self._learn, name="actiebot-auth-test", daemon=True).start()
        return (None, None)

    def _learn(self) -> None:
        ids: tuple[str | None, str | None] | None = None
        try:
            response = self._client.auth_test()
            ids = (response.get("user_id"), response.get("bot_id"))
        except Exception as error:  # noqa: BLE001 - Slack down or the token refused: try later
            log.warning("auth.test failed (%s); the bot's ids are asked again in %.0f s",
                        type(error).__name__, PAUSE_AFTER_FAILURE_SECONDS)
        with self._lock:
            self._asking = False
            if ids is not None:
                self._ids = ids
            else:
                self._next_try = self._clock() + PAUSE_AFTER_FAILURE_SECONDS
