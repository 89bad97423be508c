"""`/actie` over real HTTP with Slack-signed requests; the Web API is a local fake."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from storage.models import StatusUpdateRow
from tests.slack.reminder_programme import at, travel


def count_updates(app) -> int:  # type: ignore[no-untyped-def]
    with app.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(StatusUpdateRow)).scalar_one())


def test_wanneer_indicatoren_answers_july_2021(app) -> None:
    # The 2021 agenda as it was read on Monday 16 August 2021 (the clock pinned: on the real
    # clock the answer changes every day). July's deadline is due Friday 30 July.
    with travel(at(2021, 8, 16, 10)):
        reply = app.client.command("wanneer indicatoren")
    assert reply.status == 200
    data = reply.json()
    assert data["response_type"] == "ephemeral"
    assert "juli 2021" in reply.text
    assert "(11 werkdagen te laat)" in reply.text
    with travel(at(2021, 7, 26, 10)):
        assert "(nog 4 werkdagen)" in app.client.command("wanneer indicatoren").text
    with travel(at(2026, 5, 4, 10)):  # read years later: a span people say
        assert "(ruim 4 jaar te laat)" in app.client.command("wanneer indicatoren").text


def test_wie_mda_names_the_working_group_and_the_steering_group(app) -> None:
    reply = app.client.command("wie MDA++")
    assert reply.status == 200
    assert "Werkgroep MDA++, Hoe verder?" in reply.text
    assert "Stuurgroep Veilig Thuis" in reply.text


def test_wanneer_mda_gives_march_2021_and_the_uitvoering_milestone(app) -> None:
    reply = app.client.command("wanneer MDA++")
    assert "maart 2021" in reply.text
    assert "Uitvoering" in reply.text
    assert "nog geen datum" in reply.text


def test_update_then_status_and_geschiedenis(app, fake_slack) -> None:
    fake_slack.join("C0THV0001", "U0ALICE01")  # may change THV's activities (a member)
    before = count_updates(app)
    reply = app.client.command("update THV risico het onderzoek loopt vertraging op",
                               user="U0ALICE01")
    assert reply.status == 200
    assert "Opgeslagen" in reply.text and "risico" in reply.text
    assert count_updates(app) == before + 1
    # announced in the group's channel, after the commit
    posts = fake_slack.wait_for("chat.postMessage")
    announced = posts[0].body
    assert announced["channel"] == "C0THV0001"
    assert "<@U0ALICE01>" in str(announced["blocks"])
    status = app.client.command("status THV")
    assert "risico" in status.text and "<@U0ALICE01>" in status.text
    assert "het onderzoek loopt vertraging op" in status.text
    history = app.client.command("geschiedenis THV")
    assert "niet gestart → 🟠 risico" in history.text


def test_unknown_ref_suggests_the_closest(app) -> None:
    reply = app.client.command("wie indicatorn")
    assert reply.status == 200
    assert "Bedoelde je" in reply.text
    assert "indicatoren" in reply.text.lower()


def test_ambiguous_ref_lists_candidates(app) -> None:
    reply = app.client.command("wie samenwerkingsafspraken")
    assert "meerdere activiteiten" in reply.text
    assert "samenwerkingsafspraken-vt" in reply.text
    assert "samenwerkingsafspraken-vo" in reply.text


def test_bad_signature_changes_nothing(app, fake_slack) -> None:
    before = count_updates(app)
    body = app.client.command_body("update THV gereed klaar")
    reply = app.client.post(body, "application/x-www-form-urlencoded", signature="v0=deadbeef")
    assert reply.status == 401
    stale = app.client.post(body, "application/x-www-form-urlencoded",
                            timestamp=int(time.time()) - 6 * 60)
    assert stale.status == 401
    wrong_secret = app.client.post(body, "application/x-www-form-urlencoded", secret="other")
    assert wrong_secret.status == 401
    assert count_updates(app) == before
    assert fake_slack.calls_to("chat.postMessage") == []


def test_english_when_the_users_slack_locale_is_english(app, fake_slack) -> None:
    fake_slack.users["U0ENGLISH"] = {"id": "U0ENGLISH", "locale": "en-GB"}
    app.client.command("help", user="U0ENGLISH")  # learns the locale after answering
    fake_slack.wait_for("users.info")
    with travel(at(2021, 8, 16, 10)):
        reply = app.client.command("deadline indicatoren", user="U0ENGLISH")
    assert "July 2021" in reply.text
    assert "(11 working days overdue)" in reply.text


def test_healthz_reports_database_and_version(app) -> None:
    reply = app.client.get("/healthz")
    assert reply.status == 200
    data = reply.json()
    assert data["status"] == "ok" and data["database"] is True and data["version"]
