"""Shared fixtures: databases (SQLite file, throwaway PostgreSQL), the fake Slack Web API,
and the real HTTP app on a free port."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KENNEMERLAND = EXAMPLES / "kennemerland-2021.yaml"
GOOI = EXAMPLES / "gooi-en-vechtstreek.yaml"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_pg_ran = {"count": 0, "version": ""}


# -- PostgreSQL ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | str]:
    existing = os.environ.get("ACTIEBOT_TEST_POSTGRES_URL")
    if existing:
        yield existing
        return
    server = PostgresServer()
    try:
        server.start()
    except Exception as error:  # noqa: BLE001
        if IN_CI:
            pytest.fail(f"PostgreSQL could not start in CI: {error}", pytrace=False)
        pytest.skip(f"PostgreSQL unavailable here ({error}); CI always runs these tests")
    try:
        yield server
    finally:
        server.stop()


def _postgres_url(server: PostgresServer | str) -> str:
    if isinstance(server, str):  # an existing server: one database per test
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(server)
        name = f"t_{uuid.uuid4().hex[:12]}"
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return url.set(database=name).render_as_string(hide_password=False)
    return server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'actiebot.db'}"
    server = request.getfixturevalue("postgres_server")
    return _postgres_url(server)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'actiebot.db'}"


@pytest.fixture
def pg_url(postgres_server: PostgresServer | str) -> str:
    return _postgres_url(postgres_server)


_SEED_SKIP = "seed documents not found"
_seed_skips = {"count": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and "postgres" in report.keywords:
        _pg_ran["count"] += 1
    if report.skipped and _SEED_SKIP in str(report.longrepr):
        _seed_skips["count"] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(
        f"PostgreSQL: {_pg_ran['count']} tests ran on a real PostgreSQL server")
    if IN_CI and _pg_ran["count"] == 0 and terminalreporter.stats.get("passed"):
        terminalreporter.write_line("ERROR: no test ran on PostgreSQL in CI", red=True)
    if _seed_skips["count"]:
        # Loud on purpose: these tests hold the examples against the source documents.
        terminalreporter.write_line(
            f"WARNING: {_seed_skips['count']} tests skipped because the seed documents are "
            "missing: put shared/seeds beside the checkout or set ACTIEBOT_SEEDS=/path/to/seeds "
            "(in CI, or with ACTIEBOT_REQUIRE_SEEDS=1, this fails the run)", yellow=True, bold=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and exitstatus == 0 and _pg_ran["count"] == 0 and session.testscollected > 50:
        session.exitstatus = 1
    if (IN_CI or os.environ.get("ACTIEBOT_REQUIRE_SEEDS") == "1") and _seed_skips["count"]:
        session.exitstatus = 1


# -- app fixtures --------------------------------------------------------------------------

@pytest.fixture
def settings_for(tmp_path: Path):  # type: ignore[no-untyped-def]
    from bot.config import Settings

    def make(database_url: str, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": database_url,
            "slack_bot_token": "xoxb-test-token",
            "slack_signing_secret": "test-signing-secret",
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def runtime(db_url: str, settings_for):  # type: ignore[no-untyped-def]
    from bot.app import build_runtime

    rt = build_runtime(settings_for(db_url))
    yield rt
    rt.engine.dispose()


def load_examples(deps, *paths: Path) -> None:  # type: ignore[no-untyped-def]
    from storage.programme_file import read_file

    with deps.uow(write=True) as uow:
        for path in paths:
            for file in read_file(path):
                uow.repo.save_programme(file)
        uow.commit()


@pytest.fixture
def loaded(runtime):  # type: ignore[no-untyped-def]
    load_examples(runtime.deps, KENNEMERLAND, GOOI)
    return runtime


@pytest.fixture(scope="session")
def fake_slack_server():  # type: ignore[no-untyped-def]
    from tests.fakes.slack_api import FakeSlack

    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_slack(fake_slack_server):  # type: ignore[no-untyped-def]
    fake_slack_server.reset()
    yield fake_slack_server
    fake_slack_server.reset()


# -- Hypothesis budget ----------------------------------------------------------------------
# "ci" (the default) is what `make test` and CI run: a fixed, reproducible example budget
# (derandomize: the same examples every run, no .hypothesis database), no per-example deadline
# (shared CI machines stall). Tests without their own `@settings(max_examples=…)` get 100
# examples; the fuzz suites (tests/unit/test_fuzz_grammar_refs.py,
# tests/slack/test_fuzz_commands.py) set their own budget and stay under ~60 s together on two
# cores. HYPOTHESIS_PROFILE=thorough searches ten times as many random examples before a release.
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile(
    "thorough", max_examples=1000, deadline=None, derandomize=False, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Budgets of the fuzz suites, scaled by the profile (10x under "thorough").
FUZZ_SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 1
