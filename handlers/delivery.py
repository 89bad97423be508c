"""SlackNotifier: ports.Notifier on slack_sdk's WebClient with its retry handlers.

A post is never retried blindly: a timeout, a dropped connection or a 5xx may come after Slack
stored the message, so the client that posts retries only 429s (Slack did nothing); every other
failure is reported as uncertain, and the delivery ledger looks the message up by its metadata
(`find_posted`) before it posts again (bot/services/delivery.py).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.domain.ports import Lookup, PostResult
from handlers.render import blocks
from handlers.render.messages import compose

log = logging.getLogger(__name__)


def make_client(token: str | None, base_url: str, timeout: int = 10) -> WebClient:
    """A WebClient that honours 429 Retry-After and retries 5xx and dropped connections."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=3),
        ],
    )


EVENT_TYPE = "actiebot_delivery"  # Slack message metadata: {"key": <delivery ledger key>}
# At most 50 x 200 messages are read to find an earlier attempt. A look that stops before it
# reached the attempt's time cannot tell (a busy channel): it is never taken for "not posted".
HISTORY_PAGES = 50
# Look-up errors that mean the bot cannot see (so most likely could not post in) the channel.
UNREADABLE = frozenset({"channel_not_found", "not_in_channel", "is_archived", "thread_not_found",
                        "missing_scope"})


# The longest a post waits in all for Slack's Retry-After before it reports "ratelimited" and
# leaves the row to the ledger's retry: with the client's timeouts it keeps one attempt well
# inside its ledger lease (bot/services/delivery.py LEASE, 60 s). A post that waited past its
# lease would go out while another process, finding the row free and the message not in the
# channel, posts it too.
RATE_LIMIT_WAIT = 20.0


class BoundedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (waits Retry-After, then tries again), as long as the waits of
    one call stay within ``budget`` seconds in all."""

    def __init__(self, max_retry_count: int, budget: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.budget = budget

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        assert response is not None  # a 429 came with its answer
        headers = {k.lower(): v for k, v in response.headers.items()}
        value = headers.get("retry-after")
        try:
            wait = float(value[0] if isinstance(value, list) else value) if value else 1.0
        except ValueError:
            wait = 1.0
        values = state.custom_values if state.custom_values is not None else {}
        waited = float(values.get("waited", 0.0))
        if waited + wait > self.budget:
            return False
        values["waited"] = waited + wait
        state.custom_values = values
        return True


def posting_client(client: WebClient) -> WebClient:
    """The same client, retrying only what Slack certainly did not do (429), and waiting for
    it at most RATE_LIMIT_WAIT seconds in all."""
    return WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout,
                     retry_handlers=[BoundedRateLimitRetryHandler(5, RATE_LIMIT_WAIT)])


class SlackNotifier:
    def __init__(self, client: WebClient, language: str, timezone: str) -> None:
        self.client = client
        self.poster = posting_client(client)
        self.language = language
        self.timezone = timezone

    def post(self, channel: str, message: Any, thread_ts: str | None = None,
             key: str | None = None) -> PostResult:
        reply = compose(message, self.language, self.timezone)
        payload = blocks.message(reply)
        if key is not None:
            payload["metadata"] = {"event_type": EVENT_TYPE, "event_payload": {"key": key}}
        try:
            response = self.poster.chat_postMessage(
                channel=channel, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False,
                **payload,
            )
        except SlackApiError as error:
            code = str(error.response.get("error") or f"http_{error.response.status_code}")
            status = error.response.status_code
            return PostResult(False, error=code, retryable=status == 429 or status >= 500,
                              uncertain=status >= 500)
        except Exception as error:  # noqa: BLE001 - an outage is reported, never raised
            log.warning("chat.postMessage failed: %s", type(error).__name__)
            refused = isinstance(getattr(error, "reason", None), ConnectionRefusedError)
            return PostResult(False, error="connection_error", retryable=True,
                              uncertain=not refused, answered=False)
        return PostResult(True, ts=str(response.get("ts")) if response.get("ts") else None)

    def find_posted(self, channel: str, key: str, since: datetime,
                    thread_ts: str | None = None) -> Lookup:
        """Look for a message carrying ``key`` posted since ``since`` (conversations.history,
        or conversations.replies in a thread), newest first, at most HISTORY_PAGES pages; when
        those end before ``since`` the answer is unknown, never "not posted"."""
        oldest = f"{min(since.timestamp(), time.time() - 600):.6f}"
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                if thread_ts:
                    response = self.client.conversations_replies(
                        channel=channel, ts=thread_ts, oldest=oldest, limit=200,
                        include_all_metadata=True, cursor=cursor)
                else:
                    response = self.client.conversations_history(
                        channel=channel, oldest=oldest, limit=200, include_all_metadata=True,
                        cursor=cursor)
            except SlackApiError as error:
                code = str(error.response.get("error") or "")
                if code in UNREADABLE:
                    if code == "missing_scope":
                        log.error("cannot read channel history to avoid double posts: add the "
                                  "channels:history and groups:history scopes to the Slack app")
                    return Lookup(None)
                log.warning("looking up an earlier post failed: %s", code or "http error")
                return Lookup(None, known=False)
            except Exception as error:  # noqa: BLE001 - an outage is reported, never raised
                log.warning("looking up an earlier post failed: %s", type(error).__name__)
                return Lookup(None, known=False)
            for found in response.get("messages") or []:
                metadata = found.get("metadata") or {}
                if (metadata.get("event_type") == EVENT_TYPE
                        and (metadata.get("event_payload") or {}).get("key") == key):
                    return Lookup(str(found.get("ts")))
            cursor = ((response.get("response_metadata") or {}).get("next_cursor")) or None
            if not cursor:
                return Lookup(None)
        log.warning("looking up an earlier post: more than %d messages since the attempt in %s",
                    HISTORY_PAGES * 200, channel)
        return Lookup(None, known=False)


class PrintNotifier:
    """Used by the console and the CLI without Slack: prints what would be posted."""

    def __init__(self, language: str, timezone: str, out: Any = None) -> None:
        self.language, self.timezone, self.out = language, timezone, out

    def post(self, channel: str, message: Any, thread_ts: str | None = None,
             key: str | None = None) -> PostResult:
        from handlers.render.text import render

        text = render(compose(message, self.language, self.timezone))
        where = f"#{channel}" if not channel.startswith("#") else channel
        print(f"[{where}] {text}", file=self.out)
        return PostResult(True, ts=None)

    def find_posted(self, channel: str, key: str, since: datetime,
                    thread_ts: str | None = None) -> Lookup:
        return Lookup(None)  # printed, never posted: nothing to find
