"""Every consumer follows the programme's ``calendar:`` (bot/services/calendars.py): the reminder
sweep, "werkdagen" counts, the first working day of a digest month, the scheduler's triggers.
Real database (SQLite and PostgreSQL), real import, sweeps as of a pinned moment (dry runs)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.slack.reminder_programme import load_programme

AMS = ZoneInfo("Europe/Amsterdam")

TEMPLATE = """\
programme:
  key: {key}
  name: "Programma {key}"
  admin_channel: C0ADM{suffix}
{calendar}
working_groups:
  - key: wg
    name: "Werkgroep {key}"
    channel: C0WG{suffix}
    reminders: {{before_working_days: [1], on_due_day: true, overdue_every_working_days: 0}}
activities:
  - {{key: goede-vrijdag, title: "Deadline op Goede Vrijdag", working_group: wg,
     due: "2026-04-03"}}
  - {{key: bevrijdingsdag, title: "Deadline op Bevrijdingsdag", working_group: wg,
     due: "2026-05-05"}}
  - {{key: na-carnaval, title: "Deadline na carnaval", working_group: wg, due: "2026-02-17"}}
"""


def programme(tmp_path: Path, key: str, suffix: str, calendar: str = "") -> Path:
    path = tmp_path / f"{key}.yaml"
    path.write_text(TEMPLATE.format(key=key, suffix=suffix, calendar=calendar), encoding="utf-8")
    return path


@pytest.fixture
def deps(db_url: str, settings_for: Any) -> Any:
    from bot.app import build_runtime

    runtime = build_runtime(settings_for(db_url))
    yield runtime.deps
    runtime.engine.dispose()


def sweep(deps: Any, day: date) -> Any:
    from bot.services.reminders import sweep_reminders

    return sweep_reminders(deps, datetime(day.year, day.month, day.day, 9, tzinfo=AMS),
                           dry_run=True)


def planned(report: Any) -> set[tuple[str, str]]:
    """What the sweep would post, overdue notices aside (a dry run claims nothing, so an
    earlier deadline's single overdue notice stays current every day after it)."""
    return {(p.activity_id, p.kind) for p in report.plans if not p.kind.startswith("overdue")}


def test_default_calendar_no_reminders_on_bevrijdingsdag_but_on_goede_vrijdag(
        deps: Any, tmp_path: Path) -> None:
    load_programme(deps, programme(tmp_path, "gemeente", "0001"))
    liberation = sweep(deps, date(2026, 5, 5))
    assert not liberation.working_day and liberation.plans == ()
    assert liberation.holiday == "Bevrijdingsdag"
    # The deadline on 5 May is due on Monday 4 May: "due" then, "before-1" on Thursday 30 April
    # (Friday 1 May is a working day: the before-1 notice is on Friday).
    assert planned(sweep(deps, date(2026, 5, 4))) == {("gemeente/bevrijdingsdag", "due")}
    assert planned(sweep(deps, date(2026, 5, 1))) == {("gemeente/bevrijdingsdag", "before-1")}
    good_friday = sweep(deps, date(2026, 4, 3))
    assert good_friday.working_day
    assert planned(good_friday) == {("gemeente/goede-vrijdag", "due")}


def test_wettelijk_closes_goede_vrijdag_and_extra_days_off_are_honoured(
        deps: Any, tmp_path: Path) -> None:
    calendar = ('  calendar: {days_off: wettelijk, extra_days_off: ["2026-02-16", "2026-05-04"]}')
    load_programme(deps, programme(tmp_path, "rijk", "0002", calendar))
    assert not sweep(deps, date(2026, 4, 3)).working_day  # Goede Vrijdag
    assert planned(sweep(deps, date(2026, 4, 2))) == {("rijk/goede-vrijdag", "due")}
    # Carnavalsmaandag 16 February is closed: the 17 February deadline's before-1 is Friday 13.
    assert sweep(deps, date(2026, 2, 16)).plans == ()
    assert planned(sweep(deps, date(2026, 2, 13))) == {("rijk/na-carnaval", "before-1")}
    # 4 and 5 May closed: the 5 May deadline is due on Friday 1 May.
    assert sweep(deps, date(2026, 5, 4)).plans == ()
    assert planned(sweep(deps, date(2026, 5, 1))) == {("rijk/bevrijdingsdag", "due")}


def test_two_programmes_each_on_their_own_calendar(deps: Any, tmp_path: Path) -> None:
    load_programme(deps, programme(tmp_path, "gemeente", "0001"))
    load_programme(deps, programme(tmp_path, "rijk", "0002", "  calendar: {days_off: wettelijk}"))
    good_friday = sweep(deps, date(2026, 4, 3))
    assert planned(good_friday) == {("gemeente/goede-vrijdag", "due")}  # rijk is off
    thursday = sweep(deps, date(2026, 4, 2))
    assert planned(thursday) == {("gemeente/goede-vrijdag", "before-1"),
                                 ("rijk/goede-vrijdag", "due")}


def test_werkdagen_counts_and_the_first_working_day_follow_the_programme(
        deps: Any, tmp_path: Path) -> None:
    from dataclasses import replace

    from bot.domain import grammar
    from bot.scheduler import FirstWorkingDayTrigger, WorkingDayTrigger
    from bot.services import Actor
    from bot.services.calendars import AnyProgrammeCalendar
    from bot.services.commands import execute
    from bot.services.reminders import PinnedClock

    calendar = '  calendar: {days_off: cao-gemeenten, extra_days_off: ["2026-06-01"]}'
    load_programme(deps, programme(tmp_path, "gemeente", "0001", calendar))
    pinned = replace(deps, clock=PinnedClock(datetime(2026, 3, 30, 9, tzinfo=AMS)))
    answer = execute(pinned, grammar.When("goede-vrijdag"), Actor.console())
    # Monday 30 March -> Friday 3 April 2026: 4 working days (Goede Vrijdag counts).
    assert answer.working_days == 4  # type: ignore[union-attr]
    answer = execute(pinned, grammar.When("Deadline op Bevrijdingsdag"), Actor.console())
    # (30 March, 5 May]: 26 weekdays minus Tweede Paasdag, Koningsdag and Bevrijdingsdag.
    assert answer.working_days == 23  # type: ignore[union-attr]

    union = AnyProgrammeCalendar.of(deps)
    assert union.first_working_day_of_month(2026, 6) == date(2026, 6, 2)  # 1 June closed
    trigger = FirstWorkingDayTrigger(union, "Europe/Amsterdam")
    fire = trigger.get_next_fire_time(None, datetime(2026, 5, 20, tzinfo=AMS))
    assert fire == datetime(2026, 6, 2, 9, tzinfo=AMS)
    daily = WorkingDayTrigger(union, "Europe/Amsterdam")
    assert daily.get_next_fire_time(None, datetime(2026, 5, 4, 10, tzinfo=AMS)) == \
        datetime(2026, 5, 6, 9, tzinfo=AMS)  # not on Bevrijdingsdag
    assert daily.get_next_fire_time(None, datetime(2026, 4, 2, 10, tzinfo=AMS)) == \
        datetime(2026, 4, 3, 9, tzinfo=AMS)  # on Goede Vrijdag


def test_the_digest_goes_out_on_each_programme_s_first_working_day(
        deps: Any, tmp_path: Path) -> None:
    from dataclasses import replace

    from bot.services.digests import post_digests
    from bot.services.reminders import PinnedClock

    load_programme(deps, programme(tmp_path, "gemeente", "0001"))
    load_programme(deps, programme(tmp_path, "rijk", "0002",
                                   '  calendar: {extra_days_off: ["2026-06-01"]}'))

    def scopes(day: date) -> set[str]:
        pinned = replace(deps, clock=PinnedClock(datetime(day.year, day.month, day.day, 9,
                                                          tzinfo=AMS)))
        report = post_digests(pinned, day, dry_run=True, only_first_working_day=True)
        return {p.scope for p in report.plans}

    assert scopes(date(2026, 6, 1)) == {"gemeente", "gemeente/wg"}
    assert scopes(date(2026, 6, 2)) == {"rijk", "rijk/wg"}


def test_the_calendar_round_trips_through_the_file_and_bad_ones_are_refused(
        tmp_path: Path) -> None:
    from storage.programme_file import ProgrammeFileError, dump_yaml, read_text

    text = TEMPLATE.format(key="p", suffix="0003", calendar=(
        "  calendar: {days_off: Rijksoverheid, extra_days_off: [2022-02-28, \"2022-03-01\"]}"))
    files = read_text(text, "p.yaml")
    assert files[0].programme.extra["calendar"] == {
        "days_off": "rijksoverheid", "extra_days_off": ["2022-02-28", "2022-03-01"]}
    assert read_text(dump_yaml(files), "again.yaml") == files
    bad = TEMPLATE.format(key="p", suffix="0003", calendar="  calendar: {days_off: cao-rijk}")
    with pytest.raises(ProgrammeFileError) as raised:
        read_text(bad, "bad.yaml")
    assert "unknown preset 'cao-rijk'" in str(raised.value)
    assert "bad.yaml:5" in str(raised.value)
