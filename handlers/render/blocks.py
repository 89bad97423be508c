"""A Reply as Block Kit, built with slack_sdk.models and kept inside Slack's limits.

Limits (api.slack.com/reference/block-kit): 50 blocks a message, 3,000 characters a section
text, 10 context elements; the top-level `text` is a notification fallback.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from handlers.render.mrkdwn import cut
from handlers.render.reminders import BundleReply
from handlers.render.wording import ActionReply, Reply

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


def _bundle_blocks(reply: BundleReply) -> list[Block]:
    """A reminder bundle: its list, then each reminder's details with its own buttons; whole
    reminders only, within 50 blocks (the service sends few enough per message)."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=chunk))
                           for section in reply.sections for chunk in _chunks(section)]
    tail: list[Block] = []
    if reply.context:
        tail.append(ContextBlock(elements=[MarkdownTextObject(text=_chunks(reply.context)[0])]))
    for item in reply.items:
        these: list[Block] = [SectionBlock(text=MarkdownTextObject(text=chunk))
                              for section in item.sections for chunk in _chunks(section)]
        actions = actions_block(item)
        if actions is not None:
            these.append(actions)
        if len(blocks) + len(these) + len(tail) + 1 > MAX_BLOCKS:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text="…")]))
            break
        blocks.extend(these)
    return blocks + tail


def to_blocks(reply: Reply) -> list[Block]:
    if isinstance(reply, BundleReply):
        return _bundle_blocks(reply)
    blocks: list[Block] = []
    for section in reply.sections:
        for chunk in _chunks(section):
            blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    tail: list[Block] = []
    actions = actions_block(reply)
    if actions is not None:
        tail.append(actions)
    if reply.context:
        tail.append(ContextBlock(elements=[MarkdownTextObject(text=_chunks(reply.context)[0])]))
    room = MAX_BLOCKS - len(tail)
    if len(blocks) > room:
        blocks = blocks[: room - 1] + [
            ContextBlock(elements=[MarkdownTextObject(text="…")])
        ]
    return blocks + tail


MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ELEMENTS = 25


def actions_block(reply: Reply) -> ActionsBlock | None:
    """The Reply's buttons (reminders: "Gereed", "Herinner me volgende week"), if any."""
    if not isinstance(reply, ActionReply) or not reply.actions:
        return None
    elements = []
    for button in reply.actions[:MAX_ACTION_ELEMENTS]:
        if len(button.value) > MAX_BUTTON_VALUE:
            continue  # never happens for our values (programme/key|target); never post it cut
        elements.append(ButtonElement(
            text=PlainTextObject(text=button.text[:MAX_BUTTON_TEXT], emoji=True),
            action_id=button.action_id, value=button.value, style=button.style,
        ))
    return ActionsBlock(elements=elements) if elements else None


def message(reply: Reply) -> dict[str, Any]:
    """`text` + `blocks` for ack(), respond() or chat.postMessage. Both are mrkdwn that
    messages.py escaped once (handlers/render/mrkdwn.py); nothing is escaped again here."""
    return {"text": cut(reply.text, MAX_FALLBACK),
            "blocks": [b.to_dict() for b in to_blocks(reply)]}


def after_click(blocks: list[dict[str, Any]], trace: str,
                remove_actions: bool) -> list[dict[str, Any]]:
    """A posted reminder's blocks after a button click: the trace line added (and the buttons
    removed once the item is done), within Slack's 50 blocks."""
    kept = [b for b in blocks if not (remove_actions and b.get("type") == "actions")]
    line = ContextBlock(elements=[MarkdownTextObject(text=_chunks(trace)[0])]).to_dict()
    return (kept[: MAX_BLOCKS - 1] + [line]) if trace else kept
