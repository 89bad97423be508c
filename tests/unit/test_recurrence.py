"""`recurs:` phrases and RRULEs -> occurrence deadlines (bot/domain/recurrence.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.dates import parse_due
from bot.domain.model import Precision, Status
from bot.domain.recurrence import (
    InvalidRecurrence,
    current_index,
    occurrence_dues,
    parse_recurs,
    parse_until,
    programme_end,
)


@pytest.mark.parametrize(("text", "rule", "up_to"), [
    ("2x per jaar", "FREQ=MONTHLY;INTERVAL=6", None),
    ("tweemaal per jaar", "FREQ=MONTHLY;INTERVAL=6", None),
    ("twice a year", "FREQ=MONTHLY;INTERVAL=6", None),
    ("elk kwartaal", "FREQ=MONTHLY;INTERVAL=3", None),
    ("every quarter", "FREQ=MONTHLY;INTERVAL=3", None),
    ("vier keer per jaar", "FREQ=MONTHLY;INTERVAL=3", None),
    ("four times a year", "FREQ=MONTHLY;INTERVAL=3", None),
    ("driemaal per jaar", "FREQ=MONTHLY;INTERVAL=4", None),
    ("three times a year", "FREQ=MONTHLY;INTERVAL=4", None),
    ("maandelijks", "FREQ=MONTHLY", None),
    ("Monthly", "FREQ=MONTHLY", None),
    ("jaarlijks", "FREQ=YEARLY", None),
    ("1-2x per jaar", "FREQ=YEARLY", 2),
    ("1 tot 2 keer per jaar", "FREQ=YEARLY", 2),
    ("1-2 times a year", "FREQ=YEARLY", 2),
    ("FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU", None),
    ("RRULE:freq=monthly;interval=2", "FREQ=MONTHLY;INTERVAL=2", None),
])
def test_phrases_read_as_rules(text: str, rule: str, up_to: int | None) -> None:
    recurrence = parse_recurs(text)
    assert (recurrence.rule, recurrence.up_to) == (rule, up_to)


@pytest.mark.parametrize(("text", "fragment"), [
    ("5x per jaar", "spread evenly"),
    ("soms", "not a recurrence"),
    ("", "expected text"),
    ("3-1x per jaar", "runs backwards"),
    ("FREQ=HOURLY", "FREQ must be"),
    ("FREQ=BOGUS", "not a valid RRULE"),
    ("FREQ=WEEKLY;UNTIL=20210101", "leave DTSTART, UNTIL and COUNT out"),
    ("FREQ=WEEKLY;COUNT=3", "leave DTSTART, UNTIL and COUNT out"),
])
def test_bad_phrases_are_refused_with_a_reason(text: str, fragment: str) -> None:
    with pytest.raises(InvalidRecurrence) as error:
        parse_recurs(text)
    assert fragment in error.value.reason


def test_a_month_recurs_as_months_up_to_until() -> None:
    dues = occurrence_dues(parse_due("juni 2021"), parse_recurs("2x per jaar"), date(2022, 12, 31))
    assert [(d.value, d.precision) for d in dues] == [
        (date(2021, 6, 30), Precision.MONTH), (date(2021, 12, 31), Precision.MONTH),
        (date(2022, 6, 30), Precision.MONTH), (date(2022, 12, 31), Precision.MONTH)]


def test_the_last_day_of_a_month_stays_the_last_day() -> None:
    dues = occurrence_dues(parse_due("2021-01-31"), parse_recurs("maandelijks"), date(2021, 4, 30))
    assert [d.value for d in dues] == [date(2021, 1, 31), date(2021, 2, 28), date(2021, 3, 31),
                                       date(2021, 4, 30)]
    yearly = occurrence_dues(parse_due("2021-05-31"), parse_recurs("jaarlijks"), date(2023, 12, 31))
    assert [d.value for d in yearly] == [date(2021, 5, 31), date(2022, 5, 31), date(2023, 5, 31)]


def test_quarters_recur_as_quarters() -> None:
    dues = occurrence_dues(parse_due("Q1 2021"), parse_recurs("elk kwartaal"), date(2021, 12, 31))
    assert [(d.value, d.precision) for d in dues] == [
        (date(2021, 3, 31), Precision.QUARTER), (date(2021, 6, 30), Precision.QUARTER),
        (date(2021, 9, 30), Precision.QUARTER), (date(2021, 12, 31), Precision.QUARTER)]


def test_an_rrule_starts_at_due_and_follows_its_days() -> None:
    dues = occurrence_dues(parse_due("2021-03-15"), parse_recurs("FREQ=WEEKLY;BYDAY=TU"),
                           date(2021, 3, 31))
    assert [d.value for d in dues] == [date(2021, 3, 15), date(2021, 3, 16), date(2021, 3, 23),
                                       date(2021, 3, 30)]


def test_senseless_or_endless_rules_are_refused() -> None:
    with pytest.raises(InvalidRecurrence, match="needs a day"):
        occurrence_dues(parse_due("Q3 2021"), parse_recurs("wekelijks"), date(2022, 1, 1))
    with pytest.raises(InvalidRecurrence, match="more than 400"):
        occurrence_dues(parse_due("2021-01-01"), parse_recurs("FREQ=DAILY"), date(2024, 1, 1))
    with pytest.raises(InvalidRecurrence, match="before the first deadline"):
        occurrence_dues(parse_due("juni 2021"), parse_recurs("2x per jaar"), date(2021, 1, 1))
    with pytest.raises(InvalidRecurrence, match="cannot recur"):
        occurrence_dues(parse_due("doorlopend"), parse_recurs("2x per jaar"), date(2021, 1, 1))


def test_until_and_the_programme_end() -> None:
    assert parse_until("december 2024").value == date(2024, 12, 31)
    with pytest.raises(InvalidRecurrence):
        parse_until("doorlopend")
    first = parse_due("juni 2021")
    assert first is not None
    assert programme_end({"period": "2019-2021"}, first) == date(2021, 12, 31)
    assert programme_end({"end": "2022-06-30"}, first) == date(2022, 6, 30)
    assert programme_end({}, first) == date(2021, 12, 31)


def test_the_current_occurrence_is_the_earliest_open_one() -> None:
    assert current_index([Status.DONE, Status.CANCELLED, Status.AT_RISK, Status.NOT_STARTED]) == 2
    assert current_index([Status.DONE, Status.DONE]) is None
