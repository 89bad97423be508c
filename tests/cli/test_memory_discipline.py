"""What a serving process holds in memory ("largest process < 100 MB RSS").

Every gunicorn worker is a fork of the `actiebot serve` master and starts with a copy of its
memory and open files: the master migrates in a child process and holds no connection, and a
worker imports at start-up and on ordinary commands only what those need: the report and export libraries (matplotlib, python-docx, odfpy, openpyxl, icalendar),
Alembic and the programme-file parser's pydantic stay out until a rare command asks for them.
The holidays package's data (its registry loads every country) is loaded once by the master,
so the workers share it.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import ROOT, run_cli
from tests.conftest import KENNEMERLAND
from tests.pg import _free_port
from tests.slack.conftest import SECRET, SlackClient

# Loaded only by the rare commands that need them (report, export, import, `actiebot db`).
RARE = ("matplotlib", "docx", "odf", "openpyxl", "icalendar", "alembic", "mako", "pydantic")

WORKER = """
import io, json, sys, time
from datetime import date
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.wsgi import create

app = create(Settings.from_env(), migrate=False)
statuses = []
for text in ("wie MDA++", "wanneer indicatoren", "status", "binnenkort 60", "te-laat"):
    body = urlencode({"token": "legacy", "team_id": "T0001", "team_domain": "gemeente",
                      "channel_id": "C0OTHER01", "channel_name": "test", "user_id": "U0TESTER1",
                      "user_name": "tester", "command": "/actie", "text": text,
                      "api_app_id": "A0ACTIEBOT", "trigger_id": "1.2.3",
                      "response_url": "https://hooks.slack.invalid/x"}).encode()
    ts = str(int(time.time()))
    signature = SignatureVerifier(sys.argv[1]).generate_signature(timestamp=ts, body=body)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "SERVER_NAME": "t",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
               "CONTENT_TYPE": "application/x-www-form-urlencoded",
               "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts, "HTTP_X_SLACK_SIGNATURE": signature}
    got = []
    answer = b"".join(app(environ, lambda status, headers, exc=None: got.append(status)))
    statuses.append((text, got[0], answer.decode()[:200]))

from bot.domain.workdays import WorkCalendar

koningsdag_off = not WorkCalendar().is_working_day(date(2026, 4, 27))
print(json.dumps({"statuses": statuses, "koningsdag_off": koningsdag_off,
                  "modules": sorted(sys.modules)}))
"""


def test_a_worker_loads_no_rare_library_at_start_up_or_on_ordinary_commands(
        sqlite_url: str, fake_slack: Any) -> None:
    env = {"DATABASE_URL": sqlite_url}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    imported = run_cli("import", str(KENNEMERLAND), env=env)
    assert imported.returncode == 0, imported.stderr
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIEBOT_"))}
    child_env.update(DATABASE_URL=sqlite_url, SLACK_BOT_TOKEN="xoxb-test-token",
                     SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake_slack.url)
    done = subprocess.run([sys.executable, "-c", WORKER, SECRET], check=False, cwd=ROOT,
                          env=child_env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    for text, status, answer in seen["statuses"]:
        assert status == "200 OK", (text, status, answer)
    assert any("MDA" in answer for _text, _status, answer in seen["statuses"])
    assert seen["koningsdag_off"]  # the working-day calendar was used, with its holidays
    modules = set(seen["modules"])
    assert "holidays" in modules and "bot.domain.workdays" in modules
    loaded = sorted(m for m in modules
                    if any(m == rare or m.startswith(rare + ".") for rare in RARE))
    assert loaded == []


MASTER = """
import json, os, sys

import gunicorn.app.base

from bot.config import Settings
from bot.server import serve


def run(self):  # gunicorn's arbiter would fork the workers now: what would they inherit?
    files = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            files.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    print(json.dumps({"modules": sorted(sys.modules), "files": files}))


gunicorn.app.base.BaseApplication.run = run
if sys.argv[1] == "serve":
    sys.exit(serve(Settings.from_env(), port=0, scheduler=False))
from bot.cli import main  # `actiebot start` (`make run`) with HTTP tokens: example, then serve

sys.exit(main(["start"]))
"""


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux /proc")
def test_what_the_serve_master_holds_when_gunicorn_forks_the_workers(tmp_path: Path) -> None:
    """At the fork: the database migrated (by a child), the serving code and the holidays
    data imported (shared by the workers), no app and no open database file, and no Alembic or
    migration scripts."""
    database = tmp_path / "fresh.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIEBOT_"))}
    env.update(DATABASE_URL=f"sqlite:///{database}", SLACK_BOT_TOKEN="xoxb-test-token",
               SLACK_SIGNING_SECRET=SECRET)
    done = subprocess.run([sys.executable, "-c", MASTER, "serve"], check=False, cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    modules = set(seen["modules"])
    assert {"bot.app", "bot.wsgi", "sqlalchemy", "holidays.countries.netherlands"} <= modules
    assert not [m for m in modules if m.split(".")[0] in ("alembic", "mako")
                or m.startswith("storage.migrations")]
    assert [f for f in seen["files"] if f.startswith(str(database))] == []
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall()


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux /proc")
def test_start_with_tokens_leaves_the_example_out_and_no_connection_for_the_workers(
        tmp_path: Path) -> None:
    """`actiebot start` with HTTP tokens does not load the example (its 2021 reminders would
    be posted into a real workspace), says so, then serves: by the fork, the engine it looked
    with is gone and the database file closed."""
    database = tmp_path / "fresh.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIEBOT_"))}
    env.update(DATABASE_URL=f"sqlite:///{database}", SLACK_BOT_TOKEN="xoxb-test-token",
               SLACK_SIGNING_SECRET=SECRET)
    done = subprocess.run([sys.executable, "-c", MASTER, "start"], check=False, cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "loaded the example programme" not in done.stderr
    assert "the example programme kennemerland-2021.yaml is not loaded" in done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert [f for f in seen["files"] if f.startswith(str(database))] == []
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM programmes").fetchone() == (0,)


def _open_files(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:  # closed meanwhile
            pass
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux /proc")
def test_the_serve_master_migrates_in_a_child_and_holds_no_connection_a_worker_inherits(
        tmp_path: Path, fake_slack: Any) -> None:
    """A fresh database is migrated before the workers answer, yet the master (whose memory
    and open files every worker starts with) never has the database open; a worker that has
    answered a command has."""
    port = _free_port()
    database = tmp_path / "fresh.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIEBOT_"))}
    env.update(DATABASE_URL=f"sqlite:///{database}", SLACK_BOT_TOKEN="xoxb-test-token",
               SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake_slack.url, PORT=str(port),
               ACTIEBOT_BIND="127.0.0.1", WEB_CONCURRENCY="1", ACTIEBOT_THREADS="2")
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--no-scheduler"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        healthy = False
        while time.monotonic() < deadline and not healthy:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    healthy = response.status == 200
            except OSError:
                time.sleep(0.1)
        assert healthy, (tmp_path / "serve.log").read_text()[-2000:]
        answer = SlackClient(base).command("status")
        assert answer.status == 200, answer
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert len(children) == 1, children  # the one worker (no scheduler)

        def database_files(pid: int) -> list[str]:
            return sorted(f for f in _open_files(pid) if f.startswith(str(database)))

        assert database_files(int(children[0]))  # the check sees a connection where one is
        assert database_files(process.pid) == []
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()
    with sqlite3.connect(database) as connection:  # migrated, by the master's child
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall()
