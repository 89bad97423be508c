"""Two `actiebot serve` replicas on one PostgreSQL database, each with its own scheduler.

Real processes (gunicorn, as in production), the Slack Web API faked on loopback: commands are
answered by either replica; a programme change made through one (koppel, import, an update)
is seen by the other at once; the start-up catch-up (reminder sweep and this month's digests,
which both schedulers attempt) posts every message exactly once.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, text

from tests.cli.conftest import ROOT, run_cli
from tests.conftest import KENNEMERLAND
from tests.slack.conftest import SECRET, SlackClient

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_replica(db: str, slack_url: str, log: Path, many: dict[str, str] | None = None,
                  ) -> tuple[subprocess.Popen[bytes], SlackClient]:
    """One `actiebot serve`; ``many``: the OAuth variables of many-workspace mode (then
    without SLACK_BOT_TOKEN)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "ACTIEBOT_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": db, "SLACK_BOT_TOKEN": "xoxb-test-token",
                "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack_url,
                "ACTIEBOT_BIND": "127.0.0.1", "WEB_CONCURRENCY": "2",
                "ACTIEBOT_THREADS": "4",
                # koppel is for admins once any admin is configured (CONTRACT "Who may do what")
                "ACTIEBOT_ADMINS": "U0ADMIN01"})
    if many:
        del env["SLACK_BOT_TOKEN"]
        env.update(many)
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process, SlackClient(f"http://127.0.0.1:{port}")


def wait_healthy(process: subprocess.Popen[bytes], client: SlackClient, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if client.get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"replica did not start: {log.read_text()[-3000:]}")


def settled_deliveries(db: str, timeout: float = 90) -> dict[str, int]:
    """Wait until no delivery is pending (both schedulers done); deliveries per state."""
    engine = create_engine(db.replace("postgresql+psycopg", "postgresql+psycopg"))
    try:
        deadline, last, stable_since = time.monotonic() + timeout, None, time.monotonic()
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                states = dict(connection.execute(
                    text("SELECT state, count(*) FROM deliveries GROUP BY state")).all())
            if states != last:
                last, stable_since = states, time.monotonic()
            elif states and not states.get("pending") and time.monotonic() - stable_since > 5:
                return {str(k): int(v) for k, v in states.items()}
            time.sleep(0.5)
        raise AssertionError(f"deliveries did not settle: {last}")
    finally:
        engine.dispose()


