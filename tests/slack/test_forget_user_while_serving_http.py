"""`actiebot forget-user` run as a process of its own next to a serving app: the serving
process, which had the user in kept answers and in its resolution index, shows them no more in
`wie` nor in the update modal's activity picker. forget-user rewrites titles with bulk SQL; the
read cache's rule (bot/services/answers.py) makes every process drop what it kept from that."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.conftest import run_cli
from tests.conftest import load_examples
from tests.slack.conftest import start_app
from tests.slack.test_surfaces_http import opened_view

USER = "U0FORGET1"
ADMIN = "U0ADMIN01"
PROGRAMME = f"""
programme: {{key: avg-serve, name: "AVG terwijl de bot draait", timezone: Europe/Amsterdam}}
working_groups:
  - key: wg-overleg
    name: "Werkgroep Overleg"
    channel: C0OVERLEG1
    members: {{"Veilig Thuis": [{USER}]}}
activities:
  - key: overleg-wijkteams
    title: "Overleg wijkteams, trekker <@{USER}>"
    owners: ["Veilig Thuis"]
    working_group: wg-overleg
    due: "december 2021"
  - key: scholing
    title: "Scholing professionals"
    owners: ["GGD"]
    working_group: wg-overleg
    due: "juni 2022"
"""


def options(app: Any, view: dict[str, Any], typed: str) -> str:
    picker = next(b for b in view["blocks"] if b.get("block_id") == "activity")
    suggestion = {"type": "block_suggestion", "user": {"id": ADMIN}, "team": {"id": "T0001"},
                  "api_app_id": "A0ACTIEBOT", "action_id": picker["element"]["action_id"],
                  "block_id": "activity", "value": typed,
                  "view": {"id": "V0FAKE", "type": "modal", "callback_id": view["callback_id"]}}
    reply = app.client.action(suggestion)
    assert reply.status == 200
    return json.dumps(reply.json(), ensure_ascii=False)


def test_forget_user_in_another_process_reaches_the_serving_process(
        sqlite_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> None:
    path = tmp_path / "avg.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    app, server = start_app(settings_for(sqlite_url, slack_api_url=fake_slack.url,
                                         admins=frozenset({ADMIN})), load=False)
    try:
        load_examples(app.deps, path)
        assert USER in app.client.command("wie overleg wijkteams").text  # kept now
        app.client.command("update", user=ADMIN, channel="C0OVERLEG1")
        view = opened_view(fake_slack)
        assert USER in options(app, view, "overleg")  # the resolution index holds the title

        forgotten = run_cli("forget-user", USER, env={"DATABASE_URL": sqlite_url})
        assert forgotten.returncode == 0, forgotten.stderr

        answer = app.client.command("wie overleg wijkteams").text
        assert USER not in answer and "Overleg wijkteams" in answer
        picked = options(app, view, "overleg")
        assert USER not in picked and "Overleg wijkteams" in picked
    finally:
        server.shutdown()
        server.server_close()
        app.engine.dispose()
