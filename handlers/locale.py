"""A user's Slack locale before the first answer: `users.info`, quick or not at all.

The slash command must be answered within Slack's 3 seconds, so the lookup gets its own client
with a short timeout and no retries (the app's client waits and retries for posts that matter).
It runs once per user (bot/services/users.py remembers the answer).
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.services.users import LocaleLookup

LOOKUP_TIMEOUT_SECONDS = 2  # whole seconds (WebClient); the answer still fits in Slack's 3 s


def locale_lookup(client: Any) -> LocaleLookup:
    quick = WebClient(token=getattr(client, "token", None),
                      base_url=getattr(client, "base_url", WebClient.BASE_URL),
                      timeout=LOOKUP_TIMEOUT_SECONDS, retry_handlers=[])

    def lookup(user_id: str) -> str | None:
        response = quick.users_info(user=user_id, include_locale=True)
        return str((response.get("user") or {}).get("locale") or "") or None

    return lookup
