"""Programme files as Excel workbooks (openpyxl), for people who keep the agenda in a spreadsheet.

`dump_xlsx` writes what `programme_file.to_data` produces, one sheet per kind of row:
Programma, Werkgroepen, Doelen, Activiteiten, Mijlpalen, Updates; further top-level lists of the
programme file (e.g. indicators) get a sheet each, other top-level keys go to "Overig". Every
object's keys without a column of their own are kept as YAML in its "Overig (extra)" cell.

`read_xlsx` turns a workbook back into the programme file's data and hands it to the very same
validation the YAML reader uses (`programme_file._validate`), so both produce the same
`ProgrammeFile` and refuse the same mistakes. Problems name the cell: `Activiteiten:7: Deadline
(due): cannot read deadline …`.

Cells: lists of names are one per line; a group's members are `Naam: U0123, U0456` lines;
reminder lead times `10, 5, 1`; `ja`/`nee` for yes/no. Text is stored as text, never as a
formula, so a note starting with "=" stays a note.

Deadlines and update moments are real dates, so they sort and filter as dates: a deadline is
the last day it covers, and its number format shows what the file says — `d-m-yyyy` for a day,
`mmmm yyyy` (Dutch month names) for a month, `"Q3 "yyyy`, `"H1 "yyyy`, `"najaar "yyyy` for the
rest — and is read back by it, so "maart 2021" stays a month. A moment is the local date and
time in the programme's time zone (`d-m-yyyy hh:mm:ss`). What a date cannot hold exactly
(`doorlopend`, a moment with a fraction of a second) stays text. The status columns only take
the status words: the validation refuses anything else (an error, not a warning).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.dates import InvalidDate, canonical, parse_due
from bot.domain.model import DUTCH_STATUS_WORD, DueDate, Precision, ProgrammeFile
from storage.programme_file import FileProblem, ProgrammeFileError, _validate, to_data

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_WIDTH = 60

TEXT, LINES, DAYS, BOOL, INT, MEMBERS, RAW = "text", "lines", "days", "bool", "int", "members", "raw"
DUE, MOMENT = "due", "moment"  # a deadline, a moment of the log: real dates
DAY_FORMAT = "d-m-yyyy"
MONTH_FORMAT = "[$-413]mmmm yyyy"  # [$-413]: Dutch month names whatever the reader's locale
YEAR_FORMAT = "yyyy"
MOMENT_FORMAT = "d-m-yyyy hh:mm:ss"
_LITERAL_YEAR = re.compile(r'^"([^"]*)"yyyy$')
_LOCALE = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True, slots=True)
class _Dated:
    """A cell value with its number format."""

    value: date | datetime
    number_format: str


@dataclass(frozen=True, slots=True)
class Column:
    field: str  # key in the programme file's data; dotted for nested (reminders.on_due_day)
    header: str  # Dutch, with the file's key in parentheses
    kind: str = TEXT


PROGRAMME_COLUMN = Column("programme", "Programma (programme)")
EXTRA_COLUMN = Column("extra", "Overig (extra)", RAW)


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    section: str  # programme, working_groups, goals, activities, milestones, updates
    columns: tuple[Column, ...]
    freeze: str = "A2"


SHEETS = (
    Sheet("Programma", "programme", (
        Column("key", "Sleutel (key)"), Column("name", "Naam (name)"),
        Column("region", "Regio (region)"), Column("timezone", "Tijdzone (timezone)"),
        Column("admin_channel", "Beheerkanaal (admin_channel)"), EXTRA_COLUMN), "B2"),
    Sheet("Werkgroepen", "working_groups", (
        PROGRAMME_COLUMN, Column("key", "Sleutel (key)"), Column("name", "Naam (name)"),
        Column("aliases", "Aliassen (aliases)", LINES), Column("channel", "Kanaal (channel)"),
        Column("reminders.before_working_days",
               "Herinneren, werkdagen vooraf (reminders.before_working_days)", DAYS),
        Column("reminders.on_due_day", "Herinneren op de deadline (reminders.on_due_day)", BOOL),
        Column("reminders.overdue_every_working_days",
               "Te laat: elke n werkdagen (reminders.overdue_every_working_days)", INT),
        Column("members", "Leden (members)", MEMBERS), EXTRA_COLUMN), "C2"),
    Sheet("Doelen", "goals", (
        PROGRAMME_COLUMN, Column("key", "Sleutel (key)"), Column("name", "Naam (name)"),
        EXTRA_COLUMN), "C2"),
    Sheet("Activiteiten", "activities", (
        PROGRAMME_COLUMN, Column("key", "Sleutel (key)"), Column("title", "Titel (title)"),
        Column("goal", "Doel (goal)"), Column("theme", "Thema (theme)"),
        Column("result", "Resultaat (result)"), Column("owners", "Eigenaars (owners)", LINES),
        Column("working_group", "Werkgroep (working_group)"), Column("due", "Deadline (due)", DUE),
        Column("status", "Status (status)"), EXTRA_COLUMN), "C2"),
    Sheet("Mijlpalen", "milestones", (
        PROGRAMME_COLUMN, Column("activity", "Activiteit (activity)"),
        Column("title", "Titel (title)"), Column("due", "Deadline (due)", DUE), EXTRA_COLUMN),
        "C2"),
    Sheet("Updates", "updates", (
        PROGRAMME_COLUMN, Column("activity", "Activiteit (activity)"),
        Column("at", "Moment (at)", MOMENT), Column("author", "Auteur (author)"),
        Column("author_name", "Naam auteur (author_name)"),
        Column("old_status", "Vorige status (old_status)"), Column("status", "Status (status)"),
        Column("note", "Toelichting (note)"), EXTRA_COLUMN), "C2"),
)
SECTIONS = {s.section: s for s in SHEETS}
FIXED_TOP_LEVEL = ("programme", "working_groups", "goals", "activities")
# Dutch names for further top-level lists of the programme file (contract additions).
LIST_SHEET_TITLES = {"indicators": "Indicatoren", "indicator_values": "Indicatorwaarden"}
# Dutch headers for their fields, written "Naam (name)"; a field not listed keeps its key.
FIELD_HEADERS = {
    "key": "Sleutel", "name": "Naam", "unit": "Eenheid", "source": "Bron",
    "breakdown": "Uitsplitsing", "indicator": "Indicator", "period": "Periode",
    "value": "Waarde", "note": "Toelichting", "working_group": "Werkgroep",
    "recorded_by": "Vastgelegd door", "recorded_at": "Vastgelegd op",
    "description": "Omschrijving", "title": "Titel", "goal": "Doel", "due": "Deadline",
    "activity": "Activiteit", "status": "Status", "owners": "Eigenaars",
}
_FIELD_IN_HEADER = re.compile(r"^.+ \(([^()]+)\)$")
OTHER_SHEET = Sheet("Overig", "other", (
    PROGRAMME_COLUMN, Column("key", "Sleutel (key)"), Column("value", "Waarde (value)", RAW)),
    "C2")
YAML_SUFFIX = " (YAML)"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDE4EE", end_color="DDE4EE")
STATUS_LIST = '"' + ",".join(DUTCH_STATUS_WORD.values()) + '"'


# -- writing --------------------------------------------------------------------------------

def dump_xlsx(files: list[ProgrammeFile]) -> bytes:
    """The programmes as one workbook; `read_xlsx` reads it back into the same programmes."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    rows: dict[str, list[list[Any]]] = {s.section: [] for s in SHEETS}
    lists: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    others: list[list[Any]] = []
    for file in files:
        data = to_data(file)
        key = file.programme.key
        zone = ZoneInfo(file.programme.timezone)
        rows["programme"].append(_row(SECTIONS["programme"], data["programme"], None, zone))
        for group in data["working_groups"]:
            rows["working_groups"].append(_row(SECTIONS["working_groups"], group, key, zone))
        for goal in data["goals"]:
            rows["goals"].append(_row(SECTIONS["goals"], goal, key, zone))
        for activity in data["activities"]:
            activity = dict(activity)
            milestones, updates = activity.pop("milestones", []), activity.pop("updates", [])
            rows["activities"].append(_row(SECTIONS["activities"], activity, key, zone))
            for item in milestones:
                rows["milestones"].append(_row(
                    SECTIONS["milestones"], {"activity": activity["key"], **item}, key, zone))
            for item in updates:
                rows["updates"].append(_row(
                    SECTIONS["updates"], {"activity": activity["key"], **item}, key, zone))
        for name, value in data.items():
            if name in FIXED_TOP_LEVEL:
                continue
            if _is_table(value):
                lists.setdefault(name, []).extend((key, item) for item in value)
            else:
                others.append([key, name, _yaml(value)])
    for sheet in SHEETS:
        _write_sheet(book, sheet.title, [c.header for c in sheet.columns], rows[sheet.section],
                     sheet.freeze, status_columns=_status_columns(sheet))
    for name, items in lists.items():
        fields: list[str] = []
        for _, item in items:
            fields.extend(f for f in item if f not in fields)
        as_yaml = {f for f in fields if any(not _native(i.get(f)) for _, i in items)}
        headers = [PROGRAMME_COLUMN.header] + [_field_header(f) + (YAML_SUFFIX if f in as_yaml
                                                                   else "") for f in fields]
        table = [[key] + [(_yaml(i[f]) if f in as_yaml else i[f]) if f in i else None
                          for f in fields] for key, i in items]
        _write_sheet(book, _list_title(name), headers, table, "B2")
    if others:
        _write_sheet(book, OTHER_SHEET.title, [c.header for c in OTHER_SHEET.columns], others,
                     OTHER_SHEET.freeze)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _field_header(field: str) -> str:
    dutch = FIELD_HEADERS.get(field)
    return f"{dutch} ({field})" if dutch else field


