"""A Reply as plain text for the console and the CLI (same wording as Slack)."""

from __future__ import annotations

import re

from handlers.render.messages import Reply
from handlers.render.mrkdwn import unescape

_MENTION = re.compile(r"<([@#])([A-Z0-9]+)(?:\|([^>]*))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)_(?![\w_])")


def plain(mrkdwn: str) -> str:
    text = _MENTION.sub(lambda m: (m.group(1) + (m.group(3) or m.group(2))), mrkdwn)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = text.replace("`", "")
    return unescape(text)


def render(reply: Reply) -> str:
    parts = [plain(s) for s in reply.sections] or [plain(reply.text)]
    if reply.context:
        parts.append(plain(reply.context))
    return "\n".join(parts)
