"""Programme admins in storage (migration 0007_programme_admins) and the channel directory's
short cache (handlers/channels.py) against the fake Web API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text

from storage.db import alembic_config


def test_admins_kept_as_an_unknown_key_move_into_their_column(db_url: str) -> None:
    from alembic import command

    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            config = alembic_config(db_url)
            config.attributes["connection"] = connection
            command.upgrade(config, "0006_programme_rollover")
            connection.execute(text(
                "INSERT INTO programmes (key, name, timezone, extra, file_extra) VALUES "
                "('p', 'P', 'Europe/Amsterdam', :extra, '{}')"),
                {"extra": '{"admins": ["U0ADMIN01"], "document": "X"}'})
            command.upgrade(config, "head")
            connection.commit()
        from storage.db import make_sessionmaker
        from storage.uow import SqlUnitOfWork

        with SqlUnitOfWork(make_sessionmaker(engine)) as uow:
            programme = uow.repo.get_programme("p")
        assert programme is not None
        assert programme.admins == ("U0ADMIN01",) and programme.extra == {"document": "X"}
    finally:
        engine.dispose()


def test_the_channel_directory_caches_for_its_ttl_and_never_caches_a_failure(
        fake_slack: Any) -> None:
    from handlers.channels import MAX_TTL, SlackChannelDirectory, quick_client
    from handlers.delivery import make_client

    now = [1000.0]
    directory = SlackChannelDirectory(quick_client(make_client("xoxb-test", fake_slack.url)),
                                      ttl=3600, clock=lambda: now[0])
    assert directory.ttl == MAX_TTL  # a few minutes at most, whatever is asked
    fake_slack.join("C0GROUP01", "U0ONE0001")
    assert directory.members("C0GROUP01") == frozenset({"U0ONE0001"})
    fake_slack.join("C0GROUP01", "U0TWO0002")
    now[0] += MAX_TTL - 1
    assert directory.members("C0GROUP01") == frozenset({"U0ONE0001"})  # cached
    now[0] += 2
    assert directory.members("C0GROUP01") == frozenset({"U0ONE0001", "U0TWO0002"})
    assert len(fake_slack.calls_to("conversations.members")) == 2
    fake_slack.fail("conversations.members", error="channel_not_found", times=1)
    assert directory.members("C0ELSE001") is None  # Slack could not say: None, not cached
    assert directory.members("C0ELSE001") == frozenset()