def _header_field(header: str) -> str:
    """The programme file's key of a list sheet's header: "Naam (name)" -> "name"; a bare
    key ("name", as older workbooks have it) is the key itself."""
    match = _FIELD_IN_HEADER.match(header)
    return match.group(1) if match else header


def _is_table(value: Any) -> bool:
    return (isinstance(value, list) and bool(value)
            and all(isinstance(i, dict) and all(isinstance(k, str) for k in i) for i in value))


def _native(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _list_title(name: str) -> str:
    return LIST_SHEET_TITLES.get(name, name)[:31]


def _status_columns(sheet: Sheet) -> list[int]:
    return [i for i, c in enumerate(sheet.columns, 1) if c.field in ("status", "old_status")]


class _BlockDumper(yaml.SafeDumper):
    """Readable YAML in a cell: block style, multi-line text as `|` literals."""


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value,
                                   style="|" if "\n" in value else None)


_BlockDumper.add_representer(str, _literal)


def _yaml(value: Any, block: bool = False) -> str:
    if block:
        text = yaml.dump(value, Dumper=_BlockDumper, allow_unicode=True, width=MAX_WIDTH * 2,
                         sort_keys=False, default_flow_style=False)
    else:
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                              width=10_000, sort_keys=False)
    return str(text).removesuffix("\n...\n").rstrip("\n")


