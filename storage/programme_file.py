"""Programme files (YAML, or JSON which is YAML too) <-> domain, validated with line numbers.

Shape: the public contract, "Programme file". Unknown keys are accepted and kept (they land
in each object's `extra` and are written back on export). Additions to the contract's shape:
an activity's `updates:` list (`{at, author, status, note}`, and for a moved deadline
`event: reschedule, old_due, new_due`), written by export so that import -> export -> import
is lossless.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from bot.domain.dates import InvalidDate, canonical, parse_due
from bot.domain.model import (
    DUTCH_STATUS_WORD,
    Activity,
    DueDate,
    Goal,
    Indicator,
    IndicatorValue,
    Milestone,
    Programme,
    ProgrammeFile,
    ReminderPolicy,
    Status,
    StatusUpdate,
    UpdateEvent,
    WorkingGroup,
    fold,
    parse_status,
)
from bot.domain.periods import InvalidPeriod, parse_period
from bot.domain.privacy import kinds as privacy_kinds
from bot.domain.privacy import mask as privacy_mask
from bot.domain.recurrence import (
    EXPECTED_RECURS,
    RECURS_KEY,
    UNTIL_KEY,
    InvalidRecurrence,
    occurrence_dues,
    parse_recurs,
    parse_until,
    programme_end,
)
from bot.domain.workdays import CalendarSpec
from storage.cache import cycle_collection_paused
from storage.yaml_limits import (
    MAX_FILE_BYTES,
    FileLimitError,
    load_documents,
    read_text_limited,
)

KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,79}$"
STATUS_WORDS_EXPECTED = "niet-gestart, op-schema, risico, vertraagd, gereed, vervallen"


@dataclass(frozen=True, slots=True)
class FileProblem:
    file: str
    line: int | None
    key: str  # dotted path, e.g. activities[3].due
    problem: str
    expected: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.problem}" if self.key == "-" else f"{where}: {self.key}: {self.problem}"
        return text + (f" (expected {self.expected})" if self.expected else "")


class ProgrammeFileError(Exception):
    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# -- validation models (pydantic) -----------------------------------------------------------

def _due_value(value: Any) -> DueDate | None:
    if isinstance(value, DueDate) or value is None:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    if not isinstance(value, (str, date)):
        raise ValueError("a deadline must be text such as 'maart 2021' or null")  # noqa: TRY004
    try:
        return parse_due(value)
    except InvalidDate as error:
        raise ValueError(
            f"cannot read deadline {str(value)[:60]!r}: {error.reason}; expected one of "
            + ", ".join(repr(e) for e in error.expected)
        ) from None


def _due_read(value: Any, info: ValidationInfo) -> DueDate | None:
    """`_due_value`, once per distinct deadline text in a file (a large programme repeats its
    months and days thousands of times; a DueDate is a frozen value)."""
    cache = info.context.get("dues") if isinstance(info.context, dict) else None
    if cache is None or not isinstance(value, str | date | int):
        return _due_value(value)
    key = (type(value), value)
    if key not in cache:
        cache[key] = _due_value(value)  # a ValueError is raised again on each occurrence
    return cache[key]  # type: ignore[no-any-return]


def _status_value(value: Any) -> Status:
    if isinstance(value, Status):
        return value
    status = parse_status(str(value)) if isinstance(value, str) else None
    if status is None:
        raise ValueError(f"unknown status {str(value)[:40]!r}; expected one of {STATUS_WORDS_EXPECTED}")
    return status


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    def extras(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def _personal_data(value: Any, node: Any, loc: tuple[str | int, ...], filename: str,
                   problems: list[FileProblem], seen: dict[str, frozenset[Any]] | None = None,
                   ) -> None:
    """Refuse any text in the file that holds personal data; name its line, never echo it.
    Each distinct text is scanned once (`seen`): a large programme repeats owners, themes,
    statuses and dates many times."""
    seen = {} if seen is None else seen
    if isinstance(value, str):
        found = _kinds(value, seen)
        if found:
            shown = tuple(privacy_mask(p) if isinstance(p, str) else p for p in loc)
            problems.append(FileProblem(
                filename, _line(node, loc), _path(shown),
                "contains personal data (" + ", ".join(sorted(k.value for k in found)) + ")",
                "programme text only: no BSN, phone number, e-mail address, IBAN or birth date"))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _kinds(key, seen):  # keys are text too ("members")
                _personal_data(key, node, (*loc, key), filename, problems, seen)
            _personal_data(item, node, (*loc, str(key)), filename, problems, seen)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _personal_data(item, node, (*loc, index), filename, problems, seen)


def _kinds(text: str, seen: dict[str, frozenset[Any]]) -> frozenset[Any]:
    found = seen.get(text)
    if found is None:
        found = seen[text] = privacy_kinds(text)
    return found


class ProgrammeModel(_Model):
    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1, max_length=300)
    region: str | None = None
    timezone: str = "Europe/Amsterdam"
    admin_channel: str | None = None
    admins: list[str] = Field(default_factory=list)  # Slack user ids: bot/services/permissions.py

    @field_validator("admins")
    @classmethod
    def _admin_ids(cls, value: list[str]) -> list[str]:
        for uid in value:
            if not isinstance(uid, str) or uid[:1] not in ("U", "W") or not uid.isalnum():
                raise ValueError(f"admins: {str(uid)[:40]!r} is not a Slack user id (U…)")
        return list(dict.fromkeys(value))

    # Which days are working days (bot/domain/workdays.py); kept in the programme's extra keys
    # in its canonical shape, so no column of its own.
    calendar: Any = None

    @field_validator("calendar")
    @classmethod
    def _calendar(cls, value: Any) -> dict[str, Any] | None:
        return None if value is None else CalendarSpec.from_mapping(value).to_mapping()

    def extras(self) -> dict[str, Any]:
        extra = super().extras()
        if self.calendar is not None:
            extra["calendar"] = self.calendar
        return extra

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; expected e.g. Europe/Amsterdam") from None
        return value


class ReminderModel(_Model):
    before_working_days: list[int] = Field(default_factory=lambda: [10, 5, 1])
    on_due_day: bool = True
    overdue_every_working_days: int = Field(default=5, ge=0, le=250)

    @field_validator("before_working_days")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if any(v < 1 or v > 250 for v in value):
            raise ValueError("lead times are working days between 1 and 250")
        return sorted(set(value), reverse=True)


class GroupModel(_Model):
    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1, max_length=300)
    aliases: list[str] = Field(default_factory=list)
    channel: str | None = Field(default=None, pattern=r"^(C[A-Z0-9]{2,30}|G[A-Z0-9]{2,30}|#[^\s]{1,80})$")
    reminders: ReminderModel | None = None
    members: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("members")
    @classmethod
    def _user_ids(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, ids in value.items():
            for uid in ids:
                if not isinstance(uid, str) or not uid[:1] in ("U", "W") or not uid.isalnum():
                    raise ValueError(f"members[{name!r}]: {uid!r} is not a Slack user id (U…)")
        return value


class GoalModel(_Model):
    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1, max_length=500)


class _Recurring(_Model):
    """`recurs:` and `until:` (bot/domain/recurrence.py): checked here, kept verbatim in the
    item's extra keys so that export writes them back as they were written."""

    recurs: Any = None
    until: Any = None

    @field_validator("recurs")
    @classmethod
    def _recurs(cls, value: Any) -> Any:
        if value is not None:
            try:
                parse_recurs(value)
            except InvalidRecurrence as error:
                raise ValueError(f"{error.reason} (expected {EXPECTED_RECURS})") from None
        return value

    @field_validator("until")
    @classmethod
    def _until(cls, value: Any) -> Any:
        if value is not None:
            try:
                parse_until(value)
            except InvalidRecurrence as error:
                raise ValueError(f"cannot read until {str(value)[:60]!r}: {error.reason}") from None
        return value

    def extras(self) -> dict[str, Any]:
        extra = super().extras()
        for key in (RECURS_KEY, UNTIL_KEY):
            if getattr(self, key) is not None:
                extra[key] = getattr(self, key)
        return extra


