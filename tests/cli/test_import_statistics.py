"""`actiebot import` gathers PostgreSQL's table statistics once something changed
(storage/maintenance.py refresh_statistics): autovacuum would do it only a minute later, and
until then the planner takes freshly loaded tables for nearly empty. SQLite plans without
statistics: nothing is gathered there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text

from tests.conftest import KENNEMERLAND


def _analysed(db_url: str) -> Any:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                return connection.execute(text(
                    "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'activities'"
                )).scalar()
            return connection.execute(text(
                "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()
    finally:
        engine.dispose()


def test_an_import_that_changes_something_gathers_statistics(cli: Any, db_url: str) -> None:
    assert cli("db", "upgrade").returncode == 0
    before = _analysed(db_url)
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    after = _analysed(db_url)
    if db_url.startswith("postgresql"):
        assert before is None and after is not None
        again = cli("import", str(KENNEMERLAND))  # no changes: nothing to gather
        assert again.returncode == 0 and "(no changes)" in again.stdout
        assert _analysed(db_url) == after
    else:
        assert before == after == 0  # no sqlite_stat1: SQLite keeps planning without
