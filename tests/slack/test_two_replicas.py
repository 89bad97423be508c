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


def start_replica(db: str, slack_url: str, log: Path) -> tuple[subprocess.Popen[bytes], SlackClient]:
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "ACTIEBOT_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": db, "SLACK_BOT_TOKEN": "xoxb-test-token",
                "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack_url,
                "ACTIEBOT_BIND": "127.0.0.1", "WEB_CONCURRENCY": "2",
                "ACTIEBOT_THREADS": "4",
                # koppel is for admins once any admin is configured (CONTRACT "Who may do what")
                "ACTIEBOT_ADMINS": "U0ADMIN01"})
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
