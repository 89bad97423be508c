"""`actiebot backup -o FILE` and `actiebot restore FILE [--force]` (storage/backup.py).

Exit status: 0 done, 1 not done (the file exists, is no backup, or the database is not empty
without --force), 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli_common import Failure
from bot.cli_runtime import open_runtime
from bot.config import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "backup", help="a consistent snapshot of the database into a file (also while serving)",
        description="Writes every table to FILE, a SQLite database file: from SQLite with the "
                    "online backup API, from PostgreSQL as a logical dump read in one "
                    "transaction. `actiebot restore FILE` reads it back, into SQLite or "
                    "PostgreSQL.")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="a new file")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore", help="load a backup into an empty database (--force: replace everything)",
        description="Loads a file written by `actiebot backup` into the database of "
                    "DATABASE_URL (SQLite or PostgreSQL), upgrading it to this version's "
                    "schema. Refused when the database holds data, unless --force.")
    p.add_argument("file")
    p.add_argument("--force", action="store_true",
                   help="replace everything the database holds by the backup")
    p.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from storage.backup import BackupError, backup
    from storage.db import describe_database

    # no migration first: that would wait for the server's writes; a backup keeps its revision
    runtime = open_runtime(settings, migrate=False)
    try:
        copied = backup(runtime.engine, Path(args.output))
    except BackupError as error:
        raise Failure(str(error)) from None
    finally:
        runtime.engine.dispose()
    print(f"backed up {describe_database(settings.database_url)} to {args.output}: "
          f"{copied.total} rows in {sum(1 for n in copied.rows.values() if n)} tables "
          f"(schema {copied.revision}); restore with `actiebot restore {args.output}`",
          file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from storage.backup import BackupError, check_backup_file, restore
    from storage.db import describe_database

    try:
        check_backup_file(Path(args.file))  # before a database is created for it
    except BackupError as error:
        raise Failure(str(error)) from None
    runtime = open_runtime(settings, create=True)
    try:
        copied = restore(runtime.engine, Path(args.file), force=args.force)
    except BackupError as error:
        raise Failure(str(error)) from None
    finally:
        runtime.engine.dispose()
    shown = ", ".join(f"{name} {n}" for name, n in copied.rows.items() if n)
    print(f"restored {args.file} into {describe_database(settings.database_url)}: "
          f"{copied.total} rows ({shown})", file=sys.stderr)
    return 0
