"""Slack Connect: a working group's channel shared with partner organisations (Veilig Thuis,
the police, the GGD each in their own workspace), over signed HTTP with SLACK_TEAM_ID set.

A partner's member carries the partner's team id (`team_id`, `user.team_id`) in a channel Slack
marks as shared (`is_ext_shared_channel`); the host's own team id may appear only in
`authorizations`. Such a member may ask, and may change an activity of the channel's group
under the same rule as anyone (channel membership by `conversations.members`); a refused locale
look-up for an external user falls back to the programme's language without slowing the
answer; `channel_shared` / `channel_unshared` make the channel's members be asked anew.
A modal the partner's member submits names the partner everywhere but
`view.app_installed_team_id`; with OAuth installs that installation serves it.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import ActivityRow, StatusUpdateRow
from tests.slack.conftest import start_app
from tests.slack.test_surfaces_http import opened_view, submission, update_values
from tests.slack.test_workspaces_http import (  # noqa: F401 - fixtures
    CHANNEL_A,
    MEMBER_A,
    TEAM_A,
    TEAM_B,
    TOKEN_A,
    many,
    two,
)

HOST, PARTNER = "T0001", "T0POLITIE"
THV = "C0THV0001"  # Werkgroep Tijdelijk Huisverbod (examples/kennemerland-2021.yaml)
AGENT = "U0AGENT01"  # a police officer, member of the partner workspace
ABSENT = "U0AGENT02"  # a colleague of theirs who is not in the shared channel


@pytest.fixture
def host(db_url: str, fake_slack: Any, settings_for: Any) -> Any:
    running, server = start_app(settings_for(db_url, slack_api_url=fake_slack.url,
                                             slack_team_id=HOST))
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def partner_command(running: Any, text: str, **extra: str) -> Any:
    body = running.client.command_body(text, user=AGENT, channel=THV, team=PARTNER,
                                       is_ext_shared_channel="true", **extra)
    return running.client.post(body, "application/x-www-form-urlencoded")


def updates_by(running: Any, user: str) -> int:
    with running.engine.connect() as connection:
        return len(connection.execute(select(StatusUpdateRow.id)
                                      .where(StatusUpdateRow.author == user)).all())


def test_a_partners_member_may_ask_in_a_shared_channel(host: Any, fake_slack: Any) -> None:
    reply = partner_command(host, "wie THV")
    assert reply.status == 200 and "Tijdelijk Huisverbod" in reply.text
    # a request naming another workspace, outside any shared channel, is still refused
    stranger = host.client.command("wie THV", user=AGENT, channel=THV, team=PARTNER)
    assert stranger.status == 401
    # an interaction whose user is the partner's but which Slack delivered for our
    # installation (`team` and `authorizations` name the host) is ours
    event = {"token": "legacy", "team_id": PARTNER, "api_app_id": "A0ACTIEBOT",
             "type": "event_callback", "event_id": "EvPartnerHome", "event_time": 1,
             "authorizations": [{"team_id": HOST, "user_id": "UBOT", "is_bot": True}],
             "event": {"type": "app_home_opened", "user": AGENT, "tab": "home",
                       "channel": "D1"}}
    assert host.client.post(json.dumps(event), "application/json").status == 200
    fake_slack.wait_for("views.publish")


def test_a_partners_member_may_update_when_in_the_channel_and_not_otherwise(
        host: Any, fake_slack: Any) -> None:
    fake_slack.join(THV, "U0HOST0001", AGENT)  # the channel's members come from two teams
    outsider = host.client.command_body("update THV risico wacht op politie", user=ABSENT,
                                        channel=THV, team=PARTNER, is_ext_shared_channel="true")
    refused = host.client.post(outsider, "application/x-www-form-urlencoded")
    assert "niet wijzigen" in refused.text and updates_by(host, ABSENT) == 0
    allowed = partner_command(host, "update THV risico wacht op politie")
    assert "Opgeslagen" in allowed.text and updates_by(host, AGENT) == 1
    history = partner_command(host, "geschiedenis THV")
    assert AGENT not in history.text  # a partner's id: their organisation instead


def partner_submission(view: dict[str, Any], installed: str, values: Any) -> dict[str, Any]:
    """A modal opened in a shared channel, submitted by a partner's member, as Slack sends it:
    the partner's team everywhere (`team`, `user.team_id`, `view.team_id`) except
    `view.app_installed_team_id`, the installation the modal was opened for."""
    payload = submission(view, values, user=AGENT)
    payload["team"] = {"id": PARTNER, "domain": "politie"}
    payload["user"]["team_id"] = PARTNER
    payload["view"].update(team_id=PARTNER, app_installed_team_id=installed)
    return payload


def partner_click(channel: str, team: str, value: str, action_id: str = "actie_done") -> Any:
    """A button in a shared channel clicked by a partner's member: Slack delivers it for the
    installation whose message it is (`team`), with the user's own team in `user.team_id`."""
    return {"type": "block_actions", "api_app_id": "A0ACTIEBOT", "team": {"id": team},
            "user": {"id": AGENT, "username": "agent", "team_id": PARTNER},
            "container": {"type": "message", "message_ts": "1634886000.000100",
                          "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel, "name": "gedeeld"},
            "message": {"ts": "1634886000.000100", "text": "x"},
            "response_url": "https://hooks.slack.invalid/partner",
            "actions": [{"action_id": action_id, "block_id": "b1", "type": "button",
                         "value": value, "action_ts": "1"}]}


def test_a_partners_modal_and_button_in_a_shared_channel_are_ours(
        host: Any, fake_slack: Any) -> None:
    fake_slack.join(THV, AGENT)
    assert partner_command(host, "update THV").status == 200  # no status: the modal opens
    view = opened_view(fake_slack)
    answer = host.client.action(partner_submission(view, HOST, update_values("at-risk", "wacht")))
    assert answer.status == 200 and answer.json()["response_action"] == "update"
    assert updates_by(host, AGENT) == 1
    # the same submission, not opened for our installation, names only another workspace
    stray = partner_submission(view, PARTNER, update_values("done", "klaar"))
    stray["view"]["id"] = "V0OTHER"
    assert host.client.action(stray).status == 401 and updates_by(host, AGENT) == 1

    ref = json.loads(view["private_metadata"])["a"]  # "programme/key" of THV's activity
    clicked = host.client.action(partner_click(THV, HOST, f"{ref}|activity",
                                               action_id="actie_open_update"))
    assert clicked.status == 200
    assert opened_view(fake_slack, 2)["callback_id"] == "actie_update_modal"  # Bijwerken


def test_a_refused_locale_lookup_for_an_external_user_answers_at_once_in_dutch(
        host: Any, fake_slack: Any) -> None:
    fake_slack.fail("users.info", error="user_not_visible")
    started = time.monotonic()
    reply = partner_command(host, "wanneer THV")
    assert reply.status == 200 and time.monotonic() - started < 2.0
    assert "Tijdelijk Huisverbod" in reply.text and "niet gestart" in reply.text  # Dutch


def test_channel_shared_and_unshared_make_the_members_be_asked_anew(
        host: Any, fake_slack: Any) -> None:
    fake_slack.join(THV, AGENT)
    assert "Opgeslagen" in partner_command(host, "update THV risico een").text
    fake_slack.leave(THV, AGENT)  # the partner organisation left the shared channel
    for kind, extra in (("channel_unshared", {"previously_connected_team_id": PARTNER,
                                              "is_ext_shared": False}),
                        ("channel_shared", {"connected_team_id": "T0GGD0001"})):
        event = {"token": "legacy", "team_id": HOST, "api_app_id": "A0ACTIEBOT",
                 "type": "event_callback", "event_id": f"Ev{kind}", "event_time": 1,
                 "event": {"type": kind, "channel": THV, "event_ts": "1.1", **extra}}
        assert host.client.post(json.dumps(event), "application/json").status == 200
        refused = partner_command(host, "update THV op-schema twee")
        assert "niet wijzigen" in refused.text  # asked anew, not the cached list
    assert updates_by(host, AGENT) == 1


def test_a_partners_update_names_their_organisation_never_their_id(
        host: Any, fake_slack: Any, tmp_path: Any) -> None:
    """In `geschiedenis`, the channel's announcement, the stored log and the reports, an
    update by a partner's member shows the partner's organisation (`team.info`, asked once),
    never the user id from the other workspace; a host member stays a mention."""
    fake_slack.teams[PARTNER] = "Politie Eenheid Noord-Holland"
    fake_slack.join(THV, "U0HOST0001", AGENT)
    assert "Opgeslagen" in partner_command(host, "update THV risico wacht op politie").text
    own = host.client.command("update THV op-schema loopt weer", user="U0HOST0001", team=HOST,
                              channel=THV)
    assert "Opgeslagen" in own.text
    assert "Opgeslagen" in partner_command(host, "update THV risico toch weer").text
    with host.engine.connect() as connection:
        stored = connection.execute(select(StatusUpdateRow.author, StatusUpdateRow.author_org)
                                    .where(StatusUpdateRow.author.in_((AGENT, "U0HOST0001")))
                                    .order_by(StatusUpdateRow.id)).all()
    assert [tuple(row) for row in stored] == [
        (AGENT, "Politie Eenheid Noord-Holland"), ("U0HOST0001", None),
        (AGENT, "Politie Eenheid Noord-Holland")]
    assert [c.body.get("team") for c in fake_slack.calls_to("team.info")] == [PARTNER]  # kept

    for history in (partner_command(host, "geschiedenis THV").text,
                    host.client.command("geschiedenis THV", user="U0HOST0001", team=HOST,
                                        channel=THV).text):
        assert "Politie Eenheid Noord-Holland" in history and AGENT not in history
        assert "<@U0HOST0001>" in history  # our own member: a mention, as before
    wait_until_posted(fake_slack, 3)
    for post in fake_slack.posted():
        assert AGENT not in json.dumps(post, ensure_ascii=False)
    assert any("Politie Eenheid Noord-Holland" in json.dumps(p, ensure_ascii=False)
               for p in fake_slack.posted())

    for args in (("report", "--period", str(datetime.now().year), "--programme", "kennemerland-2021",
                  "--format", "md", "-o", str(tmp_path / "rapport.md")),
                 ("export", "--format", "archive", "--programme", "kennemerland-2021", "-o",
                  str(tmp_path / "archief.zip"))):
        ran = run(host, *args)
        assert ran.returncode == 0, ran.stderr
        assert AGENT not in ran.stdout + ran.stderr
    report = (tmp_path / "rapport.md").read_text(encoding="utf-8")
    assert "Tijdelijk Huisverbod" in report and AGENT not in report
    import zipfile

    with zipfile.ZipFile(tmp_path / "archief.zip") as archive:
        texts = {name: archive.read(name).decode("utf-8", "replace")
                 for name in archive.namelist() if name.endswith((".csv", ".json", ".yaml"))}
    log = next(text for name, text in texts.items() if name.endswith(".csv"))
    assert "Politie Eenheid Noord-Holland" in log and AGENT not in log


def test_a_partner_slack_will_not_name_is_a_partner_organisation_still_no_id(
        host: Any, fake_slack: Any) -> None:
    fake_slack.join(THV, AGENT)  # no team.info for PARTNER in the fake: team_not_found
    assert "Opgeslagen" in partner_command(host, "update THV risico wacht").text
    history = partner_command(host, "geschiedenis THV").text
    assert "partnerorganisatie" in history and AGENT not in history


def wait_until_posted(fake_slack: Any, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(fake_slack.posted()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(fake_slack.posted()) >= count


def run(running: Any, *args: str) -> Any:
    """`actiebot ARGS` in this process against the app's database."""
    import contextlib
    import io
    import os

    from bot.cli import main
    from tests.slack.test_workspaces_http import Ran

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith(("SLACK_", "ACTIEBOT_"))]:
            patch.delenv(name)
        patch.setenv("DATABASE_URL", running.settings.database_url)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:
                code = int(exit_.code or 0)
    return Ran(code, out.getvalue(), err.getvalue())


def test_many_workspaces_a_partners_modal_is_served_for_the_installation_it_was_opened_for(
        two: Any, fake_slack: Any) -> None:  # noqa: F811 - the imported fixture
    """With OAuth installs the partner's workspace need not have the app: its member's modal
    submission is authorized with the installation named in `view.app_installed_team_id`, and
    changes only that workspace's programme."""
    fake_slack.join(CHANNEL_A, AGENT)
    assert two.client.command("update a-oktober", user=MEMBER_A, team=TEAM_A,
                              channel=CHANNEL_A).body == ""
    view = opened_view(fake_slack)
    forged = partner_submission(view, TEAM_B, update_values("done", "klaar"))
    forged["view"]["id"] = "V0FORGED"
    refused = two.client.action(forged)  # B's installation does not know A's activity
    assert refused.status == 200 and refused.json()["response_action"] == "errors"
    assert updates_by(two, AGENT) == 0
    answer = two.client.action(partner_submission(view, TEAM_A, update_values("at-risk", "x")))
    assert answer.status == 200 and answer.json()["response_action"] == "update"
    with two.engine.connect() as connection:
        [(key, status)] = connection.execute(
            select(ActivityRow.key, ActivityRow.status)
            .join(StatusUpdateRow, StatusUpdateRow.activity_id == ActivityRow.id)
            .where(StatusUpdateRow.author == AGENT)).all()
    assert (key, status) == ("a-oktober", "at-risk")
    [announced] = [c for c in fake_slack.wait_for("chat.postMessage")
                   if c.body.get("channel") == CHANNEL_A]
    assert fake_slack.token_of(announced) == TOKEN_A
