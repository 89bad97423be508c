"""Physically removing what a transaction replaced or deleted (after `actiebot forget-user`).

A committed UPDATE or DELETE does not erase the old bytes. On SQLite they stay in free pages of
the database file and, in WAL mode, in the `-wal` file until a checkpoint; on PostgreSQL they
stay in dead tuples until VACUUM, and in the server's WAL, archives, replicas and backups.

:func:`purge_deleted_data` does what the database itself can: on SQLite ``VACUUM`` (rebuilds
the file without free pages) and ``PRAGMA wal_checkpoint(TRUNCATE)`` (copies the WAL into the
file and empties it); on PostgreSQL ``VACUUM (FULL)`` of the tables that held the user (a
rewrite; waits at most a few seconds for locks). What it cannot do, it reports, and the CLI
tells the operator what else to purge.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

# The tables forget-user changes by name (a catch-all may touch others; VACUUM FULL of those
# is left to the operator's routine maintenance).
PERSONAL_TABLES = ("status_updates", "reminder_holds", "deliveries", "working_group_members",
                   "slack_users")


@dataclass(frozen=True, slots=True)
class PurgeReport:
    backend: str
    done: tuple[str, ...] = ()
    not_done: tuple[str, ...] = ()  # what could not be done now, in one line each
    notes: tuple[str, ...] = field(default=())


def purge_deleted_data(engine: Engine) -> PurgeReport:
    if engine.dialect.name == "sqlite":
        return _purge_sqlite(engine)
    if engine.dialect.name == "postgresql":
        return _purge_postgresql(engine)
    return PurgeReport(engine.dialect.name, not_done=(
        f"{engine.dialect.name}: reclaim deleted rows with the database's own tools",))


def _purge_sqlite(engine: Engine) -> PurgeReport:
    done: list[str] = []
    not_done: list[str] = []
    raw = engine.raw_connection()  # autocommit (storage/db.py): VACUUM cannot run in a transaction
    try:
        connection = raw.driver_connection
        assert connection is not None
        try:
            connection.execute("PRAGMA secure_delete=ON")
            connection.execute("VACUUM")
            done.append("VACUUM: the database file was rebuilt without free pages")
        except Exception as error:  # noqa: BLE001 - reported, the forget itself is committed
            not_done.append(f"VACUUM failed ({type(error).__name__}): stop the bot and run "
                            "`sqlite3 FILE 'VACUUM'`")
        busy, _log_frames, _copied = connection.execute(
            "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            not_done.append("the WAL file could not be emptied while another process reads "
                            "the database: stop the bot and run forget-user again (it then "
                            "checkpoints)")
        else:
            done.append("WAL checkpoint (TRUNCATE): the -wal file is empty")
    finally:
        raw.close()
    return PurgeReport("sqlite", tuple(done), tuple(not_done))


def _purge_postgresql(engine: Engine) -> PurgeReport:
    done: list[str] = []
    not_done: list[str] = []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SET lock_timeout = '5s'"))
        existing = set(connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
        for table in PERSONAL_TABLES:
            if table not in existing:
                continue
            try:
                connection.execute(text(f'VACUUM (FULL) "{table}"'))
                done.append(f"VACUUM (FULL) {table}")
            except Exception as error:  # noqa: BLE001 - reported, the forget is committed
                not_done.append(f"VACUUM (FULL) {table} failed ({type(error).__name__}): run it "
                                "when the bot is idle")
    return PurgeReport("postgresql", tuple(done), tuple(not_done))


# What no database command can reach: the operator's part, printed by forget-user and in README.
OPERATOR_DUTIES = (
    "backups and copies of the database file (and any `-wal`/`-shm` copies) made before now",
    ("on PostgreSQL: the server's WAL archive, replicas and base backups (they keep old rows "
    "until they expire)"),
    "files written by `actiebot export` / `export --all` before now",
    ("Slack itself: messages the bot already posted (mentions, names) stay in Slack; delete "
    "them there or use Slack's own export and retention tools"),
    "programme files that list the user under `members:` (the next import links them again)",
)


def refresh_statistics(engine: Engine) -> None:
    """After an import: PostgreSQL plans queries from table statistics, which autovacuum gathers
    only about a minute after a large load; until then fresh tables are planned as nearly empty
    (measured at 100,000 activities: the digest 2.0-3.9x its floor right after the load,
    1.0-1.2x once analysed). So they are gathered at once. SQLite plans without statistics
    (its ANALYZE made the plans here worse), so nothing is done there."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
