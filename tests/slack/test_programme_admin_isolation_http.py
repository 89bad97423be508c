"""Programme admins stay in their programme: one programme's `admins:` may change everything
of that programme and nothing of another one loaded next to it.

Two programmes, each with its own admin. The first programme's admin tries every way of
changing the second one — `update`, `verplaats`, `koppel`, `indicator`, the reminder buttons,
the update modal and the `nieuw` modal — over signed HTTP; every attempt is refused, the
database is unchanged and nothing is announced. The same admin then changes their own
programme, so the refusals are not a broken fixture.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.models import (
    ActivityRow,
    IndicatorValueRow,
    ReminderHoldRow,
    StatusUpdateRow,
    WorkingGroupRow,
)
from tests.slack.conftest import start_app
from tests.slack.reminder_programme import (
    PROGRAMME,
    at,
    load_programme,
    notifying,
    sweep_on,
    texts,
    travel,
)
from tests.slack.test_surfaces_http import (
    new_activity_values,
    opened_view,
    submission,
    update_values,
)

OURS, THEIRS = "U0PADMIN1", "U0PADMIN2"  # the admins of the first and the second programme
THEIR_CHANNEL = "C0PPP0001"

INDICATOR = """\
indicators:
  - {key: KEY-meldingen, name: "Meldingen", unit: aantal, working_group: GROUP}
"""


def programme(key: str, admin: str, letter: str, channel: str) -> str:
    """The reminder programme under another key, with its own admin, groups and channel."""
    text = (PROGRAMME.replace("test-2021", key)
            .replace("  admin_channel: C0ADMIN01\n",
                     f"  admin_channel: C0ADMIN01\n  admins: [{admin}]\n")
            .replace("C0AAA0001", channel).replace("wg-a", f"wg-{letter}")
            .replace("A-groep", f"{letter.upper()}-groep")
            .replace("a-oktober", f"{letter}-oktober").replace("a-december", f"{letter}-december")
            .replace("a-klaar", f"{letter}-klaar"))
    for old in ("wg-b", "wg-c", "B-groep", "C-groep", "b-oktober", "c-oktober",
                "C0BBB0001", "C0CCC0001"):
        text = text.replace(old, f"{key[:3]}-{old}" if not old.startswith("C0")
                            else old[:4] + key[:1].upper() + old[5:])
    return text + INDICATOR.replace("KEY", key).replace("GROUP", f"wg-{letter}")


def snapshot(engine: Any) -> tuple[Any, ...]:
    with engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(StatusUpdateRow)).scalar_one(),
            connection.execute(select(func.count()).select_from(ReminderHoldRow)).scalar_one(),
            connection.execute(select(func.count()).select_from(IndicatorValueRow)).scalar_one(),
            tuple(connection.execute(select(ActivityRow.key, ActivityRow.status,
                                            ActivityRow.due_date)
                                     .order_by(ActivityRow.key)).all()),
            tuple(connection.execute(select(WorkingGroupRow.key, WorkingGroupRow.channel)
                                     .order_by(WorkingGroupRow.key)).all()),
        )


@pytest.fixture
def two(db_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> Any:
    running, server = start_app(settings_for(db_url, slack_api_url=fake_slack.url), load=False)
    for key, admin, letter, channel in (("ons-2021", OURS, "o", "C0OOO0001"),
                                        ("hun-2021", THEIRS, "p", THEIR_CHANNEL)):
        path = tmp_path / f"{key}.yaml"
        path.write_text(programme(key, admin, letter, channel), encoding="utf-8")
        load_programme(running.deps, path)
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def _press(running: Any, channel: str, ts: str, value: str, action_id: str, user: str) -> Any:
    return running.client.action({
        "type": "block_actions", "api_app_id": "A0ACTIEBOT",
        "team": {"id": "T0001", "domain": "gemeente"},
        "user": {"id": user, "team_id": "T0001"},
        "container": {"type": "message", "message_ts": ts, "channel_id": channel},
        "channel": {"id": channel}, "message": {"type": "message", "ts": ts, "text": "x"},
        "response_url": "https://hooks.slack.invalid/actions/1",
        "actions": [{"action_id": action_id, "block_id": "b1", "type": "button",
                     "value": value, "action_ts": "1634281200.000100"}],
    })


def test_one_programmes_admin_is_refused_everywhere_in_another(two: Any, fake_slack: Any) -> None:
    deps = notifying(two.deps, fake_slack)
    sweep_on(deps, at(2021, 10, 22))  # reminders with buttons in both programmes' channels
    [reminder] = [b for b in fake_slack.posted(THEIR_CHANNEL) if "Zelfscan" in texts([b])[0]]
    blocks = reminder["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    buttons = {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions"
               for e in b["elements"]}
    fake_slack.reset()
    before = snapshot(two.engine)

    refusals = [two.client.command(text, user=OURS, channel="C0ELDERS1") for text in (
        "update p-oktober risico loopt uit",
        "update hun-2021/p-oktober gereed",
        "verplaats p-oktober december 2021 later begonnen",
        "koppel P-groep",
        "indicator hun-2021-meldingen 2021 12",
    )]
    for reply in refusals:
        assert reply.status == 200
        # a refusal that names their admins as the ones who may, never ours
        assert "Er is niets veranderd" in reply.text, reply.text
        assert f"<@{THEIRS}>" in reply.text and OURS not in reply.text

    with travel(at(2021, 10, 22, 10)):
        for action_id in ("actie_done", "actie_snooze"):
            _press(two, THEIR_CHANNEL, "1634886000.000100", buttons[action_id], action_id, OURS)
        fake_slack.wait_for("chat.postEphemeral", 2)

    # the update modal, opened on the admin's own activity, submitted with theirs
    two.client.command("update o-oktober", user=OURS)
    view = opened_view(fake_slack)
    view["private_metadata"] = json.dumps(
        {**json.loads(view["private_metadata"]), "a": "hun-2021/p-oktober"})
    modal = two.client.action(submission(view, update_values("done", "klaar"), user=OURS)).json()
    assert modal["response_action"] == "errors"

    # the nieuw modal offers only the admin's own groups; a forged group of theirs is refused
    two.client.command("nieuw Iets van ons", user=OURS)
    new_view = opened_view(fake_slack, 2)
    group_block = next(b for b in new_view["blocks"] if b.get("block_id") == "group")
    offered = {o["value"] for o in group_block["element"].get("options", [])} | {
        o["value"] for g in group_block["element"].get("option_groups", []) for o in g["options"]}
    assert offered and all(v.startswith("ons-2021/") for v in offered)
    forged = two.client.action(submission(
        new_view, new_activity_values("Iets van ons", "hun-2021/wg-p"), user=OURS)).json()
    assert forged["response_action"] == "errors" and "group" in forged["errors"]

    assert snapshot(two.engine) == before
    assert fake_slack.posted() == [] and fake_slack.calls_to("chat.update") == []
    assert fake_slack.calls_to("views.update") == []

    # their own admin may do all of it; ours may in their own programme
    assert "Opgeslagen" in two.client.command("update p-oktober risico loopt uit",
                                              user=THEIRS).text
    assert "Opgeslagen" in two.client.command("update o-oktober risico loopt uit",
                                              user=OURS).text
    assert "gekoppeld" in two.client.command("koppel O-groep", user=OURS,
                                             channel="C0ONSNIEUW").text
