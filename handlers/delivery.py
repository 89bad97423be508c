"""SlackNotifier: ports.Notifier on slack_sdk's WebClient with its retry handlers."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.domain.ports import PostResult
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


class SlackNotifier:
    def __init__(self, client: WebClient, language: str, timezone: str) -> None:
        self.client = client
        self.language = language
        self.timezone = timezone

    def post(self, channel: str, message: Any, thread_ts: str | None = None) -> PostResult:
        reply = compose(message, self.language, self.timezone)
        payload = blocks.message(reply)
        try:
            response = self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False,
                **payload,
            )
        except SlackApiError as error:
            code = str(error.response.get("error") or f"http_{error.response.status_code}")
            status = error.response.status_code
            return PostResult(False, error=code, retryable=status == 429 or status >= 500)
        except Exception as error:  # noqa: BLE001 - an outage is reported, never raised
            log.warning("chat.postMessage failed: %s", type(error).__name__)
            return PostResult(False, error="connection_error", retryable=True)
        return PostResult(True, ts=str(response.get("ts")) if response.get("ts") else None)


class PrintNotifier:
    """Used by the console and the CLI without Slack: prints what would be posted."""

    def __init__(self, language: str, timezone: str, out: Any = None) -> None:
        self.language, self.timezone, self.out = language, timezone, out

    def post(self, channel: str, message: Any, thread_ts: str | None = None) -> PostResult:
        from handlers.render.text import render

        text = render(compose(message, self.language, self.timezone))
        where = f"#{channel}" if not channel.startswith("#") else channel
        print(f"[{where}] {text}", file=self.out)
        return PostResult(True, ts=None)
