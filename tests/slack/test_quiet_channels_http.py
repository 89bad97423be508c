"""Quiet channels: one sweep posts at most one top-level reminder message per
channel — a short list, details and buttons in sections and in its thread — within Block Kit's
limits and Slack's one message a second per channel, each reminder exactly once; a reminder
marked Gereed is rewritten with its new status."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import select

from storage.models import ActivityRow
from tests.slack.conftest import start_app
from tests.slack.reminder_programme import (
    CHANNEL_A,
    at,
    ledger,
    load_programme,
    notifying,
    sweep_on,
    texts,
    travel,
    write_programme,
)

QUIET = "C0QUIET01"
MEMBER = "U0MEMBER1"
TWELVE = "".join(f"""\
  - key: q-{i:02d}
    title: "Activiteit nummer {i:02d} van de werkgroep"
    owners: ["Werkgroep Q"]
    working_group: wg-q
    due: "15 november 2021"
""" for i in range(1, 13))
PROGRAMME = f"""\
programme:
  key: quiet-2021
  name: "Rustig programma"
  timezone: Europe/Amsterdam
  admin_channel: C0QADMIN1
working_groups:
  - key: wg-q
    name: "Werkgroep Q"
    channel: {QUIET}
activities:
{TWELVE}"""


@pytest.fixture
def qapp(db_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> Any:
    running, server = start_app(settings_for(db_url, slack_api_url=fake_slack.url), load=False)
    load_programme(running.deps, write_programme(tmp_path, PROGRAMME))
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def _blocks(body: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = body.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def _values(body: dict[str, Any], action_id: str = "actie_done") -> list[str]:
    return [e["value"] for b in _blocks(body) if b["type"] == "actions"
            for e in b["elements"] if e["action_id"] == action_id]


def _within_block_kit(body: dict[str, Any]) -> None:
    blocks = _blocks(body)
    assert 0 < len(blocks) <= 50
    assert len(body["text"]) <= 3000
    for block in blocks:
        Block.parse(block).validate_json()
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    assert len(json.dumps(blocks, ensure_ascii=False)) < 12_000


def test_twelve_reminders_due_the_same_day_make_one_top_level_post(qapp, fake_slack) -> None:
    deps = notifying(qapp.deps, fake_slack)
    report = sweep_on(deps, at(2021, 11, 8))
    assert sum(p.state == "sent" for p in report.plans) == 12
    posts = fake_slack.posted(QUIET)
    top = [b for b in posts if not b.get("thread_ts")]
    replies = [b for b in posts if b.get("thread_ts")]
    assert len(top) == 1 and len(top) <= 2
    rows = ledger(qapp.engine)
    parent = next(r for k, r in rows.items() if k.startswith("reminder-bundle:")
                  and ":part-" not in k)
    assert replies and all(b["thread_ts"] == parent.message_ts for b in replies)
    for body in posts:
        _within_block_kit(body)
    # every reminder once, with its buttons, in the message or its thread
    values = [v for body in posts for v in _values(body)]
    assert sorted(values) == [f"quiet-2021/q-{i:02d}|activity" for i in range(1, 13)]
    listed = texts(top)[0]
    assert all(f"q-{i:02d}" in listed for i in range(1, 13))  # the short list names all
    assert "12 herinneringen" in listed and "Werkgroep Q" in listed
    # exactly once in the ledger: each reminder's own row, folded into the one bundle
    items = {k: r for k, r in rows.items() if k.startswith("reminder:")}
    assert len(items) == 12 and {r.state for r in items.values()} == {"folded"}
    assert {r.state for k, r in rows.items() if k.startswith("reminder-bundle:")} == {"sent"}
    # one message a second per channel
    calls = [c for c in fake_slack.calls_to("chat.postMessage") if c.body.get("channel") == QUIET]
    assert all(later.at - earlier.at >= 0.9 for earlier, later in itertools.pairwise(calls)), [c.at for c in calls]
    # the same sweep again: nothing new
    again = sweep_on(deps, at(2021, 11, 8, 10))
    assert again.plans == () and len(fake_slack.posted(QUIET)) == len(posts)


def _press(running: Any, channel: str, ts: str, value: str, user: str) -> Any:
    payload = {
        "type": "block_actions", "api_app_id": "A0ACTIEBOT", "token": "legacy",
        "team": {"id": "T0001", "domain": "gemeente"},
        "user": {"id": user, "username": "member", "name": "member", "team_id": "T0001"},
        "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                      "is_ephemeral": False},
        "channel": {"id": channel, "name": "werkgroep"},
        "message": {"type": "message", "ts": ts, "text": "x", "blocks": []},
        "trigger_id": "1.2.3", "response_url": "https://hooks.slack.invalid/actions/1",
        "actions": [{"action_id": "actie_done", "block_id": "b1", "type": "button",
                     "value": value, "action_ts": "1636360000.000100"}],
    }
    return running.client.action(payload)


def test_gereed_in_a_bundle_rewrites_that_item_with_its_new_status(qapp, fake_slack) -> None:
    deps = notifying(qapp.deps, fake_slack)
    sweep_on(deps, at(2021, 11, 8))
    parent = next(r for k, r in ledger(qapp.engine).items()
                  if k.startswith("reminder-bundle:") and ":part-" not in k)
    top = next(b for b in fake_slack.posted(QUIET) if not b.get("thread_ts"))
    clicked = _values(top)[0]
    others = _values(top)[1:]
    fake_slack.join(QUIET, MEMBER)
    with travel(at(2021, 11, 8, 10)):
        assert _press(qapp, QUIET, parent.message_ts, clicked, MEMBER).status == 200
        update = fake_slack.wait_for("chat.update")[0].body
    key = clicked.split("|")[0].split("/")[1]
    with qapp.engine.connect() as connection:
        status = connection.execute(select(ActivityRow.status)
                                    .where(ActivityRow.key == key)).scalar_one()
    assert status == "done"
    assert update["ts"] == parent.message_ts and update["channel"] == QUIET
    _within_block_kit(update)
    assert _values(update) == others  # its buttons gone, the others' kept
    rewritten = json.dumps(_blocks(update), ensure_ascii=False)
    section = next(b["text"]["text"] for b in _blocks(update)
                   if b["type"] == "section" and f"`{key}`" in b["text"]["text"]
                   and "Status:" in b["text"]["text"])
    assert "gereed" in section and "niet gestart" not in section
    assert "✅ Activiteit nummer" in rewritten and f"<@{MEMBER}>" in rewritten  # list + trace


def test_gereed_on_a_single_reminder_rewrites_its_status(
        db_url, fake_slack, settings_for, tmp_path) -> None:
    from tests.slack.reminder_programme import PROGRAMME as SMALL

    running, server = start_app(settings_for(db_url, slack_api_url=fake_slack.url), load=False)
    try:
        load_programme(running.deps, write_programme(tmp_path, SMALL))
        deps = notifying(running.deps, fake_slack)
        sweep_on(deps, at(2021, 10, 15))  # one reminder in channel A: a message of its own
        body = next(b for b in fake_slack.posted(CHANNEL_A) if "Zelfscan" in texts([b])[0])
        assert "niet gestart" in texts([body])[0]
        row = next(r for k, r in ledger(running.engine).items()
                   if k.startswith("reminder:test-2021/a-oktober:"))
        fake_slack.join(CHANNEL_A, MEMBER)
        with travel(at(2021, 10, 15, 10)):
            _press(running, CHANNEL_A, row.message_ts, _values(body)[0], MEMBER)
            update = fake_slack.wait_for("chat.update")[0].body
        said = texts([update])[0]
        assert "gereed" in said and "niet gestart" not in said
        assert _values(update) == []
    finally:
        server.shutdown()
        server.server_close()
        running.engine.dispose()
