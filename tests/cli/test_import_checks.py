"""`actiebot import` does not lose data without a word: a typo in a key is warned about (and
refused with --strict), what an import removes is said loudly, and an export older than the
changes it would overwrite needs --force."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.conftest import KENNEMERLAND

TYPO = '''programme: {key: typo-2022, name: "Typo"}
working_groups:
  - {key: wg-a, name: "Werkgroep A"}
  - {key: wg-b, name: "Werkgroep B"}
activities:
  - key: focus
    title: "Focusgroepen"
    working_group: wg-a
    owners: ["Gemeente", "GGD"]
    due: "december 2021"
    milestones:
      - {title: "Eerste", due: "maart 2021"}
      - {title: "Tweede", due: "juni 2021"}
'''


def _due(database: Path, key: str) -> str | None:
    with sqlite3.connect(database) as connection:
        row = connection.execute("SELECT due_date FROM activities WHERE key = ?", (key,))
        found = row.fetchone()
    return found[0] if found else None


@pytest.fixture
def database(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    db = tmp_path / "a.db"
    env = {"DATABASE_URL": f"sqlite:///{db}"}
    first = tmp_path / "typo.yaml"
    first.write_text(TYPO, encoding="utf-8")
    done = run_cli("import", str(first), env=env)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr  # a file of known keys only: no noise
    return db, env, first


def test_a_typo_in_a_key_is_warned_about_with_its_line_and_refused_when_strict(
        database: tuple[Path, dict[str, str], Path], tmp_path: Path) -> None:
    db, env, _ = database
    typo = tmp_path / "typo2.yaml"
    typo.write_text(TYPO.replace('    due: "december 2021"', '    deu: "maart 2022"'),
                    encoding="utf-8")
    strict = run_cli("import", "--strict", str(typo), env=env)
    assert strict.returncode == 1
    assert f"{typo}:10: activities[0].deu: unknown key; did you mean `due`?" in strict.stderr
    assert "nothing was changed" in strict.stderr
    assert _due(db, "focus") == "2021-12-31"

    lenient = run_cli("import", str(typo), env=env)
    assert lenient.returncode == 0, lenient.stderr
    assert (f"warning: {typo}:10: activities[0].deu: unknown key; did you mean `due`?"
            in lenient.stderr)
    assert "--strict" in lenient.stderr
    # kept (the contract) and the loss said loudly, in the file's language
    assert "!! LET OP — deze import heeft verwijderd: (typo-2022)" in lenient.stdout
    assert "!!   focus: deadline december 2021 verwijderd" in lenient.stdout
    exported = run_cli("export", "--programme", "typo-2022", env=env).stdout
    assert "deu: maart 2022" in exported


def test_an_import_that_removes_owners_milestones_and_a_group_says_so_in_english(
        database: tuple[Path, dict[str, str], Path], tmp_path: Path) -> None:
    _, env, _ = database
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(
        TYPO.replace('programme: {key: typo-2022, name: "Typo"}',
                     'programme: {key: typo-2022, name: "Typo", language: en}')
        .replace("    working_group: wg-a\n", "")
        .replace('["Gemeente", "GGD"]', '["Gemeente"]')
        .replace('      - {title: "Tweede", due: "juni 2021"}\n', ""), encoding="utf-8")
    result = run_cli("import", str(smaller), env=env)
    assert result.returncode == 0, result.stderr
    loud = [line for line in result.stdout.splitlines() if line.startswith("  !!")]
    assert loud == ["  !! NOTE — this import removed: (typo-2022)",
                    "  !!   focus: working group wg-a removed",
                    "  !!   focus: owner “GGD” removed",
                    "  !!   focus: milestone “Tweede” removed"]
    again = run_cli("import", str(smaller), env=env)
    assert "!!" not in again.stdout


def test_an_export_older_than_the_changes_it_would_overwrite_needs_force(
        tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    env = {"DATABASE_URL": f"sqlite:///{db}"}
    assert run_cli("import", str(KENNEMERLAND), env=env).returncode == 0
    old = tmp_path / "old.yaml"
    assert run_cli("export", "-o", str(old), env=env).returncode == 0
    assert old.read_text(encoding="utf-8").startswith("exported_at: ")
    fresh = run_cli("import", str(old), env=env)  # nothing changed since: fine
    assert fresh.returncode == 0 and "(no changes)" in fresh.stdout, fresh.stderr

    assert run_cli("ask", "update", "thv-onderzoek", "risico", "wacht", env=env).returncode == 0
    stale = run_cli("import", str(old), env=env)
    assert stale.returncode == 1
    assert "kennemerland-2021: 1 change after the file was exported" in stale.stderr
    assert "thv-onderzoek (update by console)" in stale.stderr
    assert "--force" in stale.stderr and "nothing was changed" in stale.stderr
    forced = run_cli("import", "--force", str(old), env=env)
    assert forced.returncode == 0, forced.stderr


def test_an_everything_export_says_what_it_is(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    env = {"DATABASE_URL": f"sqlite:///{db}"}
    assert run_cli("import", str(KENNEMERLAND), env=env).returncode == 0
    everything = tmp_path / "all.json"
    assert run_cli("export", "--all", "-o", str(everything), env=env).returncode == 0
    result = run_cli("import", str(everything), env=env)
    assert result.returncode == 1
    assert "is an `actiebot export --all` file" in result.stderr
    assert "actiebot restore" in result.stderr and "programme: is required" not in result.stderr
