"""`actiebot programmes`, `actiebot programme archive KEY`, `actiebot programme remove KEY
[--yes] [--no-export]` (the public contract, "CLI additions", third round).

Exit status: 0 done, 1 not done (an unknown key, named with the keys that exist; a removal not
confirmed), 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.cli_common import Failure
from bot.cli_runtime import open_runtime
from bot.config import Settings
from bot.domain.model import Status

NO_WORKSPACE = "—"  # one workspace (SLACK_BOT_TOKEN), or imported without --workspace


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("programmes", help="the loaded programmes: key, name, activities, "
                                          "open, last change, archived")
    p.set_defaults(func=cmd_programmes)

    p = sub.add_parser("programme", help="archive or remove one programme")
    actions = p.add_subparsers(dest="programme_command", required=True, metavar="ACTION")
    a = actions.add_parser("archive", help="no more reminders or digests; questions are still "
                                           "answered, marked as archive")
    a.add_argument("key")
    a.set_defaults(func=cmd_archive)
    r = actions.add_parser("remove", help="delete a programme and everything in it, after "
                                          "writing an export of it")
    r.add_argument("key")
    r.add_argument("--yes", action="store_true", help="do not ask")
    r.add_argument("--no-export", action="store_true",
                   help="do not write the export first (it cannot be undone then)")
    r.add_argument("-o", "--output", default=None, metavar="FILE",
                   help="where the export goes (default: KEY-removed-YYYYmmdd-HHMMSS.yaml here)")
    r.set_defaults(func=cmd_remove)


def unknown_key(key: str, keys: list[str]) -> Failure:
    """An unknown programme key, with the keys that exist (one rule for every command)."""
    if not keys:
        return Failure(f"no programme with key {key!r}: the database holds none; import one "
                       "with `actiebot import FILE`")
    return Failure(f"no programme with key {key!r}; the programmes are: {', '.join(keys)} "
                   "(`actiebot programmes` lists them)")


def cmd_programmes(args: argparse.Namespace, settings: Settings) -> int:
    from storage.programme_admin import programme_summaries

    runtime = open_runtime(settings)
    try:
        rows = programme_summaries(runtime.engine,
                                   frozenset(s.value for s in Status if not s.is_closed))
    finally:
        runtime.engine.dispose()
    if not rows:
        print("no programmes; import one with `actiebot import FILE`", file=sys.stderr)
        return 0
    table = [("key", "name", "workspace", "activities", "open", "last change", "archived")]
    for row in rows:
        archived = ("yes" if row.successor is None else f"yes (rolled over into {row.successor})"
                    ) if row.archived else "no"
        last = row.last_change.astimezone(UTC).strftime("%Y-%m-%d %H:%M") \
            if row.last_change else "—"
        table.append((row.key, row.name if len(row.name) <= 50 else row.name[:49] + "…",
                      row.workspace or NO_WORKSPACE, str(row.activities), str(row.open), last, archived))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
              .rstrip())
    return 0


def cmd_archive(args: argparse.Namespace, settings: Settings) -> int:
    runtime = open_runtime(settings)
    try:
        with runtime.deps.uow(write=True) as uow:
            done = uow.repo.mark_archived(args.key, datetime.now(UTC))
            if done is None:
                raise unknown_key(args.key, [p.key for p in uow.repo.list_programmes()])
            uow.commit()
    finally:
        runtime.engine.dispose()
    if not done:
        print(f"{args.key} was archived already; nothing was changed", file=sys.stderr)
        return 0
    print(f"archived {args.key}: no more reminders or digests; /actie still answers about it, "
          "marked as archive", file=sys.stderr)
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from storage.programme_file import dump_yaml

    runtime = open_runtime(settings)
    try:
        with runtime.deps.uow() as uow:
            file = uow.repo.load_programme(args.key)
            if file is None:
                raise unknown_key(args.key, [p.key for p in uow.repo.list_programmes()])
        updates = sum(len(a.updates) for a in file.activities)
        what = (f"{args.key} ({file.programme.name}): {len(file.activities)} activities, "
                f"{updates} logged updates")
        if not args.yes and not _confirmed(what):
            raise Failure(f"{args.key} was not removed (not confirmed; add --yes to remove "
                          "without asking)")
        saved = None
        if not args.no_export:
            from dataclasses import replace

            saved = Path(args.output or
                         f"{args.key}-removed-{datetime.now(UTC):%Y%m%d-%H%M%S}.yaml")
            from storage.programme_admin import last_change

            stamp = last_change(runtime.engine, args.key)
            saved.write_text(dump_yaml([replace(file, exported_at=stamp)]), encoding="utf-8")
        with runtime.deps.uow(write=True) as uow:
            uow.repo.delete_programme(args.key)
            uow.commit()
    finally:
        runtime.engine.dispose()
    print(f"removed {what}" + (f"; its export is {saved.resolve()} (`actiebot import "
                               f"{saved}` brings it back)" if saved else "; no export written"),
          file=sys.stderr)
    return 0


def _confirmed(what: str) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        return False
    print(f"Remove {what}? [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes", "j", "ja")
