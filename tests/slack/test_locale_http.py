"""Issue 9 item 8: the first answer to an English-locale user is English.

Slack sends no locale with a slash command; the bot asks `users.info` once, with a short
timeout and outside any transaction, before its first answer, and remembers the result.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.models import UserRow


def stored_locale(app: Any, user: str) -> str | None:
    with app.engine.connect() as connection:
        return connection.execute(  # type: ignore[no-any-return]
            select(UserRow.locale).where(UserRow.slack_user_id == user)).scalar_one_or_none()


def test_the_first_answer_to_an_english_user_is_english(app: Any, fake_slack: Any) -> None:
    fake_slack.users["U0ENGLISH"] = {"id": "U0ENGLISH", "locale": "en-US"}
    reply = app.client.command("wanneer indicatoren", user="U0ENGLISH")
    assert reply.status == 200
    assert "Deadline of" in reply.text and "juli" not in reply.text and "July 2021" in reply.text
    assert stored_locale(app, "U0ENGLISH") == "en-US"
    asked = [c for c in fake_slack.calls if c.method == "users.info"]
    assert len(asked) == 1
    again = app.client.command("wanneer indicatoren", user="U0ENGLISH")
    assert "July 2021" in again.text
    assert len([c for c in fake_slack.calls if c.method == "users.info"]) == 1  # remembered


def test_a_dutch_user_gets_dutch_and_a_broken_lookup_the_default(app: Any,
                                                                  fake_slack: Any) -> None:
    reply = app.client.command("wanneer indicatoren", user="U0DUTCH01")  # the fake says nl-NL
    assert "Deadline van" in reply.text and "juli 2021" in reply.text
    fake_slack.fail("users.info", status=500)
    reply = app.client.command("wanneer indicatoren", user="U0NOLOOK1")
    assert reply.status == 200 and "juli 2021" in reply.text  # ACTIEBOT_LANGUAGE's default
    assert stored_locale(app, "U0NOLOOK1") is None  # asked again next time


def test_a_strange_locale_is_not_stored_as_given(app: Any, fake_slack: Any) -> None:
    fake_slack.users["U0ODDLOC1"] = {"id": "U0ODDLOC1", "locale": "en-US; bel 0612345678"}
    reply = app.client.command("help", user="U0ODDLOC1")
    assert reply.status == 200
    assert stored_locale(app, "U0ODDLOC1") == "-"


def test_during_a_slack_outage_commands_do_not_wait_for_the_lookup_each_time(
        app: Any, fake_slack: Any) -> None:
    fake_slack.fail("users.info", status=500)
    first = app.client.command("wanneer indicatoren", user="U0OUTAGE1")
    assert first.status == 200 and "juli 2021" in first.text
    asked = len([c for c in fake_slack.calls if c.method == "users.info"])
    assert asked >= 1
    # the next new users are answered in the default language without asking Slack again
    for user in ("U0OUTAGE2", "U0OUTAGE3"):
        reply = app.client.command("wanneer indicatoren", user=user)
        assert reply.status == 200 and "juli 2021" in reply.text
    assert len([c for c in fake_slack.calls if c.method == "users.info"]) == asked
