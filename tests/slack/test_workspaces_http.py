"""One deployment, many workspaces, over real HTTP: two workspaces install the app through
Slack's OAuth flow (`GET /slack/install`, `GET /slack/oauth_redirect`, the fake's
`oauth.v2.access`), a programme is imported into each (`actiebot import --workspace`), each
workspace's requests and the scheduler's posts go out with that workspace's own token, and an
uninstall stops everything for that workspace at once and purges its data after the retention
period. Tokens are never printed or exported.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from sqlalchemy import func, select, text

from storage.models import ActivityRow, DeliveryRow, ProgrammeRow, StatusUpdateRow, WorkspaceRow
from tests.slack.conftest import start_app
from tests.slack.reminder_programme import PROGRAMME, at, sweep_on, travel, wait_until
from tests.slack.test_programme_admin_isolation_http import programme

TEAM_A, TEAM_B = "T0AAAAAAA", "T0BBBBBBB"
TOKEN_A, TOKEN_B = "xoxb-aaaa-1111-secret", "xoxb-bbbb-2222-secret"
CHANNEL_A, CHANNEL_B = "C0AAA0001", "C0PPP0001"  # wg-a of test-2021, wg-p of hun-2021
MEMBER_A, MEMBER_B = "U0AMEMBER", "U0BMEMBER"


def _get(base: str, path: str, cookie: str | None = None) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def install(running: Any, fake: Any, team: str, token: str, name: str) -> int:
    """The whole flow as a browser and Slack do it: the install page sets the state cookie and
    links to Slack's authorize URL; Slack redirects back with a code and the state."""
    code = f"code-{team}"
    fake.grant(code, team, token, team_name=name)
    status, page, headers = _get(running.client.base, "/slack/install")
    assert status == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page)
    assert link is not None, page
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [fake.client_id]
    assert "chat:write" in query["scope"][0].split(",")
    state = query["state"][0]
    cookie = {k.lower(): v for k, v in headers.items()}["set-cookie"].split(";")[0]
    assert cookie == f"slack-app-oauth-state={state}"
    status, _page, _headers = _get(
        running.client.base, "/slack/oauth_redirect?" + urlencode({"code": code, "state": state}),
        cookie=cookie)
    return status


@pytest.fixture
def many(db_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> Any:
    settings = settings_for(
        db_url, slack_api_url=fake_slack.url, slack_bot_token=None,
        slack_client_id=fake_slack.client_id, slack_client_secret=fake_slack.client_secret,
        slack_state_secret="a-long-random-state-secret")
    running, server = start_app(settings, load=False)
    running.server = server
    running.tmp = tmp_path
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def env_of(running: Any) -> dict[str, str]:
    s = running.settings
    return {"DATABASE_URL": s.database_url, "SLACK_SIGNING_SECRET": s.slack_signing_secret,
            "SLACK_CLIENT_ID": s.slack_client_id, "SLACK_CLIENT_SECRET": s.slack_client_secret,
            "SLACK_STATE_SECRET": s.slack_state_secret}


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def cli(running: Any, *args: str, stdin: str = "") -> Ran:
    """`actiebot ARGS` in this process (a subprocess costs seconds each): the same `main`,
    the environment of the running app."""
    from bot.cli import main

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith(("SLACK_", "ACTIEBOT_"))]:
            patch.delenv(name)
        for name, value in env_of(running).items():
            patch.setenv(name, value)
        patch.setattr("sys.stdin", io.StringIO(stdin))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse's usage errors
                code = int(exit_.code or 0)
    return Ran(code, out.getvalue(), err.getvalue())


def import_into(running: Any, text_: str, name: str, team: str | None) -> Ran:
    path = running.tmp / name
    path.write_text(text_, encoding="utf-8")
    return cli(running, "import", str(path), *(["--workspace", team] if team else []))


# workspace B's programme: the reminder programme under its own key, groups, channels, admin and
# words, so that anything of it showing up in workspace A is recognisable
B_PROGRAMME = (programme("hun-2021", "U0PADMIN2", "p", CHANNEL_B)
               .replace("Testprogramma 2021", "Gooise Aanpak 2021")
               .replace("Zelfscan lokale teams", "Wijkscan Gooise buurtteams")
               .replace("Samenwerkingsafspraken opvang", "Convenant Gooise opvang")
               .replace("Werkgroep A", "Werkgroep Gooi").replace("Veilig Thuis", "Gooi Thuis"))
