"""What `actiebot import` says besides its summary: unknown keys (with their line), a file
older than the changes it would overwrite (needs --force), and, loudly and in the file's
language, what the import removes."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.cli_common import Failure
from bot.domain.dates import canonical
from bot.domain.model import ProgrammeFile
from bot.domain.ports import ImportCounts

if TYPE_CHECKING:
    from storage.programme_file import FileProblem

SHOWN = 10


def print_warnings(warnings: Sequence[FileProblem]) -> None:
    """Unknown keys: a likely typo ("did you mean `due`?") on a line of its own, the others
    (a file's own notes: `note:`, `projects:` …) one line per key with the lines it is on."""
    from storage.programme_file import UNKNOWN_KEY

    grouped: dict[str, list[FileProblem]] = {}
    for warning in warnings:
        if warning.problem == UNKNOWN_KEY:
            grouped.setdefault(re.sub(r"\[\d+\]", "[]", warning.key), []).append(warning)
        else:
            print(f"warning: {warning}", file=sys.stderr)
    for key, found in grouped.items():
        lines = sorted({w.line for w in found if w.line})
        where = ", ".join(str(n) for n in lines[:5]) + (", …" if len(lines) > 5 else "")
        print(f"warning: {found[0].file}: {key}: {UNKNOWN_KEY}"
              + (f", {len(found)}× on lines {where}" if len(found) > 1 else f", line {where}"),
              file=sys.stderr)
    if warnings:
        print(f"{len(warnings)} unknown key{'s' if len(warnings) != 1 else ''} kept as "
              "written; `actiebot import --strict` refuses a file with unknown keys",
              file=sys.stderr)


def refuse_stale(engine: object, files: Sequence[ProgrammeFile], filename: str) -> None:
    """A file written by `actiebot export` before changes made since (in Slack, by `ask`)
    would take them back: refused (`--force` imports it anyway)."""
    from storage.programme_admin import changes_since

    lines: list[str] = []
    for file in files:
        if file.exported_at is None:
            continue
        count, latest = changes_since(engine, file.programme.key, file.exported_at)  # type: ignore[arg-type]
        if not count:
            continue
        lines.append(f"{file.programme.key}: {count} change{'s' if count != 1 else ''} after the "
                     "file was exported (it holds the changes up to "
                     f"{file.exported_at.isoformat(timespec='minutes')}), the latest:")
        lines += [f"  {c.at.isoformat(timespec='minutes')} {c.what} ({c.kind} by {c.author})"
                  for c in latest]
    if lines:
        for line in lines:
            print(line, file=sys.stderr)
        raise Failure(f"{filename} is older than changes it would overwrite (above); not "
                      "imported, nothing was changed. Export again and edit that file, or "
                      "add --force to import this one anyway")


REMOVALS = {
    "nl": {"head": "LET OP — deze import heeft verwijderd:",
           "due": "{key}: deadline {old} verwijderd",
           "owner": "{key}: eigenaar “{what}” verwijderd",
           "milestone": "{key}: mijlpaal “{what}” verwijderd",
           "activity_group": "{key}: werkgroep {what} losgekoppeld",
           "more": "… en nog {n}"},
    "en": {"head": "NOTE — this import removed:",
           "due": "{key}: deadline {old} removed",
           "owner": "{key}: owner “{what}” removed",
           "milestone": "{key}: milestone “{what}” removed",
           "activity_group": "{key}: working group {what} removed",
           "more": "… and {n} more"},
}


def removals(before: ProgrammeFile | None, file: ProgrammeFile, counts: ImportCounts,
             language: str) -> list[str]:
    """What the database held before the import and no longer holds: deadlines, owners,
    milestones and working groups of the file's activities.

    Worked out from the file rather than by reading the programme back: an import replaces
    an activity's owners, milestones and working group with the file's, and its deadline too
    unless the one moved in Slack was kept (`counts.deadlines_kept`); it never deletes an
    activity or a working group that the file leaves out.
    """
    if before is None:
        return []
    words = REMOVALS[language if language in REMOVALS else "nl"]
    found: list[str] = []
    kept = {key for key, stored, _ in counts.deadlines_kept if stored is not None}
    now = {a.key: a for a in file.activities}
    for old in before.activities:
        new = now.get(old.key)
        if new is None:
            continue  # left out of the file: kept as it was
        if old.working_group and not new.working_group:
            found.append(words["activity_group"].format(key=old.key, what=old.working_group))
        if old.due is not None and new.due is None and old.key not in kept:
            found.append(words["due"].format(key=old.key, old=canonical(old.due)))
        for owner in old.owners:
            if owner not in new.owners:
                found.append(words["owner"].format(key=old.key, what=owner))
        titles = {m.title for m in new.milestones}
        for milestone in old.milestones:
            if milestone.title not in titles:
                found.append(words["milestone"].format(key=old.key, what=milestone.title))
    return found


def print_removals(key: str, lines: list[str], language: str) -> None:
    if not lines:
        return
    words = REMOVALS[language if language in REMOVALS else "nl"]
    print(f"  !! {words['head']} ({key})")
    for line in lines[:SHOWN]:
        print(f"  !!   {line}")
    if len(lines) > SHOWN:
        print(f"  !!   {words['more'].format(n=len(lines) - SHOWN)}")


def language_of(file: ProgrammeFile, default: str) -> str:
    """The file's language: `language:` under `programme:`, else the configured one."""
    value = str(file.programme.extra.get("language") or default).lower()[:2]
    return value if value in REMOVALS else default
