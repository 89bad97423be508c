"""Slack's escaping, once: the one place that knows `&amp;`, `&lt;` and `&gt;`.

* **In**: Slack escapes `&`, `<` and `>` in slash-command text (the manifest's
  `should_escape`) and wraps mentions and links in markup: `<@U123>`, `<#C123|name>`,
  `<https://…|label>`, `<!here>`. :func:`from_slack` (bot/domain/slack_text.py, where the
  command table's one parse uses it) turns the text between markup back into what the user
  typed ("B&amp;W &gt; 1 mei" → "B&W > 1 mei") and leaves every markup token exactly as Slack
  sent it, so mentions stay recognisable (forget-user finds `<@U123>`). The bot stores that
  plain text.
* **Out**: every piece of stored or user-supplied text passes :func:`escape` exactly once when
  it is put into mrkdwn — Block Kit sections and context *and* the `text` fallback, which Slack
  parses the same way. A note can therefore never ping (`<!channel>`), link or format. A Reply's
  `text` is mrkdwn like its sections; :func:`unescape` turns it back for the console.
"""

from __future__ import annotations

from bot.domain.slack_text import from_slack, unescape

__all__ = ["cut", "escape", "from_slack", "unescape"]


def escape(text: str) -> str:
    """Text as a literal in Slack mrkdwn: `&`, `<` and `>` as entities (nothing else changes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(mrkdwn: str, limit: int) -> str:
    """``mrkdwn`` shortened to at most ``limit`` characters with "…", never inside an entity."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    head = mrkdwn[: limit - 1]
    amp = head.rfind("&", max(0, len(head) - 4))
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]
    return head + "…"
