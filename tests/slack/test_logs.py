"""Logs never hold tokens, secrets, request bodies or notes; errors carry a correlation id in the
reply and in the log. The log is captured raw: every record any logger emits at
DEBUG, before any handler-level filter, plus stderr of the CLI run as a process."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import KENNEMERLAND, ROOT

TOKEN, SECRET = "xoxb-test-token", "test-signing-secret"
NOTE = "notitie-7c1e9 wethouder wil eerst de evaluatie zien"
BSN_NOTE = "gezin de Vries BSN 123456782 terugbellen"
FAILED_TEXT = "geheim-voorbeeld-8d2a"  # only in a body whose signature is wrong
CID = re.compile(r"(?:Foutcode|Error code): ([0-9a-f]{10})")


class RawHandler(logging.Handler):
    """Keeps every record it sees, formatted with its traceback; no filter of ours."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = f"{record.name} {record.levelname} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            line += "\n" + record.exc_text
        self.lines.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[RawHandler]:
    """Root, slack_bolt and slack_sdk at DEBUG; a raw handler and caplog both listening."""
    raw = RawHandler()
    root = logging.getLogger()
    root.addHandler(raw)
    caplog.set_level(logging.DEBUG)
    for name in ("slack_bolt", "slack_sdk", "actiebot", "bot", "handlers", "storage"):
        caplog.set_level(logging.DEBUG, logger=name)
    try:
        yield raw
    finally:
        root.removeHandler(raw)


def drop_update_log(app: Any) -> None:
    """Make the database fail under the running app: its update log table disappears."""
    with app.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TABLE status_updates CASCADE"))
        else:
            connection.execute(text("DROP TABLE status_updates"))


def test_a_full_run_logs_no_token_secret_body_or_note(
        app: Any, fake_slack: Any, everything_logged: RawHandler,
        caplog: pytest.LogCaptureFixture) -> None:
    client = app.client
    fake_slack.join("C0THV0001", "U0ALICE01")
    bodies = []
    for question in ("help", "wie MDA++", "wanneer indicatoren", "status THV", "lijst",
                     "te-laat", "geschiedenis THV", "wie onbekend-ding"):
        bodies.append(client.command_body(question))
        assert client.post(bodies[-1], "application/x-www-form-urlencoded").status == 200
    # an update with a note: stored, answered, announced (once through a Slack 500)
    fake_slack.fail("chat.postMessage", status=500, times=1)
    bodies.append(client.command_body(f"update THV risico {NOTE}", user="U0ALICE01"))
    reply = client.post(bodies[-1], "application/x-www-form-urlencoded")
    assert "Opgeslagen" in reply.text
    fake_slack.wait_for("chat.postMessage", 2)
    # a refused note
    bodies.append(client.command_body(f"update MDA++ vertraagd {BSN_NOTE}"))
    assert "Niet opgeslagen" in client.post(bodies[-1], "application/x-www-form-urlencoded").text
    # a request with a wrong signature, and one from the past
    bodies.append(client.command_body(f"update THV gereed {FAILED_TEXT}"))
    assert client.post(bodies[-1], "application/x-www-form-urlencoded",
                       signature="v0=" + "0" * 64).status == 401
    assert client.post(bodies[-1], "application/x-www-form-urlencoded",
                       timestamp=int(time.time()) - 3600).status == 401
    # an error: the database fails under the app
    drop_update_log(app)
    bodies.append(client.command_body("status THV"))
    failed = client.post(bodies[-1], "application/x-www-form-urlencoded")
    assert failed.status == 200

    # the error reply: friendly, with a correlation id, no internals
    found = CID.search(failed.text)
    assert found, failed.text
    cid = found.group(1)
    assert "Er ging iets mis" in failed.text
    for internal in ("Traceback", "File \"", "sqlalchemy", "OperationalError",
                     "ProgrammingError", "status_updates", "no such table", "relation", ".py"):
        assert internal not in failed.body
    # the same id in the log
    logs = everything_logged.text + "\n" + caplog.text
    assert cid in everything_logged.text and cid in caplog.text
    error_lines = [line for line in everything_logged.lines if cid in line]
    assert any("correlation id" in line for line in error_lines)

    forbidden = [TOKEN, SECRET, NOTE, "notitie-7c1e9", "123456782", "de Vries", FAILED_TEXT,
                 "response_url", "hooks.slack.invalid", "trigger_id", *bodies]
    for secret in forbidden:
        assert secret not in logs, f"{secret[:40]!r} reached the log"
    assert all(secret not in str(record.__dict__) for record in caplog.records
               for secret in (TOKEN, SECRET, NOTE, FAILED_TEXT))


