"""`actiebot export --format xlsx|ics [--group KEY]` and `actiebot import FILE.xlsx`, as an operator
runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from bot.domain.recurrence import planned_dues
from storage.programme_file import read_file
from tests.cli.conftest import run_cli
from tests.conftest import GOOI, KENNEMERLAND


@pytest.mark.parametrize("example", [KENNEMERLAND, GOOI], ids=["kennemerland", "gooi"])
def test_xlsx_round_trip_through_a_fresh_database(cli, example: Path, tmp_path: Path) -> None:
    assert cli("import", str(example)).returncode == 0
    original = cli("export")
    assert original.returncode == 0, original.stderr
    workbook = tmp_path / "programma.xlsx"
    exported = cli("export", "--format", "xlsx", "-o", str(workbook))
    assert exported.returncode == 0, exported.stderr
    assert workbook.read_bytes()[:2] == b"PK"  # a zip container, as .xlsx is

    fresh = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}
    imported = run_cli("import", str(workbook), env=fresh)
    assert imported.returncode == 0, imported.stderr
    assert f"imported {read_file(example)[0].programme.key}" in imported.stdout
    again = run_cli("export", env=fresh)
    assert again.returncode == 0, again.stderr
    assert again.stdout == original.stdout
    # and importing the workbook over the original changes nothing
    assert cli("import", str(workbook)).stdout.endswith("(no changes)\n")


def test_broken_workbook_exits_1_names_the_cell_and_changes_nothing(cli, tmp_path: Path) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    workbook = tmp_path / "programma.xlsx"
    assert cli("export", "--format", "xlsx", "-o", str(workbook)).returncode == 0
    book = load_workbook(workbook)
    ws = book["Activiteiten"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("Status (status)") + 1, value="gereed")
    ws.cell(row=3, column=headers.index("Deadline (due)") + 1, value="ooit")
    book.save(workbook)
    before = cli("export").stdout
    result = cli("import", str(workbook))
    assert result.returncode == 1
    assert "Activiteiten:3: Deadline (due): cannot read deadline 'ooit'" in result.stderr
    assert "not imported, nothing was changed (1 problem)" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli("export").stdout == before  # the good row 2 was not saved either


def _events(ics: bytes) -> tuple[Calendar, dict[str, object]]:
    calendar = Calendar.from_ical(ics)
    return calendar, {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_ics_has_one_all_day_event_per_dated_deadline_and_milestone(cli) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    result = cli("export", "--format", "ics", "--programme", "kennemerland-2021")
    assert result.returncode == 0, result.stderr
    calendar, events = _events(result.stdout.encode())
    file = read_file(KENNEMERLAND)[0]
    assert str(calendar["X-WR-CALNAME"]) == file.programme.name
    dated = [a for a in file.activities if a.due is not None]
    dated_milestones = [m for a in file.activities for m in a.milestones if m.due is not None]
    # a recurring activity is one event per occurrence
    occurrences = sum(max(1, len(planned_dues(a.due, a.extra, file.programme.extra)))
                      for a in dated)
    assert occurrences > len(dated)  # the example has recurring work
    assert len(events) == occurrences + len(dated_milestones)
    assert all(str(e["STATUS"]) == "CONFIRMED" for e in events.values())
    first, second = (events["kennemerland-2021/projectgroep-breed@actiebot"],
                     events["kennemerland-2021/projectgroep-breed/keer-2@actiebot"])
    assert (first.decoded("DTSTART"), second.decoded("DTSTART")) == (
        date(2021, 9, 30), date(2022, 3, 31))
    assert "(2/7)" in str(second["SUMMARY"])
    assert any(a.due is None for a in file.activities) or any(
        m.due is None for a in file.activities for m in a.milestones)  # some are left out

    deadline = events["kennemerland-2021/indicatoren-set@actiebot"]
    assert deadline.decoded("DTSTART") == date(2021, 7, 31)  # "juli 2021": its last day
    assert deadline.decoded("DTEND") == date(2021, 8, 1)  # all day
    assert "juli 2021" in str(deadline["SUMMARY"])
    assert str(deadline["TRANSP"]) == "TRANSPARENT"
    description = str(deadline["DESCRIPTION"])
    assert "Werkgroep Indicatoren" in description
    assert "Status: niet-gestart" in description
    assert deadline["CATEGORIES"].cats == ["Werkgroep Indicatoren"]
    # mda-advies as a whole has no deadline (the seed dates only its first milestone)
    assert "kennemerland-2021/mda-advies@actiebot" not in events
    milestone = events["kennemerland-2021/mda-advies/mijlpaal/onderzoek-en-advies@actiebot"]
    assert milestone.decoded("DTSTART") == date(2021, 3, 31)
    assert "Mijlpaal: Onderzoek en advies" in str(milestone["SUMMARY"])
    assert not any("uitvoering" in uid for uid in events)  # "Uitvoering" has no date


def test_ics_uids_are_stable_and_an_update_changes_the_event(cli) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    _, first = _events(cli("export", "--format", "ics").stdout.encode())
    update = cli("ask", "update", "mda-advies", "vertraagd", "wachten", "op", "de", "stuurgroep")
    assert update.returncode == 0, update.stderr
    _, second = _events(cli("export", "--format", "ics").stdout.encode())
    assert set(first) == set(second)
    uid = "kennemerland-2021/mda-advies/mijlpaal/onderzoek-en-advies@actiebot"  # its dated part
    assert "Status: vertraagd" in str(second[uid]["DESCRIPTION"])
    assert int(second[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"])


def test_group_filter_for_ics_csv_and_yaml(cli, tmp_path: Path) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    assert cli("import", str(GOOI)).returncode == 0
    calendar, events = _events(cli("export", "--format", "ics", "--group", "MDA++")
                               .stdout.encode())
    assert events and all(uid.startswith("kennemerland-2021/mda-") for uid in events)
    assert "Werkgroep MDA++" in str(calendar["X-WR-CALNAME"])
    rows = cli("export", "--format", "csv", "--group", "wg-mda").stdout.splitlines()
    assert len(rows) > 1 and all(",mda-" in row for row in rows[1:])
    part = tmp_path / "mda.yaml"
    assert cli("export", "--group", "wg-mda", "-o", str(part)).returncode == 0
    only = read_file(part)[0]
    assert [g.key for g in only.working_groups] == ["wg-mda"]
    assert {a.working_group for a in only.activities} == {"wg-mda"}
    assert cli("import", str(part)).stdout.endswith("(no changes)\n")  # upsert: nothing lost
    unknown = cli("export", "--format", "ics", "--group", "wg-bestaat-niet")
    assert unknown.returncode == 1
    assert unknown.stderr.count("\n") == 1 and "no working group 'wg-bestaat-niet'" in unknown.stderr
