"""The report model (bot/domain/report.py): pure, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.model import (
    Activity,
    DueDate,
    Goal,
    Indicator,
    IndicatorValue,
    Milestone,
    Precision,
    Programme,
    Status,
    StatusUpdate,
    WorkingGroup,
)
from bot.domain.periods import parse_period
from bot.domain.report import (
    DueState,
    LoggedUpdate,
    ReportData,
    Reschedule,
    Trend,
    build_indicator,
    build_report,
    says_moved,
    statuses_at,
)

H1 = parse_period("2021-H1")


def _update(day: date, new: Status, note: str = "", old: Status | None = None) -> StatusUpdate:
    return StatusUpdate(datetime(day.year, day.month, day.day, 10, tzinfo=UTC), "U0SECRET1",
                        old, new, note, "Piet")


def _data(**overrides: object) -> ReportData:
    activities = (
        Activity("a", "Advies MDA++", goal="g1", theme="MDA++", working_group="wg",
                 due=DueDate(date(2021, 3, 31), Precision.MONTH), status=Status.ON_TRACK,
                 milestones=(Milestone("Uitvoering", DueDate(date(2021, 9, 30),
                                                             Precision.QUARTER)),)),
        Activity("b", "Set indicatoren", goal="g1", theme="Monitoring", working_group="wg",
                 due=DueDate(date(2021, 7, 31), Precision.MONTH), status=Status.NOT_STARTED),
        Activity("c", "Zonder doel", status=Status.DONE),
    )
    values: dict[str, object] = {
        "programme": Programme("p", "Programma", "Regio"),
        "goals": (Goal("g1", "Samenwerken"),),
        "groups": (WorkingGroup("wg", "Werkgroep MDA++"),),
        "activities": activities,
        "updates": (
            LoggedUpdate("a", date(2020, 12, 1), _update(date(2020, 12, 1), Status.ON_TRACK,
                                                         "oud nieuws")),
            LoggedUpdate("a", date(2021, 2, 1), _update(date(2021, 2, 1), Status.AT_RISK,
                                                        "De sessie is uitgesteld", Status.ON_TRACK)),
            LoggedUpdate("a", date(2021, 8, 1), _update(date(2021, 8, 1), Status.DONE, "later")),
        ),
    }
    values.update(overrides)
    return ReportData(**values)  # type: ignore[arg-type]


def test_updates_of_the_period_only_with_date_and_group_never_the_author() -> None:
    report = build_report(_data(), H1, today=date(2021, 7, 5))
    a = next(x for x in report.activities if x.key == "a")
    assert [u.note for u in a.updates] == ["De sessie is uitgesteld"]
    assert a.updates[0].on == date(2021, 2, 1) and a.updates[0].group == "Werkgroep MDA++"
    assert "U0SECRET1" not in repr(report) and "Piet" not in repr(report)


def test_a_note_that_says_postponed_counts_as_a_moved_deadline() -> None:
    report = build_report(_data(), H1, today=date(2021, 7, 5))
    a = next(x for x in report.activities if x.key == "a")
    assert a.moved and a.reschedules[0].from_note and a.reschedules[0].reason.endswith("uitgesteld")
    assert report.overview.moved == 1
    assert says_moved("Verplaatst naar september") and not says_moved("loopt volgens plan")


def test_logged_reschedule_wins_over_notes() -> None:
    move = Reschedule("a", date(2021, 3, 1), DueDate(date(2021, 3, 31), Precision.MONTH),
                      DueDate(date(2021, 9, 30), Precision.MONTH), "wachten op stuurgroep")
    report = build_report(_data(reschedules=(move,)), H1, today=date(2021, 7, 5))
    a = next(x for x in report.activities if x.key == "a")
    assert a.reschedules == (move,)


def test_late_on_time_and_vooruitblik() -> None:
    report = build_report(_data(), H1, today=date(2021, 7, 5))
    states = {a.key: a.due_state for a in report.activities}
    assert states == {"a": DueState.LATE, "b": DueState.ON_TIME, "c": DueState.DONE}
    assert [(i.activity_key, i.milestone) for i in report.outlook] == [
        ("b", None), ("a", "Uitvoering")]
    assert report.cover.next_period.key == "2021-H2"


def test_activities_without_goal_get_their_own_section_last() -> None:
    report = build_report(_data(), H1, today=date(2021, 7, 5))
    assert [g.key for g in report.goals] == ["g1", None]
    assert [t.name for t in report.goals[0].themes] == ["MDA++", "Monitoring"]


def test_empty_programme_gives_a_short_report() -> None:
    report = build_report(_data(activities=(), updates=()), H1, today=date(2021, 7, 5))
    assert not report.has_activities and not report.has_updates
    assert all(not g.activities for g in report.goals) and report.outlook == ()


def test_status_at_the_end_of_the_period_from_the_log() -> None:
    log = [("a", date(2021, 2, 1), Status.NOT_STARTED, Status.AT_RISK),
           ("a", date(2021, 8, 1), Status.AT_RISK, Status.DONE),
           ("b", date(2021, 9, 1), Status.ON_TRACK, Status.DONE)]
    current = {"a": Status.DONE, "b": Status.DONE, "c": Status.DELAYED}
    assert statuses_at(log, date(2021, 6, 30), current) == {
        "a": Status.AT_RISK, "b": Status.ON_TRACK, "c": Status.DELAYED}


def test_indicator_trend_from_totals() -> None:
    indicator = Indicator("vt", "Meldingen en adviezen", "aantal", "Veilig Thuis",
                          ("Hilversum", "Laren"))
    values = [IndicatorValue("vt", "2019", 3242), IndicatorValue("vt", "2020", 3091),
              IndicatorValue("vt", "2020", 1240, "Hilversum"),
              IndicatorValue("vt", "2020", 99, "Laren"), IndicatorValue("other", "2020", 1)]
    built = build_indicator(indicator, values)
    assert [p.period for p in built.points] == ["2019", "2020"]
    assert built.points[1].parts == (("Hilversum", 1240), ("Laren", 99))
    assert built.trend is Trend.DOWN and built.change == -151
    assert built.change_pct is not None and round(built.change_pct, 1) == -4.7