def test_two_replicas_share_one_database(pg_url: str, fake_slack, tmp_path: Path) -> None:
    env = {"DATABASE_URL": pg_url}
    assert run_cli("import", str(KENNEMERLAND), env=env).returncode == 0
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    (a, client_a), (b, client_b) = (start_replica(pg_url, fake_slack.url, log) for log in logs)
    try:
        wait_healthy(a, client_a, logs[0])
        wait_healthy(b, client_b, logs[1])

        # commands: either replica answers
        for client in (client_a, client_b):
            reply = client.command("wie MDA++")
            assert reply.status == 200 and "Werkgroep MDA++, Hoe verder?" in reply.text

        # the start-up catch-up of both schedulers: every message posted exactly once
        states = settled_deliveries(pg_url)
        posts = fake_slack.calls_to("chat.postMessage")
        assert posts, "the 2021 example is overdue: the catch-up must remind"
        bodies = Counter(json.dumps(call.body, sort_keys=True) for call in posts)
        assert max(bodies.values()) == 1, [b for b, n in bodies.items() if n > 1][:1]
        assert states.get("sent", 0) == len(posts)
        holders = [log.read_text() for log in logs]
        assert sum("holds the scheduler lease" in h for h in holders) == 1, holders

        # koppel through one replica: the other answers for the channel at once
        linked = client_a.command("koppel THV", channel="C0NEWTHV1", user="U0ADMIN01")
        assert linked.status == 200 and "nu gekoppeld" in linked.text, linked.text
        status = client_b.command("status", channel="C0NEWTHV1")
        assert "Tijdelijk Huisverbod" in status.text

        # an import (a new activity): resolvable through both at once
        data = yaml.safe_load(KENNEMERLAND.read_text(encoding="utf-8"))
        data["activities"].append({"key": "replica-proef", "title": "Proef met twee replica's",
                                   "working_group": "wg-pleger", "owners": ["Werkgroep X"]})
        changed = tmp_path / "changed.yaml"
        changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        assert run_cli("import", str(changed), env=env).returncode == 0
        for client in (client_a, client_b):
            reply = client.command("wie replica-proef")
            assert "Werkgroep X" in reply.text, reply.text

        # an update through one: the other's group shortcut follows it immediately
        assert "Opgeslagen" in client_b.command("update replica-proef gereed", user="U0ADMIN01").text
        reply = client_a.command("wie Plegeraanpak")
        assert "replica-proef" not in reply.text and "meerdere" not in reply.text, reply.text
    finally:
        for process in (a, b):
            process.terminate()
        for process in (a, b):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_two_replicas_serve_two_workspaces_each_reminder_once_with_its_token(
        pg_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> None:
    """Many-workspace mode: two workspaces install through the OAuth flow and get a programme
    each; then two replicas start, both schedulers attempt the start-up catch-up of both
    workspaces, and every reminder and digest is posted exactly once, with the token of the
    workspace whose programme it belongs to. Either replica answers either workspace."""
    from storage.workspaces import channel_workspaces
    from tests.slack.conftest import start_app
    from tests.slack.test_workspaces_http import (
        CHANNEL_A,
        CHANNEL_B,
        MEMBER_A,
        MEMBER_B,
        TEAM_A,
        TEAM_B,
        TOKEN_A,
        TOKEN_B,
        installed,
    )

    settings = settings_for(
        pg_url, slack_api_url=fake_slack.url, slack_bot_token=None,
        slack_client_id=fake_slack.client_id, slack_client_secret=fake_slack.client_secret,
        slack_state_secret="a-long-random-state-secret")
    setup, server = start_app(settings, load=False)  # the installs, in this process
    setup.tmp, setup.fake = tmp_path, fake_slack
    try:
        installed(setup)
    finally:
        server.shutdown()
        server.server_close()
        setup.engine.dispose()
    with fake_slack._lock:
        fake_slack.calls.clear()
    fake_slack.tokens.update({TOKEN_A: TEAM_A, TOKEN_B: TEAM_B})
    many = {"SLACK_CLIENT_ID": fake_slack.client_id,
            "SLACK_CLIENT_SECRET": fake_slack.client_secret,
            "SLACK_STATE_SECRET": "a-long-random-state-secret"}
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    (a, client_a), (b, client_b) = (start_replica(pg_url, fake_slack.url, log, many)
                                    for log in logs)
    try:
        wait_healthy(a, client_a, logs[0])
        wait_healthy(b, client_b, logs[1])
        for client in (client_a, client_b):  # either replica, either workspace
            mine = client.command("wie a-oktober", user=MEMBER_A, team=TEAM_A, channel=CHANNEL_A)
            assert "Zelfscan" in mine.text, mine.text
            theirs = client.command("wie p-oktober", user=MEMBER_B, team=TEAM_B,
                                    channel=CHANNEL_B)
            assert "Wijkscan" in theirs.text and "Zelfscan" not in theirs.text, theirs.text

        states = settled_deliveries(pg_url)
        posts = fake_slack.calls_to("chat.postMessage")
        tokens = Counter(fake_slack.token_of(call) for call in posts)
        assert tokens[TOKEN_A] and tokens[TOKEN_B], tokens  # both workspaces were swept
        assert set(tokens) == {TOKEN_A, TOKEN_B}, tokens
        sent = Counter((fake_slack.token_of(c), json.dumps(c.body, sort_keys=True))
                       for c in posts)
        assert max(sent.values()) == 1, [b for b, n in sent.items() if n > 1][:1]
        assert states.get("sent", 0) == len(posts)
        engine = create_engine(pg_url)
        try:
            owners = channel_workspaces(engine)
        finally:
            engine.dispose()
        team_of = {TOKEN_A: TEAM_A, TOKEN_B: TEAM_B}
        for call in posts:  # each with the token of a workspace whose programme uses it
            assert team_of[fake_slack.token_of(call)] in owners[call.body["channel"]], call.body
        holders = [log.read_text() for log in logs]
        assert sum("holds the scheduler lease" in h for h in holders) == 1, holders
        assert not any(t in h for h in holders for t in (TOKEN_A, TOKEN_B))  # never logged
    finally:
        for process in (a, b):
            process.terminate()
        for process in (a, b):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
