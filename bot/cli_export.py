"""`actiebot export --format xlsx|ics [--group KEY]` and `import FILE.xlsx` (CONTRACT: CLI additions).

`cmd_export` in bot/cli.py loads the programmes and hands them here for the group filter and the
binary formats; the text formats stay where they were.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from bot.cli_common import Failure
from bot.domain.model import ProgrammeFile, fold
from bot.domain.recurrence import Occurrence

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
BINARY_FORMATS = ("xlsx", "ics")


def is_workbook(path: str) -> bool:
    return Path(path).suffix.lower() in EXCEL_SUFFIXES


def only_group(files: list[ProgrammeFile], group: str) -> list[ProgrammeFile]:
    """Each programme cut down to one working group (by key or alias): the group, its
    activities and the goals they serve. Programmes without that group are left out."""
    wanted = fold(group)
    kept: list[ProgrammeFile] = []
    for file in files:
        match = next((g for g in file.working_groups
                      if fold(g.key) == wanted or wanted in (fold(a) for a in g.aliases)), None)
        if match is None:
            continue
        activities = tuple(a for a in file.activities if a.working_group == match.key)
        goal_keys = {a.goal for a in activities}
        kept.append(replace(
            file, working_groups=(match,), activities=activities,
            goals=tuple(g for g in file.goals if g.key in goal_keys)))
    if not kept:
        known = sorted({g.key for f in files for g in f.working_groups})
        raise Failure(f"no working group {group!r}"
                      + (f"; known groups: {', '.join(known[:12])}" if known else ""))
    return kept


def write_binary(args: argparse.Namespace, files: list[ProgrammeFile],
                 occurrences: Mapping[tuple[str, str], Sequence[Occurrence]] | None = None,
                 ) -> int:
    if args.format == "xlsx":
        from storage.programme_xlsx import dump_xlsx

        content = dump_xlsx(files)
    else:
        from storage.programme_ics import dump_ics

        name = None
        if getattr(args, "group", None) and len(files) == 1:
            name = f"{files[0].programme.name} — {files[0].working_groups[0].name}"
        content = dump_ics(files, name=name, occurrences=occurrences)
    keys = ", ".join(f.programme.key for f in files)
    if args.output and args.output != "-":
        Path(args.output).write_bytes(content)
        print(f"exported {keys} to {args.output}", file=sys.stderr)
        return 0
    if args.format == "xlsx" and sys.stdout.isatty():
        raise Failure("an Excel workbook is binary: write it to a file with -o FILE.xlsx")
    sys.stdout.buffer.write(content)
    sys.stdout.flush()
    return 0
