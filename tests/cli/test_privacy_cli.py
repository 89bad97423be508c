"""AVG/GDPR from the command line: `actiebot export --all` and `actiebot forget-user` on SQLite
and PostgreSQL. The CLI runs in-process here (bot.cli.main, as `python -m bot` does) to keep the
suite fast; tests/slack/test_logs.py runs both as real processes."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

ALICE = "U0ALICE01"
PROGRAMME = f"""
programme: {{key: avg-test, name: "AVG-test", timezone: Europe/Amsterdam}}
working_groups:
  - key: wg-thv
    name: "Werkgroep THV"
    aliases: [THV]
    channel: C0THV0001
    members: {{"Veilig Thuis": [{ALICE}, U0BOB0002]}}
activities:
  - key: thv-onderzoek
    title: "Onderzoek naar het Tijdelijk Huisverbod"
    owners: ["Veilig Thuis"]
    working_group: wg-thv
    due: "december 2021"
    updates:
      - {{at: "2021-03-01T10:00:00+01:00", author: {ALICE}, author_name: alice, status: op-schema,
          note: "<@{ALICE}|alice> pakt de evaluatie op met {ALICE}"}}
      - {{at: "2021-04-01T10:00:00+01:00", author: U0BOB0002, author_name: bob, status: risico,
          note: "loopt uit"}}
