"""A Reply as Block Kit, built with slack_sdk.models and kept inside Slack's limits.

Limits (api.slack.com/reference/block-kit): 50 blocks a message, 3,000 characters a section
text, 10 context elements; the top-level `text` is a notification fallback.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from handlers.render.messages import Reply

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_FALLBACK = 3000


def _chunks(text: str, size: int = MAX_SECTION) -> list[str]:
    """Split on line boundaries into pieces of at most `size` characters."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > size:  # a single enormous line: cut it
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[: size - 1] + "…")
            line = ""
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > size:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def to_blocks(reply: Reply) -> list[Block]:
    blocks: list[Block] = []
    for section in reply.sections:
        for chunk in _chunks(section):
            blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    if reply.context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_chunks(reply.context)[0])]))
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[: MAX_BLOCKS - 1] + [
            ContextBlock(elements=[MarkdownTextObject(text="…")])
        ]
    return blocks


def message(reply: Reply) -> dict[str, Any]:
    """`text` + `blocks` for ack(), respond() or chat.postMessage."""
    text = reply.text if len(reply.text) <= MAX_FALLBACK else reply.text[: MAX_FALLBACK - 1] + "…"
    return {"text": text, "blocks": [b.to_dict() for b in to_blocks(reply)]}
