"""`actiebot serve` as an operator starts it: gunicorn, its workers and the scheduler in one
process tree, on a fresh database with the example programme imported (so the start-up
catch-up sweep has real work). Right after /healthz answers, a burst of signed `/actie`
commands arrives at once: every one is answered with HTTP 200 within 3 seconds, start after
start, on SQLite and on PostgreSQL.

A second burst arrives while the scheduler's catch-up sweep is posting (the fake Slack has seen
its first post): requests never wait for it either.

The 3-second bound is Slack's own: a slash command not acknowledged within 3 s is shown to the
user as a failure. It is generous for what is asked (a few milliseconds of work each).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import KENNEMERLAND, ROOT
from tests.pg import _free_port
from tests.slack.conftest import SECRET, SlackClient

STARTS = int(os.environ.get("ACTIEBOT_STARTUP_STARTS", "3"))
BURST = [
    "wie MDA++", "status", "binnenkort 60", "wie MDA++", "status", "binnenkort 60",
    "update THV risico het onderzoek loopt vertraging op",
    "wie MDA++", "status", "binnenkort 60", "wie MDA++", "status", "binnenkort 60",
    "wie MDA++", "status", "binnenkort 60",
]
ANSWER_WITHIN = 3.0


@dataclass
class Answer:
    text: str
    status: int
    seconds: float


def _env(database_url: str, fake_slack: Any, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIEBOT_"))}
    env.update(DATABASE_URL=database_url, SLACK_BOT_TOKEN="xoxb-test-token",
               SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake_slack.url, PORT=str(port),
               ACTIEBOT_BIND="127.0.0.1", PYTHONUNBUFFERED="1")
    return env


def _send(client: SlackClient, text: str, user: str) -> Answer:
    started = time.monotonic()
    body = client.command_body(text, user=user)
    ts = str(int(time.time()))
    from slack_sdk.signature import SignatureVerifier

    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    request = urllib.request.Request(
        client.base + "/slack/events", data=body.encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature})
    try:
        with urllib.request.urlopen(request, timeout=ANSWER_WITHIN + 2) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:  # timed out or refused: not answered
        status = 0
    return Answer(text, status, time.monotonic() - started)


def _wait_healthy(base: str, process: subprocess.Popen[str], timeout: float = 60.0) -> bool:
    """Whether /healthz answered 200 within ``timeout`` seconds of the start."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"actiebot serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:  # not listening yet, 503, or no answer within 2 s
            pass
        time.sleep(0.05)
    return False


def _burst(client: SlackClient) -> list[Answer]:
    with ThreadPoolExecutor(len(BURST)) as pool:  # at once, as Slack would deliver them
        futures = [pool.submit(_send, client, text, f"U0BURST{i:02d}")
                   for i, text in enumerate(BURST)]
        return [f.result() for f in futures]


def one_start(database_url: str, fake_slack: Any, tmp_path: Path) -> list[Answer]:
    """A fresh start of `actiebot serve` (with its scheduler); the burst's answers."""
    port = _free_port()
    env = _env(database_url, fake_slack, port)
    imported = subprocess.run([sys.executable, "-m", "bot", "import", str(KENNEMERLAND)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                              check=False)
    assert imported.returncode == 0, imported.stderr
    log = (tmp_path / f"serve-{port}.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        posted_before = len(fake_slack.calls_to("chat.postMessage"))
        healthy = _wait_healthy(base, process)
        client = SlackClient(base)
        answers = _burst(client)  # right after start
        # and again while the scheduler's catch-up sweep is posting (it starts a few seconds
        # after serve is ready, in its own process)
        fake_slack.wait_for("chat.postMessage", count=posted_before + 1, timeout=120)
        answers += _burst(client)
        return answers if healthy else [Answer("/healthz", 503, 60.0), *answers]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def _fresh_sqlite(tmp_path: Path, i: int) -> str:
    return f"sqlite:///{tmp_path / f'start-{i}.db'}"


def _assert_every_start_answered(starts: list[list[Answer]], tmp_path: Path) -> None:
    bad = [[(a.text, a.status, round(a.seconds, 2)) for a in answers
            if a.status != 200 or a.seconds >= ANSWER_WITHIN] for answers in starts]
    clean = sum(not b for b in bad)
    logs = "\n".join(p.read_text()[-2000:] for p in sorted(tmp_path.glob("serve-*.log")))
    assert clean == len(starts), (f"{clean} of {len(starts)} fresh starts answered every "
                                  f"request; failures per start: {bad}\n{logs}")


@pytest.mark.slow
def test_serve_with_scheduler_answers_a_burst_right_after_start_on_sqlite(
        fake_slack: Any, tmp_path: Path) -> None:
    starts = [one_start(_fresh_sqlite(tmp_path, i), fake_slack, tmp_path) for i in range(STARTS)]
    _assert_every_start_answered(starts, tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_serve_with_scheduler_answers_a_burst_right_after_start_on_postgres(
        fake_slack: Any, tmp_path: Path, postgres_server: Any) -> None:
    from tests.conftest import _postgres_url

    starts = [one_start(_postgres_url(postgres_server), fake_slack, tmp_path)
              for _ in range(STARTS)]
    _assert_every_start_answered(starts, tmp_path)
