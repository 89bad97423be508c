"""Block Kit as Slack checks it: slack_sdk.models' own validation plus the documented limits
(api.slack.com/reference/block-kit) that the models do not enforce.

`check_message(body)` for chat.postMessage / ack bodies, `check_view(view)` for modals and the
Home tab. Each raises AssertionError naming the limit that was broken.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
LIMITS = {  # (block or element type, field) -> max characters
    ("section", "text"): 3000,
    ("header", "text"): 150,
    ("button", "text"): 75,
    ("button", "value"): 2000,
    ("input", "label"): 2000,
    ("input", "hint"): 2000,
    ("option", "text"): 75,
    ("option", "value"): 150,
    ("option", "description"): 75,
    ("option_group", "label"): 75,
}
MAX_OPTIONS = 100
MAX_ID = 255


def _text(value: Any) -> str:
    return value.get("text", "") if isinstance(value, dict) else str(value or "")


def _walk(node: Any, problems: list[str], where: str) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _walk(item, problems, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if "value" in node and "text" in node and kind is None:
        kind = "option"
    if "label" in node and "options" in node and kind is None:
        kind = "option_group"
    for (limited, field), limit in LIMITS.items():
        if kind == limited and field in node and len(_text(node[field])) > limit:
            problems.append(f"{where}: {kind}.{field} longer than {limit}")
    for field in ("action_id", "block_id", "callback_id"):
        if isinstance(node.get(field), str) and len(node[field]) > MAX_ID:
            problems.append(f"{where}: {field} longer than {MAX_ID}")
    if isinstance(node.get("options"), list) and len(node["options"]) > MAX_OPTIONS:
        problems.append(f"{where}: more than {MAX_OPTIONS} options")
    if kind == "context" and len(node.get("elements", [])) > 10:
        problems.append(f"{where}: more than 10 context elements")
    if kind == "actions" and len(node.get("elements", [])) > 25:
        problems.append(f"{where}: more than 25 action elements")
    if kind == "plain_text_input":
        initial, most = node.get("initial_value"), node.get("max_length")
        if initial is not None and most is not None and len(initial) > most:
            problems.append(f"{where}: initial_value longer than max_length")
    for key, value in node.items():
        _walk(value, problems, f"{where}.{key}")


def _unique_ids(blocks: list[dict[str, Any]], problems: list[str]) -> None:
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(ids) != len(set(ids)):
        problems.append("block_id not unique")
    for block in blocks:
        elements = block.get("elements") or []
        action_ids = [e["action_id"] for e in elements if isinstance(e, dict) and "action_id" in e]
        if len(action_ids) != len(set(action_ids)):
            problems.append("action_id not unique within a block")


def check_blocks(blocks: list[dict[str, Any]], most: int) -> list[str]:
    problems: list[str] = []
    if len(blocks) > most:
        problems.append(f"{len(blocks)} blocks, more than {most}")
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()
    _walk(blocks, problems, "blocks")
    _unique_ids(blocks, problems)
    return problems


def check_message(body: dict[str, Any]) -> None:
    """A message: a plain `text` fallback and at most 50 valid blocks."""
    text = body.get("text")
    assert isinstance(text, str) and text.strip(), "a message needs a plain text fallback"
    blocks = body.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    problems = check_blocks(blocks, MESSAGE_BLOCKS)
    assert not problems, problems


def check_view(view: dict[str, Any] | str) -> None:
    """A modal or Home view: Slack's view limits and every block valid."""
    if isinstance(view, str):
        view = json.loads(view)
    assert isinstance(view, dict)
    View(**view).validate_json()  # title/submit/close 24, private_metadata 3000, callback_id 255
    problems = check_blocks(view.get("blocks") or [], VIEW_BLOCKS)
    if view.get("type") == "modal":
        assert view.get("title"), "a modal needs a title"
        if any(b.get("type") == "input" for b in view.get("blocks") or []):
            assert view.get("submit"), "a modal with inputs needs a submit button"
    assert not problems, problems
