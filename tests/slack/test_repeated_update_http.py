"""An `update` that changes nothing (same status, no note) is neither stored nor announced."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import StatusUpdateRow


def count_updates(app) -> int:  # type: ignore[no-untyped-def]
    with app.engine.connect() as connection:
        return int(connection.execute(
            select(func.count()).select_from(StatusUpdateRow)).scalar_one())


def test_a_repeated_update_without_a_note_is_not_announced_again(app, fake_slack) -> None:
    fake_slack.join("C0THV0001", "U0ALICE01")  # may change THV's activities
    first = app.client.command("update THV risico", user="U0ALICE01")
    assert "Opgeslagen" in first.text
    fake_slack.wait_for("chat.postMessage")
    stored = count_updates(app)

    again = app.client.command("update THV risico", user="U0ALICE01")

    assert again.status == 200
    assert "niets opnieuw aangekondigd" in again.text and "Opgeslagen" not in again.text
    assert count_updates(app) == stored
    # with a note it is news again: stored and announced
    noted = app.client.command("update THV risico wachten op B&W", user="U0ALICE01")
    assert "Opgeslagen" in noted.text
    fake_slack.wait_for("chat.postMessage", count=2)
    assert count_updates(app) == stored + 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
