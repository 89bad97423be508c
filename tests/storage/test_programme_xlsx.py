"""Excel workbooks: the same programme as the YAML reader produces, the same refusals, cell-exact."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.domain.model import Precision, Status
from storage.programme_file import ProgrammeFileError, read_file
from storage.programme_xlsx import dump_xlsx, read_xlsx, read_xlsx_bytes
from tests.conftest import GOOI, KENNEMERLAND


def _sheet_cells(content: bytes, sheet: str) -> tuple[list[str], list[list[object]]]:
    ws = load_workbook(BytesIO(content))[sheet]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    return [str(h) for h in rows[0]], rows[1:]


def _edit(content: bytes, tmp_path: Path, edits: list[tuple[str, int, str, object]]) -> Path:
    """Change cells by sheet, row and the Dutch start of their header, as a user would."""
    book = load_workbook(BytesIO(content))
    for sheet, row, header, value in edits:
        ws = book[sheet]
        column = next(c.column for c in ws[1] if str(c.value).startswith(header))
        ws.cell(row=row, column=column, value=value)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def _row_of(content: bytes, sheet: str, key: str, column: int = 1) -> int:
    _, rows = _sheet_cells(content, sheet)
    return next(i for i, row in enumerate(rows, 2) if row[column] == key)


@pytest.mark.parametrize("path", [KENNEMERLAND, GOOI], ids=["kennemerland", "gooi"])
def test_workbook_reads_back_into_the_same_programme(path: Path) -> None:
    files = read_file(path)
    assert read_xlsx_bytes(dump_xlsx(files)) == files


def test_both_programmes_in_one_workbook_stay_apart() -> None:
    files = read_file(KENNEMERLAND) + read_file(GOOI)
    again = read_xlsx_bytes(dump_xlsx(files))
    assert [f.programme.key for f in again] == ["kennemerland-2021", "gooi-en-vechtstreek"]
    assert again == files


def test_sheets_have_dutch_headers_frozen_and_sized() -> None:
    book = load_workbook(BytesIO(dump_xlsx(read_file(KENNEMERLAND))))
    assert book.sheetnames[:6] == ["Programma", "Werkgroepen", "Doelen", "Activiteiten",
                                   "Mijlpalen", "Updates"]
    ws = book["Activiteiten"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["Programma (programme)", "Sleutel (key)", "Titel (title)",
                           "Doel (goal)"]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "C2"
    assert ws.max_row == 1 + len(read_file(KENNEMERLAND)[0].activities)
    assert 10 < ws.column_dimensions["C"].width <= 62  # titles: wide, but capped
    owners = ws.cell(row=2, column=headers.index("Eigenaars (owners)") + 1).value
    assert "\n" in owners  # one owner per line: names may contain commas
    validations = ws.data_validations.dataValidation
    assert any("gereed" in (v.formula1 or "") for v in validations)


def test_a_note_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    source.write_text(
        'programme: {key: p, name: "P"}\n'
        "activities:\n"
        "  - key: a\n    title: A\n    updates:\n"
        '      - {at: 2021-03-01, author: U0A, status: op-schema, note: "=HYPERLINK(\\"x\\")"}\n',
        encoding="utf-8")
    files = read_file(source)
    content = dump_xlsx(files)
    ws = load_workbook(BytesIO(content))["Updates"]
    note = next(c for c in ws[2] if isinstance(c.value, str) and c.value.startswith("="))
    assert note.data_type == "s"
    assert read_xlsx_bytes(content) == files


def test_edits_in_excel_are_read(tmp_path: Path) -> None:
    content = dump_xlsx(read_file(KENNEMERLAND))
    row = _row_of(content, "Activiteiten", "mda-advies")
    path = _edit(content, tmp_path, [
        ("Activiteiten", row, "Status", "gereed"),
        ("Activiteiten", row, "Deadline", datetime(2021, 4, 15)),  # a real Excel date
        ("Activiteiten", row, "Eigenaars", "Veilig Thuis\n  \nGGD Kennemerland"),
    ])
    activity = next(a for a in read_xlsx(path)[0].activities if a.key == "mda-advies")
    assert activity.status is Status.DONE
    assert activity.due is not None and activity.due.precision is Precision.DAY
    assert str(activity.due.value) == "2021-04-15"
    assert activity.owners == ("Veilig Thuis", "GGD Kennemerland")


def test_problems_name_sheet_row_and_column_and_nothing_is_read(tmp_path: Path) -> None:
    content = dump_xlsx(read_file(KENNEMERLAND))
    row = _row_of(content, "Activiteiten", "mda-advies")
    milestone_row = 2
    path = _edit(content, tmp_path, [
        ("Activiteiten", row, "Deadline", "morgen misschien"),
        ("Activiteiten", row + 1, "Status", "bijna"),
        ("Activiteiten", row + 2, "Werkgroep", "wg-bestaat-niet"),
        ("Mijlpalen", milestone_row, "Activiteit", "nergens"),
        ("Werkgroepen", 2, "Leden", "zonder dubbele punt"),
        ("Programma", 2, "Overig", "{niet: [afgesloten"),
    ])
    with pytest.raises(ProgrammeFileError) as caught:
        read_xlsx(path)
    text = [str(p) for p in caught.value.problems]
    assert any(t.startswith("Mijlpalen:2: Activiteit (activity): unknown activity 'nergens'")
               for t in text), text
    assert any(t.startswith("Werkgroepen:2: Leden (members): cannot read line") for t in text)
    assert any(t.startswith("Programma:2: Overig (extra): not valid YAML") for t in text)
    # the workbook's own problems come first; fix them and validation speaks
    path = _edit(content, tmp_path, [
        ("Activiteiten", row, "Deadline", "morgen misschien"),
        ("Activiteiten", row + 1, "Status", "bijna"),
    ])
    with pytest.raises(ProgrammeFileError) as caught:
        read_xlsx(path)
    text = [str(p) for p in caught.value.problems]
    assert any(t.startswith(f"Activiteiten:{row}: Deadline (due): cannot read deadline "
                            "'morgen misschien'") for t in text), text
    assert any(t.startswith(f"Activiteiten:{row + 1}: Status (status): unknown status 'bijna'")
               for t in text), text


def test_cross_references_and_privacy_are_checked_like_yaml(tmp_path: Path) -> None:
    content = dump_xlsx(read_file(KENNEMERLAND))
    row = _row_of(content, "Activiteiten", "mda-advies")
    path = _edit(content, tmp_path, [("Activiteiten", row, "Werkgroep", "wg-bestaat-niet")])
    with pytest.raises(ProgrammeFileError) as caught:
        read_xlsx(path)
    assert [str(p) for p in caught.value.problems] == [
        f"Activiteiten:{row}: Werkgroep (working_group): unknown working group "
        "'wg-bestaat-niet' (expected one of " + ", ".join(sorted(
            g.key for g in read_file(KENNEMERLAND)[0].working_groups)) + ")"]
    path = _edit(content, tmp_path, [
        ("Activiteiten", row + 1, "Resultaat", "bel moeder op 06-12345678")])
    with pytest.raises(ProgrammeFileError) as caught:
        read_xlsx(path)
    text = [str(p) for p in caught.value.problems]
    assert any(t.startswith(f"Activiteiten:{row + 1}: Resultaat (result): contains personal "
                            "data (phone)") for t in text), text
    assert all("06-12345678" not in t for t in text)


def test_not_a_workbook_is_one_clear_problem(tmp_path: Path) -> None:
    fake = tmp_path / "plan.xlsx"
    fake.write_text("programme: {key: x}\n", encoding="utf-8")
    with pytest.raises(ProgrammeFileError) as caught:
        read_xlsx(fake)
    assert [p.problem for p in caught.value.problems] == ["not an Excel workbook"]
    with pytest.raises(ProgrammeFileError) as caught:
        read_xlsx(tmp_path / "missing.xlsx")
    assert caught.value.problems[0].problem == "file not found"


def test_a_single_programme_workbook_needs_no_programme_column(tmp_path: Path) -> None:
    files = read_file(KENNEMERLAND)
    book = load_workbook(BytesIO(dump_xlsx(files)))
    for ws in book.worksheets:
        if ws.title != "Programma":
            ws.delete_cols(1)  # a user removes the column that is the same on every row
    path = tmp_path / "short.xlsx"
    book.save(path)
    assert read_xlsx(path) == files


def test_further_top_level_lists_and_keys_get_sheets_of_their_own(tmp_path: Path) -> None:
    source = tmp_path / "p.yaml"
    source.write_text(
        'programme: {key: p, name: "P", calendar: {days_off: cao-gemeenten}}\n'
        "indicators:\n"
        '  - {key: vt-meldingen, name: "Meldingen", breakdown: [Blaricum, Laren]}\n'
        '  - {key: vt-adviezen, name: "Adviezen", unit: aantal}\n'
        "indicator_values:\n"
        '  - {indicator: vt-meldingen, period: "2020", breakdown: Laren, value: 49}\n'
        "  - {indicator: vt-meldingen, period: '2019', value: 3242.5}\n"
        "version: 2\n"
        "notes: {bron: seed 001, gezien: 2021-03-01}\n", encoding="utf-8")
    files = read_file(source)
    content = dump_xlsx(files)
    book = load_workbook(BytesIO(content))
    assert {"Indicatoren", "Indicatorwaarden", "Overig"} <= set(book.sheetnames)
    headers = [c.value for c in book["Indicatoren"][1]]
    assert headers == ["Programma (programme)", "Sleutel (key)", "Naam (name)",
                       "Uitsplitsing (breakdown) (YAML)", "Eenheid (unit)"]
    assert [c.value for c in book["Indicatorwaarden"][1]] == [
        "Programma (programme)", "Indicator (indicator)", "Periode (period)",
        "Uitsplitsing (breakdown)", "Waarde (value)"]
    assert read_xlsx_bytes(content) == files
    # a workbook of before, with the file's keys as headers, still reads
    for cell in book["Indicatoren"][1]:
        if cell.value and " (" in cell.value and cell.column > 1:
            cell.value = cell.value.split(" (", 1)[1].replace(")", "", 1)
    old = tmp_path / "old.xlsx"
    book.save(old)
    assert [c.value for c in load_workbook(old)["Indicatoren"][1]][1:3] == ["key", "name"]
    assert read_xlsx(old) == files


def test_deadlines_and_moments_are_real_dates_that_read_back_as_written(tmp_path: Path) -> None:
    from datetime import date

    source = tmp_path / "p.yaml"
    source.write_text(
        'programme: {key: p, name: "P", timezone: Europe/Amsterdam}\n'
        "activities:\n"
        "  - {key: dag, title: Dag, due: 2021-10-31}\n"
        '  - {key: maand, title: Maand, due: "maart 2021"}\n'
        '  - {key: kwartaal, title: Kwartaal, due: "Q3 2021"}\n'
        '  - {key: half, title: Half, due: "H1 2022"}\n'
        '  - {key: jaar, title: Jaar, due: "2023"}\n'
        '  - {key: najaar, title: Najaar, due: "najaar 2021"}\n'
        "  - key: altijd\n    title: Altijd\n    due: doorlopend\n"
        "    updates:\n"
        '      - {at: "2021-03-15T10:20:30+01:00", author: U0A, status: op-schema}\n'
        '      - {at: "2021-07-01T00:30:00+02:00", author: U0A, status: gereed}\n'
        '      - {at: "2021-10-31T02:30:00+01:00", author: U0A, status: gereed}\n'
        '      - {at: "2021-11-02T09:00:00.250000+01:00", author: U0A, status: gereed}\n'
        "      - {at: 2021-03-01, author: U0A, status: gereed}\n", encoding="utf-8")
    files = read_file(source)
    content = dump_xlsx(files)
    book = load_workbook(BytesIO(content))
    ws = book["Activiteiten"]
    column = [c.value for c in ws[1]].index("Deadline (due)") + 1
    cells = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=column)
             for r in range(2, ws.max_row + 1)}
    expected = {"dag": (date(2021, 10, 31), "d-m-yyyy"),
                "maand": (date(2021, 3, 31), "[$-413]mmmm yyyy"),
                "kwartaal": (date(2021, 9, 30), '"Q3 "yyyy'),
                "half": (date(2022, 6, 30), '"H1 "yyyy'),
                "jaar": (date(2023, 12, 31), "yyyy")}
    for key, (day, number_format) in expected.items():
        cell = cells[key]
        assert cell.is_date and cell.value.date() == day, key
        assert cell.number_format == number_format, key
    assert cells["najaar"].is_date
    assert cells["altijd"].value == "doorlopend"  # no date can say "ongoing"
    ws = book["Updates"]
    moments = [ws.cell(row=r, column=3) for r in range(2, ws.max_row + 1)]
    assert moments[0].is_date and moments[0].value == datetime(2021, 3, 15, 10, 20, 30)
    assert moments[0].number_format == "d-m-yyyy hh:mm:ss"
    assert moments[1].value == datetime(2021, 7, 1, 0, 30)  # local time, not UTC
    assert moments[2].value == "2021-10-31T02:30:00+01:00"  # the hour that comes twice: text
    assert isinstance(moments[3].value, str)  # a fraction of a second: text, exactly
    assert moments[4].is_date and moments[4].number_format == "d-m-yyyy"
    assert read_xlsx_bytes(content) == files


def test_the_status_validation_refuses_other_values() -> None:
    book = load_workbook(BytesIO(dump_xlsx(read_file(KENNEMERLAND))))
    for sheet, headers in (("Activiteiten", ["Status (status)"]),
                           ("Updates", ["Vorige status (old_status)", "Status (status)"])):
        ws = book[sheet]
        names = [c.value for c in ws[1]]
        validations = ws.data_validations.dataValidation
        assert len(validations) == len(headers)
        for validation, header in zip(validations, headers, strict=True):
            letter = chr(ord("A") + names.index(header))
            assert str(validation.sqref).startswith(f"{letter}2:")
            assert validation.type == "list"
            assert validation.showErrorMessage is True and validation.errorStyle == "stop"
            assert validation.formula1 == '"niet-gestart,op-schema,risico,vertraagd,gereed,vervallen"'
            assert validation.error
