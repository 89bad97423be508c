"""The database a CLI command works on, and the one-line failure every command ends with.

Kept apart from bot/cli.py so that the console and the sub-command modules use it without
importing the parser module (and without an import cycle)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bot.cli_common import Failure
from bot.config import Settings

if TYPE_CHECKING:
    from bot.app import Runtime


def open_runtime(settings: Settings, *, create: bool = False, **kwargs: object) -> Runtime:
    """The runtime on the configured database.

    Only a command that stores a programme (``create=True``: import, start, db upgrade,
    restore) may create a database, and it says where. Every other command looks for it and,
    when it is not there (no SQLite file, or a server database without our tables), names
    what it looked for (absolute path, password hidden) and creates nothing."""
    from bot.app import build_runtime
    from storage.db import create_db_engine, describe_database, has_schema, sqlite_path

    where = describe_database(settings.database_url)
    path = sqlite_path(settings.database_url)
    hint = ("import a programme first (`actiebot import FILE`), or point DATABASE_URL at the "
            "database you mean")
    if path is not None and not path.exists():
        if not create:
            raise Failure(f"no database at {path} (DATABASE_URL="
                          f"{settings.masked_database_url()}); nothing was created: {hint}")
        existed = False
    else:
        probe = create_db_engine(settings.database_url)
        try:
            existed = has_schema(probe)
        finally:
            probe.dispose()
        if not existed and not create:
            raise Failure(f"{where} holds no Actiebot tables; nothing was created: {hint}")
    runtime = build_runtime(settings, **kwargs)  # type: ignore[arg-type]
    if not existed:
        print(f"created the database: {where}", file=sys.stderr)
    return runtime


def describe_failure(error: BaseException, settings: Settings | None) -> str:
    """One line naming the cause of an unexpected failure: the file and line of a value the
    YAML reader could not take, the host and port of an unreachable server, the missing
    table…; never a parameter or a text a user typed."""
    from storage.db import describe_failure as database_failure

    if settings is not None:
        found = database_failure(error, settings.database_url)
        if found:
            return found
    if isinstance(error, ModuleNotFoundError) and error.name:
        return (f"the Python module {error.name} is not installed (a DATABASE_URL for a "
                "database kind without its driver?)")
    if isinstance(error, MemoryError):
        return "out of memory"
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or type(error).__name__}"
    return f"an unexpected {type(error).__name__}"