B_WORDS = ("hun-2021", "p-oktober", "Gooise", "Gooi Thuis", "Werkgroep Gooi", CHANNEL_B,
           "U0PADMIN2", "Wijkscan")


def installed(running: Any) -> Any:
    install(running, running.fake, TEAM_A, TOKEN_A, "Kennemerland")
    install(running, running.fake, TEAM_B, TOKEN_B, "Gooi")
    assert import_into(running, PROGRAMME, "a.yaml", TEAM_A).returncode == 0
    assert import_into(running, B_PROGRAMME, "b.yaml", TEAM_B).returncode == 0
    running.fake.join(CHANNEL_A, MEMBER_A)
    running.fake.join(CHANNEL_B, MEMBER_B)
    return running


@pytest.fixture
def two(many: Any, fake_slack: Any) -> Any:
    many.fake = fake_slack
    return installed(many)


def counts(engine: Any) -> dict[str, int]:
    with engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("slack_installations", "slack_bots", "workspaces", "programmes",
                              "status_updates", "deliveries")}


def test_two_workspaces_install_and_each_is_served_with_its_own_token(
        two: Any, fake_slack: Any) -> None:
    with two.engine.connect() as connection:
        teams = dict(connection.execute(select(WorkspaceRow.team_id, WorkspaceRow.name)).all())
        owners = dict(connection.execute(select(ProgrammeRow.key, ProgrammeRow.workspace)).all())
    assert teams == {TEAM_A: "Kennemerland", TEAM_B: "Gooi"}
    assert owners == {"test-2021": TEAM_A, "hun-2021": TEAM_B}
    assert counts(two.engine)["slack_bots"] == 2

    a = two.client.command("update a-oktober risico loopt uit", user=MEMBER_A, team=TEAM_A,
                           channel=CHANNEL_A)
    b = two.client.command("update p-oktober risico loopt uit", user=MEMBER_B, team=TEAM_B,
                           channel=CHANNEL_B)
    assert "Opgeslagen" in a.text and "Opgeslagen" in b.text
    wait_until(lambda: len(fake_slack.posted()) == 2)
    [post_a] = fake_slack.calls_with("chat.postMessage", TOKEN_A)
    [post_b] = fake_slack.calls_with("chat.postMessage", TOKEN_B)
    assert (post_a.body["channel"], post_b.body["channel"]) == (CHANNEL_A, CHANNEL_B)
    # who may change: asked in each workspace with its own token
    assert {c.body["channel"] for c in fake_slack.calls_with("conversations.members", TOKEN_A)} \
        == {CHANNEL_A}
    assert {c.body["channel"] for c in fake_slack.calls_with("conversations.members", TOKEN_B)} \
        == {CHANNEL_B}
    # a request's own calls (Bolt's context client): the modal opens with the right token
    two.client.command("update a-oktober", user=MEMBER_A, team=TEAM_A, channel=CHANNEL_A)
    two.client.command("update p-oktober", user=MEMBER_B, team=TEAM_B, channel=CHANNEL_B)
    fake_slack.wait_for("views.open", 2)
    assert len(fake_slack.calls_with("views.open", TOKEN_A)) == 1
    assert len(fake_slack.calls_with("views.open", TOKEN_B)) == 1

    fake_slack.reset()
    fake_slack.tokens.update({TOKEN_A: TEAM_A, TOKEN_B: TEAM_B})
    sweep_on(two.deps, at(2021, 10, 22))  # the scheduler's sweep: both workspaces
    by_a = {c.body["channel"] for c in fake_slack.calls_with("chat.postMessage", TOKEN_A)}
    by_b = {c.body["channel"] for c in fake_slack.calls_with("chat.postMessage", TOKEN_B)}
    assert CHANNEL_A in by_a and CHANNEL_B in by_b
    assert not by_a & by_b and CHANNEL_B not in by_a and CHANNEL_A not in by_b
    assert all(fake_slack.token_of(c) in (TOKEN_A, TOKEN_B)
               for c in fake_slack.calls_to("chat.postMessage"))


