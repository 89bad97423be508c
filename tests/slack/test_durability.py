"""No update is lost: every update that got a success reply survives a `kill -9` of the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, func, select

from storage.models import StatusUpdateRow
from tests.cli.conftest import ROOT, run_cli
from tests.conftest import KENNEMERLAND
from tests.pg import _free_port, wait_for_port
from tests.slack.conftest import SECRET, SlackClient

pytestmark = pytest.mark.slow


def test_kill_9_right_after_success_replies_loses_no_update(db_url: str, fake_slack) -> None:
    fake_slack.join("C0THV0001", "U0DURABLE")
    assert run_cli("import", str(KENNEMERLAND), env={"DATABASE_URL": db_url}).returncode == 0
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIEBOT_"))}
    env.update({"DATABASE_URL": db_url, "SLACK_BOT_TOKEN": "xoxb-test",
                "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.url,
                "WEB_CONCURRENCY": "2", "ACTIEBOT_BIND": "127.0.0.1"})
    server = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port),
                               "--no-scheduler"], cwd=ROOT, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, timeout=60)
        client = SlackClient(f"http://127.0.0.1:{port}")
        for _ in range(100):
            if client.get("/healthz").status == 200:
                break
            time.sleep(0.1)
        confirmed = 0
        for i in range(12):
            status = ("risico", "vertraagd", "op-schema")[i % 3]
            reply = client.command(f"update THV {status} stap {i}", user="U0DURABLE")
            assert reply.status == 200
            if "Opgeslagen" in reply.text:
                confirmed += 1
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # no shutdown, no flush, no goodbye
        server.wait(timeout=30)
    assert confirmed == 12
    engine = create_engine(db_url)
    with engine.connect() as connection:
        stored = connection.execute(
            select(func.count()).select_from(StatusUpdateRow)
            .where(StatusUpdateRow.author == "U0DURABLE")).scalar_one()
    engine.dispose()
    assert stored == confirmed
