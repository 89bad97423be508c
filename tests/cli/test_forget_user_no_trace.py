"""Issue 8, forget-user and export --all, as an operator runs them (real processes).

* forget-user leaves no trace of the user's id or name in the SQLite files (database, -wal,
  -shm): the changed rows are vacuumed away and the WAL is checkpointed and truncated; on
  PostgreSQL the touched tables are rewritten (VACUUM FULL). Its output says what else the
  operator must purge.
* Its counts and the rows it changes are exact ids: forgetting U0CAROL01 leaves U0CAROL012.
* export --all's people summary lists a user known only from a reminder snooze.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run_cli

ALICE, CAROL, CAROLINE, SNOOZER = "U0ALICE01", "U0CAROL01", "U0CAROL012", "U0SNOOZE1"
SECRET_NAME = "Alice Zonderspoor"
PROGRAMME = f"""
programme: {{key: avg-trace, name: "AVG-spoor", timezone: Europe/Amsterdam}}
working_groups:
  - key: wg-thv
    name: "Werkgroep THV"
    aliases: [THV]
    channel: C0THV0001
    members: {{"Veilig Thuis": [{ALICE}, {CAROLINE}]}}
activities:
  - key: thv-onderzoek
    title: "Onderzoek naar het Tijdelijk Huisverbod"
    owners: ["Veilig Thuis"]
    working_group: wg-thv
    due: "december 2021"
    contactpersoon_slack: "{ALICE}"
    updates:
      - {{at: "2021-03-01T10:00:00+01:00", author: {ALICE}, author_name: "{SECRET_NAME}",
          status: op-schema, note: "<@{ALICE}> pakt het op, met <@{CAROLINE}>"}}
      - {{at: "2021-03-02T10:00:00+01:00", author: {CAROL}, author_name: carol,
          status: op-schema, note: "ook {CAROLINE} doet mee"}}
      - {{at: "2021-03-03T10:00:00+01:00", author: {CAROLINE}, author_name: caroline,
          status: risico, note: "loopt uit"}}
