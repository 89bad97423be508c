"""A report period includes its last day, in the programme's local time (Europe/Amsterdam):
an update on 30 June at 14:00 is in 2021-H1, one on 1 July at 00:30 (still 30 June in UTC) is
not. Both ends of every kind of period, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.model import Status, StatusUpdate
from bot.domain.periods import parse_period
from bot.domain.ports import ActivityId
from bot.services.report import draft_report
from bot.services.report_results import ReportReady

KL = "kennemerland-2021"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# (activity, local moment, status, note)
LOG = (
    ("mda-advies", datetime(2021, 3, 31, 23, 59), Status.ON_TRACK, "laatste minuut maart"),
    ("mda-advies", datetime(2021, 4, 1, 0, 30), Status.AT_RISK, "eerste halfuur april"),
    ("thv-onderzoek", datetime(2021, 6, 30, 14, 0), Status.DONE, "dertig juni middag"),
    ("indicatoren-set", datetime(2021, 7, 1, 0, 30), Status.ON_TRACK, "een juli nacht"),
)


def _notes(deps, period: str) -> tuple[set[str], dict[str, Status]]:  # type: ignore[no-untyped-def]
    result = draft_report(deps, parse_period(period), KL)
    assert isinstance(result, ReportReady), result
    activities = result.report.activities
    ours = {note for *_, note in LOG}
    notes = {u.note for a in activities for u in a.updates if u.note in ours}
    return notes, {a.key: a.status for a in activities}


def test_a_period_includes_its_last_day_and_not_the_next_in_local_time(loaded) -> None:
    deps = loaded.deps
    with deps.uow(write=True) as uow:
        for key, local, status, note in LOG:
            uow.repo.append_update(ActivityId(KL, key), StatusUpdate(
                at=local.replace(tzinfo=AMSTERDAM), author="U0SECRET9", old_status=None,
                new_status=status, note=note), source="slack")
        uow.commit()

    expected = {
        "2021-H1": {"laatste minuut maart", "eerste halfuur april", "dertig juni middag"},
        "2021-Q2": {"eerste halfuur april", "dertig juni middag"},
        "2021-Q1": {"laatste minuut maart"},
        "2021-06": {"dertig juni middag"},
        "2021-04-01..2021-06-30": {"eerste halfuur april", "dertig juni middag"},
        "2021-H2": {"een juli nacht"},
        "2021-Q3": {"een juli nacht"},
        "2021-07": {"een juli nacht"},
        "2021-03": {"laatste minuut maart"},
        "2021": {"laatste minuut maart", "eerste halfuur april", "dertig juni middag",
                 "een juli nacht"},
    }
    for period, notes in expected.items():
        found, _ = _notes(deps, period)
        assert found == notes, period

    # the status at the end of the period counts the last day too, and not the next one
    _, h1 = _notes(deps, "2021-H1")
    assert h1["thv-onderzoek"] is Status.DONE
    assert h1["indicatoren-set"] is not Status.ON_TRACK
    _, march = _notes(deps, "2021-03")
    assert march["mda-advies"] is Status.ON_TRACK
