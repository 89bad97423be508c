"""A user's Slack locale before the first answer: `users.info`, quick or not at all.

The slash command must be answered within Slack's 3 seconds, so the lookup gets its own client
with a short timeout and no retries (the app's client waits and retries for posts that matter).
It runs once per user (bot/services/users.py remembers the answer).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from slack_sdk import WebClient

from bot.services.users import LocaleLookup

LOOKUP_TIMEOUT_SECONDS = 2  # whole seconds (WebClient); the answer still fits in Slack's 3 s
# After a failed lookup (Slack slow or down), skip lookups for a while: during an outage every
# command would otherwise wait the full timeout before it answers.
PAUSE_AFTER_FAILURE_SECONDS = 120.0


class SlackUnavailable(Exception):
    """A recent lookup failed: not asking again yet."""


def locale_lookup(client: Any) -> LocaleLookup:
    quick = WebClient(token=getattr(client, "token", None),
                      base_url=getattr(client, "base_url", WebClient.BASE_URL),
                      timeout=LOOKUP_TIMEOUT_SECONDS, retry_handlers=[])

    lock = threading.Lock()
    paused_until = [0.0]

    def lookup(user_id: str) -> str | None:
        with lock:
            if time.monotonic() < paused_until[0]:
                raise SlackUnavailable("users.info failed recently")
        try:
            response = quick.users_info(user=user_id, include_locale=True)
        except Exception:
            with lock:
                paused_until[0] = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
            raise
        return str((response.get("user") or {}).get("locale") or "") or None

    return lookup


class LocaleLookups:
    """One `locale_lookup` per bot token: with many workspaces each request asks with its own
    workspace's token (Bolt's context client), and one workspace's outage pauses only its own
    look-ups. With one workspace there is one token, hence one look-up, as before."""

    def __init__(self, client: Any) -> None:
        self._base = client
        self._lock = threading.Lock()
        self._lookups: dict[str | None, LocaleLookup] = {}

    def of(self, client: Any) -> LocaleLookup:
        token = getattr(client, "token", None) or getattr(self._base, "token", None)
        with self._lock:
            found = self._lookups.get(token)
            if found is None:
                if len(self._lookups) > 1000:  # rotated tokens: start afresh
                    self._lookups.clear()
                found = self._lookups[token] = locale_lookup(WebClient(
                    token=token, base_url=getattr(self._base, "base_url", WebClient.BASE_URL)))
            return found
