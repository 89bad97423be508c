"""`actiebot forget-user U… --workspace T…` in a deployment that serves two workspaces, on
SQLite and PostgreSQL: a partner user known in both (a member link, updates in the log, a
mention in a title) is forgotten in one workspace only. The serving process's answers in that
workspace — `wie`, `geschiedenis`, the update modal's activity picker — lose the id at once;
the other workspace's answers and rows keep it until `forget-user` runs without `--workspace`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from storage.models import MemberRow, StatusUpdateRow
from tests.slack.test_workspaces_http import (  # noqa: F401 - fixtures
    CHANNEL_A,
    CHANNEL_B,
    TEAM_A,
    TEAM_B,
    cli,
    import_into,
    many,
    two,
)

PARTNER = "U0VT00001"  # linked under members: in both programmes (tests/slack/reminder_programme)


def titled(key: str, channel: str) -> str:
    """A small programme whose activity title names the partner, for the picker."""
    return f"""
programme: {{key: {key}, name: "Overleg {key}", timezone: Europe/Amsterdam}}
working_groups:
  - {{key: wg-overleg, name: "Werkgroep Overleg {key}", channel: {channel}}}
activities:
  - key: {key}-overleg
    title: "Overleg wijkteams {key}, trekker <@{PARTNER}>"
    owners: ["Veilig Thuis"]
    working_group: wg-overleg
    due: "december 2021"
"""


def picked(running: Any, team: str, typed: str) -> str:
    reply = running.client.action({
        "type": "block_suggestion", "user": {"id": "U0SOMEONE", "team_id": team},
        "team": {"id": team}, "api_app_id": "A0ACTIEBOT", "action_id": "actie_pick_activity",
        "block_id": "activity", "value": typed,
        "view": {"id": "V0", "type": "modal", "callback_id": "actie_update_modal"}})
    assert reply.status == 200
    return json.dumps(reply.json(), ensure_ascii=False)


def ask(running: Any, team: str, channel: str, text: str) -> str:
    reply = running.client.command(text, user="U0SOMEONE", team=team, channel=channel)
    assert reply.status == 200
    return str(reply.text)


def held(engine: Any) -> tuple[int, int]:
    """(log rows written by the partner, member links of the partner), all workspaces."""
    with engine.connect() as connection:
        return (connection.execute(select(func.count()).select_from(StatusUpdateRow)
                                   .where(StatusUpdateRow.author == PARTNER)).scalar_one(),
                connection.execute(select(func.count()).select_from(MemberRow)
                                   .where(MemberRow.slack_user_id == PARTNER)).scalar_one())


def test_forget_user_in_one_workspace_leaves_the_other_and_then_all(
        two: Any, fake_slack: Any) -> None:  # noqa: F811 - the imported fixture
    assert import_into(two, titled("ova", CHANNEL_A), "ova.yaml", TEAM_A).returncode == 0
    assert import_into(two, titled("ovb", CHANNEL_B), "ovb.yaml", TEAM_B).returncode == 0
    fake_slack.join(CHANNEL_A, PARTNER)
    fake_slack.join(CHANNEL_B, PARTNER)
    for team, channel, key in ((TEAM_A, CHANNEL_A, "a-oktober"), (TEAM_B, CHANNEL_B, "p-oktober")):
        done = two.client.command(f"update {key} risico loopt uit", user=PARTNER, team=team,
                                  channel=channel)
        assert "Opgeslagen" in done.text, done.text

    def seen() -> dict[str, bool]:
        """Where the serving process still shows the partner's id."""
        return {
            "wie A": PARTNER in ask(two, TEAM_A, CHANNEL_A, "wie a-oktober"),
            "geschiedenis A": PARTNER in ask(two, TEAM_A, CHANNEL_A, "geschiedenis a-oktober"),
            "picker A": PARTNER in picked(two, TEAM_A, "overleg"),
            "wie B": PARTNER in ask(two, TEAM_B, CHANNEL_B, "wie p-oktober"),
            "geschiedenis B": PARTNER in ask(two, TEAM_B, CHANNEL_B, "geschiedenis p-oktober"),
            "picker B": PARTNER in picked(two, TEAM_B, "overleg"),
        }

    assert all(seen().values()), seen()  # kept in the answers and the index now
    assert held(two.engine) == (2, 2)

    unknown = cli(two, "forget-user", PARTNER, "--workspace", "T0NOTHERE")
    assert unknown.returncode == 1 and "no workspace T0NOTHERE" in unknown.stderr
    assert TEAM_A in unknown.stderr  # the known ones are named
    malformed = cli(two, "forget-user", PARTNER, "--workspace", "kennemerland")
    assert malformed.returncode == 2
    assert held(two.engine) == (2, 2)

    dry = cli(two, "forget-user", PARTNER, "--workspace", TEAM_A, "--dry-run")
    assert dry.returncode == 0 and f"in workspace {TEAM_A}" in dry.stdout
    assert held(two.engine) == (2, 2)

    once = cli(two, "forget-user", PARTNER, "--workspace", TEAM_A)
    assert once.returncode == 0, once.stderr
    assert f"in workspace {TEAM_A}" in once.stdout
    assert "1 update(s) in the log" in once.stdout
    assert "1 working-group member link(s) removed" in once.stdout
    assert "another workspace" in once.stderr  # B's rows still name the partner, and it says so
    assert held(two.engine) == (1, 1)
    assert seen() == {"wie A": False, "geschiedenis A": False, "picker A": False,
                      "wie B": True, "geschiedenis B": True, "picker B": True}
    assert "Zelfscan" in ask(two, TEAM_A, CHANNEL_A, "wie a-oktober")  # still answered
    assert "ova-overleg" in picked(two, TEAM_A, "overleg")

    again = cli(two, "forget-user", PARTNER, "--workspace", TEAM_A)
    assert again.returncode == 0 and "nothing to forget in workspace" in again.stdout

    everywhere = cli(two, "forget-user", PARTNER)
    assert everywhere.returncode == 0, everywhere.stderr
    assert held(two.engine) == (0, 0)
    assert not any(seen().values()), seen()