class MilestoneModel(_Recurring):
    title: str = Field(min_length=1, max_length=300)
    due: Any = None

    @field_validator("due")
    @classmethod
    def _due(cls, value: Any, info: ValidationInfo) -> DueDate | None:
        return _due_read(value, info)


class UpdateModel(_Model):
    at: datetime | date
    author: str = Field(min_length=1, max_length=300)
    author_name: str | None = None
    author_org: str | None = Field(default=None, max_length=200)  # a partner's organisation
    status: Any
    old_status: Any = None
    note: str = Field(default="", max_length=4000)
    # a moved deadline (`verplaats`, the update modal): old -> new, the note is the reason
    event: UpdateEvent = UpdateEvent.UPDATE
    old_due: Any = None
    new_due: Any = None
    occurrence: int | None = Field(default=None, ge=1)  # of a recurring activity

    @field_validator("old_due", "new_due")
    @classmethod
    def _moved(cls, value: Any) -> DueDate | None:
        return _due_value(value)

    @field_validator("status")
    @classmethod
    def _status(cls, value: Any) -> Status:
        return _status_value(value)

    @field_validator("old_status")
    @classmethod
    def _old(cls, value: Any) -> Status | None:
        return None if value is None else _status_value(value)


class ActivityModel(_Recurring):
    key: str = Field(pattern=KEY_PATTERN)
    title: str = Field(min_length=1, max_length=500)
    goal: str | None = None
    theme: str | None = Field(default=None, max_length=300)
    result: str | None = None
    owners: list[str] = Field(default_factory=list)
    working_group: str | None = None
    due: Any = None
    milestones: list[MilestoneModel] = Field(default_factory=list)
    status: Any = None
    updates: list[UpdateModel] = Field(default_factory=list)

    @field_validator("due")
    @classmethod
    def _due(cls, value: Any, info: ValidationInfo) -> DueDate | None:
        return _due_read(value, info)

    @field_validator("status")
    @classmethod
    def _status(cls, value: Any) -> Status | None:
        return None if value is None else _status_value(value)


