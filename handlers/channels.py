"""SlackChannelDirectory: ports.ChannelDirectory on `conversations.members`, briefly cached.

Who may change a group's activities depends on who is in its channel
(bot/services/permissions.py). Slack's answer (every page of it) is kept for ``ttl`` seconds,
at most five minutes, per process. When Slack cannot answer, ``members`` returns None (and
nothing is cached) and the caller refuses: an outage never grants a permission.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

MAX_TTL = 300.0
MAX_PAGES = 100  # 100 pages of 1000: larger channels are not working groups
TIMEOUT = 2  # seconds: the answer to a slash command or a click must leave within Slack's 3 s


def quick_client(client: WebClient) -> WebClient:
    """A client for questions asked while a user waits: short timeout, no retries (a slow or
    rate-limited Slack means a polite "try again", not a missed acknowledgement)."""
    return WebClient(token=client.token, base_url=client.base_url, timeout=TIMEOUT,
                     retry_handlers=[])


class SlackChannelDirectory:
    def __init__(self, client: Any, ttl: float = 120.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.ttl = min(ttl, MAX_TTL)
        self._clock = clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def members(self, channel: str) -> frozenset[str] | None:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(channel)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        fetched = self._fetch(channel)
        if fetched is None:
            return None
        with self._lock:
            self._cache[channel] = (now, fetched)
        return fetched

    def forget(self, channel: str) -> None:
        with self._lock:
            self._cache.pop(channel, None)

    def _fetch(self, channel: str) -> frozenset[str] | None:
        users: set[str] = set()
        cursor: str | None = None
        try:
            for _ in range(MAX_PAGES):
                kwargs: dict[str, Any] = {"channel": channel, "limit": 1000}
                if cursor:
                    kwargs["cursor"] = cursor
                response = self.client.conversations_members(**kwargs)
                users.update(str(u) for u in response.get("members") or ())
                cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    return frozenset(users)
        except SlackApiError as error:
            log.warning("conversations.members for %s failed: %s", channel,
                        error.response.get("error") or error.response.status_code)
            return None
        except Exception as error:  # noqa: BLE001 - an outage refuses, never raises
            log.warning("conversations.members for %s failed: %s", channel,
                        type(error).__name__)
            return None
        log.warning("conversations.members for %s: more than %d pages, not used", channel,
                    MAX_PAGES)
        return None