def _row(sheet: Sheet, item: dict[str, Any], programme_key: str | None,
         zone: ZoneInfo) -> list[Any]:
    values: list[Any] = []
    used = {c.field.split(".")[0] for c in sheet.columns}
    for column in sheet.columns:
        if column is PROGRAMME_COLUMN:
            values.append(programme_key)
            continue
        if column is EXTRA_COLUMN:
            extra = {k: v for k, v in item.items() if k not in used}
            values.append(_yaml(extra, block=True) if extra else None)
            continue
        value = _get(item, column.field)
        values.append(_cell(column, value, zone))
    return values


def _get(item: dict[str, Any], field: str) -> Any:
    value: Any = item
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _cell(column: Column, value: Any, zone: ZoneInfo) -> Any:
    if value is None:
        return None
    match column.kind:
        case "due" if isinstance(value, str):
            return _due_cell(value)
        case "moment" if isinstance(value, str):
            return _moment_cell(value, zone)
        case "lines":
            return "\n".join(str(v) for v in value)
        case "days":
            return ", ".join(str(v) for v in value)
        case "bool":
            return "ja" if value else "nee"
        case "members":
            return "\n".join(f"{name}: {', '.join(ids)}" for name, ids in value.items())
    if not _native(value):
        return _yaml(value)
    return value


