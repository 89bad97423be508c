"""A computed question costs what its answer needs: the round trips to the database per
question, over real HTTP (signed slash commands), on SQLite and PostgreSQL.

Each kind is asked once about something else first (the user's locale learned, the resolution
index, the working groups and the programmes kept by the read cache's rule), then counted on a
question the answer cache cannot have (another activity or channel), with the answer cache on
(the default) and off. A round trip is a statement or the start of a transaction. The bounds
are what the read paths cost now: a statement more per question fails here.

- One activity (`wie`, `wanneer`, `geschiedenis`, `status <ref>`): the transaction, both
  version counters in one statement, the activity with its owners and milestones in one, and
  (except `wie`) the one read of its log.
- Lists: a channel's group and the programmes come from the read cache; the ids, the
  activities with their owners and milestones, and the log where shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Self

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.slack.conftest import start_app

MDA = "C0MDA0001"  # wg-mda's channel in the Kennemerland example
THV = "C0THV0001"
USER = "U0COST001"

# (warm-up question, channel), (counted question, channel), the most round trips allowed
CASES: dict[str, tuple[tuple[str, str], tuple[str, str], int]] = {
    "wie": (("wie plegeraanpak", MDA), ("wie mda-advies", MDA), 3),
    "wanneer": (("wanneer plegeraanpak", MDA), ("wanneer mda-advies", MDA), 4),
    "geschiedenis": (("geschiedenis plegeraanpak", MDA), ("geschiedenis mda-advies", MDA), 4),
    "status <ref>": (("status plegeraanpak", MDA), ("status mda-advies", MDA), 4),
    "status": (("status", MDA), ("status", THV), 6),
    "binnenkort": (("binnenkort 400", MDA), ("binnenkort 400", THV), 4),
    "te-laat": (("te-laat", MDA), ("te-laat", THV), 4),
    "lijst <groep>": (("lijst wg-mda", MDA), ("lijst wg-thv", MDA), 5),
}


class RoundTrips:
    """Statements and transaction starts sent by any engine of this process (the app's own
    engine is made inside `create`)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        text = " ".join(statement.split())
        if not text.upper().startswith("BEGIN"):  # SQLite's BEGIN: counted by `begin`
            self.sent.append(text[:160])

    def begin(self, conn: Any) -> None:
        self.sent.append("<transaction>")

    def __enter__(self) -> Self:
        event.listen(Engine, "before_cursor_execute", self.statement)
        event.listen(Engine, "begin", self.begin)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(Engine, "before_cursor_execute", self.statement)
        event.remove(Engine, "begin", self.begin)


@pytest.fixture(params=[True, False], ids=["answer cache on", "answer cache off"])
def running(request: pytest.FixtureRequest, db_url: str, fake_slack: Any,
            settings_for: Any) -> Iterator[Any]:
    fake_slack.join(MDA, USER)
    settings = settings_for(db_url, slack_api_url=fake_slack.url, answer_cache=request.param)
    app, server = start_app(settings)
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()
        app.engine.dispose()


def test_each_question_costs_a_few_round_trips(running: Any) -> None:
    answers: dict[str, str] = {}
    costs: dict[str, list[str]] = {}
    for kind, ((warm, warm_channel), (text, channel), _most) in CASES.items():
        first = running.client.command(warm, channel=warm_channel, user=USER)
        assert first.status == 200, (kind, first.text)
        with RoundTrips() as trips:
            got = running.client.command(text, channel=channel, user=USER)
        assert got.status == 200, (kind, got.text)
        answers[kind] = got.text
        costs[kind] = trips.sent

    # real answers, not refusals or errors
    assert "Veilig Thuis" in answers["wie"] or "Werkgroep MDA" in answers["wie"]
    for kind in ("wanneer", "geschiedenis", "status <ref>"):
        assert "mda" in answers[kind].lower(), (kind, answers[kind])
    over = {kind: costs[kind] for kind, (_w, _q, most) in CASES.items()
            if len(costs[kind]) > most}
    assert not over, "\n".join(f"{kind}: {len(sent)} round trips\n  " + "\n  ".join(sent)
                               for kind, sent in over.items())
    # nothing a question does writes: no transaction of a write kind, no statement that changes
    for kind, sent in costs.items():
        assert not [s for s in sent if s.split(" ")[0].upper() in ("INSERT", "UPDATE", "DELETE")
                    ], (kind, sent)
