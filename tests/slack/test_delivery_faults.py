"""Nothing a user was told is lost (the fault suite's fast part, on SQLite and PostgreSQL).

The real app over real HTTP, the fake Slack Web API with its fault injection, the delivery
ledger and the update log as they are stored. After each fault: every acknowledged update is
stored once, every acknowledged announcement is posted once.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import replace
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
    # the post and its one retry after a look; then the row is marked failed (after the
    # answer): waited for as conditions, never for a fixed time, so a loaded machine is slower
    # but not wrong
    fake_slack.wait_for("chat.postMessage", 2, timeout=60)
    with app.engine.connect() as connection:
        key, state = connection.execute(select(DeliveryRow.key, DeliveryRow.state)).one()
    deadline = time.monotonic() + 60
    while state != "failed" and time.monotonic() < deadline:
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
    # one row in the backlog: waiting for its retry (10 s after the failure), or due by now
    # when the machine was slow to start the CLI
    backlog = re.search(r"outbox: (\d+) due now, (\d+) waiting for a retry; oldest: 20\d\d-",
                        status.stdout)
    assert backlog and int(backlog[1]) + int(backlog[2]) == 1, status.stdout

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
    for _user, reply in replies:
        assert reply.status == 200, reply.body
        text = reply.text
        assert "Er ging iets mis" not in text and "Something went wrong" not in text
        # the answer (in the user's language, or the default while Slack's users.info is slow:
        # its look-up gives up after 2 s on a loaded machine)
        assert "Owners of" in text or "Eigenaren van" in text, text
    with app.engine.connect() as connection:
        rows = dict(connection.execute(
            select(UserRow.slack_user_id, func.count()).group_by(UserRow.slack_user_id)).all())
    assert set(rows) <= set(users) and all(n == 1 for n in rows.values()), rows


def _reply_timed(client: Any, text: str, **kwargs: Any) -> tuple[float, Any]:
    started = time.monotonic()
    reply = client.command(text, **kwargs)
    return time.monotonic() - started, reply


def test_a_change_that_cannot_commit_in_time_answers_nog_bezig_then_confirms_by_response_url(
        app: Any, fake_slack: Any, db_url: str) -> None:
    """The change cannot commit within the budget: the acknowledgement comes in time and says
    so, the outcome follows by response_url, the update is stored once and announced once.

    PostgreSQL: another transaction holds the activity's row for 2.7 s, longer than the
    request's lock_timeout: the first attempt ends Busy (rolled back) and the second commits.
    SQLite (one write lock for the whole database, which the replay guard takes first too):
    Slack answers the membership question after 1.8 s and another writer holds the lock from
    0.8 s to 2.6 s, so the change commits at about 2.6 s."""
    fake_slack.join(MDA, "U0SLOW001")
    sqlite = db_url.startswith("sqlite")
    start, hold_for = (0.8, 1.8) if sqlite else (0.0, 2.7)
    if sqlite:
        fake_slack.slow("conversations.members", 1.8)
    locked, sent = threading.Event(), threading.Event()

    def hold() -> None:
        if start:
            sent.wait(5)
            time.sleep(start)
        with app.engine.connect() as connection:
            if sqlite:  # the engine begins every write transaction with BEGIN IMMEDIATE
                connection.exec_driver_sql("SELECT 1")
            else:
                connection.exec_driver_sql(
                    "SELECT a.id FROM activities a JOIN programmes p ON p.id = a.programme_id "
                    "WHERE a.key = 'mda-advies' AND p.key = 'kennemerland-2021' FOR UPDATE")
            locked.set()
            time.sleep(hold_for)
            connection.rollback()

    holder = threading.Thread(target=hold)
    holder.start()
    if not sqlite:
        assert locked.wait(5)
    sent.set()
    took, reply = _reply_timed(app.client, "update mda-advies risico traag maar zeker",
                               user="U0SLOW001", response_url=fake_slack.response_url("slow"))
    holder.join(10)
    assert locked.is_set()
    assert reply.status == 200 and took < 3.0, took
    assert "Nog bezig" in reply.text and "Opgeslagen" not in reply.text, reply.text
    confirmed = fake_slack.wait_for("response_url", 1, timeout=15)[0].body
    assert confirmed["_path"] == "/response/slow" and confirmed["response_type"] == "ephemeral"
    assert "Opgeslagen" in confirmed["text"], confirmed
    assert _stored(app.engine, "U0SLOW001") == ["traag maar zeker"]
    posted = fake_slack.wait_for("chat.postMessage", 1, timeout=10)
    time.sleep(0.3)
    assert len(fake_slack.calls_to("chat.postMessage")) == len(posted) == 1
    assert "traag maar zeker" in str(posted[0].body)


def test_the_backlog_drains_channels_side_by_side_one_post_a_second_each_honouring_retry_after(
        loaded: Any, fake_slack: Any) -> None:
    """12 announcements waiting in 3 channels (Slack was down): one outbox run posts them all,
    each once, at least a second apart within a channel, channels in parallel (so ~4 s, not
    12), waiting out a 429's Retry-After."""
    from bot.domain import grammar
    from bot.services.commands import execute
    from bot.services.delivery import deliver_pending
    from bot.services.deps import Actor
    from tests.slack.reminder_programme import notifying

    deps = notifying(loaded.deps, fake_slack)
    keys = []
    for i in range(4):
        for ref in ("mda-advies", "thv-onderzoek", "plegeraanpak"):
            # queued only (no notifier: nobody posts them at once), as after an outage
            result = execute(replace(deps, notifier=None),
                             grammar.Update(ref, Status.AT_RISK, f"stap {i}"), Actor.console())
            keys.append(result.delivery_key)  # type: ignore[attr-defined]
    assert len(set(keys)) == 12 and all(keys)
    fake_slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
    started = time.monotonic()
    outcomes = deliver_pending(deps)
    took = time.monotonic() - started
    assert sorted(o.key for o in outcomes if o.ok) == sorted(keys)
    assert all(len(fake_slack.posts_of(key)) == 1 for key in keys)
    posts = [c for c in fake_slack.calls_to("chat.postMessage") if c.body.get("_ok")]
    by_channel: dict[str, list[float]] = {}
    for call in posts:
        by_channel.setdefault(str(call.body["channel"]), []).append(call.at)
    assert len(by_channel) == 3
    for moments in by_channel.values():
        assert all(b - a >= 0.9 for a, b in itertools.pairwise(moments)), moments
    assert took < 9.0, took  # side by side: ~3 s of pacing plus the 1 s Retry-After
    assert deliver_pending(deps) == []  # nothing twice


