"""Running it for a year: what an operator meets, through the real `actiebot` process.

Which database is in use, what a failure says, what exit status a script sees, what a made-up
day may do, and the URLs hosting platforms set.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.db import normalise_url
from tests.cli.conftest import run_cli
from tests.conftest import KENNEMERLAND


def _log_rows(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT count(*) FROM status_updates").fetchone()[0])


@pytest.fixture
def loaded_db(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    database = tmp_path / "year.db"
    env = {"DATABASE_URL": f"sqlite:///{database}"}
    done = run_cli("import", str(KENNEMERLAND), env=env)
    assert done.returncode == 0, done.stderr
    return database, env


# -- which database ---------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ("ask", "wie", "MDA++"), ("export",), ("report", "--period", "2021"), ("rollover", "--from", "a", "--to", "b"),
    ("remind", "--dry-run"), ("backup", "-o", "snapshot.db"),
])
def test_a_reading_command_never_creates_a_database_and_names_the_one_it_looked_for(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    result = run_cli(*command, env={"DATABASE_URL": "sqlite:///nowhere/actiebot.db"})
    assert result.returncode == 1, result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    from tests.cli.conftest import ROOT

    assert f"no database at {ROOT / 'nowhere' / 'actiebot.db'}" in line  # absolute
    assert "nothing was created" in line
    assert not (ROOT / "nowhere").exists()


@pytest.mark.postgres
def test_a_reading_command_refuses_a_server_database_without_our_tables(pg_url: str) -> None:
    result = run_cli("ask", "help", env={"DATABASE_URL": pg_url})
    assert result.returncode == 1
    assert "holds no Actiebot tables" in result.stderr and "nothing was created" in result.stderr
    from sqlalchemy import create_engine, inspect

    engine = create_engine(pg_url)
    with engine.connect() as connection:
        assert inspect(connection).get_table_names() == []
    engine.dispose()


def test_the_command_that_creates_the_database_says_where(tmp_path: Path) -> None:
    database = tmp_path / "new" / "actiebot.db"
    result = run_cli("import", str(KENNEMERLAND), env={"DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode == 0, result.stderr
    assert f"created the database: SQLite file {database}" in result.stderr
    again = run_cli("import", str(KENNEMERLAND), env={"DATABASE_URL": f"sqlite:///{database}"})
    assert "created the database" not in again.stderr


# -- what a failure says ----------------------------------------------------------------------

def test_an_unquoted_impossible_date_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "februari.yaml"
    bad.write_text('programme: {key: x, name: "X"}\nactivities:\n  - key: a\n    title: A\n'
                   "    due: 2021-02-31\n", encoding="utf-8")
    database = tmp_path / "x.db"
    result = run_cli("import", str(bad), env={"DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode == 1
    assert f"{bad}:5:" in result.stderr and "2021-02-31" in result.stderr
    assert "ValueError" not in result.stderr and "nothing was changed" in result.stderr
    assert not database.exists()


def test_an_unreachable_postgresql_is_named_with_host_and_port_and_logged_by_id(
        tmp_path: Path) -> None:
    log = tmp_path / "actiebot.log"
    result = run_cli("ask", "wie", "MDA++", env={
        "DATABASE_URL": "postgresql+psycopg://bob:geheim@127.0.0.1:1/actiebot",
        "ACTIEBOT_LOG_FILE": str(log)})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot reach PostgreSQL at 127.0.0.1:1 (database actiebot)" in lines[0]
    assert "geheim" not in result.stderr and "OperationalError" not in lines[0]
    cid = lines[0].rsplit("correlation id ", 1)[1].split()[0]
    record = log.read_text(encoding="utf-8")
    assert f"correlation id {cid}" in record and "ERROR" in record
    assert "File " in record  # the frames: the full record is there, not only the line
    assert "geheim" not in record


def test_the_configured_log_level_shows_the_record_on_stderr(tmp_path: Path) -> None:
    result = run_cli("ask", "help", env={
        "DATABASE_URL": "postgresql://bob@127.0.0.1:1/actiebot", "ACTIEBOT_LOG_LEVEL": "DEBUG"})
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    cid = last.rsplit("correlation id ", 1)[1].split()[0]
    assert result.stderr.count(f"correlation id {cid}") >= 2  # the record and the line


@pytest.mark.parametrize("url", ["postgres://bob:pw@127.0.0.1:1/a", "postgresql://bob:pw@127.0.0.1:1/a"])
def test_hosting_style_postgresql_urls_use_psycopg_3(url: str) -> None:
    assert normalise_url(url) == "postgresql+psycopg://bob:pw@127.0.0.1:1/a"
    result = run_cli("ask", "help", env={"DATABASE_URL": url})
    assert "NoSuchModule" not in result.stderr and "psycopg2" not in result.stderr
    assert "cannot reach PostgreSQL at 127.0.0.1:1" in result.stderr


@pytest.mark.postgres
def test_a_postgres_url_reaches_a_real_server(pg_url: str, tmp_path: Path) -> None:
    heroku = pg_url.replace("postgresql+psycopg://", "postgres://")
    result = run_cli("import", str(KENNEMERLAND), env={"DATABASE_URL": heroku})
    assert result.returncode == 0, result.stderr
    assert "imported kennemerland-2021" in result.stdout


# -- exit status and made-up days -------------------------------------------------------------

@pytest.mark.parametrize(("words", "said"), [
    (("update", "THV", "misschien"), "status"),  # an unknown status
    (("update", "THV", "risico", "bel", "06-12345678"), "telefoonnummer"),  # personal data in the note
    (("update", "bestaatniet", "risico"), ""),  # no such activity
])
def test_a_refused_change_exits_1_and_changes_nothing(
        loaded_db: tuple[Path, dict[str, str]], words: tuple[str, ...], said: str) -> None:
    database, env = loaded_db
    before = _log_rows(database)
    result = run_cli("ask", *words, env=env)
    assert result.returncode == 1, result.stdout
    assert said in result.stdout
    assert _log_rows(database) == before
    assert run_cli("ask", "update", "THV", "risico", "loopt uit", env=env).returncode == 0
    assert _log_rows(database) == before + 1


@pytest.mark.parametrize("how", ["option", "variable"])
def test_a_change_on_a_made_up_day_is_refused(
        loaded_db: tuple[Path, dict[str, str]], how: str) -> None:
    database, env = loaded_db
    before = _log_rows(database)
    if how == "option":
        result = run_cli("ask", "--today", "2021-06-15", "update", "THV", "risico", "loopt uit",
                         env=env)
    else:
        result = run_cli("ask", "update", "THV", "risico", "loopt uit",
                         env={**env, "ACTIEBOT_TODAY": "2021-06-15"})
    assert result.returncode == 1
    assert "--today" in result.stdout and "niets gewijzigd" in result.stdout
    assert _log_rows(database) == before
    question = run_cli("ask", "--today", "2021-06-15", "wanneer", "indicatoren", env=env)
    assert question.returncode == 0 and "juli 2021" in question.stdout
    console = run_cli("console", "--today", "2021-06-15",
                      input="update THV risico loopt uit\nstatus THV\nexit\n", env=env)
    assert console.returncode == 0 and "niets gewijzigd" in console.stdout
    assert _log_rows(database) == before
