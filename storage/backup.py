"""`actiebot backup` and `actiebot restore`: a consistent snapshot of every table of ours, and
the way back (also from SQLite to PostgreSQL).

A backup is always a SQLite database file at the schema revision of the database it came from:
one portable format that any Actiebot can restore and any SQLite tool can open.

- From SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies the pages
  while the server keeps running: a consistent snapshot as of one moment; a writer that
  commits meanwhile makes it start again, it never blocks the server for long.
- From PostgreSQL: a logical dump of our tables (every table in ``storage.models``), read in
  one ``REPEATABLE READ READ ONLY`` transaction, so the rows of all tables are from the same
  moment, written into a fresh SQLite file built by our migrations. ``pg_dump`` remains the
  tool for the whole server (README, "Running it for a year").

A restore upgrades a copy of the backup to this version's schema, then copies every table's rows
in one transaction into a database at head. It refuses a database that holds anything but
what the migrations put there, unless ``force``: then it empties our tables first. The delivery
ledger comes along, so nothing is posted again after a restore; the version counters end
above both the backup's and the database's, so no process keeps serving an answer it had
cached before the restore.

Tokens are never in a backup: the installation and OAuth state tables (`CREDENTIAL_TABLES`)
are left out (from a SQLite copy they are deleted, with secure_delete, and the file vacuumed,
so no freed page keeps a token). A restore leaves them as they are, so a many-workspace
deployment keeps its installs; the `workspaces` rows of its installs stay too, and the
backup's rows are added for the workspaces it does not know (after a restore into a new
deployment, each workspace installs the app again).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, func, select, text

from storage.db import create_db_engine, current_revision, upgrade
from storage.models import CREDENTIAL_TABLES, Base, WorkspaceRow

SQLITE_HEADER = b"SQLite format 3\x00"
BATCH = 1000
# Rows the migrations themselves write (the version counters): not a sign of data.
SEEDED = frozenset({"programme_version", "data_version", "alembic_version"})
# Rows a deployment's installs write: they stay through a restore (see the module's docstring).
KEPT = frozenset({WorkspaceRow.__tablename__})
# One-row counters that must end above both sides (see the module's docstring).
COUNTERS = {"programme_version": ("value", "statuses"), "data_version": ("value",)}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Copied:
    revision: str | None
    rows: dict[str, int]  # table -> rows

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """Our tables, parents before children; never the credentials."""
    return [t for t in Base.metadata.sorted_tables
            if t.name != "alembic_version" and t.name not in CREDENTIAL_TABLES]


def backup(engine: Engine, target: Path) -> Copied:
    """Write a snapshot of the database to ``target`` (a new SQLite file)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name (nothing was written)")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            _logical_backup(engine, partial)
        copied = _count(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return copied


def _sqlite_backup(engine: Engine, target: Path) -> None:
    raw = engine.raw_connection()
    try:
        source: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        destination = sqlite3.connect(str(target))
        try:
            source.backup(destination, pages=1024)
            destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            _drop_credentials(destination)
        finally:
            destination.close()
    finally:
        raw.close()


def _drop_credentials(copy: sqlite3.Connection) -> None:
    """The installation and OAuth state rows out of a page-level copy: overwritten where they
    were (secure_delete) and the freed pages gone (VACUUM)."""
    present = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    copy.execute("PRAGMA secure_delete=ON")
    for name in sorted(CREDENTIAL_TABLES & present):
        copy.execute(f"DELETE FROM {name}")  # names from our own constant
    copy.commit()
    copy.execute("VACUUM")


def _logical_backup(engine: Engine, target: Path) -> None:
    snapshot = create_db_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as source:
            source = source.execution_options(isolation_level="REPEATABLE READ")
            with source.begin():
                source.execute(text("SET TRANSACTION READ ONLY"))
                revision = source.execute(text("SELECT version_num FROM alembic_version")).scalar()
                with snapshot.connect() as connection:
                    _upgrade_to(snapshot, connection, revision)
                with snapshot.begin() as destination:
                    _empty(destination, everything=True)  # the counters come from the source
                    for table in tables():
                        _copy_rows(source, destination, table)
    finally:
        snapshot.dispose()


def _upgrade_to(engine: Engine, connection: Any, revision: str | None) -> None:
    from alembic import command

    from storage.db import alembic_config

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    config.attributes["connection"] = connection
    command.upgrade(config, revision or "head")
    connection.commit()


def _copy_rows(source: Any, destination: Any, table: Table) -> int:
    """Every row of ``table`` from one connection to the other, in batches; the columns both
    sides have (a column the reader's schema lacks is left to its default)."""
    columns = [c for c in table.columns if c.name in _column_names(source, table.name)]
    if not columns:
        return 0
    result = source.execution_options(yield_per=BATCH).execute(select(*columns))
    copied = 0
    for batch in result.partitions(BATCH):
        destination.execute(table.insert(), [dict(row._mapping) for row in batch])
        copied += len(batch)
    return copied


def _add_missing(source: Any, destination: Any, table: Table) -> int:
    """The rows of ``table`` whose key the destination does not hold yet; its own stay."""
    key = list(table.primary_key.columns)
    held = {tuple(row) for row in destination.execute(select(*key))}
    columns = [c for c in table.columns if c.name in _column_names(source, table.name)]
    missing = [dict(row._mapping) for row in source.execute(select(*columns))
               if tuple(row._mapping[c.name] for c in key) not in held]
    if missing:
        destination.execute(table.insert(), missing)
    return len(missing)


def _column_names(connection: Any, table: str) -> set[str]:
    from sqlalchemy import inspect

    return {c["name"] for c in inspect(connection).get_columns(table)}


def _count(path: Path) -> Copied:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            rows = {t.name: int(connection.execute(select(func.count()).select_from(t)).scalar()
                                or 0) for t in tables()}
    finally:
        engine.dispose()
    return Copied(revision, rows)


# -- restore ---------------------------------------------------------------------------------

def contents(engine: Engine) -> dict[str, int]:
    """Rows per table beyond what the migrations write: empty means a restore may go in."""
    with engine.connect() as connection:
        return {name: n for name, n in (
            (t.name, int(connection.execute(select(func.count()).select_from(t)).scalar() or 0))
            for t in tables() if t.name not in SEEDED | KEPT) if n}


def restore(engine: Engine, source: Path, force: bool = False) -> Copied:
    """Copy a backup into the database behind ``engine`` (upgraded to head first), in one
    transaction; refused over a database that holds data unless ``force``."""
    source = Path(source)
    check_backup_file(source)
    upgrade(engine)
    held = contents(engine)
    if held and not force:
        shown = ", ".join(f"{name} {n}" for name, n in sorted(held.items())[:4])
        raise BackupError(
            f"the database is not empty ({shown}{', …' if len(held) > 4 else ''} rows); "
            "restore into an empty database, or add --force to replace everything in it "
            "(nothing was changed)")
    with tempfile.TemporaryDirectory(prefix="actiebot-restore-") as scratch:
        copy = Path(scratch) / "backup.db"
        shutil.copyfile(source, copy)
        backup_engine = create_db_engine(f"sqlite:///{copy}")
        try:
            revision = current_revision(backup_engine)
            try:
                upgrade(backup_engine)  # an older backup: to this version's schema
            except Exception as error:  # noqa: BLE001 - an unknown revision is the likely cause
                raise BackupError(
                    f"{source}: its schema (revision {revision}) is not one this version of "
                    f"Actiebot knows ({type(error).__name__}); restore it with the version "
                    "that wrote it, or a newer one") from None
            with backup_engine.connect() as reader, engine.begin() as writer:
                before = _counters(writer)
                if force:
                    _empty(writer)
                rows = {t.name: (_add_missing(reader, writer, t) if t.name in KEPT
                                 else _copy_rows(reader, writer, t)) for t in tables()}
                _raise_counters(writer, before)
                _reset_sequences(writer)
        finally:
            backup_engine.dispose()
    return Copied(revision, rows)


def check_backup_file(source: Path) -> None:
    try:
        with source.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise BackupError(f"{source}: file not found") from None
    except IsADirectoryError:
        raise BackupError(f"{source}: is a directory, not a backup file") from None
    if header != SQLITE_HEADER:
        raise BackupError(
            f"{source}: not an Actiebot backup (a file written by `actiebot backup -o FILE`); "
            "a programme file is loaded with `actiebot import FILE`")
    probe = create_engine(f"sqlite:///{source}")
    try:
        with probe.connect() as connection:
            from sqlalchemy import inspect

            if not inspect(connection).has_table("alembic_version"):
                raise BackupError(f"{source}: a SQLite file, but not an Actiebot backup")
    finally:
        probe.dispose()


def _empty(connection: Any, everything: bool = False) -> None:
    """Our tables emptied; the counters and the installs' rows stay unless ``everything``."""
    for table in reversed(tables()):
        if everything or (table.name not in COUNTERS and table.name not in KEPT):
            connection.execute(table.delete())


def _counters(connection: Any) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for name, columns in COUNTERS.items():
        table = Base.metadata.tables[name]
        row = connection.execute(select(*(table.c[c] for c in columns))).first()
        found[name] = {c: int(row._mapping[c] or 0) for c in columns} if row else {}
        connection.execute(table.delete())  # the backup's row comes in its place
    return found


def _raise_counters(connection: Any, before: dict[str, dict[str, int]]) -> None:
    """Each counter one above the larger of the database's and the backup's."""
    for name, columns in COUNTERS.items():
        table = Base.metadata.tables[name]
        row = connection.execute(select(table)).first()
        if row is None:
            continue
        values = {c: max(int(row._mapping[c] or 0), before.get(name, {}).get(c, 0)) + 1
                  for c in columns}
        connection.execute(table.update().values(**values))


def _reset_sequences(connection: Any) -> None:
    """PostgreSQL: each id sequence past the largest id copied in (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not key[0].autoincrement or key[0].type.python_type is not int:
            continue
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
            f"COALESCE((SELECT MAX({key[0].name}) FROM {table.name}), 0) + 1, false)"))