class IndicatorModel(_Model):
    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1, max_length=300)
    unit: str | None = Field(default=None, max_length=40)
    source: str | None = Field(default=None, max_length=500)
    breakdown: list[str] = Field(default_factory=list)

    @field_validator("breakdown")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if any(not b.strip() or len(b) > 200 for b in value):
            raise ValueError("a breakdown is a name of 1 to 200 characters")
        if len({fold(b) for b in value}) != len(value):
            raise ValueError("breakdown names must be distinct")
        return [b.strip() for b in value]


class IndicatorValueModel(_Model):
    indicator: str = Field(pattern=KEY_PATTERN)
    period: Any
    value: float = Field(allow_inf_nan=False)
    breakdown: str | None = Field(default=None, max_length=200)
    source: str | None = Field(default=None, max_length=500)
    note: str = Field(default="", max_length=4000)

    @field_validator("period")
    @classmethod
    def _period(cls, value: Any) -> str:
        try:
            return parse_period(str(value)).key
        except InvalidPeriod as error:
            raise ValueError(str(error)) from None


class FileModel(_Model):
    programme: ProgrammeModel
    # written by `actiebot export`: the moment of the last change the file holds; an import of
    # a file older than the changes it would overwrite needs --force (bot/cli_import.py).
    # Metadata of the file, not kept.
    exported_at: datetime | None = None
    working_groups: list[GroupModel] = Field(default_factory=list)
    goals: list[GoalModel] = Field(default_factory=list)
    activities: list[ActivityModel] = Field(default_factory=list)
    indicators: list[IndicatorModel] = Field(default_factory=list)
    indicator_values: list[IndicatorValueModel] = Field(default_factory=list)