def test_slack_libraries_stay_at_warning_with_our_filter_on_their_loggers(app: Any) -> None:
    from bot.logging_setup import REDACTION

    for name in ("slack_bolt.App", "slack_bolt.RequestVerification", "slack_sdk"):
        logger = logging.getLogger(name)
        assert logger.getEffectiveLevel() >= logging.WARNING, name
    for name in ("slack_bolt.App", "slack_bolt.RequestVerification",
                 "slack_sdk.web.base_client"):
        assert REDACTION in logging.getLogger(name).filters, name


def test_an_unhandled_event_is_logged_without_its_body(
        app: Any, everything_logged: RawHandler) -> None:
    import json

    body = json.dumps({
        "type": "event_callback", "team_id": "T0001", "api_app_id": "A0ACTIEBOT",
        "event": {"type": "message", "text": f"privé: {NOTE}", "user": "U0ALICE01",
                  "channel": "C0THV0001"}})
    # Bolt answers an event no listener wants with 404 (and logs that it was unhandled).
    assert app.client.post(body, "application/json").status == 404
    assert NOTE not in everything_logged.text


# -- the CLI, as a process ---------------------------------------------------------------------

def run_cli(*args: str, env: dict[str, str],
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)


def test_the_cli_keeps_notes_and_secrets_out_of_stderr(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "SLACK_BOT_TOKEN": "xoxb-cli-0123456789-secret",
           "SLACK_SIGNING_SECRET": "cli-signing-secret-42",
           "ACTIEBOT_LOG_LEVEL": "DEBUG"}
    runs = [
        run_cli("import", str(KENNEMERLAND), env=env),
        run_cli("ask", "update", "THV", "risico", NOTE, env=env),
        run_cli("ask", f"update MDA++ vertraagd {BSN_NOTE}", env=env),
        run_cli("ask", "wie 06-12345678", env=env),
        run_cli("console", env=env, stdin=f"status THV\nupdate THV op-schema {BSN_NOTE}\nexit\n"),
        run_cli("export", "--all", "-o", str(tmp_path / "all.json"), env=env),
        run_cli("forget-user", "U0NOBODY1", env=env),
    ]
    # the update with a BSN in its note is refused, and a refusal exits 1
    assert [run.returncode for run in runs] == [0, 0, 1, 0, 0, 0, 0], [run.stderr for run in runs]
    assert NOTE in runs[1].stdout  # the answer itself shows the stored note
    assert "Niet opgeslagen" in runs[2].stdout and "123456782" not in runs[2].stdout
    assert "12345678" not in runs[3].stdout
    assert "123456782" not in runs[4].stdout
    broken = {**env, "DATABASE_URL": "postgresql+psycopg://actiebot:db-pass-9f3e@127.0.0.1:1/x"}
    failed = run_cli("ask", "status THV", env=broken)
    runs.append(failed)
    assert failed.returncode == 1
    # the operator's line is the last one and names the cause; at DEBUG the log (stderr here,
    # no ACTIEBOT_LOG_FILE) holds the full record under the same correlation id
    last = failed.stderr.strip().splitlines()[-1]
    assert last.startswith("actiebot: failed: cannot reach PostgreSQL at 127.0.0.1:1")
    found = re.search(r"correlation id ([0-9a-f]{10})", last)
    assert found and failed.stderr.count(found.group(1)) >= 2
    stderr = "\n".join(run.stderr for run in runs)
    for secret in ("xoxb-cli-0123456789-secret", "cli-signing-secret-42", "db-pass-9f3e", NOTE,
                   "123456782",
                   "de Vries", "12345678"):
        assert secret not in stderr, secret