def test_a_workspace_without_installation_is_refused_and_nothing_changes(
        two: Any, fake_slack: Any) -> None:
    before = counts(two.engine)
    reply = two.client.command("update a-oktober gereed", user=MEMBER_A, team="T0NOTTHERE",
                               channel=CHANNEL_A, response_url=fake_slack.response_url("r0"))
    assert reply.status == 200
    [told] = fake_slack.calls_to("response_url")  # Bolt answers through the response_url
    assert "niet (meer) geïnstalleerd" in told.body["text"] and "not installed" in told.body["text"]
    assert counts(two.engine) == before and fake_slack.posted() == []


def test_a_forged_or_replayed_oauth_state_installs_nothing(many: Any, fake_slack: Any) -> None:
    fake_slack.grant("code-x", "T0EVIL0001", "xoxb-evil-token")
    forged = "nonce.0000"
    status, _page, _ = _get(many.client.base, "/slack/oauth_redirect?" + urlencode(
        {"code": "code-x", "state": forged}), cookie=f"slack-app-oauth-state={forged}")
    assert status >= 400
    assert counts(many.engine)["slack_installations"] == 0
    assert fake_slack.calls_to("oauth.v2.access") == []
    many.fake = fake_slack
    assert install(many, fake_slack, TEAM_A, TOKEN_A, "Kennemerland") == 200
    assert counts(many.engine)["slack_installations"] == 1


def test_uninstall_stops_a_workspace_at_once_and_purges_it_after_retention(
        two: Any, fake_slack: Any) -> None:
    two.client.command("update a-oktober risico x", user=MEMBER_A, team=TEAM_A, channel=CHANNEL_A)
    wait_until(lambda: len(fake_slack.posted()) == 1)
    event = {"token": "legacy", "team_id": TEAM_A, "api_app_id": "A0ACTIEBOT",
             "type": "event_callback", "event_id": "EvUninstall", "event_time": 1,
             "event": {"type": "app_uninstalled"}}
    assert two.client.post(json.dumps(event), "application/json").status == 200
    with two.engine.connect() as connection:
        bots = connection.execute(text("SELECT team_id FROM slack_bots")).scalars().all()
        gone = connection.execute(select(WorkspaceRow.uninstalled_at)
                                  .where(WorkspaceRow.team_id == TEAM_A)).scalar_one()
    assert bots == [TEAM_B] and gone is not None
    two.client.command("wie a-oktober", user=MEMBER_A, team=TEAM_A, channel=CHANNEL_A,
                       response_url=fake_slack.response_url("r1"))
    [told] = fake_slack.calls_to("response_url")
    assert "not installed" in told.body["text"]

    fake_slack.reset()
    fake_slack.tokens.update({TOKEN_A: TEAM_A, TOKEN_B: TEAM_B})
    sweep_on(two.deps, at(2021, 10, 22))
    assert fake_slack.calls_with("chat.postMessage", TOKEN_A) == []  # A's sweep stopped
    assert fake_slack.calls_with("chat.postMessage", TOKEN_B)  # B's went on

    listed = cli(two, "workspaces")
    assert listed.returncode == 0, listed.stderr
    assert TEAM_A in listed.stdout and "uninstalled" in listed.stdout
    assert "hun-2021" in listed.stdout and "Gooi" in listed.stdout
    assert "xoxb" not in listed.stdout + listed.stderr

    from bot.installs import Installs

    installs = Installs(two.settings, two.engine)
    assert installs.purge_expired(datetime.now(UTC) + timedelta(days=29)) == []
    [purged] = installs.purge_expired(datetime.now(UTC) + timedelta(days=31))
    assert purged.team_id == TEAM_A and purged.programmes == ("test-2021",)
    with two.engine.connect() as connection:
        keys = connection.execute(select(ProgrammeRow.key)).scalars().all()
        left = connection.execute(select(func.count()).select_from(ActivityRow)
                                  .join(ProgrammeRow).where(ProgrammeRow.key == "test-2021")
                                  ).scalar_one()
        log = connection.execute(select(func.count()).select_from(StatusUpdateRow)).scalar_one()
        ledger = connection.execute(select(DeliveryRow.channel)).scalars().all()
        teams = connection.execute(select(WorkspaceRow.team_id)).scalars().all()
    assert keys == ["hun-2021"] and left == 0 and log == 0
    assert CHANNEL_A not in ledger and CHANNEL_B in ledger
    assert teams == [TEAM_B]
    # the other workspace is untouched and still answered
    b = two.client.command("wie p-oktober", user=MEMBER_B, team=TEAM_B, channel=CHANNEL_B)
    assert "Wijkscan" in b.text


