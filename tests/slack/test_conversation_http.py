"""Conversation table over signed HTTP: each input gets a friendly reply, never a 5xx;
nothing is stored unless the reply says so."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import DeliveryRow, StatusUpdateRow, WorkingGroupRow
from tests.slack.reminder_programme import at, travel


def snapshot(app) -> tuple[int, int, tuple[str | None, ...]]:  # type: ignore[no-untyped-def]
    with app.engine.connect() as c:
        updates = c.execute(select(func.count()).select_from(StatusUpdateRow)).scalar_one()
        deliveries = c.execute(select(func.count()).select_from(DeliveryRow)).scalar_one()
        channels = tuple(c.execute(select(WorkingGroupRow.channel).order_by(WorkingGroupRow.id))
                         .scalars())
    return updates, deliveries, channels


BAD_INPUTS = [
    ("🎉🔥💥", "Dat commando ken ik niet"),
    ("x" * 4000, "Dat commando ken ik niet"),
    ("wie " + "MDA " * 900, "te lang"),
    ("wie '; DROP TABLE activities; --", "Ik ken „; DROP TABLE activities; --” niet"),
    ("wanneer \" OR 1=1 --", "Ik ken „OR 1=1 --” niet"),
    ("wie <@U123|bob>", "Ik ken „bob” niet"),
    ("wie <#C0123|algemeen>", "Ik ken „algemeen” niet"),
    ("update THV bijna-klaar het gaat goed", "geen geldige status"),
    ("update THV riscio", "Bedoelde je `risico`"),
    ("update onbestaand gereed klaar", "Ik ken „onbestaand” niet"),
    ("update THV gereed " + "z" * 2100, "te lang"),
    ("binnenkort morgen", "aantal dagen"),
    ("\u0000\u202e\ufeff", "Actiebot"),
    ("wie ＭＤＡ＋＋", "Werkgroep MDA++"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_INPUTS)
def test_bad_input_gets_a_friendly_reply_and_changes_nothing(app, fake_slack, text: str,
                                                             fragment: str) -> None:
    before = snapshot(app)
    reply = app.client.command(text)
    assert reply.status == 200
    assert fragment in reply.text
    assert "Traceback" not in reply.body and "sqlalchemy" not in reply.body.lower()
    assert snapshot(app) == before
    assert fake_slack.calls_to("chat.postMessage") == []


def test_koppel_binds_the_channel_and_scopes_status_and_lijst(app, fake_slack) -> None:
    fake_slack.join("C0IND0001", "U0TESTER1")  # no admins: a member of the current channel
    reply = app.client.command("koppel Indicatoren", channel="C0NEWCHAN1")
    assert "gekoppeld aan *Werkgroep Indicatoren*" in reply.text
    assert "C0IND0001" in reply.text  # the channel it was bound to before
    with app.engine.connect() as c:
        channel = c.execute(select(WorkingGroupRow.channel)
                            .where(WorkingGroupRow.key == "wg-indicatoren")).scalar_one()
    assert channel == "C0NEWCHAN1"
    status = app.client.command("status", channel="C0NEWCHAN1")
    assert "Werkgroep Indicatoren" in status.text and "indicatoren-set" in status.text
    listing = app.client.command("lijst", channel="C0NEWCHAN1")
    assert "indicatoren-set" in listing.text and "mda-advies" not in listing.text


def test_koppel_is_for_admins_when_admins_are_configured(db_url, fake_slack, settings_for) -> None:
    from tests.slack.conftest import start_app

    settings = settings_for(db_url, slack_api_url=fake_slack.url,
                            admins=frozenset({"U0ADMIN01"}))
    running, server = start_app(settings)
    try:
        before = snapshot(running)
        refused = running.client.command("koppel THV", user="U0OTHER01", channel="C0X")
        assert "Alleen de beheerders (<@U0ADMIN01>)" in refused.text
        assert snapshot(running) == before
        allowed = running.client.command("koppel THV", user="U0ADMIN01", channel="C0X")
        assert "gekoppeld" in allowed.text
    finally:
        server.shutdown()
        server.server_close()
        running.engine.dispose()


def test_lijst_without_channel_lists_the_working_groups(app) -> None:
    reply = app.client.command("lijst")
    assert "Werkgroep Tijdelijk Huisverbod" in reply.text
    assert "open van" in reply.text


def test_binnenkort_and_te_laat(app) -> None:
    # The clock pinned inside the 2021 agenda (on the real clock both answers drift daily).
    with travel(at(2021, 10, 20, 10)):
        upcoming = app.client.command("binnenkort 14")
    assert "komende 14 dagen" in upcoming.text
    assert "`zelfscan-wijkteams`): oktober 2021 — nog 7 werkdagen" in upcoming.text
    assert "december 2021" not in upcoming.text
    with travel(at(2021, 8, 16, 10)):
        overdue = app.client.command("te-laat")
    assert "`indicatoren-set`): juli 2021 — 11 werkdagen te laat" in overdue.text
    assert "`mda-advies`): maart 2021 — ruim 4 maanden te laat" in overdue.text
    assert "oktober 2021" not in overdue.text


def test_every_reply_fits_slacks_limits(app) -> None:
    from slack_sdk.models.blocks import Block

    for text in ("help", "lijst", "te-laat", "overzicht", "status", "wie GHNT",
                 "geschiedenis gv-samenwerkingsafspraken", "binnenkort 366"):
        data = app.client.command(text).json()
        assert len(data["blocks"]) <= 50 and len(data["text"]) <= 3000
        for block in data["blocks"]:
            parsed = Block.parse(block)
            assert parsed is not None
            parsed.validate_json()