def _due_cell(text: str) -> Any:
    """A deadline as a date whose number format says its precision; read back by
    `_due_from_cell` to the same text. Text when no date format can say it."""
    try:
        due = parse_due(text)
    except InvalidDate:
        return text
    if due is None or canonical(due) != text:
        return text
    day, year = due.value, str(due.value.year)
    if due.precision is Precision.DAY:
        return _Dated(day, DAY_FORMAT)
    if due.precision is Precision.MONTH:
        return _Dated(day, MONTH_FORMAT)
    if due.precision is Precision.YEAR and text == year:
        return _Dated(day, YEAR_FORMAT)
    if due.precision is not Precision.ONGOING and text.endswith(year) and '"' not in text:
        return _Dated(day, f'"{text[:-len(year)]}"yyyy')
    return text


def _moment_cell(text: str, zone: ZoneInfo) -> Any:
    """A moment of the log as the local date and time (Excel has no time zones): exact when it
    has whole seconds and the local time is not ambiguous (the hour the clocks go back)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) == 10:  # a date: midnight
        return _Dated(moment.date(), DAY_FORMAT)
    local = moment.replace(tzinfo=None)
    if moment.tzinfo is None or moment.microsecond or \
            local.replace(tzinfo=zone).utcoffset() != moment.utcoffset():
        return text
    return _Dated(local, MOMENT_FORMAT)


def _due_from_cell(value: date, number_format: str | None) -> Any:
    """The deadline a date cell means, by its number format (see `_due_cell`)."""
    shown = _LOCALE.sub("", number_format or "").strip()
    day = value.date() if isinstance(value, datetime) else value
    text: str | None = None
    if literal := _LITERAL_YEAR.match(shown):
        text = f"{literal.group(1)}{day.year}"
    elif shown == "mmmm yyyy":
        text = canonical(DueDate(day, Precision.MONTH))
    elif shown == YEAR_FORMAT:
        text = str(day.year)
    if text is None:
        return day
    try:
        due = parse_due(text)
    except InvalidDate:
        return day
    # a date typed over it that is not the last day of the period shown: that very day
    return text if due is not None and due.value == day else day


def _write_sheet(book: Workbook, title: str, headers: list[str], rows: list[list[Any]],
                 freeze: str, status_columns: list[int] | None = None) -> None:
    ws = book.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    widths = [len(h) for h in headers]
    for row in rows:
        ws.append([v.value if isinstance(v, _Dated) else _clean(v) for v in row])
        for i, value in enumerate(row):
            if isinstance(value, _Dated):
                ws.cell(row=ws.max_row, column=i + 1).number_format = value.number_format
                widths[i] = max(widths[i], 18)
            elif value is not None:
                widths[i] = max(widths[i], max(len(line) for line in str(value).split("\n")))
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula (a note may start with "=")
                if "\n" in cell.value or len(cell.value) > MAX_WIDTH:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = freeze
    if rows:
        ws.auto_filter.ref = ws.dimensions
    for index in status_columns or ():
        letter = get_column_letter(index)
        check = DataValidation(type="list", formula1=STATUS_LIST, allow_blank=True,
                               showErrorMessage=True, errorStyle="stop",
                               showInputMessage=True)
        check.errorTitle = "Status"
        check.error = "Kies een status uit de lijst / pick a status from the list"
        check.promptTitle = "Status"
        check.prompt = ", ".join(DUTCH_STATUS_WORD.values())
        check.add(f"{letter}2:{letter}{max(len(rows) + 1, 1000)}")
        ws.add_data_validation(check)


def _clean(value: Any) -> Any:
    # Control characters cannot be stored in a workbook; they carry no meaning in this data.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


# -- reading --------------------------------------------------------------------------------

@dataclass(slots=True)
class _Place:
    sheet: str
    row: int
    headers: dict[str, str]  # field -> header


@dataclass(slots=True)
class _Document:
    data: dict[str, Any]
    places: dict[str, _Place]  # path prefix ("activities[3]") -> the row it came from


def read_xlsx(path: str | Path) -> list[ProgrammeFile]:
    """Read and validate a workbook written by `dump_xlsx` (or edited from one)."""
    path = Path(path)
    name = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ProgrammeFileError([FileProblem(
                name, None, "-", "the workbook is too large",
                f"at most {MAX_BYTES // (1024 * 1024)} MB")])
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ProgrammeFileError([FileProblem(name, None, "-", "file not found")]) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ProgrammeFileError([FileProblem(
            name, None, "-", "not an Excel workbook", "an .xlsx file as `export --format xlsx` "
            "writes it")]) from None
    try:
        return _read_book(book, name)
    finally:
        book.close()


def read_xlsx_bytes(content: bytes, filename: str = "<workbook>") -> list[ProgrammeFile]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ProgrammeFileError([FileProblem(filename, None, "-", "not an Excel workbook")]) from None
    try:
        return _read_book(book, filename)
    finally:
        book.close()


def _read_book(book: Any, filename: str) -> list[ProgrammeFile]:
    problems: list[FileProblem] = []
    titles = {_fold(t): t for t in book.sheetnames}
    if _fold("Programma") not in titles:
        raise ProgrammeFileError([FileProblem(
            filename, None, "-", "no sheet 'Programma'",
            "the sheets " + ", ".join(s.title for s in SHEETS))])
    documents: dict[str, _Document] = {}
    order: list[str] = []
    formats: dict[tuple[str, int, str], str | None] = {}

    def table(title: str) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
        """Rows as {header: value}; a date cell's number format under formats[(row, header)]."""
        ws: Worksheet = book[title]
        rows = ws.iter_rows()
        header_row = next(rows, None)
        headers = [str(c.value).strip() if c.value is not None else "" for c in (header_row or ())]
        for number, row in enumerate(rows, 2):
            if number > MAX_ROWS + 1:
                problems.append(FileProblem(title, number, "-", "too many rows",
                                            f"at most {MAX_ROWS}"))
                return
            values = [c.value for c in row]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            cells = {h: v for h, v in zip(headers, values, strict=False) if h}
            for h, cell in zip(headers, row, strict=False):
                if h and isinstance(cell.value, (date, datetime)):
                    formats[(title, number, h)] = getattr(cell, "number_format", None)
            yield number, cells, {h: h for h in headers if h}

    def document_for(sheet: str, number: int, cells: dict[str, Any],
                     column: Column = PROGRAMME_COLUMN) -> _Document | None:
        key = _text(_lookup(cells, column))
        if key is None and len(order) == 1:
            return documents[order[0]]
        if key is None:
            problems.append(FileProblem(sheet, number, column.header, "is required",
                                        "one of " + ", ".join(order) if order else None))
            return None
        if key not in documents:
            problems.append(FileProblem(sheet, number, column.header,
                                        f"unknown programme {key!r}",
                                        "a key from the sheet Programma"))
            return None
        return documents[key]

    programme_sheet = SECTIONS["programme"]
    for number, cells, _ in table(titles[_fold("Programma")]):
        item = _item(programme_sheet, cells, programme_sheet.title, number, problems, formats)
        key = item.get("key")
        key_text = str(key) if key is not None else f"#{number}"
        if key_text in documents:
            problems.append(FileProblem(programme_sheet.title, number, "Sleutel (key)",
                                        f"programme {key_text!r} appears twice"))
            continue
        documents[key_text] = _Document(
            {"programme": item, "working_groups": [], "goals": [], "activities": []},
            {"programme": _Place(programme_sheet.title, number, _headers(programme_sheet))})
        order.append(key_text)
    if not documents:
        raise ProgrammeFileError(problems or [FileProblem(
            titles[_fold("Programma")], None, "-", "no programme row",
            "one row per programme under the header")])

    activity_index: dict[tuple[str, str], int] = {}
    for section in ("working_groups", "goals", "activities"):
        sheet = SECTIONS[section]
        if _fold(sheet.title) not in titles:
            continue
        for number, cells, _ in table(titles[_fold(sheet.title)]):
            doc = document_for(sheet.title, number, cells)
            if doc is None:
                continue
            item = _item(sheet, cells, sheet.title, number, problems, formats)
            position = len(doc.data[section])
            doc.data[section].append(item)
            doc.places[f"{section}[{position}]"] = _Place(sheet.title, number, _headers(sheet))
            if section == "activities" and item.get("key") is not None:
                activity_index.setdefault((doc.data["programme"].get("key", ""),
                                           str(item["key"])), position)

    for section, field in (("milestones", "milestones"), ("updates", "updates")):
        sheet = SECTIONS[section]
        if _fold(sheet.title) not in titles:
            continue
        for number, cells, _ in table(titles[_fold(sheet.title)]):
            doc = document_for(sheet.title, number, cells)
            if doc is None:
                continue
            item = _item(sheet, cells, sheet.title, number, problems, formats)
            activity_key = _text(item.pop("activity", None))
            programme_key = str(doc.data["programme"].get("key", ""))
            index = activity_index.get((programme_key, activity_key or ""))
            if index is None:
                problems.append(FileProblem(
                    sheet.title, number, "Activiteit (activity)",
                    f"unknown activity {activity_key!r}" if activity_key else "is required",
                    "a key from the sheet Activiteiten"))
                continue
            activity = doc.data["activities"][index]
            items = activity.setdefault(field, [])
            doc.places[f"activities[{index}].{field}[{len(items)}]"] = _Place(
                sheet.title, number, _headers(sheet))
            items.append(item)

    fixed_titles = {_fold(s.title) for s in SHEETS} | {_fold(OTHER_SHEET.title)}
    list_names = {_fold(_list_title(n)): n for n in LIST_SHEET_TITLES}
    for folded, title in titles.items():
        if folded in fixed_titles:
            continue
        name = list_names.get(folded, title)
        for number, cells, headers in table(title):
            doc = document_for(title, number, cells)
            if doc is None:
                continue
            entry: dict[str, Any] = {}
            for header, value in cells.items():
                if header == PROGRAMME_COLUMN.header or value is None:
                    continue
                if header.endswith(YAML_SUFFIX):
                    parsed = _parse_yaml(value, title, number, header, problems)
                    if parsed is not _BAD:
                        entry[_header_field(header.removesuffix(YAML_SUFFIX))] = parsed
                else:
                    entry[_header_field(header)] = _plain(value)
            items = doc.data.setdefault(name, [])
            if not isinstance(items, list):
                problems.append(FileProblem(title, number, "-", f"{name!r} is not a list"))
                continue
            doc.places[f"{name}[{len(items)}]"] = _Place(
                title, number, {_header_field(h.removesuffix(YAML_SUFFIX)): h for h in headers})
            items.append(entry)

    if _fold(OTHER_SHEET.title) in titles:
        for number, cells, _ in table(titles[_fold(OTHER_SHEET.title)]):
            doc = document_for(OTHER_SHEET.title, number, cells)
            if doc is None:
                continue
            key = _text(_lookup(cells, OTHER_SHEET.columns[1]))
            if key is None or key in FIXED_TOP_LEVEL:
                problems.append(FileProblem(OTHER_SHEET.title, number, "Sleutel (key)",
                                            "is required" if key is None
                                            else f"{key!r} has its own sheet"))
                continue
            raw = _lookup(cells, OTHER_SHEET.columns[2])
            parsed = _parse_yaml(raw, OTHER_SHEET.title, number, "Waarde (value)", problems)
            if parsed is not _BAD:
                doc.data[key] = parsed
                doc.places[key] = _Place(OTHER_SHEET.title, number, {})

    if problems:
        raise ProgrammeFileError(problems)
    files: list[ProgrammeFile] = []
    for key in order:
        doc = documents[key]
        try:
            files.append(_validate(doc.data, None, filename))
        except ProgrammeFileError as error:
            problems.extend(_located(p, doc) for p in error.problems)
    if problems:
        raise ProgrammeFileError(problems)
    return files


