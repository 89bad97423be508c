"""`actiebot` sub-commands (the public contract, "CLI").

Exit status: 0 success, 1 a real failure (one line, never a traceback), 2 a usage error.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from bot.cli_common import Failure
from bot.cli_common import day as _day
from bot.cli_common import today as _today
from bot.cli_runtime import open_runtime
from bot.config import ConfigError, Settings
from bot.domain.dates import canonical
from bot.domain.model import DueDate, Status
from bot.domain.ports import ImportCounts

log = logging.getLogger("actiebot")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kennemerland-2021.yaml"


# -- commands -------------------------------------------------------------------------------

def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from storage.db import current_revision, describe_database

    engine = open_runtime(settings, create=True).engine
    print(f"database {describe_database(settings.database_url)} "
          f"at revision {current_revision(engine)}")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_export import is_workbook
    from bot.cli_import import (
        language_of,
        print_removals,
        print_warnings,
        refuse_stale,
        removals,
    )
    from storage.programme_file import FileProblem, ProgrammeFileError, read_file

    warnings: list[FileProblem] = []
    try:
        if is_workbook(args.file):  # Excel, as `export --format xlsx` writes it
            from storage.programme_xlsx import read_xlsx

            files = read_xlsx(args.file)
        else:
            _refuse_everything_export(args.file)
            files = read_file(args.file, settings.max_programme_bytes, warnings=warnings,
                              strict=args.strict)
    except ProgrammeFileError as error:
        if len(error.problems) == 1 and error.problems[0].key == "-":  # the file as a whole
            print(f"{error.problems[0]}; not imported, nothing was changed", file=sys.stderr)
            return 1
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{args.file}: not imported, nothing was changed "
              f"({len(error.problems)} problem{'s' if len(error.problems) != 1 else ''})",
              file=sys.stderr)
        return 1
    print_warnings(warnings)
    runtime = open_runtime(settings, create=True)
    if not args.force:
        refuse_stale(runtime.engine, files, args.file)
    removed: dict[str, list[str]] = {}
    from bot.cli_workspaces import import_workspace

    workspace = import_workspace(args, settings, runtime.engine,
                                 [file.programme.key for file in files])
    with runtime.deps.uow(write=True) as uow:  # one transaction for every programme in the file
        totals: dict[str, ImportCounts] = {}
        for file in files:
            before = uow.repo.load_programme(file.programme.key)
            totals[file.programme.key] = uow.repo.save_programme(file)
            removed[file.programme.key] = removals(
                before, file, totals[file.programme.key], language_of(file, settings.language))
        uow.commit()
    if workspace is not None:
        from storage.workspaces import assign_programme

        for file in files:
            assign_programme(runtime.engine, file.programme.key, workspace)
    if any(any(counts.values()) for counts in totals.values()):
        from storage.maintenance import refresh_statistics

        refresh_statistics(runtime.engine)  # PostgreSQL: plans for the tables as loaded now
    for key, counts in totals.items():
        file = next(f for f in files if f.programme.key == key)
        changes = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v)
        print(f"imported {key}: {len(file.activities)} activities, "
              f"{len(file.working_groups)} working groups"
              + (f" ({changes})" if changes else " (no changes)"))
        _print_statuses("status changed (the file's status changed since the last import)",
                        counts.changed)
        _print_statuses("status kept (set in Slack; the file's status did not change)",
                        counts.kept)
        _print_deadlines("deadline changed (the file's deadline changed since the last import)",
                         counts.deadlines_changed)
        _print_deadlines("deadline kept (moved in Slack; the file's deadline did not change)",
                         counts.deadlines_kept)
        print_removals(key, removed[key], language_of(file, settings.language))
    return 0


def _refuse_everything_export(path: str) -> None:
    """`export --all` writes everything stored, for a request under the AVG: no programme
    file. Say so, and what moves a database instead."""
    from bot.services.privacy import EXPORT_FORMAT

    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return  # read_file names the problem
    if f'"format": "{EXPORT_FORMAT}"' in head:
        raise Failure(f"{path} is an `actiebot export --all` file (everything stored, for an "
                      "AVG request): it cannot be imported. Move a database with `actiebot "
                      "backup -o FILE` and `actiebot restore FILE`; import a programme from "
                      "`actiebot export --format yaml`")


def _print_deadlines(head: str, rows: list[tuple[str, DueDate | None, DueDate | None]],
                     shown: int = 10) -> None:
    if not rows:
        return

    def text(due: DueDate | None) -> str:
        return canonical(due) if due else "none"

    print(f"  {head}:")
    for key, before, in_file in rows[:shown]:
        print(f"    {key}: {text(before)}" + (
            f" -> {text(in_file)}" if "changed" in head else f" (file: {text(in_file)})"))
    if len(rows) > shown:
        print(f"    … and {len(rows) - shown} more")


def _print_statuses(head: str, rows: list[tuple[str, Status, Status]], shown: int = 10) -> None:
    if not rows:
        return
    print(f"  {head}:")
    for key, before, in_file in rows[:shown]:
        print(f"    {key}: {before.value}" + (
            f" -> {in_file.value}" if "changed" in head else f" (file: {in_file.value})"))
    if len(rows) > shown:
        print(f"    … and {len(rows) - shown} more")


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "all", False):  # AVG: everything stored, as JSON
        from bot.cli_privacy import cmd_export_all

        return cmd_export_all(args, settings)
    from storage.programme_file import dump_csv, dump_json, dump_yaml

    runtime = open_runtime(settings)
    with runtime.deps.uow() as uow:
        keys = [args.programme] if args.programme else [p.key for p in uow.repo.list_programmes()]
        files = []
        occurrences = {}  # recurring activities' occurrences, for the calendar (ics)
        for key in keys:
            file = uow.repo.load_programme(key)
            if file is None:
                from bot.cli_programmes import unknown_key

                raise unknown_key(key, [p.key for p in uow.repo.list_programmes()])
            files.append(file)
            if args.format == "ics":
                occurrences.update({(key, activity): found for activity, found
                                    in uow.repo.list_programme_occurrences(key).items()})
    if not files:
        raise Failure("nothing to export: the database holds no programme yet")
    from bot.cli_export import BINARY_FORMATS, only_group, write_binary

    if args.group:
        files = only_group(files, args.group)
    # stamped with the last change it holds: an import of this file after later changes needs
    # --force (bot/cli_import.py); two exports of the same data stay the same file
    from storage.programme_admin import last_change

    files = [replace(file, exported_at=last_change(runtime.engine, file.programme.key))
             for file in files]
    if args.format == "archive":  # the package for the municipal record (bot/cli_archive.py)
        from bot.cli_archive import write_archive

        return write_archive(args, files, runtime, settings)
    if args.format in BINARY_FORMATS:
        return write_binary(args, files, occurrences)
    text = {"yaml": dump_yaml, "json": dump_json, "csv": dump_csv}[args.format or "yaml"](files)
    if args.output and args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"exported {', '.join(keys)} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _load_example_if_empty(settings: Settings, example: Path) -> None:
    from storage.programme_file import read_file

    runtime = open_runtime(settings, create=True)
    try:
        with runtime.deps.uow(write=True) as uow:
            if uow.repo.list_programmes():
                return
            for file in read_file(example):
                uow.repo.save_programme(file)
            uow.commit()
    finally:
        # `start` may go on to `serve`, whose workers are forks of this process: no pooled
        # connection may be left open for them to inherit (server.py).
        runtime.engine.dispose()
    print(f"loaded the example programme {example.name}", file=sys.stderr)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import console_deps, respond

    deps = console_deps(settings, today=_today(args))
    reply, done = respond(deps, settings, " ".join(args.text))
    print(reply)
    return 0 if done else 1  # a refusal is a failure a script must see


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import repl

    return repl(settings, today=_today(args))


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve

    settings.require_http()
    return serve(settings, port=args.port or settings.port, scheduler=not args.no_scheduler)


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import run_scheduler

    if not (settings.slack_bot_token or settings.many_workspaces):
        raise ConfigError("the scheduler posts to Slack: set SLACK_BOT_TOKEN "
                          "(export SLACK_BOT_TOKEN=xoxb-…)")
    return run_scheduler(settings, exit_with=args.exit_with, delay=args.delay)


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import socket_mode

    settings.require_socket()
    return socket_mode(settings, scheduler=not args.no_scheduler)


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """What `make run` runs: the right mode for the tokens set. Any Slack variable set means
    Slack is meant: a missing one is named (exit 1), the console opens only when none is set.
    The example (2021's agenda, channel ids of nobody's) is loaded only for the console: with
    Slack tokens its reminders and digests would be posted into a real workspace."""
    slack = bool(settings.slack_app_token or settings.slack_bot_token
                 or settings.slack_signing_secret or settings.many_workspaces)
    if settings.slack_app_token:
        settings.require_socket()
    elif slack:
        settings.require_http()
    if args.example and not slack:
        _load_example_if_empty(settings, Path(args.example))
    elif args.example:
        _warn_about_example(settings, Path(args.example))
    if settings.slack_app_token:  # Socket Mode; names a missing bot token
        return cmd_socket(argparse.Namespace(no_scheduler=False), settings)
    if slack:  # HTTP; names what is missing
        return cmd_serve(argparse.Namespace(port=None, no_scheduler=False), settings)
    print("No Slack tokens set (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET for HTTP, or "
          "SLACK_APP_TOKEN for Socket Mode): starting the local console.", file=sys.stderr)
    return cmd_console(args, settings)


def _warn_about_example(settings: Settings, example: Path) -> None:
    """With Slack tokens: say that the example is not loaded, and how to remove it when an
    earlier run without tokens loaded it into this database (it would post)."""
    from storage.programme_file import ProgrammeFileError, read_file

    try:
        keys = [file.programme.key for file in read_file(example)]
    except ProgrammeFileError:
        keys = []
    runtime = open_runtime(settings, create=True)
    try:
        with runtime.deps.uow() as uow:
            loaded = [key for key in keys if uow.repo.get_programme(key) is not None]
    finally:
        runtime.engine.dispose()  # serve forks its workers next: no connection to inherit
    print(f"Slack tokens set: the example programme {example.name} is not loaded (its 2021 "
          "reminders and digests would be posted into your workspace). Import your own "
          "programme with `actiebot import FILE`.", file=sys.stderr)
    for key in loaded:
        print(f"WARNING: the database holds the example programme {key}, loaded by an earlier "
              f"run without tokens; the scheduler will post its reminders. Remove it with "
              f"`actiebot programme remove {key} --yes --no-export`.", file=sys.stderr)


# -- parser ---------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actiebot", description="Actiebot: the action programme in Slack.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="HTTP mode on gunicorn (POST /slack/events, GET /healthz)")
    p.add_argument("--port", type=int, default=None, help="port (default: $PORT or 3000)")
    p.add_argument("--no-scheduler", action="store_true", help="do not run reminders here")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("scheduler", help="only the scheduled jobs: reminders, digests, retries "
                                         "(what `serve` runs next to its workers)")
    p.add_argument("--exit-with", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--delay", type=float, default=0.0, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_scheduler)

    p = sub.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN)")
    p.add_argument("--no-scheduler", action="store_true", help="do not run reminders here")
    p.set_defaults(func=cmd_socket)

    today_help = "answer as on this day, e.g. 2021-06-15 (default: $ACTIEBOT_TODAY or today)"
    p = sub.add_parser("console", help="local REPL without Slack")
    p.add_argument("--today", type=_day, default=None, metavar="YYYY-MM-DD", help=today_help)
    p.set_defaults(func=cmd_console)

    p = sub.add_parser("ask", help="one command, answer on stdout")
    p.add_argument("--today", type=_day, default=None, metavar="YYYY-MM-DD", help=today_help)
    p.add_argument("text", nargs="+", help="e.g. wie MDA++")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("import", help="load or update a programme file (YAML, JSON or .xlsx)")
    p.add_argument("file")
    p.add_argument("--workspace", type=_workspace_id, default=None, metavar="T…",
                   help="many workspaces: the Slack workspace (team id) the programme is for")
    p.add_argument("--strict", action="store_true",
                   help="refuse a file with unknown keys (default: kept, with a warning)")
    p.add_argument("--force", action="store_true",
                   help="import an exported file although changes were made after its export")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="write programmes as YAML, JSON, CSV, Excel or iCalendar")
    p.add_argument("--programme", default=None, help="programme key (default: all)")
    p.add_argument("--format", choices=("yaml", "csv", "json", "xlsx", "ics", "archive"),
                   default=None,
                   help="yaml (default), csv, json, xlsx (Excel, imports back), ics (calendar) "
                        "or archive (a zip for the municipal record, with -o FILE.zip)")
    p.add_argument("--group", default=None, help="only this working group (key or alias)")
    p.add_argument("-o", "--output", default=None, help="file (default: stdout)")
    p.add_argument("--all", action="store_true",
                   help="AVG: everything stored (update log, authors, deliveries, users) as JSON")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("db", help="database maintenance")
    dbsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    dbsub.add_parser("upgrade", help="apply migrations to head").set_defaults(func=cmd_db)

    p = sub.add_parser("start", help="load the example when empty, then socket/serve/console")
    p.add_argument("--example", default=str(EXAMPLE), help="programme file to load when empty")
    p.set_defaults(func=cmd_start)

    for extend in EXTENSIONS:
        extend(sub)
    return parser


# Later surfaces (remind, digest, report, forget-user …) add their sub-commands here.
__all__ = ["EXTENSIONS", "Failure", "build_parser", "main"]  # Failure: sub-commands raise it

EXTENSIONS: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]


def _privacy_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from bot.cli_privacy import add_commands

    add_commands(sub)


EXTENSIONS.append(_privacy_commands)  # forget-user (AVG); `export --all` branches in cmd_export
from bot.cli_schedule import add_commands as _schedule_commands

EXTENSIONS.append(_schedule_commands)  # remind, digest
from bot.cli_rollover import add_commands as _rollover_commands

EXTENSIONS.append(_rollover_commands)  # rollover (CONTRACT: CLI additions)
from bot.cli_report import add_commands as _report_commands

EXTENSIONS.append(_report_commands)  # report
from bot.cli_status import add_commands as _status_commands

EXTENSIONS.append(_status_commands)  # status: database and outbox backlog
from bot.cli_workspaces import add_commands as _workspace_commands
from bot.cli_workspaces import workspace_id as _workspace_id

EXTENSIONS.append(_workspace_commands)  # workspaces, purge-workspace
from bot.cli_calendar import add_commands as _calendar_commands

EXTENSIONS.append(_calendar_commands)  # calendar-link (CONTRACT: CLI additions, third round)
from bot.cli_backup import add_commands as _backup_commands

EXTENSIONS.append(_backup_commands)  # backup, restore
from bot.cli_programmes import add_commands as _programme_commands

EXTENSIONS.append(_programme_commands)  # programmes, programme archive/remove


def main(argv: Sequence[str] | None = None) -> int:
    from bot.logging_setup import configure_cli_logging

    logged = configure_cli_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    settings: Settings | None = None
    try:
        settings = Settings.from_env()
        status = int(args.func(args, settings))
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return status
    except BrokenPipeError:  # `actiebot ask te-laat | head -1`: the reader had enough
        _silence_stdout()
        return 0
    except (ConfigError, Failure) as error:
        print(f"actiebot: {error}", file=sys.stderr)
        return 1
    except argparse.ArgumentTypeError as error:  # ACTIEBOT_TODAY: a usage error, like --today
        print(f"actiebot: ACTIEBOT_TODAY: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - one line, never a traceback
        from bot.cli_runtime import describe_failure
        from handlers.errors import correlation_id, log_exception

        cid = correlation_id()
        cause = describe_failure(error, settings)
        if logged:  # the full record, at ERROR: in the log whatever level is configured
            log.error("failed: %s [correlation id %s]", cause, cid)
            log_exception(cid, error)
        print(f"actiebot: failed: {cause}; correlation id {cid}" + (
            "" if logged else " (set ACTIEBOT_LOG_FILE to keep the full record)"),
            file=sys.stderr)
        return 1


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (tests capture stdout)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