"""


def _database(db_url: str, tmp_path: Path) -> Any:
    """Imported programme plus a locale, a snooze and a delivery: the user is everywhere."""
    from bot.app import build_runtime
    from bot.config import Settings
    from bot.domain.ports import ActivityId, ReminderHold

    path = tmp_path / "avg.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    assert run_cli("import", str(path), env={"DATABASE_URL": db_url}).returncode == 0
    runtime = build_runtime(Settings(database_url=db_url))
    now = datetime(2021, 4, 2, 9, 0, tzinfo=UTC)
    thv = ActivityId("avg-trace", "thv-onderzoek")
    with runtime.deps.uow(write=True) as uow:
        uow.repo.set_user_locale(ALICE, "en-GB", now)
        uow.repo.add_reminder_hold(ReminderHold(thv, "activity", "snooze", date(2021, 4, 9), ALICE,
                                                now, SECRET_NAME))
        uow.repo.add_reminder_hold(ReminderHold(thv, "activity", "snooze", date(2021, 4, 9),
                                                SNOOZER, now, "snoozer"))
        uow.repo.claim_delivery(f"dm:{ALICE}:x", "update", ALICE, {"mention": ALICE}, now)
        uow.repo.claim_delivery(f"dm:{CAROLINE}:x", "update", CAROLINE, {"mention": CAROLINE},
                                now)
        uow.commit()
    runtime.engine.dispose()
    return runtime


def _files(db_url: str) -> list[Path]:
    base = Path(db_url.removeprefix("sqlite:///"))
    return [p for p in (base, Path(f"{base}-wal"), Path(f"{base}-shm")) if p.exists()]


def test_forget_user_leaves_no_trace_in_the_sqlite_files(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'actiebot.db'}"
    _database(db_url, tmp_path)
    assert any(ALICE.encode() in p.read_bytes() for p in _files(db_url))  # the test can fail

    # The running bot keeps the database open: SQLite then neither checkpoints nor removes
    # the WAL when forget-user's own connection closes (the case the issue saw).
    bot = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        bot.execute("SELECT count(*) FROM status_updates").fetchone()
        result = run_cli("forget-user", ALICE, env={"DATABASE_URL": db_url})
        assert result.returncode == 0, result.stderr
        assert "WAL checkpoint (TRUNCATE)" in result.stdout and "VACUUM" in result.stdout
        assert "backups" in result.stdout and "Slack itself" in result.stdout
        assert "not done" not in result.stderr
        for path in _files(db_url):
            data = path.read_bytes()
            assert ALICE.encode() not in data, path.name
            assert SECRET_NAME.encode() not in data, path.name
            assert b"en-GB" not in data, path.name
        wal = Path(f"{db_url.removeprefix('sqlite:///')}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        bot.close()


def test_forget_user_counts_and_changes_exact_ids_only(db_url: str, tmp_path: Path) -> None:
    _database(db_url, tmp_path)
    env = {"DATABASE_URL": db_url}
    result = run_cli("forget-user", CAROL, env=env)
    assert result.returncode == 0, result.stderr
    assert "1 update(s) in the log: author replaced" in result.stdout
    assert "note(s) mentioning" not in result.stdout  # "U0CAROL012" is someone else
    assert "delivery" not in result.stdout and "other row" not in result.stdout
    assert "still named" not in result.stderr
    exported = run_cli("export", "--all", env=env)
    data = json.loads(exported.stdout)
    text = json.dumps(data["tables"])
    assert not re.search(rf"{CAROL}(?![0-9A-Z])", text)
    assert text.count(CAROLINE) >= 5  # member link, two notes, author, delivery: untouched
    if db_url.startswith("postgresql"):
        assert "VACUUM (FULL) status_updates" in result.stdout


def test_export_all_lists_a_user_known_only_from_a_snooze(db_url: str, tmp_path: Path) -> None:
    _database(db_url, tmp_path)
    result = run_cli("export", "--all", env={"DATABASE_URL": db_url})
    assert result.returncode == 0, result.stderr
    people = {p["slack_user_id"]: p for p in json.loads(result.stdout)["people"]}
    assert SNOOZER in people
    snoozer = people[SNOOZER]
    assert snoozer["updates"] == 0 and snoozer["names"] == ["snoozer"]
    assert snoozer["appears_in"] == {"reminder_holds.by_user": 1}
    assert people[ALICE]["appears_in"]["deliveries.channel"] == 1
    assert set(people) == {ALICE, CAROL, CAROLINE, SNOOZER}


@pytest.mark.parametrize("user", [ALICE])
def test_a_dry_run_purges_nothing_and_says_nothing_about_files(tmp_path: Path, user: str) -> None:
    db_url = f"sqlite:///{tmp_path / 'actiebot.db'}"
    _database(db_url, tmp_path)
    result = run_cli("forget-user", user, "--dry-run", env={"DATABASE_URL": db_url})
    assert result.returncode == 0 and "would become vergeten-" in result.stdout
    assert "VACUUM" not in result.stdout
    assert any(user.encode() in p.read_bytes() for p in _files(db_url))


def test_forget_user_also_replaces_the_id_in_tables_and_keys_it_does_not_know(
        db_url: str, tmp_path: Path) -> None:
    """An unknown key of the programme file (kept in a JSON column) names the user too."""
    _database(db_url, tmp_path)
    env = {"DATABASE_URL": db_url}
    result = run_cli("forget-user", ALICE, env=env)
    assert result.returncode == 0, result.stderr
    assert "1 other row(s) holding the user id: replaced" in result.stdout
    assert "still named" not in result.stderr
    exported = run_cli("export", "--all", env=env)
    assert ALICE not in exported.stdout and SECRET_NAME not in exported.stdout
    assert CAROLINE in exported.stdout