def test_purge_workspace_and_import_workspace_on_the_command_line(two: Any) -> None:
    missing = import_into(two, PROGRAMME.replace("test-2021", "nieuw-2021"), "n.yaml", None)
    assert missing.returncode == 1 and "--workspace" in missing.stderr
    theirs = import_into(two, PROGRAMME, "a2.yaml", TEAM_B)  # A's programme key, into B
    assert theirs.returncode == 1 and "another workspace" in theirs.stderr
    again = import_into(two, PROGRAMME, "a3.yaml", None)  # a re-import stays where it is
    assert again.returncode == 0, again.stderr
    bad = cli(two, "purge-workspace", "not-a-team", "--yes")
    assert bad.returncode == 2
    unconfirmed = cli(two, "purge-workspace", TEAM_B)
    assert unconfirmed.returncode == 1 and "--yes" in unconfirmed.stderr
    assert counts(two.engine)["programmes"] == 2
    done = cli(two, "purge-workspace", TEAM_B, "--yes")
    assert done.returncode == 0, done.stderr
    assert "hun-2021" in done.stdout and "xoxb" not in done.stdout
    with two.engine.connect() as connection:
        assert connection.execute(select(ProgrammeRow.key)).scalars().all() == ["test-2021"]
        assert connection.execute(text("SELECT team_id FROM slack_bots")).scalars().all() == [
            TEAM_A]


def test_tokens_are_never_exported_or_logged(two: Any, caplog: Any) -> None:
    exported = cli(two, "export", "--all")
    assert exported.returncode == 0, exported.stderr
    assert "xoxb" not in exported.stdout
    assert TOKEN_A not in exported.stdout and TOKEN_B not in exported.stdout
    assert TEAM_A in exported.stdout  # the installations are listed, without their tokens
    assert all(TOKEN_A not in r.getMessage() and TOKEN_B not in r.getMessage()
               for r in caplog.records)


def test_the_scheduler_sweeps_each_installed_workspace_on_its_own(two: Any, fake_slack: Any) -> None:
    """Each workspace's sweep serves only that workspace, side by side: a rate-limited
    workspace delays nobody else, an uninstalled one is not swept at all."""
    from bot.installs import Installs
    from bot.scheduler import Jobs
    from tests.slack.reminder_programme import ledger, travel

    installs = Installs(two.settings, two.engine)
    jobs = Jobs(two.deps)
    jobs.held, jobs.workspaces = True, installs.installed
    fake_slack.reset()
    fake_slack.tokens.update({TOKEN_A: TEAM_A, TOKEN_B: TEAM_B})
    fake_slack.fail("chat.postMessage", status=429, retry_after=2, times=2, channel=CHANNEL_A)
    with travel(at(2021, 10, 22)):
        jobs.reminders()
    a = [c for c in fake_slack.calls_with("chat.postMessage", TOKEN_A)
         if c.body.get("channel") == CHANNEL_A and c.body.get("_ok")]
    b = fake_slack.calls_with("chat.postMessage", TOKEN_B)
    assert a and b and all(c.body["channel"] != CHANNEL_A for c in b)
    assert min(c.at for c in b) < min(c.at for c in a) - 2.0  # B did not wait for A's 429s

    installs.uninstalled(TEAM_A)
    before = {key for key, row in ledger(two.engine).items() if row.channel == CHANNEL_A}
    fake_slack.reset()
    fake_slack.tokens.update({TOKEN_A: TEAM_A, TOKEN_B: TEAM_B})
    with travel(at(2021, 10, 29)):  # before-1 for the October deadlines, in both programmes
        jobs.reminders()
    after = {key for key, row in ledger(two.engine).items() if row.channel == CHANNEL_A}
    assert after == before  # nothing even claimed for the uninstalled workspace
    assert fake_slack.calls_with("chat.postMessage", TOKEN_A) == []
    assert fake_slack.calls_with("chat.postMessage", TOKEN_B)


