"""Slack's escaping, once (issue 9): the one place that knows `&amp;`, `&lt;` and `&gt;`.

* **In**: Slack escapes `&`, `<` and `>` in slash-command text (the manifest's
  `should_escape`) and wraps mentions and links in markup: `<@U123>`, `<#C123|name>`,
  `<https://…|label>`, `<!here>`. :func:`from_slack` turns the text between markup back into
  what the user typed ("B&amp;W &gt; 1 mei" → "B&W > 1 mei") and leaves every markup token
  exactly as Slack sent it, so mentions stay recognisable (forget-user finds `<@U123>`). The
  bot stores that plain text.
* **Out**: every piece of stored or user-supplied text passes :func:`escape` exactly once when
  it is put into mrkdwn — Block Kit sections and context *and* the `text` fallback, which Slack
  parses the same way. A note can therefore never ping (`<!channel>`), link or format. A Reply's
  `text` is mrkdwn like its sections; :func:`unescape` turns it back for the console.
"""

from __future__ import annotations

import re

_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
# A markup token in text Slack sent: a mention, channel, special mention or link.
_MARKUP = re.compile(r"<[@#!a-zA-Z][^<>\n]{0,3000}>")


def escape(text: str) -> str:
    """Text as a literal in Slack mrkdwn: `&`, `<` and `>` as entities (nothing else changes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """The inverse of :func:`escape`, in one pass ("&amp;lt;" is the text "&lt;")."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def from_slack(text: str | None) -> str | None:
    """Slash-command text as the user typed it; Slack's markup tokens are kept as they came."""
    if not text or "&" not in text:
        return text
    parts: list[str] = []
    position = 0
    for token in _MARKUP.finditer(text):
        parts.append(unescape(text[position:token.start()]))
        parts.append(token.group())
        position = token.end()
    parts.append(unescape(text[position:]))
    return "".join(parts)


def cut(mrkdwn: str, limit: int) -> str:
    """``mrkdwn`` shortened to at most ``limit`` characters with "…", never inside an entity."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    head = mrkdwn[: limit - 1]
    amp = head.rfind("&", max(0, len(head) - 4))
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]
    return head + "…"
