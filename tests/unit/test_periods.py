"""Reporting periods: the contract's forms, the next period, the default half-year."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.periods import (
    InvalidPeriod,
    PeriodKind,
    last_full_half_year,
    parse_period,
)


@pytest.mark.parametrize(("text", "start", "end", "kind", "key"), [
    ("2021", date(2021, 1, 1), date(2021, 12, 31), PeriodKind.YEAR, "2021"),
    ("2021-H1", date(2021, 1, 1), date(2021, 6, 30), PeriodKind.HALF, "2021-H1"),
    ("2021-h2", date(2021, 7, 1), date(2021, 12, 31), PeriodKind.HALF, "2021-H2"),
    ("H1 2021", date(2021, 1, 1), date(2021, 6, 30), PeriodKind.HALF, "2021-H1"),
    ("2021-Q3", date(2021, 7, 1), date(2021, 9, 30), PeriodKind.QUARTER, "2021-Q3"),
    ("Q1 2022", date(2022, 1, 1), date(2022, 3, 31), PeriodKind.QUARTER, "2022-Q1"),
    ("2021-03", date(2021, 3, 1), date(2021, 3, 31), PeriodKind.MONTH, "2021-03"),
    ("2020-02", date(2020, 2, 1), date(2020, 2, 29), PeriodKind.MONTH, "2020-02"),
    ("2021-01-01..2021-06-30", date(2021, 1, 1), date(2021, 6, 30), PeriodKind.RANGE,
     "2021-01-01..2021-06-30"),
])
def test_contract_period_forms(text: str, start: date, end: date, kind: PeriodKind,
                               key: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.kind, period.key) == (start, end, kind, key)
    assert parse_period(period.key) == period


@pytest.mark.parametrize("text", [
    "", "volgend jaar", "2021-13", "2021-00", "2021-Q5", "2021-H3", "1789",
    "2021-06-30..2021-01-01", "2021-02-30..2021-03-01", "2021-01-01..", "x" * 200,
])
def test_bad_periods_raise_invalid_period(text: str) -> None:
    with pytest.raises(InvalidPeriod):
        parse_period(text)


@pytest.mark.parametrize(("text", "following"), [
    ("2021-H1", "2021-H2"), ("2021-H2", "2022-H1"), ("2021-Q4", "2022-Q1"),
    ("2021-12", "2022-01"), ("2021", "2022"), ("2021-01-01..2021-01-10", "2021-01-11..2021-01-20"),
])
def test_next_period_is_the_vooruitblik(text: str, following: str) -> None:
    assert parse_period(text).next().key == following
    assert parse_period(following).previous().key == text


@pytest.mark.parametrize(("today", "expected"), [
    (date(2021, 7, 1), "2021-H1"), (date(2021, 6, 30), "2020-H2"), (date(2022, 1, 3), "2021-H2"),
])
def test_default_is_the_last_full_half_year(today: date, expected: str) -> None:
    assert last_full_half_year(today).key == expected
