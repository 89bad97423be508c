"""`actiebot backup` and `actiebot restore` as an operator runs them: a year of work survives
the round trip (also from SQLite to PostgreSQL), and nothing is posted again after it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from storage.backup import COUNTERS, tables
from storage.db import normalise_url
from tests.cli.conftest import run_cli
from tests.conftest import KENNEMERLAND
from tests.slack.reminder_programme import write_programme


def _plain(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def everything(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ours, in a comparable form (counters left out: a restore
    raises them on purpose)."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            return {t.name: sorted((tuple(_plain(v) for v in row) for row in
                                    connection.execute(select(t))), key=repr)
                    for t in tables() if t.name not in COUNTERS}
    finally:
        engine.dispose()


@pytest.fixture
def year(tmp_path: Path, fake_slack: Any) -> tuple[str, dict[str, str]]:
    """A SQLite database with a year of work in it: two programmes, updates by a named author,
    a moved deadline, an indicator value, a rollover chain and reminders posted to Slack."""
    url = f"sqlite:///{tmp_path / 'year.db'}"
    env = {"DATABASE_URL": url, "SLACK_API_URL": fake_slack.url, "SLACK_BOT_TOKEN": "xoxb-test"}
    for file in (KENNEMERLAND, write_programme(tmp_path)):
        assert run_cli("import", str(file), env=env).returncode == 0
    for words in (("update", "THV", "risico", "wacht op de gemeenten"),
                  ("verplaats", "THV", "maart 2022", "de raad vergadert later"),
                  ("indicator", "vt-meldingen-kennemerland", "2021", "700")):
        done = run_cli("ask", *words, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    rolled = run_cli("rollover", "--from", "kennemerland-2021", "--to", "kennemerland-2022",
                     env=env)
    assert rolled.returncode == 0, rolled.stderr
    sent = run_cli("remind", "--at", "2021-10-15T09:00:00+02:00", env=env)
    assert sent.returncode == 0 and len(fake_slack.posted()) >= 3, sent.stderr
    return url, env


def test_backup_and_restore_keep_a_year_and_post_nothing_again(
        year: tuple[str, dict[str, str]], db_url: str, tmp_path: Path, fake_slack: Any) -> None:
    url, env = year
    snapshot = tmp_path / "backup.db"
    made = run_cli("backup", "-o", str(snapshot), env=env)
    assert made.returncode == 0, made.stderr
    assert f"to {snapshot}" in made.stderr and snapshot.read_bytes()[:15] == b"SQLite format 3"
    again = run_cli("backup", "-o", str(snapshot), env=env)
    assert again.returncode == 1 and "exists already" in again.stderr

    target = {**env, "DATABASE_URL": db_url}  # a new SQLite file, or a PostgreSQL database
    restored = run_cli("restore", str(snapshot), env=target)
    assert restored.returncode == 0, restored.stderr
    before, after = everything(url), everything(db_url)
    assert after == before
    assert after["status_updates"] and after["deliveries"] and after["indicator_values"]
    authors = {row for row in run_cli("export", "--all", env=target).stdout.split('"') if
               row == "console"}
    assert authors == {"console"}

    posted = len(fake_slack.posted())
    rerun = run_cli("remind", "--at", "2021-10-15T11:00:00+02:00", env=target)
    assert rerun.returncode == 0 and "nothing new" in rerun.stdout, rerun.stdout
    assert len(fake_slack.posted()) == posted
    history = run_cli("ask", "geschiedenis", "thv-onderzoek", env=target)
    assert "raad vergadert later" in history.stdout

    refused = run_cli("restore", str(snapshot), env=target)
    assert refused.returncode == 1 and "not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert everything(db_url) == before
    forced = run_cli("restore", str(snapshot), "--force", env=target)
    assert forced.returncode == 0, forced.stderr
    assert everything(db_url) == before


def test_restore_refuses_what_is_no_backup(tmp_path: Path) -> None:
    database = tmp_path / "target.db"
    result = run_cli("restore", str(KENNEMERLAND), env={"DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode == 1 and "not an Actiebot backup" in result.stderr
    assert "actiebot import" in result.stderr
    assert not database.exists()


def test_a_backup_while_a_writer_holds_the_database_is_a_consistent_snapshot(
        tmp_path: Path) -> None:
    database = tmp_path / "busy.db"
    env = {"DATABASE_URL": f"sqlite:///{database}"}
    assert run_cli("import", str(KENNEMERLAND), env=env).returncode == 0
    writer = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")  # the server in the middle of a write
    writer.execute("UPDATE activities SET title = 'half geschreven'")
    try:
        snapshot = tmp_path / "snapshot.db"
        made = run_cli("backup", "-o", str(snapshot), env=env)
        assert made.returncode == 0, made.stderr
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with sqlite3.connect(snapshot) as copy:
        titles = {row[0] for row in copy.execute("SELECT title FROM activities")}
    assert "half geschreven" not in titles and len(titles) == 14  # the example's activities
