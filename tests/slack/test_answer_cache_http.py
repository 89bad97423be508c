"""Over real HTTP: a repeated question is answered from the process's read cache
(bot/services/answers.py), and a write through a unit of work that changed what the answer
depends on, in this process or another, gives a fresh answer; an unrelated write does not. A
hand edit in the database (no unit of work: no new data version) is what shows the cache at
work: it stays unseen until a real write reaches the answer."""

from __future__ import annotations

from sqlalchemy import update

from storage.models import ActivityRow
from tests.slack.conftest import start_app


def hand_edit_status(app, key: str, status: str) -> None:  # type: ignore[no-untyped-def]
    """What an operator's SQL does: bypasses the write unit of work (and its version bump)."""
    with app.engine.begin() as connection:
        connection.execute(update(ActivityRow).where(ActivityRow.key == key).values(status=status))


def test_a_repeated_question_is_answered_from_the_cache_until_a_write(app, fake_slack) -> None:
    first = app.client.command("status mda-advies", channel="C0MDA0001")
    assert first.status == 200 and "niet gestart" in first.text
    hand_edit_status(app, "mda-advies", "delayed")
    kept = app.client.command("status mda-advies", channel="C0MDA0001")
    assert kept.text == first.text  # from the cache: the hand edit is not seen
    # another channel asks the same question about one activity: the same kept answer
    assert app.client.command("status mda-advies", channel="C0THV0001").text == first.text

    # a write over HTTP to another group (koppel, by an admin-less member of the channel)
    # leaves the answer about this activity as it was kept
    fake_slack.join("C0NEWPLG1", "U0ALICE01")
    assert app.client.command("koppel plegeraanpak", channel="C0NEWPLG1",
                              user="U0ALICE01").status == 200
    assert app.client.command("status mda-advies", channel="C0MDA0001").text == first.text

    # a write to the activity's own group by another process (the test's own engine and unit
    # of work) gives a fresh answer
    with app.deps.uow(write=True) as uow:
        uow.repo.set_group_channel("kennemerland-2021", "wg-mda", "C0NEWMDA1")
        uow.commit()
    fresh = app.client.command("status mda-advies", channel="C0MDA0001")
    assert "vertraagd" in fresh.text and "niet gestart" not in fresh.text


def test_with_the_cache_off_every_question_is_computed(db_url, fake_slack, settings_for) -> None:
    settings = settings_for(db_url, slack_api_url=fake_slack.url, answer_cache=False)
    running, server = start_app(settings)
    try:
        assert "niet gestart" in running.client.command("status mda-advies").text
        hand_edit_status(running, "mda-advies", "delayed")
        assert "vertraagd" in running.client.command("status mda-advies").text
    finally:
        server.shutdown()
        server.server_close()
        running.engine.dispose()
