"""Reminder policy on the Dutch working-day calendar (bot/domain/reminders.py): time tables."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.model import DueDate, Precision, ReminderPolicy
from bot.domain.reminders import current_notice, due_day, lookahead_end, notice_on, schedule
from bot.domain.workdays import WorkCalendar

CAL = WorkCalendar()
DEFAULT = ReminderPolicy()
OCTOBER_2021 = DueDate(date(2021, 10, 31), Precision.MONTH)  # "oktober 2021": a Sunday
AMS = ZoneInfo("Europe/Amsterdam")


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# --------------------------------------------------------------------------- 31 October 2021


def test_october_2021_is_due_on_friday_29_october() -> None:
    assert OCTOBER_2021.value.weekday() == 6  # Sunday
    assert due_day(OCTOBER_2021.value, CAL) == date(2021, 10, 29)


# (day, the notice scheduled that very day, the current notice a sweep that day would send)
OCTOBER_TABLE = [
    (date(2021, 10, 14), None, None),  # Thursday: nothing yet
    (date(2021, 10, 15), "before-10", "before-10"),  # Friday, 10 working days ahead
    (date(2021, 10, 16), None, None),  # Saturday: never a reminder day
    (date(2021, 10, 17), None, None),  # Sunday
    (date(2021, 10, 18), None, "before-10"),  # missed on Friday? caught up once, Monday
    (date(2021, 10, 21), None, "before-10"),
    (date(2021, 10, 22), "before-5", "before-5"),
    (date(2021, 10, 25), None, "before-5"),
    (date(2021, 10, 27), None, "before-5"),
    (date(2021, 10, 28), "before-1", "before-1"),
    (date(2021, 10, 29), "due", "due"),  # the last working day of October: "vandaag"
    (date(2021, 10, 30), None, None),  # Saturday: already late in spirit, but no reminders
    (date(2021, 10, 31), None, None),  # the deadline itself, a Sunday
    (date(2021, 11, 1), "overdue-1", "overdue-1"),  # Monday: 1 working day late
    (date(2021, 11, 2), None, "overdue-1"),
    (date(2021, 11, 5), None, "overdue-1"),
    (date(2021, 11, 8), "overdue-6", "overdue-6"),  # every 5 working days after that
    (date(2021, 11, 12), None, "overdue-6"),
    (date(2021, 11, 15), "overdue-11", "overdue-11"),
    (date(2021, 11, 22), "overdue-16", "overdue-16"),
]


@pytest.mark.parametrize(("today", "exact", "current"), OCTOBER_TABLE)
def test_october_2021_reminder_table(today: date, exact: str | None, current: str | None) -> None:
    found = notice_on(OCTOBER_2021, DEFAULT, today, CAL)
    assert (found.kind if found else None) == exact
    folded = current_notice(OCTOBER_2021, DEFAULT, today, CAL)
    assert (folded.kind if folded else None) == current


def test_october_2021_schedule_lists_working_days_only() -> None:
    assert schedule(OCTOBER_2021, DEFAULT, CAL, date(2021, 11, 16)) == [
        (date(2021, 10, 15), "before-10"),
        (date(2021, 10, 22), "before-5"),
        (date(2021, 10, 28), "before-1"),
        (date(2021, 10, 29), "due"),
        (date(2021, 11, 1), "overdue-1"),
        (date(2021, 11, 8), "overdue-6"),
        (date(2021, 11, 15), "overdue-11"),
    ]


@pytest.mark.parametrize(("today", "left"), [
    (date(2021, 10, 15), 10), (date(2021, 10, 22), 5), (date(2021, 10, 28), 1),
    (date(2021, 10, 29), 0), (date(2021, 11, 1), -1), (date(2021, 11, 8), -6),
])
def test_working_days_left_count_to_the_deadline(today: date, left: int) -> None:
    notice = current_notice(OCTOBER_2021, DEFAULT, today, CAL)
    assert notice is not None and notice.working_days == left


def test_overdue_means_the_calendar_day_passed_not_the_working_day_count() -> None:
    friday = DueDate(date(2021, 10, 29))
    # Saturday after a Friday deadline: 0 working days apart, yet late (and no reminder day).
    assert CAL.working_days_between(date(2021, 10, 30), friday.value) == 0
    assert current_notice(friday, DEFAULT, date(2021, 10, 30), CAL) is None
    monday = current_notice(friday, DEFAULT, date(2021, 11, 1), CAL)
    assert monday is not None and monday.overdue and monday.kind == "overdue-1"
    assert monday.stage == "overdue"
    due = current_notice(friday, DEFAULT, date(2021, 10, 29), CAL)
    assert due is not None and not due.overdue and due.stage == "due"


# --------------------------------------------------------------------------- holidays


def test_koningsdag_2021_is_never_a_reminder_day_and_lead_times_skip_it() -> None:
    april = DueDate(date(2021, 4, 30), Precision.MONTH)  # Friday; Koningsdag Tuesday 27 April
    assert current_notice(april, DEFAULT, date(2021, 4, 27), CAL) is None
    assert schedule(april, DEFAULT, CAL, date(2021, 5, 18)) == [
        (date(2021, 4, 15), "before-10"),
        (date(2021, 4, 22), "before-5"),  # five working days back, skipping 27 April
        (date(2021, 4, 29), "before-1"),
        (date(2021, 4, 30), "due"),
        (date(2021, 5, 3), "overdue-1"),
        (date(2021, 5, 10), "overdue-6"),
        (date(2021, 5, 18), "overdue-11"),  # skips Hemelvaartsdag, Thursday 13 May
    ]
    assert current_notice(april, DEFAULT, date(2021, 5, 13), CAL) is None


@pytest.mark.parametrize(("deadline", "expected"), [
    (date(2021, 5, 13), date(2021, 5, 12)),  # Hemelvaartsdag (Thursday) -> Wednesday
    (date(2021, 12, 25), date(2021, 12, 24)),  # Eerste kerstdag, a Saturday -> Friday
    (date(2021, 12, 27), date(2021, 12, 27)),  # a Monday: itself
    (date(2022, 4, 18), date(2022, 4, 15)),  # Tweede paasdag; Goede Vrijdag is a working day
                                               # under the default cao-gemeenten calendar
    (date(2022, 1, 2), date(2021, 12, 31)),  # a Sunday after Nieuwjaarsdag (a Saturday)
])
def test_a_deadline_on_a_non_working_day_is_due_the_working_day_before(
        deadline: date, expected: date) -> None:
    assert due_day(deadline, CAL) == expected
    notice = notice_on(deadline, DEFAULT, expected, CAL)
    assert notice is not None and notice.kind == "due"


# --------------------------------------------------------------------------- policies


def test_without_a_due_day_notice_before_1_stays_current_until_the_deadline() -> None:
    policy = ReminderPolicy(before_working_days=(3, 1), on_due_day=False)
    assert [k for _, k in schedule(OCTOBER_2021, policy, CAL, date(2021, 11, 1))] == [
        "before-3", "before-1", "overdue-1"]
    on_due_day = current_notice(OCTOBER_2021, policy, date(2021, 10, 29), CAL)
    assert on_due_day is not None and on_due_day.kind == "before-1"  # nothing new


def test_overdue_every_zero_means_one_overdue_notice() -> None:
    policy = ReminderPolicy(overdue_every_working_days=0)
    kinds = [k for _, k in schedule(OCTOBER_2021, policy, CAL, date(2022, 3, 1))]
    assert kinds.count("overdue-1") == 1 and not [k for k in kinds if k.startswith("overdue-")
                                                  and k != "overdue-1"]
    later = current_notice(OCTOBER_2021, policy, date(2022, 2, 1), CAL)
    assert later is not None and later.kind == "overdue-1"  # already sent: nothing new


def test_folding_a_long_outage_sends_only_the_current_notice() -> None:
    # The bot was down from 14 October to 28 October: the sweep that day sends before-1 only;
    # before-10 and before-5 are folded into it and never sent afterwards.
    assert current_notice(OCTOBER_2021, DEFAULT, date(2021, 10, 28), CAL).kind == "before-1"
    sent = {current_notice(OCTOBER_2021, DEFAULT, d, CAL).kind  # type: ignore[union-attr]
            for d in days(date(2021, 10, 28), date(2021, 11, 3)) if CAL.is_working_day(d)}
    assert sent == {"before-1", "due", "overdue-1"}


def test_lookahead_covers_a_sunday_deadline_ten_working_days_ahead() -> None:
    end = lookahead_end(date(2021, 10, 15), [DEFAULT], CAL)
    assert end == date(2021, 10, 31)
    assert lookahead_end(date(2021, 10, 14), [DEFAULT], CAL) == date(2021, 10, 28)


# --------------------------------------------------------------------------- properties

policies = st.builds(
    ReminderPolicy,
    before_working_days=st.lists(st.integers(1, 30), max_size=4, unique=True).map(tuple),
    on_due_day=st.booleans(),
    overdue_every_working_days=st.integers(0, 10),
)
deadlines = st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=150, deadline=None)
@given(deadline=deadlines, policy=policies)
def test_daily_sweeps_send_every_scheduled_notice_once_and_only_on_working_days(
        deadline: date, policy: ReminderPolicy) -> None:
    start = deadline - timedelta(days=60)
    end = deadline + timedelta(days=40)
    sent: list[tuple[date, str]] = []
    for day in days(start, end):
        notice = current_notice(deadline, policy, day, CAL)
        if notice is None:
            assert not CAL.is_working_day(day) or day <= deadline
            continue
        assert CAL.is_working_day(day) and CAL.is_working_day(notice.day)
        assert notice.day <= day
        if (notice.day, notice.kind) not in sent:
            assert notice.day == day  # a daily sweep never catches up: nothing was missed
            sent.append((notice.day, notice.kind))
    expected = [p for p in schedule(deadline, policy, CAL, end) if p[0] >= start]
    assert sent == expected


@settings(max_examples=100, deadline=None)
@given(deadline=deadlines, policy=policies, today=deadlines)
def test_lookahead_end_never_misses_a_pre_due_notice(
        deadline: date, policy: ReminderPolicy, today: date) -> None:
    notice = current_notice(deadline, policy, today, CAL)
    if notice is not None and deadline >= today:
        assert deadline <= lookahead_end(today, [policy], CAL)


# --------------------------------------------------------------------------- the scheduler


def test_sweep_trigger_fires_at_nine_on_working_days_only() -> None:
    from bot.scheduler import WorkingDayTrigger

    trigger = WorkingDayTrigger(CAL, "Europe/Amsterdam")
    friday_ten = datetime(2021, 4, 23, 10, 0, tzinfo=AMS)
    fired = []
    previous = None
    now = friday_ten
    for _ in range(4):
        previous = trigger.get_next_fire_time(previous, now)
        fired.append(previous)
        now = previous
    assert fired == [
        datetime(2021, 4, 26, 9, 0, tzinfo=AMS),  # Monday
        datetime(2021, 4, 28, 9, 0, tzinfo=AMS),  # not Tuesday 27 April: Koningsdag
        datetime(2021, 4, 29, 9, 0, tzinfo=AMS),
        datetime(2021, 4, 30, 9, 0, tzinfo=AMS),
    ]
    before_nine = datetime(2021, 4, 26, 8, 59, tzinfo=AMS)
    assert trigger.get_next_fire_time(None, before_nine) == datetime(2021, 4, 26, 9, 0,
                                                                     tzinfo=AMS)


@pytest.mark.parametrize(("now", "expected"), [
    (datetime(2021, 12, 15, 12, 0, tzinfo=AMS), datetime(2022, 1, 3, 9, 0, tzinfo=AMS)),
    (datetime(2021, 10, 20, 12, 0, tzinfo=AMS), datetime(2021, 11, 1, 9, 0, tzinfo=AMS)),
    (datetime(2021, 11, 1, 8, 0, tzinfo=AMS), datetime(2021, 11, 1, 9, 0, tzinfo=AMS)),
    (datetime(2021, 11, 1, 9, 30, tzinfo=AMS), datetime(2021, 12, 1, 9, 0, tzinfo=AMS)),
    (datetime(2022, 4, 20, 9, 0, tzinfo=AMS), datetime(2022, 5, 2, 9, 0, tzinfo=AMS)),
    (datetime(2021, 3, 31, 23, 0, tzinfo=AMS), datetime(2021, 4, 1, 9, 0, tzinfo=AMS)),
])
def test_digest_trigger_fires_on_the_first_working_day_of_the_month(
        now: datetime, expected: datetime) -> None:
    from bot.scheduler import FirstWorkingDayTrigger

    assert FirstWorkingDayTrigger(CAL, "Europe/Amsterdam").get_next_fire_time(None, now) \
        == expected
