"""Slack's escaping of typed text, undone once: the one place that knows `&amp;`, `&lt;` and
`&gt;` on the way in.

Slack escapes `&`, `<` and `>` in slash-command text (the manifest's `should_escape`) and wraps
mentions and links in markup: `<@U123>`, `<#C123|name>`, `<https://…|label>`, `<!here>`.
`from_slack` turns the text between markup back into what the user typed ("B&amp;W &gt; 1 mei"
→ "B&W > 1 mei") and leaves every markup token exactly as Slack sent it, so mentions stay
recognisable (forget-user finds `<@U123>`). The way out (escaping for mrkdwn) is
handlers/render/mrkdwn.py.
"""

from __future__ import annotations

import re

_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
# A markup token in text Slack sent: a mention, channel, special mention or link.
_MARKUP = re.compile(r"<[@#!a-zA-Z][^<>\n]{0,3000}>")


def unescape(text: str) -> str:
    """`&amp;`, `&lt;`, `&gt;` back to `&`, `<`, `>`, in one pass ("&amp;lt;" is "&lt;")."""
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