_BAD = object()
_PATH_PART = re.compile(r"[^.\[\]]+|\[\d+\]")


def _located(problem: FileProblem, doc: _Document) -> FileProblem:
    """A validation problem on `activities[3].due` as the cell it came from."""
    parts = _PATH_PART.findall(problem.key)
    for cut in range(len(parts), 0, -1):
        prefix = "".join(p if p.startswith("[") else f".{p}" for p in parts[:cut]).lstrip(".")
        place = doc.places.get(prefix)
        if place is None:
            continue
        rest = [p for p in parts[cut:] if not p.startswith("[")]
        header = None
        for size in range(len(rest), 0, -1):
            header = place.headers.get(".".join(rest[:size]))
            if header:
                break
        if header is None and rest:
            header = place.headers.get("extra", ".".join(rest))
            if header != ".".join(rest):
                header = f"{header}: {'.'.join(rest)}"
        return FileProblem(place.sheet, place.row, header or "-", problem.problem,
                           problem.expected)
    return problem


def _headers(sheet: Sheet) -> dict[str, str]:
    return {c.field: c.header for c in sheet.columns}


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _lookup(cells: dict[str, Any], column: Column) -> Any:
    """A cell by its header: the full header, its Dutch part or the file key in parentheses."""
    if column.header in cells:
        return cells[column.header]
    wanted = {_fold(column.header), _fold(column.header.split(" (")[0]), _fold(column.field)}
    for header, value in cells.items():
        folded = _fold(header)
        inner = folded[folded.rfind("(") + 1:-1] if folded.endswith(")") else None
        if folded in wanted or inner in wanted or _fold(header.split(" (")[0]) in wanted:
            return value
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = _plain(value)
    text = str(text).strip()
    return text or None


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _item(sheet: Sheet, cells: dict[str, Any], title: str, number: int,
          problems: list[FileProblem],
          formats: dict[tuple[str, int, str], str | None] | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for column in sheet.columns:
        if column is PROGRAMME_COLUMN:
            continue
        value = _lookup(cells, column)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if column is EXTRA_COLUMN:
            extra = _parse_yaml(value, title, number, column.header, problems)
            if isinstance(extra, dict):
                for key, item_value in extra.items():
                    item.setdefault(str(key), item_value)
            elif extra is not _BAD:
                problems.append(FileProblem(title, number, column.header,
                                            "not a YAML mapping", "{key: value, …}"))
            continue
        if column.kind == DUE and isinstance(value, (date, datetime)):
            header = next((h for h, v in cells.items() if v is value), "")
            value = _due_from_cell(value, (formats or {}).get((title, number, header)))
        parsed = _from_cell(column, value, title, number, problems)
        target = item
        *parents, last = column.field.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[last] = parsed
    return item


def _from_cell(column: Column, value: Any, title: str, number: int,
               problems: list[FileProblem]) -> Any:
    value = _plain(value)
    match column.kind:
        case "text":
            return str(value) if not isinstance(value, str) else value
        case "lines":
            return [line.strip() for line in str(value).splitlines() if line.strip()]
        case "days":
            return [part for part in re.split(r"[,;\s]+", str(value)) if part]
        case "bool":
            word = _fold(str(value))
            return {"ja": True, "nee": False, "yes": True, "no": False}.get(word, value)
        case "int":
            return value
        case "members":
            members: dict[str, list[str]] = {}
            for line in str(value).splitlines():
                if not line.strip():
                    continue
                name, sep, ids = line.rpartition(":")
                if not sep or not name.strip():
                    problems.append(FileProblem(title, number, column.header,
                                                f"cannot read line {line.strip()[:40]!r}",
                                                "'Owner name: U0123ABCD, U0456EFGH' per line"))
                    continue
                members[name.strip()] = [i for i in re.split(r"[,;\s]+", ids) if i]
            return members
    # raw: dates and moments may be real Excel dates after editing
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    if isinstance(value, (date, int, float, bool)):
        return value
    return str(value)


def _parse_yaml(value: Any, title: str, number: int, header: str,
                problems: list[FileProblem]) -> Any:
    if not isinstance(value, str):
        return _plain(value)
    try:
        return yaml.safe_load(value)
    except yaml.YAMLError:
        problems.append(FileProblem(title, number, header, "not valid YAML",
                                    "e.g. {key: value} or [a, b]"))
        return _BAD
