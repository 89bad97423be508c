"""Engine and sessions from DATABASE_URL; Alembic migrations applied from the package.

Reads and writes begin differently. A read transaction never takes
a write lock: on SQLite it is a deferred ``BEGIN`` on a connection in ``query_only`` mode (in WAL
mode a reader never waits for a writer), and its session refuses any INSERT, UPDATE, DELETE or
flush. A write transaction takes SQLite's write lock up front (``BEGIN IMMEDIATE``: no deadlock
between two writers upgrading a read lock) and is meant to be short. The mode travels with the
connection as an execution option (``READ``), so a connection from the plain engine (migrations,
scripts) keeps the old, safe behaviour: a write transaction. On PostgreSQL nothing changes but
the session guard.

No engine or connection crosses a ``fork()``: SQLite keeps per-process lock state in C, so a
child that inherits an open connection's file descriptors can wait forever for a lock nobody
holds. Dispose of an engine before forking (``actiebot serve`` does, after migrating).
"""

from __future__ import annotations

import logging
import re
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_MIGRATION_LOCK = 7_450_211  # advisory lock id: one migrator at a time on PostgreSQL

log = logging.getLogger(__name__)

ACCESS = "actiebot_access"  # execution option: READ for read-only transactions
READ = "read"


class WriteInReadTransaction(RuntimeError):
    """A read-only unit of work tried to write: a bug (use ``deps.uow(write=True)``)."""


def normalise_url(url: str) -> str:
    """The URL as SQLAlchemy with psycopg 3 reads it: Heroku-style platforms set
    ``postgres://…`` (a name SQLAlchemy does not know) and many guides write
    ``postgresql://…`` (SQLAlchemy's default driver for it is psycopg2, not installed)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def describe_database(url: str) -> str:
    """The database a URL names, for people: an absolute path for a SQLite file, the URL with
    its password hidden for a server."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:":
            return "an in-memory SQLite database"
        return f"SQLite file {Path(database).expanduser().resolve()}"
    return parsed.render_as_string(hide_password=True)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (absolute), None for a server or an in-memory database."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve()


def has_schema(engine: Engine) -> bool:
    """Whether Alembic has run here (the tables exist), without creating anything."""
    from sqlalchemy import inspect

    with reading(engine).connect() as connection:  # no write lock: a writer may be busy
        return bool(inspect(connection).has_table("alembic_version"))


def describe_failure(error: BaseException, url: str) -> str | None:
    """One line naming the cause of a database failure (never its parameters), or None when
    ``error`` is not one."""
    from sqlalchemy.exc import DBAPIError, NoSuchModuleError, NoSuchTableError, OperationalError

    where = describe_database(url)
    if isinstance(error, NoSuchModuleError):
        return (f"DATABASE_URL names a database kind this installation cannot use ({where}); "
                "use sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/NAME")
    if isinstance(error, NoSuchTableError):
        return f"table {error} is missing in {where}: run `actiebot db upgrade`"
    if not isinstance(error, DBAPIError):
        return None
    text = str(getattr(error, "orig", error) or "").strip().splitlines()
    first = text[0] if text else type(error).__name__
    missing = re.search(r"no such table: (\w+)|relation \"(\w+)\" does not exist", first)
    if missing:
        return (f"table {missing.group(1) or missing.group(2)} is missing in {where}: "
                "run `actiebot db upgrade`")
    parsed = make_url(normalise_url(url))
    if isinstance(error, OperationalError) and parsed.get_backend_name() != "sqlite":
        reason = re.sub(r"^(connection failed: )?connection to server at \S+( \([^)]*\))?, port \d+ failed: ", "", first)
        return (f"cannot reach PostgreSQL at {parsed.host or 'localhost'}:{parsed.port or 5432} "
                f"(database {parsed.database or '?'}): {reason[:200]}")
    if isinstance(error, OperationalError):
        return f"{where}: {first[:200]}"
    return None


WAIT = 30.0  # seconds a write waits for a lock: the CLI and the scheduler, which can wait
# Serving Slack (`serve`, `socket`): a change must be acknowledged within Slack's 3 seconds, so
# a lock wait gives up after 2 s (Busy: nothing written) and the change is tried again in the
# background (handlers/in_time.py); no statement of a request runs longer than 15 s.
REQUEST_WAIT = 2.0
REQUEST_STATEMENT = 15.0


