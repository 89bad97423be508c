"""The `actiebot` CLI as an operator uses it: real processes, real databases."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import run_cli
from tests.conftest import GOOI, KENNEMERLAND


def test_import_ask_export_roundtrip(cli, tmp_path: Path) -> None:
    first = cli("import", str(KENNEMERLAND))
    assert first.returncode == 0, first.stderr
    assert "imported kennemerland-2021: 14 activities" in first.stdout
    again = cli("import", str(KENNEMERLAND))
    assert "(no changes)" in again.stdout
    answer = cli("ask", "wanneer", "indicatoren")
    assert answer.returncode == 0 and "juli 2021" in answer.stdout
    out = tmp_path / "export.yaml"
    exported = cli("export", "--programme", "kennemerland-2021", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert cli("import", str(out)).stdout.endswith("(no changes)\n")
    as_json = cli("export", "--format", "json")
    assert as_json.returncode == 0 and '"key": "kennemerland-2021"' in as_json.stdout
    as_csv = cli("export", "--format", "csv")
    assert as_csv.stdout.startswith("programme,key,title")


def test_both_examples_import_and_answer(cli) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    assert cli("import", str(GOOI)).returncode == 0
    who = cli("ask", "wie", "MDA++")
    assert "Werkgroep MDA++, Hoe verder?" in who.stdout


def test_broken_file_exits_1_and_names_the_line(cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('programme: {key: x, name: "X"}\nactivities:\n  - {key: a, title: A, '
                   'due: "morgen misschien"}\n', encoding="utf-8")
    result = cli("import", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3: activities[0].due" in result.stderr
    assert "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert "nothing was created" in cli("export", "--programme", "x").stderr  # nor imported


def test_usage_error_exits_2() -> None:
    result = run_cli("export", "--format", "xml")
    assert result.returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_serve_without_tokens_names_the_missing_variables(sqlite_url: str) -> None:
    result = run_cli("serve", env={"DATABASE_URL": sqlite_url})
    assert result.returncode == 1
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
    socket = run_cli("socket", env={"DATABASE_URL": sqlite_url, "SLACK_BOT_TOKEN": "xoxb-1"})
    assert socket.returncode == 1 and "SLACK_APP_TOKEN" in socket.stderr


def test_bad_setting_is_named(sqlite_url: str) -> None:
    result = run_cli("ask", "help", env={"DATABASE_URL": sqlite_url, "ACTIEBOT_LANGUAGE": "fr"})
    assert result.returncode == 1 and "ACTIEBOT_LANGUAGE" in result.stderr


def test_database_outage_is_one_line(tmp_path: Path) -> None:
    result = run_cli("ask", "help", env={
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_console_runs_the_same_command_layer(cli) -> None:
    cli("import", str(KENNEMERLAND))
    result = cli("console", input="/actie wie MDA++\nwanneer MDA++\nupdate THV op-schema loopt\n"
                                  "status THV\nexit\n")
    assert result.returncode == 0, result.stderr
    assert "Stuurgroep Veilig Thuis" in result.stdout
    assert "Uitvoering" in result.stdout
    assert "[#C0THV0001]" in result.stdout  # the announcement the channel would get
    assert "op schema" in result.stdout


def test_start_loads_the_example_once_then_opens_the_console(sqlite_url: str) -> None:
    env = {"DATABASE_URL": sqlite_url}
    first = run_cli("start", input="wanneer indicatoren\n", env=env)
    assert first.returncode == 0, first.stderr
    assert "loaded the example programme" in first.stderr
    assert "juli 2021" in first.stdout
    second = run_cli("start", input="exit\n", env=env)
    assert "loaded the example" not in second.stderr


def test_english_language_setting(cli) -> None:
    cli("import", str(KENNEMERLAND))
    result = cli("ask", "deadline", "indicatoren", env={"ACTIEBOT_LANGUAGE": "en"})
    assert "July 2021" in result.stdout


def test_db_upgrade(cli) -> None:
    result = cli("db", "upgrade")
    assert result.returncode == 0 and "at revision" in result.stdout
