"""`actiebot backup` and `restore` in a deployment that serves two workspaces, on SQLite and
PostgreSQL: the backup holds no token (not even in a freed page of the file), and a restore
leaves the deployment's installs as they are — a forced restore over the running deployment
keeps both workspaces served with their own tokens, and a restore into a new database brings
the programmes and their workspaces but no installation.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

from storage.models import ProgrammeRow, WorkspaceRow
from tests.slack.reminder_programme import wait_until
from tests.slack.test_workspaces_http import (  # noqa: F401 - fixtures
    CHANNEL_A,
    CHANNEL_B,
    MEMBER_A,
    MEMBER_B,
    TEAM_A,
    TEAM_B,
    TOKEN_A,
    TOKEN_B,
    cli,
    many,
    two,
)

CREDENTIALS = ("slack_installations", "slack_bots", "slack_oauth_states")


def credentials(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row and column of the installation and state tables, tokens included."""
    with engine.connect() as connection:
        return {table: [tuple(row) for row in connection.execute(
                    text(f"SELECT * FROM {table} ORDER BY id"))]  # our constants
                for table in CREDENTIALS}


def test_a_backup_holds_no_token_and_a_restore_keeps_the_installs(
        two: Any, fake_slack: Any, tmp_path: Path) -> None:  # noqa: F811 - the imported fixture
    answered = two.client.command("update a-oktober risico loopt uit", user=MEMBER_A,
                                  team=TEAM_A, channel=CHANNEL_A)
    assert "Opgeslagen" in answered.text
    installs = credentials(two.engine)
    assert len(installs["slack_bots"]) == 2 and TOKEN_A in repr(installs["slack_bots"])

    made = tmp_path / "backup.db"
    done = cli(two, "backup", "-o", str(made))
    assert done.returncode == 0, done.stderr
    raw = made.read_bytes()
    assert TOKEN_A.encode() not in raw and TOKEN_B.encode() not in raw and b"xoxb-" not in raw
    with sqlite3.connect(made) as copy:
        assert [copy.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in CREDENTIALS] == [0, 0, 0]
        assert dict(copy.execute("SELECT key, workspace FROM programmes").fetchall()) == {
            "test-2021": TEAM_A, "hun-2021": TEAM_B}
        assert {row[0] for row in copy.execute("SELECT team_id FROM workspaces")} == {
            TEAM_A, TEAM_B}

    # a change after the backup, then the backup forced back over the running deployment
    later = two.client.command("update p-oktober gereed klaar", user=MEMBER_B, team=TEAM_B,
                               channel=CHANNEL_B)
    assert "Opgeslagen" in later.text
    wait_until(lambda: len(fake_slack.posted()) == 2)
    forced = cli(two, "restore", str(made), "--force")
    assert forced.returncode == 0, forced.stderr
    assert credentials(two.engine) == installs  # the installs (and their tokens) as they were
    fake_slack.reset()
    fake_slack.tokens.update({TOKEN_A: TEAM_A, TOKEN_B: TEAM_B})
    b = two.client.command("status p-oktober", user=MEMBER_B, team=TEAM_B, channel=CHANNEL_B)
    assert "gereed" not in b.text and "Wijkscan" in b.text  # the data is the backup's
    a = two.client.command("update a-oktober gereed klaar", user=MEMBER_A, team=TEAM_A,
                           channel=CHANNEL_A)
    assert "Opgeslagen" in a.text  # still installed, still served
    wait_until(lambda: len(fake_slack.calls_with("chat.postMessage", TOKEN_A)) == 1)

    # into a new database: programmes and workspaces come, no installation
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    target = cli_env(two, fresh)
    restored = cli(target, "restore", str(made))
    assert restored.returncode == 0, restored.stderr
    engine = create_engine(fresh)
    try:
        assert credentials(engine) == {table: [] for table in CREDENTIALS}
        with engine.connect() as connection:
            assert dict(connection.execute(select(ProgrammeRow.key, ProgrammeRow.workspace))
                        .all()) == {"test-2021": TEAM_A, "hun-2021": TEAM_B}
            assert set(connection.execute(select(WorkspaceRow.team_id)).scalars()) == {
                TEAM_A, TEAM_B}
    finally:
        engine.dispose()
    listed = cli(target, "workspaces")
    assert listed.returncode == 0 and "not installed" in listed.stdout  # install again
    assert "xoxb" not in listed.stdout + listed.stderr + restored.stdout + restored.stderr


def cli_env(running: Any, database_url: str) -> Any:
    """The running app's settings, pointed at another database, for `cli`."""
    from dataclasses import replace

    class Target:
        settings = replace(running.settings, database_url=database_url)

    return Target()