def _check_recurrence(item: _Recurring, where: tuple[str | int, ...],
                      programme_extra: dict[str, Any], node: Any, filename: str,
                      problems: list[FileProblem]) -> None:
    """A recurring item needs a first deadline, and its rule must give occurrences up to
    `until:` (or the programme's end): checked once here, at import, with the line."""
    if item.recurs is None:
        if item.until is not None:
            problems.append(FileProblem(filename, _line(node, (*where, "until")),
                                        _path((*where, "until")), "until without recurs",
                                        "recurs: next to until:"))
        return
    due = getattr(item, "due", None)
    if due is None or due.precision.value == "ongoing":
        problems.append(FileProblem(
            filename, _line(node, (*where, "recurs")), _path((*where, "recurs")),
            "a recurring item needs due: (the first occurrence's deadline)",
            "due: such as 'juni 2021'"))
        return
    until = (parse_until(item.until).value if item.until is not None
             else programme_end(programme_extra, due))
    try:
        occurrence_dues(due, parse_recurs(item.recurs), until)
    except InvalidRecurrence as error:
        key = "until" if item.until is not None and "until" in error.reason else "recurs"
        problems.append(FileProblem(filename, _line(node, (*where, key)), _path((*where, key)),
                                    error.reason))


# -- keys the file may hold ------------------------------------------------------------------

# The keys each part of a file may hold are its model's fields above, plus these: keys other
# parts read from the item's `extra` (the rollover's links, an indicator's working group, the
# programme's language). One place: a new key is added to its model, or here. Any other key is
# still accepted and kept (the public contract), but warned about with its line, and with
# `import --strict` refused.
KNOWN_EXTRA_KEYS: dict[str, frozenset[str]] = {
    "FileModel": frozenset({"programmes"}),
    "ProgrammeModel": frozenset({"succeeded_by", "carried_from", "language"}),
    "ActivityModel": frozenset({"carried_from"}),
    "IndicatorModel": frozenset({"working_group"}),
}
UNKNOWN_KEY = "unknown key (kept as written, not used)"
_SIMILAR = 0.6  # normalized Damerau-Levenshtein similarity for "did you mean"


