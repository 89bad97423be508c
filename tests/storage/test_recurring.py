"""Recurring activities: planned at import, `update` acts on the current occurrence, the log
says which occurrence, a re-import keeps what Slack did, export round-trips the keys."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from bot.domain import grammar
from bot.domain.model import Status
from bot.domain.ports import ActivityId
from bot.services import commands
from bot.services.deps import Actor
from storage.models import OccurrenceRow, StatusUpdateRow
from storage.programme_file import ProgrammeFileError, dump_json, dump_yaml, read_text

FILE = """
programme: {key: rec, name: "Recurring", period: "2021-2022"}
working_groups:
  - {key: wg-a, name: "Werkgroep A", channel: C0AAA0001}
activities:
  - key: projectgroep
    title: "Projectgroep breed"
    working_group: wg-a
    due: "juni 2021"
    recurs: "2x per jaar"
  - key: oploop
    title: "Oploop voor betrokken partijen"
    working_group: wg-a
    due: "2021-05-31"
    recurs: "1-2x per jaar"
    until: "december 2021"
  - key: gewoon
    title: "Eenmalig"
    working_group: wg-a
    due: "maart 2021"
"""
PG = ActivityId("rec", "projectgroep")
ADMIN = "U0ADMIN01"


@pytest.fixture
def deps(runtime):  # type: ignore[no-untyped-def]
    deps = replace(runtime.deps, admins=runtime.deps.admins | {ADMIN})
    save(deps, FILE)
    return deps


def save(deps, text: str):  # type: ignore[no-untyped-def]
    with deps.uow(write=True) as uow:
        counts = None
        for file in read_text(text, "rec.yaml"):
            counts = uow.repo.save_programme(file)
        uow.commit()
    return counts


def update(deps, text: str) -> object:  # type: ignore[no-untyped-def]
    return commands.execute(deps, grammar.parse(text), Actor(user_id=ADMIN))


def current(deps, activity_id: ActivityId = PG):  # type: ignore[no-untyped-def]
    with deps.uow() as uow:
        activity = uow.repo.get_activity(activity_id)
        occurrences = uow.repo.list_occurrences(activity_id)
    assert activity is not None
    return activity, occurrences


def test_import_plans_every_occurrence_up_to_the_programme_end(deps) -> None:  # type: ignore[no-untyped-def]
    activity, occurrences = current(deps)
    assert [o.due.value for o in occurrences] == [
        date(2021, 6, 30), date(2021, 12, 31), date(2022, 6, 30), date(2022, 12, 31)]
    assert [o.number for o in occurrences] == [1, 2, 3, 4]
    assert activity.due is not None and activity.due.value == date(2021, 6, 30)
    _, oploop = current(deps, ActivityId("rec", "oploop"))
    assert [o.due.value for o in oploop] == [date(2021, 5, 31)]  # yearly, until december 2021
    _, plain = current(deps, ActivityId("rec", "gewoon"))
    assert plain == []


def test_done_closes_the_current_occurrence_and_moves_on(deps) -> None:  # type: ignore[no-untyped-def]
    result = update(deps, "update projectgroep gereed eerste bijeenkomst gehouden")
    assert type(result).__name__ == "UpdateRecorded"
    activity, occurrences = current(deps)
    assert activity.status is Status.NOT_STARTED
    assert activity.due is not None and activity.due.value == date(2021, 12, 31)
    assert [o.status for o in occurrences][:2] == [Status.DONE, Status.NOT_STARTED]
    assert occurrences[0].closed_at is not None
    update(deps, "update projectgroep risico zaal nog niet geregeld")
    activity, occurrences = current(deps)
    assert activity.status is Status.AT_RISK and occurrences[1].status is Status.AT_RISK
    with deps.uow() as uow:
        log = uow.repo.list_updates(PG)
    assert sorted((u.occurrence, u.new_status) for u in log) == [
        (1, Status.DONE), (2, Status.AT_RISK)]


def test_the_last_occurrence_closed_closes_the_activity(deps) -> None:  # type: ignore[no-untyped-def]
    oploop = ActivityId("rec", "oploop")
    update(deps, "update oploop vervallen geen animo")
    activity, occurrences = current(deps, oploop)
    assert activity.status is Status.CANCELLED
    assert [o.status for o in occurrences] == [Status.CANCELLED]


def test_reimport_keeps_closed_occurrences_and_the_current_one(deps) -> None:  # type: ignore[no-untyped-def]
    update(deps, "update projectgroep gereed")
    save(deps, FILE)
    activity, occurrences = current(deps)
    assert activity.due is not None and activity.due.value == date(2021, 12, 31)
    assert occurrences[0].status is Status.DONE
    # the plan changes: until moves earlier; the closed occurrence stays, later open ones go
    save(deps, FILE.replace('recurs: "2x per jaar"', 'recurs: "2x per jaar"\n    until: "2021-12-31"'))
    activity, occurrences = current(deps)
    assert [(o.number, o.status) for o in occurrences] == [
        (1, Status.DONE), (2, Status.NOT_STARTED)]


def test_a_deadline_moved_in_slack_survives_a_reimport(deps) -> None:  # type: ignore[no-untyped-def]
    update(deps, "update projectgroep gereed")
    result = commands.execute(deps, grammar.parse("verplaats projectgroep 2022-01-20 zaal bezet"),
                              Actor(user_id=ADMIN))
    assert type(result).__name__ == "UpdateRecorded", result
    save(deps, FILE)
    activity, occurrences = current(deps)
    assert activity.due is not None and activity.due.value == date(2022, 1, 20)
    assert occurrences[1].due.value == date(2022, 1, 20)


def test_export_round_trips_recurs_until_and_the_occurrence_log(deps, settings_for, tmp_path) -> None:  # type: ignore[no-untyped-def]
    update(deps, "update projectgroep gereed")
    update(deps, "update projectgroep op-schema")
    with deps.uow() as uow:
        exported = uow.repo.load_programme("rec")
    assert exported is not None
    text = dump_yaml([exported])
    assert 'recurs: 2x per jaar' in text and "until: december 2021" in text
    assert "occurrence: 1" in text and "occurrence: 2" in text
    pg = next(a for a in exported.activities if a.key == "projectgroep")
    assert pg.due is not None and pg.due.value == date(2021, 6, 30)  # the first, not the current
    # into an empty database: the same occurrences, closed where the log closed them
    from bot.app import build_runtime

    other = build_runtime(settings_for(f"sqlite:///{tmp_path / 'other.db'}"))
    try:
        save(other.deps, dump_json([exported]))
        activity, occurrences = current(other.deps)
        assert [o.status for o in occurrences] == [
            Status.DONE, Status.ON_TRACK, Status.NOT_STARTED, Status.NOT_STARTED]
        assert activity.due is not None and activity.due.value == date(2021, 12, 31)
        assert activity.status is Status.ON_TRACK
        with other.deps.uow() as uow:
            again = uow.repo.load_programme("rec")
        assert again is not None and dump_yaml([again]) == text
    finally:
        other.engine.dispose()


def test_occurrence_rows_and_log_rows_reference_each_other(deps, runtime) -> None:  # type: ignore[no-untyped-def]
    update(deps, "update projectgroep gereed")
    with runtime.engine.connect() as conn:
        numbers = conn.scalars(select(OccurrenceRow.number).order_by(OccurrenceRow.number)).all()
        logged = conn.scalars(select(StatusUpdateRow.occurrence)).all()
    assert numbers == [1, 1, 2, 3, 4]  # oploop's one, projectgroep's four
    assert logged == [1]


@pytest.mark.parametrize(("snippet", "line", "fragment"), [
    ('recurs: "5x per jaar"', 10, "cannot be spread evenly"),
    ('recurs: "soms"', 10, "not a recurrence"),
    ('recurs: "FREQ=HOURLY"', 10, "FREQ must be"),
    ('recurs: "2x per jaar"\n    until: "ooit"', 11, "until"),
    ('recurs: "2x per jaar"\n    until: "2020-01-01"', 11, "before the first deadline"),
])
def test_bad_recurrence_is_refused_with_its_line(snippet: str, line: int, fragment: str) -> None:
    text = FILE.replace('recurs: "2x per jaar"', snippet)
    with pytest.raises(ProgrammeFileError) as error:
        read_text(text, "rec.yaml")
    problems = error.value.problems
    assert len(problems) == 1, problems
    assert problems[0].line == line, problems
    assert fragment in problems[0].problem, problems


def test_recurs_without_a_deadline_is_refused() -> None:
    text = FILE.replace('due: "juni 2021"\n    recurs', 'due: null\n    recurs')
    with pytest.raises(ProgrammeFileError) as error:
        read_text(text, "rec.yaml")
    assert error.value.problems[0].line == 10
    assert "needs due" in error.value.problems[0].problem


def test_the_report_counts_the_occurrences_of_its_period(deps) -> None:  # type: ignore[no-untyped-def]
    from bot.domain.periods import parse_period
    from bot.services.report import draft_report
    from bot.services.report_results import ReportReady
    from handlers.render.report_files import render

    update(deps, "update projectgroep gereed de eerste is gehouden")  # juni 2021, held
    result = draft_report(deps, parse_period("2021"), "rec")
    assert isinstance(result, ReportReady), result
    pg = next(a for a in result.report.activities if a.key == "projectgroep")
    assert (pg.occurrences_due, pg.occurrences_held) == (2, 1)  # juni and december 2021
    plain = next(a for a in result.report.activities if a.key == "gewoon")
    assert not plain.recurs
    md = render(result.report, "md", "nl").decode().replace("\\", "")
    assert "1 van 2 gehouden" in md
    assert "1 of 2 held" in render(result.report, "md", "en").decode()
    h1 = draft_report(deps, parse_period("2021-H1"), "rec")
    assert isinstance(h1, ReportReady)
    assert "1 van 1 gehouden" in render(h1.report, "md", "nl").decode().replace("\\", "")


def test_the_workbook_round_trips_recurs_until_and_the_occurrence_of_updates() -> None:
    from datetime import UTC, datetime

    from bot.domain.model import StatusUpdate
    from storage.programme_xlsx import dump_xlsx, read_xlsx_bytes

    [file] = read_text(FILE, "rec.yaml")
    first = replace(file.activities[0], updates=(StatusUpdate(
        datetime(2021, 7, 1, 12, tzinfo=UTC), "U0ADMIN01", Status.NOT_STARTED, Status.DONE,
        "gehouden", occurrence=1),))
    file = replace(file, activities=(first, *file.activities[1:]))
    [back] = read_xlsx_bytes(dump_xlsx([file]))
    assert dump_yaml([back]) == dump_yaml([file])
    assert back.activities[1].extra["until"] == "december 2021"
    assert back.activities[0].updates[0].occurrence == 1


def test_geschiedenis_lists_every_occurrence_even_before_any_update(deps) -> None:  # type: ignore[no-untyped-def]
    from bot.services import results as r
    from handlers.render.messages import compose

    answer = update(deps, "geschiedenis projectgroep")
    assert isinstance(answer, r.HistoryAnswer) and len(answer.occurrences) == 4
    text = "\n".join(compose(answer, "nl").sections)
    assert "Terugkerend (2x per jaar), 4 keer" in text and "Nog geen updates" in text
    assert "1. juni 2021: ⚪ niet gestart ← nu" in text
    english = "\n".join(compose(answer, "en").sections)
    assert "Recurring (2x per jaar), 4 times" in english and "← current" in english
    plain = update(deps, "geschiedenis gewoon")
    assert isinstance(plain, r.HistoryAnswer) and plain.occurrences == ()
    assert "Terugkerend" not in "\n".join(compose(plain, "nl").sections)