def test_the_sweep_skips_only_workspaces_with_nothing_due(two: Any) -> None:
    """The scheduler sweeps only the workspaces that `with_reminders_due` names, decided for
    all of them from one read: on every day, each workspace whose own sweep plans a reminder is
    among them, and before anything is near its deadline none is."""
    from datetime import date

    from bot.domain import tenancy
    from bot.installs import Installs
    from bot.services.reminders import sweep_reminders

    installs = Installs(two.settings, two.engine)
    named_differently = False
    day = date(2021, 8, 2)
    while day <= date(2022, 1, 31):
        moment = at(day.year, day.month, day.day)
        with travel(moment):
            named = set(installs.with_reminders_due(two.deps))
            planned = set()
            for workspace in (TEAM_A, TEAM_B):
                with tenancy.serving(workspace):
                    if sweep_reminders(two.deps, moment, dry_run=True).plans:
                        planned.add(workspace)
        assert planned <= named, day
        named_differently |= named != {TEAM_A, TEAM_B}
        day += timedelta(days=3)
    assert named_differently  # the filter leaves workspaces out on some days
    with travel(at(2021, 1, 4)):  # months before the first deadline: nothing near
        assert installs.with_reminders_due(two.deps) == []


def test_a_users_locale_is_asked_with_their_own_workspaces_token(two: Any, fake_slack: Any) -> None:
    english, dutch = "U0BENGLISH", "U0ADUTCH1"
    fake_slack.users[english] = {"id": english, "locale": "en-GB"}
    fake_slack.users[dutch] = {"id": dutch, "locale": "nl-NL"}
    try:
        b = two.client.command("status p-oktober", user=english, team=TEAM_B, channel=CHANNEL_B)
        a = two.client.command("status a-oktober", user=dutch, team=TEAM_A, channel=CHANNEL_A)
    finally:  # the fake outlives this test
        fake_slack.users.pop(english)
        fake_slack.users.pop(dutch)
    assert "not started" in b.text and "niet gestart" in a.text
    assert [c.body["user"] for c in fake_slack.calls_with("users.info", TOKEN_B)] == [english]
    assert [c.body["user"] for c in fake_slack.calls_with("users.info", TOKEN_A)] == [dutch]


def test_an_org_wide_install_on_enterprise_grid_serves_the_orgs_workspaces(
        many: Any, fake_slack: Any) -> None:
    org, token = "E0CONCERN", "xoxb-org-3333-secret"
    fake_slack.grant("code-org", "T0UNUSED1", token, enterprise_id=org,
                     is_enterprise_install=True)
    status, page, headers = _get(many.client.base, "/slack/install")
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page)
    assert link is not None
    state = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)["state"][0]
    cookie = {k.lower(): v for k, v in headers.items()}["set-cookie"].split(";")[0]
    status, _page, _ = _get(many.client.base, "/slack/oauth_redirect?" + urlencode(
        {"code": "code-org", "state": state}), cookie=cookie)
    assert status == 200
    many.fake = fake_slack
    listed = cli(many, "workspaces")
    assert org in listed.stdout and "installed" in listed.stdout
    assert import_into(many, PROGRAMME, "org.yaml", org).returncode == 0
    fake_slack.join(CHANNEL_A, MEMBER_A)
    # a member of one of the org's workspaces, the app installed org-wide
    reply = many.client.command("update a-oktober risico x", user=MEMBER_A, team="T0WSINORG",
                                channel=CHANNEL_A, enterprise_id=org,
                                is_enterprise_install="true")
    assert "Opgeslagen" in reply.text
    wait_until(lambda: len(fake_slack.calls_with("chat.postMessage", token)) == 1)
