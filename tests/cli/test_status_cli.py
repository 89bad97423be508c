"""`actiebot status`: the database and the outbox backlog; a database that does not answer is a
failure said in one line (exit 1), never a traceback."""

from __future__ import annotations

import json
from typing import Any

from tests.cli.conftest import run_cli
from tests.pg import _free_port


def test_status_prints_the_database_and_an_empty_backlog(cli: Any) -> None:
    assert cli("db", "upgrade").returncode == 0
    done = cli("status", "--json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["database"] is True and shown["revision"]
    assert shown["outbox"] == {"due": 0, "waiting": 0, "oldest": None,
                               "oldest_age_seconds": None}
    lines = cli("status").stdout.splitlines()
    assert lines[0].startswith("database: ok (migration ")
    assert lines[1] == "outbox: 0 due now, 0 waiting for a retry; oldest: -"


def test_status_without_a_database_is_one_line_and_exit_1() -> None:
    url = f"postgresql+psycopg://actiebot@127.0.0.1:{_free_port()}/nothing"
    done = run_cli("status", env={"DATABASE_URL": url})
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]  # after any warning in the log
    assert last.startswith("actiebot: ") and (
        "cannot reach PostgreSQL" in last or "does not answer" in last), done.stderr
    assert "Traceback" not in done.stderr
