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
    assert "breakdown (YAML)" in headers and "name" in headers
    assert read_xlsx_bytes(content) == files
