"""`actiebot programmes`, `programme archive`, `programme remove`, and answers that name the
programme when more than one is in them: two programmes in one database, as a region that
continues its work next to the neighbouring one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.conftest import GOOI, KENNEMERLAND


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    database = tmp_path / "two.db"
    env = {"DATABASE_URL": f"sqlite:///{database}"}
    for file in (KENNEMERLAND, GOOI):
        done = run_cli("import", str(file), env=env)
        assert done.returncode == 0, done.stderr
    return database, env


def test_programmes_lists_both_and_unknown_keys_name_the_ones_that_exist(
        two: tuple[Path, dict[str, str]]) -> None:
    _, env = two
    listed = run_cli("programmes", env=env)
    assert listed.returncode == 0, listed.stderr
    head, *rows = listed.stdout.splitlines()
    assert head.split() == ["key", "name", "workspace", "activities", "open", "last",
                            "change", "archived"]
    assert rows[0].startswith("kennemerland-2021 ") and rows[1].startswith("gooi-en-vechtstreek ")
    assert "  —  " in rows[0] and rows[0].split()[-1] == "no"
    assert " 36 " in rows[1]  # the example: 34 activities and 2 recurring meetings
    rollover = run_cli("rollover", "--from", "nope", "--to", "nope-2", env=env)
    assert rollover.returncode == 1
    assert "the programmes are: kennemerland-2021, gooi-en-vechtstreek" in rollover.stderr
    export = run_cli("export", "--programme", "nope", env=env)
    assert export.returncode == 1 and "kennemerland-2021, gooi-en-vechtstreek" in export.stderr
    archive = run_cli("programme", "archive", "nope", env=env)
    assert archive.returncode == 1 and "gooi-en-vechtstreek" in archive.stderr


def test_answers_name_the_programme_when_two_are_in_them(
        two: tuple[Path, dict[str, str]]) -> None:
    _, env = two
    late = run_cli("ask", "--today", "2021-06-15", "te-laat", env=env)
    assert late.returncode == 0, late.stderr
    lines = [line for line in late.stdout.splitlines() if line.startswith("•")]
    assert any("[kennemerland-2021]" in line for line in lines)
    assert any("[gooi-en-vechtstreek]" in line for line in lines)
    assert all("[" in line for line in lines)
    status = run_cli("ask", "status", env=env)
    assert "[gooi-en-vechtstreek]" in status.stdout and "[kennemerland-2021]" in status.stdout
    one = run_cli("ask", "--today", "2021-06-15", "te-laat",
                  env={**env, "DATABASE_URL": env["DATABASE_URL"]})
    assert one.stdout == late.stdout
    alone = run_cli("ask", "--today", "2021-06-15", "lijst", "MDA++", env=env)
    assert "[kennemerland-2021]" not in alone.stdout  # one programme in the answer: not named


def test_an_archived_programme_is_not_reminded_but_still_answers(
        two: tuple[Path, dict[str, str]]) -> None:
    _, env = two
    before = run_cli("remind", "--at", "2021-10-15T09:00", "--dry-run", env=env)
    assert "gooi-en-vechtstreek/" in before.stdout or "kennemerland-2021/" in before.stdout
    archived = run_cli("programme", "archive", "kennemerland-2021", env=env)
    assert archived.returncode == 0, archived.stderr
    assert "no more reminders or digests" in archived.stderr
    after = run_cli("remind", "--at", "2021-10-15T09:00", "--dry-run", env=env)
    assert "kennemerland-2021/" not in after.stdout
    digest = run_cli("digest", "--month", "2021-11", "--dry-run", env=env)
    assert "kennemerland-2021" not in digest.stdout
    answer = run_cli("ask", "wanneer", "indicatoren", env=env)
    assert answer.returncode == 0 and "juli 2021" in answer.stdout
    assert "Archief: dit programma is gearchiveerd" in answer.stdout
    listed = run_cli("programmes", env=env).stdout.splitlines()[1]
    assert listed.split()[-1] == "yes"
    again = run_cli("programme", "archive", "kennemerland-2021", env=env)
    assert again.returncode == 0 and "archived already" in again.stderr


def test_remove_asks_writes_an_export_first_and_the_export_brings_it_back(
        two: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    database, env = two
    assert run_cli("ask", "update", "gv-actieonderzoek", "risico", "wacht",
                   env=env).returncode == 0
    unasked = run_cli("programme", "remove", "gooi-en-vechtstreek", env=env, input="")
    assert unasked.returncode == 1 and "--yes" in unasked.stderr
    saved = tmp_path / "gooi.yaml"
    removed = run_cli("programme", "remove", "gooi-en-vechtstreek", "--yes", "-o", str(saved),
                      env=env)
    assert removed.returncode == 0, removed.stderr
    assert str(saved) in removed.stderr and saved.exists()
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT key FROM programmes").fetchall() == \
            [("kennemerland-2021",)]
        left = connection.execute(
            "SELECT count(*) FROM activities a JOIN programmes p ON p.id = a.programme_id "
            "WHERE p.key != 'kennemerland-2021'").fetchone()
        assert left == (0,)
    answer = run_cli("ask", "wie", "gv-actieonderzoek", env=env)
    assert "ken „gv-actieonderzoek” niet" in answer.stdout  # gone
    back = run_cli("import", str(saved), env=env)
    assert back.returncode == 0, back.stderr
    history = run_cli("ask", "geschiedenis", "gv-actieonderzoek", env=env)
    assert "wacht" in history.stdout
    gone = run_cli("programme", "remove", "kennemerland-2021", "--yes", "--no-export", env=env)
    assert gone.returncode == 0 and "no export written" in gone.stderr
