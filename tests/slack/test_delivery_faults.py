"""Nothing a user was told is lost (the fault suite's fast part, on SQLite and PostgreSQL).

The real app over real HTTP, the fake Slack Web API with its fault injection, the delivery
ledger and the update log as they are stored. After each fault: every acknowledged update is
stored once, every acknowledged announcement is posted once.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.domain.model import Status, StatusUpdate
from bot.domain.ports import ActivityId
from storage.models import DeliveryRow, StatusUpdateRow, UserRow
from tests.cli.conftest import run_cli

MDA = "C0MDA0001"


def _stored(engine: Any, author: str) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(StatusUpdateRow.note)
                                       .where(StatusUpdateRow.author == author)))


def test_announcement_failed_then_200_newer_updates_is_posted_once_by_remind(
        app: Any, fake_slack: Any, db_url: str) -> None:
    fake_slack.join(MDA, "U0FIRST01")
    fake_slack.fail("chat.postMessage", status=500)
    reply = app.client.command("update mda-advies risico first", user="U0FIRST01")
    assert reply.status == 200 and "Opgeslagen" in reply.text and "Aangekondigd" in reply.text
    fake_slack.wait_for("chat.postMessage", 2)  # the post and its one retry after a look
    with app.engine.connect() as connection:
        key, state = connection.execute(select(DeliveryRow.key, DeliveryRow.state)).one()
    deadline = time.monotonic() + 5
    while state != "failed" and time.monotonic() < deadline:  # recorded after the answer
        time.sleep(0.05)
        with app.engine.connect() as connection:
            state = connection.scalar(select(DeliveryRow.state))
    assert state == "failed" and not fake_slack.posts_of(key)

    health = app.client.get("/healthz").json()  # the backlog is on /healthz ...
    assert health["outbox"]["due"] + health["outbox"]["waiting"] == 1
    assert health["outbox"]["oldest_age_seconds"] >= 0
    env = {"DATABASE_URL": db_url, "SLACK_BOT_TOKEN": "xoxb-test-token",
           "SLACK_API_URL": fake_slack.url}
    status = run_cli("status", env=env)  # ... and in `actiebot status`
    assert status.returncode == 0 and "database: ok" in status.stdout
    assert "outbox: 0 due now, 1 waiting for a retry; oldest: 20" in status.stdout, status.stdout

    fake_slack.heal()
    first_at = datetime.now(UTC)
    activity = ActivityId("kennemerland-2021", "mda-advies")
    with app.deps.uow(write=True) as uow:  # 200 newer updates, logged after `first`
        for i in range(200):
            uow.repo.append_update(activity, StatusUpdate(
                at=first_at + timedelta(seconds=i + 1), author="U0LATER01",
                old_status=Status.AT_RISK, new_status=Status.AT_RISK, note=f"later {i}"),
                source="slack")
        uow.commit()

    at = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    done = run_cli("remind", "--at", at, env=env)
    assert done.returncode == 0, done.stderr
    assert "retried" in done.stdout and key in done.stdout
    posts = fake_slack.posts_of(key)
    assert len(posts) == 1 and "first" in str(posts[0].get("text") or "") + str(
        [b for b in fake_slack.posted(MDA)])
    assert run_cli("remind", "--at", at, env=env).returncode == 0  # and never again
    assert len(fake_slack.posts_of(key)) == 1
    with app.engine.connect() as connection:
        assert connection.scalar(select(DeliveryRow.state).where(DeliveryRow.key == key)) \
            == "sent"
    assert _stored(app.engine, "U0FIRST01") == ["first"]
    assert app.client.get("/healthz").json()["outbox"] == {
        "due": 0, "waiting": 0, "oldest": None, "oldest_age_seconds": None}


def test_simultaneous_first_commands_of_new_users_all_answer(app: Any, fake_slack: Any) -> None:
    """Ten new users send four commands each at the same moment: every reply is an answer,
    each user's locale is stored once."""
    users = [f"U0NEW{i:04d}" for i in range(10)]
    for user in users:
        fake_slack.users[user] = {"id": user, "locale": "en-US" if int(user[-1]) % 2 else "nl-NL"}
    replies: list[Any] = []
    lock = threading.Lock()
    start = threading.Barrier(len(users) * 4)

    def first_contact(user: str) -> None:
        start.wait()
        reply = app.client.command("wie MDA++", user=user)
        with lock:
            replies.append((user, reply))

    threads = [threading.Thread(target=first_contact, args=(user,))
               for user in users for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(replies) == 40
    for user, reply in replies:
        assert reply.status == 200, reply.body
        text = reply.text
        assert "Er ging iets mis" not in text and "Something went wrong" not in text
        assert ("Owners of" if int(user[-1]) % 2 else "Eigenaren van") in text, text
    with app.engine.connect() as connection:
        rows = dict(connection.execute(
            select(UserRow.slack_user_id, func.count()).group_by(UserRow.slack_user_id)).all())
    assert rows == {user: 1 for user in users}