def known_keys(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(model.model_fields) | KNOWN_EXTRA_KEYS.get(model.__name__, frozenset())


def unknown_keys(model: BaseModel, node: Any, filename: str,
                 loc: tuple[str | int, ...] = ()) -> list[FileProblem]:
    """Every key the file holds that no part of Actiebot reads, with its line and the closest
    known key ("did you mean `due`?": a typo that would drop a deadline silently)."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    found: list[FileProblem] = []
    known = known_keys(type(model))
    for key in model.model_extra or {}:
        if key in known:
            continue
        match = process.extractOne(str(key), sorted(known),
                                   scorer=DamerauLevenshtein.normalized_similarity,
                                   score_cutoff=_SIMILAR)
        found.append(FileProblem(
            filename, _line(node, (*loc, key)), _path((*loc, key)),
            f"unknown key; did you mean `{match[0]}`? (kept as written, not used)" if match
            else UNKNOWN_KEY))
    for name in type(model).model_fields:
        value = getattr(model, name, None)
        if isinstance(value, BaseModel):
            found.extend(unknown_keys(value, node, filename, (*loc, name)))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found.extend(unknown_keys(item, node, filename, (*loc, name, i)))
    return found


# -- reading --------------------------------------------------------------------------------

def read_file(path: str | Path, max_bytes: int = MAX_FILE_BYTES, *,
              warnings: list[FileProblem] | None = None,
              strict: bool = False) -> list[ProgrammeFile]:
    """Read and validate a programme file (one or more YAML documents, or JSON).

    Unknown keys are added to ``warnings``; with ``strict`` they are problems (refused).

    Hostile files are refused before they cost memory or time (storage/yaml_limits.py): more
    than ``max_bytes`` (5 MB unless the operator set ACTIEBOT_MAX_PROGRAMME_MB; never read
    whole), nested more than 32 levels, aliases that expand too far.
    """
    path = Path(path)
    if path.suffix.lower() in (".csv", ".tsv"):
        raise ProgrammeFileError([FileProblem(
            str(path), None, "-", "CSV is export-only (a spreadsheet view) and cannot be imported",
            "the YAML or JSON programme file, e.g. from `actiebot export --format yaml`")])
    try:
        text = read_text_limited(path, max_bytes)
    except FileNotFoundError:
        raise ProgrammeFileError([FileProblem(str(path), None, "-", "file not found")]) from None
    except IsADirectoryError:
        raise ProgrammeFileError([FileProblem(str(path), None, "-", "is a directory",
                                              "a YAML or JSON file")]) from None
    except FileLimitError as error:
        raise ProgrammeFileError([FileProblem(str(path), error.line, "-", error.problem,
                                              error.expected)]) from None
    except UnicodeDecodeError:
        raise ProgrammeFileError(
            [FileProblem(str(path), None, "-", "not UTF-8 text", "a YAML or JSON file")]
        ) from None
    return read_text(text, str(path), warnings=warnings, strict=strict)


def read_text(text: str, filename: str = "<text>", *, warnings: list[FileProblem] | None = None,
              strict: bool = False) -> list[ProgrammeFile]:
    with cycle_collection_paused():
        return _read_text(text, filename, warnings=warnings, strict=strict)


def _read_text(text: str, filename: str, *, warnings: list[FileProblem] | None,
               strict: bool) -> list[ProgrammeFile]:
    try:
        loaded = load_documents(text)
    except FileLimitError as error:
        raise ProgrammeFileError([FileProblem(filename, error.line, "-", error.problem,
                                              error.expected)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or "not valid YAML"
        if isinstance(error, yaml.constructor.ConstructorError):  # a value, e.g. a bad date
            raise ProgrammeFileError([FileProblem(
                filename, line, "-", problem, "a day that exists, e.g. 2021-02-28, or a month "
                "in quotes, e.g. due: \"februari 2021\"")]) from None
        raise ProgrammeFileError([FileProblem(filename, line, "-", f"syntax error: {problem}",
                                              "YAML or JSON")]) from None
    pairs: list[tuple[Any, Any]] = []
    for node, document in loaded:
        if document is None:
            continue
        if isinstance(document, dict) and "programmes" in document and "programme" not in document:
            items = document["programmes"] if isinstance(document["programmes"], list) else []
            item_nodes = _child(node, "programmes")
            for i, item in enumerate(items):
                pairs.append((_child(item_nodes, i), item))
        elif isinstance(document, list):
            pairs.extend((_child(node, i), item) for i, item in enumerate(document))
        else:
            pairs.append((node, document))
    if not pairs:
        raise ProgrammeFileError([FileProblem(filename, None, "-", "the file is empty",
                                              "a mapping with programme:, activities: …")])
    problems: list[FileProblem] = []
    files: list[ProgrammeFile] = []
    unknown: list[FileProblem] = []
    for node, document in pairs:
        try:
            files.append(_validate(document, node, filename, unknown))
        except ProgrammeFileError as error:
            problems.extend(error.problems)
    if strict:
        problems.extend(unknown)
    elif warnings is not None:
        warnings.extend(unknown)
    keys = [f.programme.key for f in files]
    for key in {k for k in keys if keys.count(k) > 1}:
        problems.append(FileProblem(filename, None, "programme.key", f"{key!r} appears twice"))
    if problems:
        raise ProgrammeFileError(problems)
    return files


def _child(node: Any, key: str | int) -> Any:
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for k, v in node.value:
            if getattr(k, "value", None) == key:
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _line(root: Any, loc: Iterable[str | int]) -> int | None:
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for part in loc:
        child = _child(node, part)
        if child is None:
            # point at the key itself when the value is missing
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for k, _ in node.value:
                    if getattr(k, "value", None) == part:
                        return int(k.start_mark.line + 1)
            break
        node, line = child, child.start_mark.line + 1
    return line


def _path(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "-"


def _validate(document: Any, node: Any, filename: str,
              unknown: list[FileProblem] | None = None) -> ProgrammeFile:
    if not isinstance(document, dict):
        raise ProgrammeFileError([FileProblem(
            filename, _line(node, ()), "-", "the top level must be a mapping",
            "programme:, working_groups:, goals:, activities:")])
    privacy_problems: list[FileProblem] = []
    _personal_data(document, node, (), filename, privacy_problems)
    if privacy_problems:
        raise ProgrammeFileError(privacy_problems)
    try:
        model = FileModel.model_validate(document, context={"dues": {}})
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = [p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
            message = item["msg"].removeprefix("Value error, ")
            expected = None
            if item["type"] == "string_pattern_mismatch":
                message = "not a valid key or id"
                expected = ("lower-case letters, digits, '-', '.' or '_'" if loc[-1] == "key"
                            else "a channel id like C0123ABCD or '#name'")
            elif item["type"] == "missing":
                message = "is required"
            problems.append(FileProblem(filename, _line(node, loc), _path(loc), message, expected))
        raise ProgrammeFileError(problems) from None
    if unknown is not None:
        unknown.extend(unknown_keys(model, node, filename))
    return _to_domain(model, node, filename)


def _to_domain(model: FileModel, node: Any, filename: str) -> ProgrammeFile:
    problems: list[FileProblem] = []
    tz = ZoneInfo(model.programme.timezone)

    def check_unique(kind: str, keys: list[str]) -> None:
        seen: set[str] = set()
        for i, key in enumerate(keys):
            if key in seen:
                problems.append(FileProblem(filename, _line(node, (kind, i, "key")),
                                            f"{kind}[{i}].key", f"duplicate key {key!r}"))
            seen.add(key)

    check_unique("working_groups", [g.key for g in model.working_groups])
    check_unique("goals", [g.key for g in model.goals])
    check_unique("activities", [a.key for a in model.activities])
    check_unique("indicators", [i.key for i in model.indicators])
    breakdowns = {i.key: {b for b in i.breakdown} for i in model.indicators}
    seen_values: set[tuple[str, str, str | None]] = set()
    for i, v in enumerate(model.indicator_values):
        where = ("indicator_values", i)
        if v.indicator not in breakdowns:
            problems.append(FileProblem(
                filename, _line(node, (*where, "indicator")), f"indicator_values[{i}].indicator",
                f"unknown indicator {v.indicator!r}",
                "one of " + ", ".join(sorted(breakdowns)) if breakdowns else "an indicators key"))
        elif v.breakdown is not None and v.breakdown not in breakdowns[v.indicator]:
            problems.append(FileProblem(
                filename, _line(node, (*where, "breakdown")), f"indicator_values[{i}].breakdown",
                f"{v.breakdown!r} is not in the breakdown of {v.indicator!r}",
                "one of " + ", ".join(sorted(breakdowns[v.indicator]))
                if breakdowns[v.indicator] else "no breakdown (the whole region)"))
        identity = (v.indicator, v.period, v.breakdown)
        if identity in seen_values:
            problems.append(FileProblem(
                filename, _line(node, where), f"indicator_values[{i}]",
                "a second value for the same indicator, period and breakdown"))
        seen_values.add(identity)
    group_keys = {g.key for g in model.working_groups}
    goal_keys = {g.key for g in model.goals}
    programme_extra = model.programme.extras()
    for i, a in enumerate(model.activities):
        if a.working_group is not None and a.working_group not in group_keys:
            problems.append(FileProblem(
                filename, _line(node, ("activities", i, "working_group")),
                f"activities[{i}].working_group", f"unknown working group {a.working_group!r}",
                "one of " + ", ".join(sorted(group_keys)) if group_keys else "a working_groups key"))
        _check_recurrence(a, ("activities", i), programme_extra, node, filename, problems)
        for j, m in enumerate(a.milestones):
            _check_recurrence(m, ("activities", i, "milestones", j), programme_extra,
                              node, filename, problems)
        if a.goal is not None and a.goal not in goal_keys:
            problems.append(FileProblem(
                filename, _line(node, ("activities", i, "goal")), f"activities[{i}].goal",
                f"unknown goal {a.goal!r}",
                "one of " + ", ".join(sorted(goal_keys)) if goal_keys else "a goals key"))
    if problems:
        raise ProgrammeFileError(problems)

    def moment(value: datetime | date) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=tz)
        return datetime.combine(value, time(0, 0), tzinfo=tz)

    activities = []
    for a in model.activities:
        updates = tuple(
            StatusUpdate(at=moment(u.at), author=u.author, old_status=u.old_status,
                         new_status=u.status, note=u.note, author_name=u.author_name,
                         event=u.event.value, old_due=u.old_due, new_due=u.new_due,
                         occurrence=u.occurrence, author_org=u.author_org)
            for u in a.updates
        )
        status = a.status or (max(updates, key=lambda u: u.at).new_status if updates
                              else Status.NOT_STARTED)
        extra = a.extras()
        activities.append(Activity(
            key=a.key, title=a.title, programme_key=model.programme.key, goal=a.goal,
            theme=a.theme, result=a.result, owners=tuple(a.owners),
            working_group=a.working_group, due=a.due,
            milestones=tuple(Milestone(m.title, m.due, m.extras()) for m in a.milestones),
            status=status, updates=updates, extra=extra,
        ))
    groups = []
    for g in model.working_groups:
        policy = ReminderPolicy() if g.reminders is None else ReminderPolicy(
            tuple(g.reminders.before_working_days), g.reminders.on_due_day,
            g.reminders.overdue_every_working_days)
        groups.append(WorkingGroup(
            key=g.key, name=g.name, aliases=tuple(g.aliases), channel=g.channel,
            reminders=policy, members={k: tuple(v) for k, v in g.members.items()},
            extra=g.extras()))
    p = model.programme
    return ProgrammeFile(
        programme=Programme(p.key, p.name, p.region, p.timezone, p.admin_channel, p.extras(),
                            tuple(p.admins)),
        working_groups=tuple(groups),
        goals=tuple(Goal(g.key, g.name, g.extras()) for g in model.goals),
        activities=tuple(activities),
        extra=model.extras(),
        indicators=tuple(
            Indicator(i.key, i.name, i.unit, i.source, tuple(i.breakdown), i.extras())
            for i in model.indicators),
        indicator_values=tuple(
            IndicatorValue(v.indicator, v.period, v.value, v.breakdown, v.source, v.note,
                           recorded_by="import", extra=v.extras())
            for v in model.indicator_values),
        exported_at=moment(model.exported_at) if model.exported_at else None,
    )


# -- writing --------------------------------------------------------------------------------

def _due_text(due: DueDate | None) -> str | None:
    return canonical(due) if due else None


def _moment_text(value: datetime, tz: ZoneInfo) -> str:
    local = value.astimezone(tz)
    if local.time() == time(0, 0) and local.microsecond == 0:
        return local.date().isoformat()
    return local.isoformat()


def to_data(file: ProgrammeFile) -> dict[str, Any]:
    """The programme as plain data in the contract's shape (for YAML and JSON)."""
    p = file.programme
    tz = ZoneInfo(p.timezone)
    programme: dict[str, Any] = {"key": p.key, "name": p.name}
    if p.region is not None:
        programme["region"] = p.region
    programme["timezone"] = p.timezone
    if p.admin_channel is not None:
        programme["admin_channel"] = p.admin_channel
    if p.admins:
        programme["admins"] = list(p.admins)
    programme.update(p.extra)
    groups = []
    for g in file.working_groups:
        group: dict[str, Any] = {"key": g.key, "name": g.name}
        if g.aliases:
            group["aliases"] = list(g.aliases)
        if g.channel:
            group["channel"] = g.channel
        if g.reminders != ReminderPolicy():
            group["reminders"] = {
                "before_working_days": list(g.reminders.before_working_days),
                "on_due_day": g.reminders.on_due_day,
                "overdue_every_working_days": g.reminders.overdue_every_working_days,
            }
        if g.members:
            group["members"] = {name: list(ids) for name, ids in g.members.items()}
        group.update(g.extra)
        groups.append(group)
    activities = []
    for a in file.activities:
        activity: dict[str, Any] = {"key": a.key, "title": a.title}
        for name, value in (("goal", a.goal), ("theme", a.theme), ("result", a.result)):
            if value is not None:
                activity[name] = value
        if a.owners:
            activity["owners"] = list(a.owners)
        if a.working_group:
            activity["working_group"] = a.working_group
        activity["due"] = _due_text(a.due)
        if a.milestones:
            activity["milestones"] = [
                {"title": m.title, "due": _due_text(m.due), **m.extra} for m in a.milestones
            ]
        activity["status"] = DUTCH_STATUS_WORD[a.status]
        if a.updates:
            activity["updates"] = [_update_data(u, tz) for u in a.updates]
        activity.update(a.extra)
        activities.append(activity)
    data: dict[str, Any] = {"programme": programme, "working_groups": groups,
                            "goals": [{"key": g.key, "name": g.name, **g.extra} for g in file.goals],
                            "activities": activities}
    if file.indicators:
        data["indicators"] = [_indicator_data(i) for i in file.indicators]
    if file.indicator_values:
        data["indicator_values"] = [_indicator_value_data(v) for v in file.indicator_values]
    data.update(file.extra)
    if file.exported_at is not None:  # first: the reader sees how old the file is
        data = {"exported_at": file.exported_at.isoformat(), **data}
    return data


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _indicator_data(i: Indicator) -> dict[str, Any]:
    data: dict[str, Any] = {"key": i.key, "name": i.name}
    for name, value in (("unit", i.unit), ("source", i.source)):
        if value is not None:
            data[name] = value
    if i.breakdown:
        data["breakdown"] = list(i.breakdown)
    data.update(i.extra)
    return data


def _indicator_value_data(v: IndicatorValue) -> dict[str, Any]:
    data: dict[str, Any] = {"indicator": v.indicator, "period": v.period}
    if v.breakdown is not None:
        data["breakdown"] = v.breakdown
    data["value"] = _number(v.value)
    if v.source:
        data["source"] = v.source
    if v.note:
        data["note"] = v.note
    data.update(v.extra)
    return data


def _update_data(u: StatusUpdate, tz: ZoneInfo) -> dict[str, Any]:
    data: dict[str, Any] = {"at": _moment_text(u.at, tz), "author": u.author}
    if u.author_name:
        data["author_name"] = u.author_name
    if u.author_org:
        data["author_org"] = u.author_org
    if u.old_status is not None:
        data["old_status"] = DUTCH_STATUS_WORD[u.old_status]
    data["status"] = DUTCH_STATUS_WORD[u.new_status]
    if u.note:
        data["note"] = u.note
    if u.event != UpdateEvent.UPDATE:
        data["event"] = u.event
    if u.moved:
        data["old_due"], data["new_due"] = _due_text(u.old_due), _due_text(u.new_due)
    if u.occurrence is not None:
        data["occurrence"] = u.occurrence
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(files: list[ProgrammeFile]) -> str:
    return yaml.dump_all(
        [to_data(f) for f in files], Dumper=_Dumper, allow_unicode=True, sort_keys=False,
        width=100, explicit_start=len(files) > 1,
    )


def dump_json(files: list[ProgrammeFile]) -> str:
    data: Any = to_data(files[0]) if len(files) == 1 else {"programmes": [to_data(f) for f in files]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ["programme", "key", "title", "goal", "theme", "working_group", "owners", "due",
               "milestones", "status", "last_update_at", "last_update_author", "result"]


def dump_csv(files: list[ProgrammeFile]) -> str:
    """One row per activity, for spreadsheets (read-only: import takes YAML or JSON)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in files:
        tz = ZoneInfo(f.programme.timezone)
        for a in f.activities:
            last = max(a.updates, key=lambda u: u.at) if a.updates else None
            writer.writerow([
                f.programme.key, a.key, a.title, a.goal or "", a.theme or "",
                a.working_group or "", "; ".join(a.owners), _due_text(a.due) or "",
                "; ".join(f"{m.title}: {_due_text(m.due) or '-'}" for m in a.milestones),
                DUTCH_STATUS_WORD[a.status], _moment_text(last.at, tz) if last else "",
                last.author if last else "", a.result or "",
            ])
    return out.getvalue()
