"""Buttons and modal submissions under the 2 s rule (handlers/in_time.py), on SQLite and
PostgreSQL, over signed HTTP with the fake Slack Web API.

Another transaction holds the write lock (SQLite: the database's; PostgreSQL: the activity's
row) from the moment the change asks Slack who is in the channel (the permission check, which
the fake answers after 1.8 s) for 3.2 s: the change commits at about 3.3 s, after Slack would
have shown the user a timeout. The click or submission must be answered within the budget,
say "Nog bezig", and then tell the outcome; the change is stored once and announced once.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import ActivityRow, StatusUpdateRow
from tests.slack.blockkit import check_message, check_view
from tests.slack.conftest import start_app
from tests.slack.reminder_programme import (
    CHANNEL_A,
    at,
    load_programme,
    notifying,
    sweep_on,
    travel,
    write_programme,
)
from tests.slack.test_reminders_http import _click
from tests.slack.test_surfaces_http import MEMBER, THV, THV_CHANNEL, submission, update_values

MEMBERS_ANSWER = 1.8  # seconds the fake takes to say who is in a channel
HOLD = 3.2  # seconds another transaction holds the lock once the permission check began
ANSWER_WITHIN = 2.6  # the budget (2 s) and the acknowledgement's way back, on a loaded machine


def _held_while_checking(engine: Any, fake: Any, db_url: str, activity: str) -> threading.Thread:
    """Take the write lock as soon as the change asks conversations.members (the replay
    guard's write is done by then) and keep it for HOLD seconds."""
    before = len(fake.calls_to("conversations.members"))
    fake.slow("conversations.members", MEMBERS_ANSWER)
    sqlite = db_url.startswith("sqlite")

    def hold() -> None:
        fake.wait_for("conversations.members", before + 1, timeout=20)
        with engine.connect() as connection:
            if sqlite:  # the engine begins every write transaction with BEGIN IMMEDIATE
                connection.exec_driver_sql("SELECT 1")
            else:
                connection.exec_driver_sql(
                    "SELECT id FROM activities WHERE key = %(key)s FOR UPDATE",
                    {"key": activity})
            time.sleep(HOLD)
            connection.rollback()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    return holder


def _notes(engine: Any, key: str, author: str) -> list[tuple[str, str | None]]:
    with engine.connect() as connection:
        return [(row.new_status, row.note) for row in connection.execute(
            select(StatusUpdateRow.new_status, StatusUpdateRow.note)
            .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
            .where(ActivityRow.key == key, StatusUpdateRow.author == author))]


@pytest.fixture
def rapp(db_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> Any:
    settings = settings_for(db_url, slack_api_url=fake_slack.url)
    running, server = start_app(settings, load=False)
    load_programme(running.deps, write_programme(tmp_path))
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def test_gereed_clicked_while_the_database_is_locked_is_answered_in_time_then_confirmed(
        rapp: Any, fake_slack: Any, db_url: str) -> None:
    deps = notifying(rapp.deps, fake_slack)
    sweep_on(deps, at(2021, 10, 15))  # the reminder with its buttons
    fake_slack.join(CHANNEL_A, "U0ALICE01")
    posted_before = len(fake_slack.posted(CHANNEL_A))
    with travel(at(2021, 10, 15, 10)):
        holder = _held_while_checking(rapp.engine, fake_slack, db_url, "a-oktober")
        started = time.monotonic()
        reply = _click(rapp, fake_slack, CHANNEL_A, "Zelfscan", "actie_done", "U0ALICE01")
        took = time.monotonic() - started
        assert reply.status == 200 and took < ANSWER_WITHIN, took
        # at once: "Nog bezig" to the clicker alone; then the confirmation, once it committed
        ephemerals = fake_slack.wait_for("chat.postEphemeral", 2, timeout=20)
        holder.join(10)
        fake_slack.wait_for("chat.update", 1, timeout=10)
        announced = fake_slack.wait_for("chat.postMessage", posted_before + 1, timeout=10)
    busy, confirmed = (json.dumps(c.body, ensure_ascii=False) for c in ephemerals[:2])
    assert "Nog bezig" in busy and "gereed" not in busy.lower(), busy
    assert all(c.body["user"] == "U0ALICE01" for c in ephemerals)
    for call in ephemerals:
        check_message(call.body)
    assert "gereed" in confirmed and "Nog bezig" not in confirmed, confirmed
    updated = json.dumps(fake_slack.calls_to("chat.update")[0].body, ensure_ascii=False)
    assert "Gereed gemeld door <@U0ALICE01>" in updated
    assert _notes(rapp.engine, "a-oktober", "U0ALICE01") == [("done", "")]  # stored once
    time.sleep(0.3)  # nothing more follows
    assert len(fake_slack.posted(CHANNEL_A)) == posted_before + 1
    assert "<@U0ALICE01>" in str(announced[-1].body)
    assert len(fake_slack.calls_to("chat.postEphemeral")) == 2


def test_the_update_modal_submitted_while_the_database_is_locked_says_nog_bezig_then_saved(
        app: Any, fake_slack: Any, db_url: str) -> None:
    fake_slack.join(THV_CHANNEL, MEMBER)
    view = {"callback_id": "actie_update_modal", "private_metadata": json.dumps({"a": THV})}
    holder = _held_while_checking(app.engine, fake_slack, db_url, "thv-onderzoek")
    started = time.monotonic()
    reply = app.client.action(submission(view, update_values("at-risk", "traag formulier")))
    took = time.monotonic() - started
    assert reply.status == 200 and took < ANSWER_WITHIN, took
    answer = reply.json()
    assert answer["response_action"] == "update", answer
    assert answer["view"]["title"]["text"] == "Nog bezig"
    check_view(answer["view"])
    assert "Nog bezig" in json.dumps(answer["view"], ensure_ascii=False)
    [shown] = fake_slack.wait_for("views.update", 1, timeout=20)
    holder.join(10)
    assert shown.body["view_id"] == "V0FAKE"
    assert shown.body["view"]["title"]["text"] == "Opgeslagen"
    check_view(shown.body["view"])
    assert "Opgeslagen" in json.dumps(shown.body["view"], ensure_ascii=False)
    announced = fake_slack.wait_for("chat.postMessage", 1, timeout=10)
    assert _notes(app.engine, "thv-onderzoek", MEMBER) == [("at-risk", "traag formulier")]
    time.sleep(0.3)  # nothing more follows
    assert len(fake_slack.posted(THV_CHANNEL)) == 1 and len(announced) == 1
    assert "traag formulier" in str(announced[0].body)
    assert len(fake_slack.calls_to("views.update")) == 1


def test_a_change_sent_while_another_writer_holds_the_lock_takes_its_replay_mark_in_time(
        app: Any, fake_slack: Any, db_url: str) -> None:
    """The replay mark is a write too: taken before the budget, it waited for the lock up to
    2 s and then ended "er ging iets mis". Another transaction holds the write lock (SQLite)
    or the replay table (PostgreSQL) from before the request for HOLD seconds: the change is
    still answered within the budget ("Nog bezig"), then confirmed by response_url, stored
    once and announced once."""
    fake_slack.join("C0MDA0001", "U0LOCKED1")
    locked, done = threading.Event(), threading.Event()

    def hold() -> None:
        with app.engine.connect() as connection:
            if db_url.startswith("sqlite"):  # BEGIN IMMEDIATE: the database's write lock
                connection.exec_driver_sql("SELECT 1")
            else:
                connection.exec_driver_sql("LOCK TABLE request_replays IN EXCLUSIVE MODE")
            locked.set()
            done.wait(HOLD)
            connection.rollback()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert locked.wait(10)
    started = time.monotonic()
    reply = app.client.command("update mda-advies risico op slot", user="U0LOCKED1",
                               response_url=fake_slack.response_url("locked"))
    took = time.monotonic() - started
    holder.join(10)
    assert reply.status == 200 and took < ANSWER_WITHIN, (took, reply.text)
    assert "Nog bezig" in reply.text, reply.text
    confirmed = fake_slack.wait_for("response_url", 1, timeout=20)[0].body
    assert "Opgeslagen" in confirmed["text"], confirmed
    assert _notes(app.engine, "mda-advies", "U0LOCKED1") == [("at-risk", "op slot")]
    posted = fake_slack.wait_for("chat.postMessage", 1, timeout=10)
    time.sleep(0.3)
    assert len(fake_slack.calls_to("chat.postMessage")) == len(posted) == 1
    assert len(fake_slack.calls_to("response_url")) == 1


def test_a_modal_refused_after_nog_bezig_says_niet_opgeslagen_and_why(
        app: Any, fake_slack: Any) -> None:
    """Slack takes 2.5 s to say who is in the channel, so the permission check outlasts the
    budget: "Nog bezig" first, then the refusal replaces it (what was wrong, nothing saved),
    and nothing is stored or announced."""
    fake_slack.slow("conversations.members", 2.5)
    view = {"callback_id": "actie_update_modal", "private_metadata": json.dumps({"a": THV})}
    before = _notes(app.engine, "thv-onderzoek", "U0STRANGE")
    reply = app.client.action(submission(view, update_values("done", "klaar"), user="U0STRANGE"))
    assert reply.status == 200 and reply.json()["view"]["title"]["text"] == "Nog bezig"
    [shown] = fake_slack.wait_for("views.update", 1, timeout=20)
    check_view(shown.body["view"])
    assert shown.body["view"]["title"]["text"] == "Niet opgeslagen"
    text = json.dumps(shown.body["view"], ensure_ascii=False)
    assert "Niet opgeslagen:" in text and "klaar" not in text, text
    time.sleep(0.3)
    assert _notes(app.engine, "thv-onderzoek", "U0STRANGE") == before == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_late_outcome_of_a_modal_closed_meanwhile_comes_as_a_direct_message(
        app: Any, fake_slack: Any) -> None:
    """The user closed the "Nog bezig" modal (views.update answers not_found): the outcome
    comes as a direct message instead, never silently."""
    fake_slack.slow("conversations.members", 2.5)
    fake_slack.fail("views.update", error="not_found")
    view = {"callback_id": "actie_update_modal", "private_metadata": json.dumps({"a": THV})}
    reply = app.client.action(submission(view, update_values("done", "klaar"), user="U0STRANGE"))
    assert reply.status == 200 and reply.json()["view"]["title"]["text"] == "Nog bezig"
    [dm] = fake_slack.wait_for("chat.postMessage", 1, timeout=20)
    check_message(dm.body)
    assert dm.body["channel"] == "U0STRANGE" and "Niet opgeslagen" in dm.body["text"], dm.body
    assert len(fake_slack.calls_to("views.update")) == 1
