"""Issue 8, privacy over signed HTTP: disguised BSNs and phone numbers are refused and change
nothing; a Slack `user_name` holding personal data is not stored (the user id still signs)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.models import DeliveryRow, StatusUpdateRow

ADMIN = "U0PRIVADM1"  # an admin may update anything, whatever the permission rules


@pytest.fixture
def admin_app(db_url: str, fake_slack: Any, settings_for: Any) -> Iterator[Any]:
    from tests.slack.conftest import start_app

    running, server = start_app(settings_for(db_url, slack_api_url=fake_slack.url,
                                             admins=frozenset({ADMIN})))
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def _counts(app: Any) -> tuple[int, int]:
    with app.engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            int(connection.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (StatusUpdateRow, DeliveryRow))


def _stored(app: Any) -> str:
    with app.deps.uow() as uow:
        return json.dumps(uow.repo.export_tables(), ensure_ascii=False)


DISGUISED_NOTES = {
    "slashes": ("BSN 123/456/782", "een BSN"),
    "3-2-4": ("kind 123 45 6782", "een BSN"),
    "pairs": ("nr 12-34-56-782", "een BSN"),
    "two spaces": ("nr 123  456  782", "een BSN"),
    "full width": ("nr １２３４５６７８２", "een BSN"),
    "digit by digit": ("moeder 0 6 1 2 3 4 5 6 7 8", "een telefoonnummer"),
}


@pytest.mark.parametrize("case", DISGUISED_NOTES, ids=list(DISGUISED_NOTES))
def test_a_disguised_bsn_or_phone_number_is_refused_and_changes_nothing(
        admin_app: Any, fake_slack: Any, case: str) -> None:
    note, label = DISGUISED_NOTES[case]
    before = _counts(admin_app)
    reply = admin_app.client.command(f"update THV risico {note}", user=ADMIN)
    assert reply.status == 200
    assert "Niet opgeslagen" in reply.text and label in reply.text
    assert note.split(" ", 1)[1] not in reply.body
    assert _counts(admin_app) == before
    assert not [c for c in fake_slack.calls if c.method == "chat.postMessage"]


def test_a_user_name_holding_personal_data_is_not_stored(admin_app: Any, fake_slack: Any) -> None:
    reply = admin_app.client.command("update THV op-schema loopt", user=ADMIN,
                                     user_name="jan.0612345678")
    assert reply.status == 200 and "Opgeslagen" in reply.text
    with admin_app.engine.connect() as connection:
        author, name = connection.execute(
            select(StatusUpdateRow.author, StatusUpdateRow.author_name)
            .order_by(StatusUpdateRow.id.desc()).limit(1)).one()
    assert (author, name) == (ADMIN, None)
    assert "0612345678" not in _stored(admin_app)


def test_a_plain_user_name_is_kept(admin_app: Any, fake_slack: Any) -> None:
    reply = admin_app.client.command("update THV op-schema loopt", user=ADMIN, user_name="jan")
    assert reply.status == 200 and "Opgeslagen" in reply.text
    with admin_app.engine.connect() as connection:
        name = connection.execute(select(StatusUpdateRow.author_name)
                                  .order_by(StatusUpdateRow.id.desc()).limit(1)).scalar_one()
    assert name == "jan"