"""


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """`actiebot ARGS` against the test database, in this process."""
    from bot.cli import main

    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)
    root = logging.getLogger()
    level = root.level

    def run(*args: str) -> Ran:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse's usage errors
            code = int(stop.code or 0)
        finally:
            root.setLevel(level)
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


@pytest.fixture
def held(cli: Any, db_url: str, tmp_path: Path) -> Any:
    """A database that holds Alice everywhere: update log, member link, locale, delivery."""
    from bot.app import build_runtime
    from bot.config import Settings

    path = tmp_path / "avg.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    assert cli("import", str(path)).returncode == 0
    runtime = build_runtime(Settings(database_url=db_url))
    now = datetime(2021, 4, 2, 9, 0, tzinfo=UTC)
    with runtime.deps.uow(write=True) as uow:
        uow.repo.set_user_locale(ALICE, "en-GB", now)
        uow.repo.set_user_locale("U0BOB0002", "nl-NL", now)
        uow.repo.claim_delivery(f"dm:{ALICE}:herinnering", "update", ALICE,
                                {"mention": ALICE, "programme": "avg-test"}, now)
        uow.commit()
    runtime.engine.dispose()
    return cli


def export_all(cli: Any) -> dict[str, Any]:
    result = cli("export", "--all")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_export_all_holds_everything_stored_including_authors_and_locales(held: Any,
                                                                          tmp_path: Path) -> None:
    data = export_all(held)
    assert data["format"] == "actiebot-export-all" and data["version"] == 1
    tables = data["tables"]
    assert "alembic_version" not in tables
    for name in ("programmes", "goals", "working_groups", "working_group_members", "activities",
                 "activity_owners", "milestones", "status_updates", "deliveries", "slack_users"):
        assert name in tables, name
    assert {m["slack_user_id"] for m in tables["working_group_members"]} == {ALICE, "U0BOB0002"}
    authors = {(u["author"], u["author_name"]) for u in tables["status_updates"]}
    assert (ALICE, "alice") in authors and ("U0BOB0002", "bob") in authors
    assert any("pakt de evaluatie op" in u["note"] for u in tables["status_updates"])
    assert {u["slack_user_id"]: u["locale"] for u in tables["slack_users"]}[ALICE] == "en-GB"
    delivery = next(d for d in tables["deliveries"] if d["channel"] == ALICE)
    assert delivery["state"] == "pending" and delivery["created_at"].startswith("2021-04-02T09:00")
    alice = next(p for p in data["people"] if p["slack_user_id"] == ALICE)
    assert alice["updates"] == 1 and alice["names"] == ["alice"] and alice["locale"] == "en-GB"
    assert alice["member_links"] == [{"working_group_id": 1, "owner_name": "Veilig Thuis"}]
    # to a file, with a one-line summary
    out = tmp_path / "alles.json"
    written = held("export", "--all", "-o", str(out))
    assert written.returncode == 0 and "exported everything" in written.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["tables"] == tables


def test_forget_user_pseudonymises_the_history_and_removes_the_links(held: Any,
                                                                     tmp_path: Path) -> None:
    before = export_all(held)["tables"]
    dry = held("forget-user", ALICE, "--dry-run")
    assert dry.returncode == 0 and "would become vergeten-" in dry.stdout
    assert export_all(held)["tables"] == before  # a dry run changes nothing

    result = held("forget-user", ALICE)
    assert result.returncode == 0, result.stderr
    pseudonym = re.search(r"is now (vergeten-[0-9a-f]{10})", result.stdout).group(1)  # type: ignore[union-attr]
    for line in ("1 update(s) in the log: author replaced",
                 "1 note(s) mentioning the user: mention replaced",
                 "1 working-group member link(s) removed", "1 remembered Slack locale removed",
                 "1 delivery ledger row(s)"):
        assert line in result.stdout, result.stdout

    after = export_all(held)
    assert ALICE not in json.dumps(after)
    tables = after["tables"]
    # the history is kept: same updates, same statuses, same notes apart from the mention
    assert len(tables["status_updates"]) == len(before["status_updates"])
    assert [u["new_status"] for u in tables["status_updates"]] == [
        u["new_status"] for u in before["status_updates"]]
    mine = next(u for u in tables["status_updates"] if u["author"] == pseudonym)
    assert mine["author_name"] == pseudonym
    assert mine["note"] == f"{pseudonym} pakt de evaluatie op met {pseudonym}"
    assert "alice" not in json.dumps(tables["status_updates"])
    bob = next(u for u in tables["status_updates"] if u["author"] == "U0BOB0002")
    assert bob["author_name"] == "bob"  # nobody else is touched
    assert [m["slack_user_id"] for m in tables["working_group_members"]] == ["U0BOB0002"]
    assert [u["slack_user_id"] for u in tables["slack_users"]] == ["U0BOB0002"]
    delivery = next(d for d in tables["deliveries"] if d["channel"] == pseudonym)
    assert delivery["payload"]["mention"] == pseudonym and pseudonym in delivery["key"]

    # idempotent: nothing left to change
    again = held("forget-user", ALICE)
    assert again.returncode == 0 and "nothing to forget" in again.stdout
    assert export_all(held)["tables"] == tables

    # the bot still answers about the history, showing the pseudonym
    history = held("ask", "geschiedenis", "THV")
    assert pseudonym in history.stdout and ALICE not in history.stdout
    # and the programme still round-trips through a programme file
    out = tmp_path / "na.yaml"
    assert held("export", "-o", str(out)).returncode == 0
    assert ALICE not in out.read_text(encoding="utf-8")
    reimport = held("import", str(out))
    assert reimport.returncode == 0, reimport.stderr


def test_forget_user_of_someone_unknown_changes_nothing(held: Any) -> None:
    before = export_all(held)["tables"]
    result = held("forget-user", "U0NOBODY9")
    assert result.returncode == 0 and "nothing to forget" in result.stdout
    assert export_all(held)["tables"] == before


@pytest.mark.parametrize("args", [
    ("forget-user", "alice"), ("forget-user", "U0ALICE01; DROP TABLE x"),
    ("export", "--all", "--format", "yaml"), ("export", "--all", "--programme", "avg-test"),
])
def test_usage_errors_exit_2(cli: Any, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


def test_export_all_of_an_empty_database_is_still_valid_json(cli: Any) -> None:
    assert cli("db", "upgrade").returncode == 0  # an empty database (reading creates none)
    data = export_all(cli)
    assert data["people"] == [] and data["tables"]["status_updates"] == []
