"""The privacy guard over signed HTTP: case data is refused, named by kind, never echoed, and the
database, the log and the fake Slack show nothing of it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from storage.models import DeliveryRow, StatusUpdateRow

BSN = "123456782"
NOTE_WITH_BSN = f"gezin Jansen, BSN {BSN}, moeder belt terug"


def counts(app: Any) -> tuple[int, int]:
    from sqlalchemy import func, select

    with app.engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            int(connection.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (StatusUpdateRow, DeliveryRow))


def stored(app: Any) -> str:
    """Everything the database holds, as one text."""
    with app.deps.uow() as uow:
        return json.dumps(uow.repo.export_tables(), ensure_ascii=False)


def slack_saw(fake_slack: Any) -> str:
    return json.dumps([c.body for c in fake_slack.calls], ensure_ascii=False)


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory, fake_slack_server: Any) -> Iterator[Any]:
    from bot.config import Settings
    from tests.slack.conftest import SECRET, start_app

    url = f"sqlite:///{tmp_path_factory.mktemp('privacy') / 'actiebot.db'}"
    running, server = start_app(Settings(
        database_url=url, slack_bot_token="xoxb-test-token", slack_signing_secret=SECRET,
        slack_api_url=fake_slack_server.url))
    fake_slack_server.reset()
    for user in ("U0TESTER1", "U0ALICE01"):  # Bolt's auth.test and the users' locales, once
        assert running.client.command("help", user=user).status == 200
    fake_slack_server.wait_for("users.info", 2)
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


@pytest.fixture
def sqlite_app(shared_app: Any, fake_slack: Any) -> Any:
    """One app on SQLite for the checks that need only one database."""
    return shared_app


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in ("slack_bolt", "slack_sdk", "actiebot"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def test_a_note_with_a_valid_bsn_is_refused_and_leaves_no_trace(
        app: Any, fake_slack: Any, debug_log: pytest.LogCaptureFixture) -> None:
    before = counts(app)
    reply = app.client.command(f"update THV risico {NOTE_WITH_BSN}", user="U0ALICE01")
    assert reply.status == 200
    assert reply.json()["response_type"] == "ephemeral"
    assert "Niet opgeslagen" in reply.text and "een BSN" in reply.text
    assert BSN not in reply.body and "Jansen" not in reply.body
    assert counts(app) == before
    assert BSN not in stored(app)
    assert fake_slack.calls_to("chat.postMessage") == []
    assert BSN not in slack_saw(fake_slack)
    assert BSN not in debug_log.text
    assert all(BSN not in str(record.__dict__) for record in debug_log.records)


def test_the_refusal_is_english_for_an_english_slack_user(app: Any, fake_slack: Any) -> None:
    fake_slack.users["U0ENGLISH"] = {"id": "U0ENGLISH", "locale": "en-US"}
    app.client.command("help", user="U0ENGLISH")
    fake_slack.wait_for("users.info")
    before = counts(app)
    reply = app.client.command("update THV at-risk call mum on 06-12345678", user="U0ENGLISH")
    assert "Not saved" in reply.text and "a phone number" in reply.text
    assert "12345678" not in reply.body
    assert counts(app) == before


def test_every_kind_found_is_named_once(sqlite_app: Any) -> None:
    reply = sqlite_app.client.command(
        "update MDA++ vertraagd mail j.jansen@example.nl of bel 0612345678, NL91ABNA0417164300")
    assert "een telefoonnummer" in reply.text and "een e-mailadres" in reply.text
    assert "een rekeningnummer (IBAN)" in reply.text
    for fragment in ("jansen@", "0612345678", "NL91"):
        assert fragment not in reply.body


def test_personal_data_in_the_ref_of_an_update_is_refused_too(sqlite_app: Any) -> None:
    before = counts(sqlite_app)
    reply = sqlite_app.client.command(f"update gezin {BSN} risico loopt")
    assert "Niet opgeslagen" in reply.text and BSN not in reply.body
    assert counts(sqlite_app) == before


@pytest.mark.parametrize("question", ["wie", "wanneer", "status", "geschiedenis", "lijst",
                                      "koppel"])
def test_an_unknown_ref_is_echoed_with_its_personal_data_masked(
        sqlite_app: Any, question: str) -> None:
    reply = sqlite_app.client.command(f"{question} Jansen 06-12345678 j@x.nl")
    assert reply.status == 200
    assert "12345678" not in reply.body and "j@x.nl" not in reply.body
    if "Ik ken" in reply.text:
        assert "•••" in reply.text


def test_a_clean_note_is_still_stored_and_announced(app: Any, fake_slack: Any) -> None:
    fake_slack.join("C0THV0001", "U0TESTER1")
    before = counts(app)
    reply = app.client.command("update THV risico 3091 meldingen, € 147.125, RM 1870737")
    assert "Opgeslagen" in reply.text
    assert counts(app)[0] == before[0] + 1
    fake_slack.wait_for("chat.postMessage")


# -- typed text in modals and message inputs (handlers/guards.py) ------------------------------

def view_submission(note: str) -> dict[str, Any]:
    return {
        "type": "view_submission", "team": {"id": "T0001", "domain": "gemeente"},
        "user": {"id": "U0ALICE01", "team_id": "T0001"}, "api_app_id": "A0ACTIEBOT",
        "view": {"id": "V1", "type": "modal", "callback_id": "actie_update",
                 "state": {"values": {
                     "note_block": {"note": {"type": "plain_text_input", "value": note}},
                     "status_block": {"status": {"type": "static_select",
                                                 "selected_option": {"value": "at-risk"}}}}}},
    }


def test_a_modal_field_with_personal_data_gets_an_error_under_it(
        app: Any, fake_slack: Any, debug_log: pytest.LogCaptureFixture) -> None:
    before = counts(app)
    reply = app.client.action(view_submission(NOTE_WITH_BSN))
    assert reply.status == 200
    data = reply.json()
    assert data["response_action"] == "errors"
    assert set(data["errors"]) == {"note_block"}
    assert "een BSN" in data["errors"]["note_block"] and BSN not in reply.body
    assert counts(app) == before and BSN not in stored(app)
    assert BSN not in slack_saw(fake_slack) and BSN not in debug_log.text


def test_a_clean_modal_submission_passes_the_guard(sqlite_app: Any) -> None:
    reply = sqlite_app.client.action(view_submission("loopt volgens plan, 3091 meldingen"))
    assert "response_action" not in reply.body  # no listener refused it (none is registered yet)


def test_typed_text_in_a_message_input_runs_no_listener_and_says_why(
        sqlite_app: Any, fake_slack: Any) -> None:
    payload = {
        "type": "block_actions", "team": {"id": "T0001"}, "api_app_id": "A0ACTIEBOT",
        "user": {"id": "U0ALICE01", "team_id": "T0001"},
        "channel": {"id": "C0THV0001"}, "container": {"type": "message", "channel_id": "C0THV0001"},
        "actions": [{"type": "plain_text_input", "action_id": "actie_note", "block_id": "b1",
                     "value": "bel moeder 06-12345678"}],
        "state": {"values": {}},
    }
    before = counts(sqlite_app)
    reply = sqlite_app.client.action(payload)
    assert reply.status == 200
    notice = fake_slack.wait_for("chat.postEphemeral")[0].body
    assert notice["user"] == "U0ALICE01" and notice["channel"] == "C0THV0001"
    assert "een telefoonnummer" in json.dumps(notice, ensure_ascii=False)
    assert "12345678" not in slack_saw(fake_slack)
    assert counts(sqlite_app) == before


def test_rich_text_input_is_checked_too(sqlite_app: Any) -> None:
    submission = view_submission("")
    submission["view"]["state"]["values"]["note_block"]["note"] = {
        "type": "rich_text_input",
        "rich_text_value": {"type": "rich_text", "elements": [{"type": "rich_text_section",
            "elements": [{"type": "text", "text": "mail "},
                         {"type": "link", "url": "mailto:a.b@c.nl", "text": "a.b@c.nl"}]}]}}
    reply = sqlite_app.client.action(submission)
    assert reply.json()["response_action"] == "errors"
    assert "a.b@c.nl" not in reply.body