def create_db_engine(url: str, wait: float = WAIT,
                     statement_timeout: float | None = None) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys and a busy timeout of ``wait``
    seconds; PostgreSQL a lock_timeout of ``wait`` (and a statement_timeout, if given)."""
    url = normalise_url(url)
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"future": True, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": wait, "check_same_thread": False}
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
        if parsed.get_backend_name() == "postgresql" and wait != WAIT:
            # Server-side settings of every connection of this engine: no statement per
            # transaction, and a lock wait ends with an error instead of lasting.
            options = f"-c lock_timeout={int(wait * 1000)}"
            if statement_timeout:
                options += f" -c statement_timeout={int(statement_timeout * 1000)}"
            kwargs["connect_args"] = {"options": options}
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", partial(_sqlite_on_connect, wait=wait))
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def is_busy(error: BaseException) -> bool:
    """A lock wait that ran out: SQLite "database is locked", PostgreSQL lock_not_available
    (55P03) or query_canceled by statement_timeout (57014)."""
    if not isinstance(error, OperationalError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) in ("55P03", "57014"):
        return True
    return "database is locked" in str(original) or "database table is locked" in str(original)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any, wait: float = WAIT) -> None:
    # Let SQLAlchemy control transactions (pysqlite's own handling breaks BEGIN IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    read = connection.get_execution_options().get(ACCESS) == READ
    if connection.info.get("query_only") is not read:  # once per change of mode
        # On the DBAPI connection: a mode switch is not a query (query-counting tests).
        connection.connection.dbapi_connection.execute(f"PRAGMA query_only={int(read)}")
        connection.info["query_only"] = read
    # A reader takes no lock until it reads, and in WAL mode never waits for a writer; a
    # writer takes the write lock up front: no deadlock between two writers upgrading a read lock.
    if read:  # cannot wait or fail on a lock: straight to the driver, without SQLAlchemy's
        # statement machinery (a third of what a question's own SELECT costs)
        connection.connection.dbapi_connection.execute("BEGIN")
    else:  # may wait out the busy timeout and fail: raised as SQLAlchemy's error (is_busy)
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def reading(engine: Engine) -> Engine:
    """The same engine (same pool), its transactions read-only."""
    return engine.execution_options(**{ACCESS: READ})


def make_sessionmaker(engine: Engine, write: bool = True) -> sessionmaker[Session]:
    """Sessions for write transactions, or (``write=False``) for read-only ones that refuse
    to write: loudly, at the statement, never by taking the write lock late."""
    if write:
        from storage.versioning import bump_on_programme_change

        factory = sessionmaker(engine, expire_on_commit=False, future=True)
        event.listen(factory, "before_flush", bump_on_programme_change)
        return factory
    from storage.versioning import READ_ONLY

    factory = sessionmaker(reading(engine), expire_on_commit=False, future=True,
                           info={READ_ONLY: True})
    event.listen(factory, "before_flush", _refuse_flush)
    event.listen(factory, "do_orm_execute", _refuse_dml)
    return factory


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise WriteInReadTransaction("a read-only unit of work tried to store changes")


def _refuse_dml(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise WriteInReadTransaction("a read-only unit of work tried to write")


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration to head; safe to call from several processes at once."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        sqlite = connection.dialect.name == "sqlite"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _PG_MIGRATION_LOCK})
            connection.commit()
        if sqlite:
            # A batch migration recreates a table (copy, DROP TABLE, rename); with foreign keys
            # on, that DROP TABLE deletes every child row through ON DELETE CASCADE (a
            # programmes rebuild would empty activities, groups, the log). Off while migrating,
            # outside any transaction (SQLite ignores the pragma inside one); on again after.
            _driver(connection).execute("PRAGMA foreign_keys=OFF")
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                _driver(connection).execute("PRAGMA foreign_keys=ON")
            if postgres:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": _PG_MIGRATION_LOCK}
                )
                connection.commit()


def _driver(connection: Any) -> Any:
    """The DB-API connection under a SQLAlchemy connection (statements outside transactions)."""
    return connection.connection.driver_connection


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ping(engine: Engine) -> bool:
    """A read that never waits for a writer (deferred, read-only), for /healthz."""
    try:
        with reading(engine).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - a health check reports, it never raises
        log.warning("database ping failed")
        return False
