"""Recurring work end to end over HTTP, as the Kennemerland example has it (Projectgroep breed,
2x per jaar from september 2021): the reminders of `actiebot remind --at` and the App Home tab
show the current occurrence, `update … gereed` moves on to the next, `geschiedenis` lists them."""

from __future__ import annotations

import json
from typing import Any

from tests.cli.conftest import run_cli
from tests.slack.blockkit import check_view
from tests.slack.reminder_programme import at, travel
from tests.slack.test_events_http import event_body

GHNT = "C0GHN0001"  # Projectteam GHNT regio Kennemerland's channel (the example)
MEMBER = "U0GHNT001"


def remind(app: Any, fake_slack: Any, moment: str) -> Any:
    return run_cli("remind", "--at", moment, env={
        "DATABASE_URL": app.settings.database_url, "SLACK_API_URL": fake_slack.url,
        "SLACK_BOT_TOKEN": "xoxb-test-token"})


def posted_to(fake_slack: Any, channel: str) -> str:
    return json.dumps(fake_slack.posted(channel), ensure_ascii=False)


def test_reminders_home_and_history_follow_the_current_occurrence(app: Any,
                                                                  fake_slack: Any) -> None:
    fake_slack.join(GHNT, MEMBER)
    # 10 working days before 30 September 2021: the first occurrence is reminded
    first = remind(app, fake_slack, "2021-09-16T09:00:00+02:00")
    assert first.returncode == 0, first.stderr
    sent = posted_to(fake_slack, GHNT)
    assert "projectgroep-breed" in sent and "september 2021" in sent
    # held: the activity moves on to the next occurrence
    with travel(at(2021, 10, 4, 10)):
        reply = app.client.command("update projectgroep-breed gereed eerste keer gehouden",
                                   user=MEMBER, channel=GHNT)
    assert reply.status == 200 and "gereed" in reply.text
    fake_slack.reset()
    # 10 working days before 31 March 2022: the second occurrence, not the first again
    second = remind(app, fake_slack, "2022-03-17T09:00:00+01:00")
    assert second.returncode == 0, second.stderr
    lines = [line for line in second.stdout.splitlines() if "projectgroep-breed" in line]
    assert len(lines) == 1, second.stdout
    assert lines[0].split()[:6] == ["sent", GHNT, "before-10",
                                    "kennemerland-2021/projectgroep-breed:", "maart", "2022"]
    bundle = posted_to(fake_slack, GHNT)
    assert "Projectgroep breed" in bundle and "maart 2022" in bundle
    # the App Home tab: the next occurrence is due soon, nothing of it is overdue
    fake_slack.reset()
    with travel(at(2022, 3, 1, 10)):
        home = app.client.post(event_body({"type": "app_home_opened", "user": MEMBER,
                                           "tab": "home", "channel": "D1"}), "application/json")
        assert home.status == 200
        [call] = fake_slack.wait_for("views.publish")
    view = call.body["view"]
    check_view(view)
    blocks = [json.dumps(b, ensure_ascii=False) for b in view["blocks"]]
    lines = [b for b in blocks if "projectgroep-breed" in b or "Projectgroep breed" in b]
    assert lines and any("maart 2022" in b for b in lines), lines
    assert not any("september 2021" in b for b in lines), lines
    # geschiedenis: every occurrence, the first held, the second current
    history = app.client.command("geschiedenis projectgroep-breed", user=MEMBER).text
    assert "Terugkerend (2x per jaar), 7 keer" in history
    [held] = [line for line in history.splitlines() if line.startswith("1. september 2021")]
    assert "gereed" in held and "← nu" not in held
    [current] = [line for line in history.splitlines() if line.startswith("2. maart 2022")]
    assert "niet gestart" in current and "← nu" in current
    assert "(1e keer)" in history and "eerste keer gehouden" in history