def test_a_new_users_question_while_another_writer_holds_the_lock_is_answered(
        app: Any, fake_slack: Any, db_url: str) -> None:
    """Remembering a new user's locale is a write; when another transaction holds the lock
    (SQLite: the database's; PostgreSQL: the users table) past the wait, the question is still
    answered, in the user's language, and so is the next one (the locale Slack gave is kept in
    the process; storage/aggregates/bookkeeping.py), never stored twice."""
    fake_slack.users["U0NEWLOCK"] = {"id": "U0NEWLOCK", "locale": "en-US"}
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with app.engine.connect() as connection:
            if db_url.startswith("sqlite"):  # BEGIN IMMEDIATE: the database's write lock
                connection.exec_driver_sql("SELECT 1")
            else:
                connection.exec_driver_sql("LOCK TABLE slack_users IN EXCLUSIVE MODE")
            locked.set()
            release.wait(4.0)
            connection.rollback()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert locked.wait(10)
    reply = app.client.command("wie MDA++", user="U0NEWLOCK")
    release.set()
    holder.join(10)
    assert reply.status == 200 and "Something went wrong" not in reply.text, reply.text
    assert "Owners of" in reply.text, reply.text
    again = app.client.command("wie MDA++", user="U0NEWLOCK")
    assert "Owners of" in again.text, again.text
    with app.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(UserRow).where(
            UserRow.slack_user_id == "U0NEWLOCK")) <= 1
