"""Reporting periods: "2021", "2021-H1", "2021-Q3", "2021-03" or "2021-01-01..2021-06-30".

Used by the council progress report (`actiebot report --period P`, `/actie rapport [P]`) and by
indicator values (`period: "2020"`). A period knows its first and last day, the period that
follows it (the report's *Vooruitblik*) and a canonical key that parses back to itself.
Pure functions: no clock, no I/O; ``InvalidPeriod`` is the only exception raised.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

MIN_YEAR: Final = 1990
MAX_YEAR: Final = 2100
EXPECTED: Final = ("2021", "2021-H1", "2021-Q3", "2021-03", "2021-01-01..2021-06-30")


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    RANGE = "range"


class InvalidPeriod(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(f"{text[:40]!r} is not a period; expected e.g. " + ", ".join(EXPECTED))
        self.text = text[:40]


@dataclass(frozen=True, slots=True, order=True)
class Period:
    start: date
    end: date
    kind: PeriodKind = PeriodKind.RANGE

    @property
    def key(self) -> str:
        """Canonical text: parse_period(p.key) == p."""
        match self.kind:
            case PeriodKind.YEAR:
                return str(self.start.year)
            case PeriodKind.HALF:
                return f"{self.start.year}-H{1 if self.start.month == 1 else 2}"
            case PeriodKind.QUARTER:
                return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
            case PeriodKind.MONTH:
                return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        """The period of the same kind (or length) right after this one."""
        if self.kind is PeriodKind.RANGE:
            start = self.end + timedelta(days=1)
            return Period(start, start + timedelta(days=self.days - 1), PeriodKind.RANGE)
        months = {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3,
                  PeriodKind.MONTH: 1}[self.kind]
        start = self.end + timedelta(days=1)
        return _months(start.year, start.month, months, self.kind)

    def previous(self) -> Period:
        if self.kind is PeriodKind.RANGE:
            end = self.start - timedelta(days=1)
            return Period(end - timedelta(days=self.days - 1), end, PeriodKind.RANGE)
        months = {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3,
                  PeriodKind.MONTH: 1}[self.kind]
        index = self.start.year * 12 + self.start.month - 1 - months
        return _months(index // 12, index % 12 + 1, months, self.kind)


def _months(year: int, month: int, count: int, kind: PeriodKind) -> Period:
    last_index = year * 12 + month - 1 + count - 1
    last_year, last_month = last_index // 12, last_index % 12 + 1
    end = date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    return Period(date(year, month, 1), end, kind)


_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-?(?:H|HJ)([12])$")
_HALF_FIRST = re.compile(r"^(?:H|HJ)([12])[- ]?(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$")
_QUARTER_FIRST = re.compile(r"^Q([1-4])[- ]?(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/)\s*(\d{4}-\d{2}-\d{2})$")


def parse_period(text: str) -> Period:
    """A period from the forms in EXPECTED (case-insensitive; "H1 2021", "Q3 2021" too)."""
    raw = (text or "").strip()
    value = raw.upper()
    try:
        if m := _YEAR.match(value):
            return _months(_year(m[1], raw), 1, 12, PeriodKind.YEAR)
        if m := _HALF.match(value):
            return _months(_year(m[1], raw), 1 if m[2] == "1" else 7, 6, PeriodKind.HALF)
        if m := _HALF_FIRST.match(value):
            return _months(_year(m[2], raw), 1 if m[1] == "1" else 7, 6, PeriodKind.HALF)
        if m := _QUARTER.match(value):
            return _months(_year(m[1], raw), 3 * int(m[2]) - 2, 3, PeriodKind.QUARTER)
        if m := _QUARTER_FIRST.match(value):
            return _months(_year(m[2], raw), 3 * int(m[1]) - 2, 3, PeriodKind.QUARTER)
        if m := _MONTH.match(value):
            month = int(m[2])
            if not 1 <= month <= 12:
                raise InvalidPeriod(raw)
            return _months(_year(m[1], raw), month, 1, PeriodKind.MONTH)
        if m := _RANGE.match(value):
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            _year(str(start.year), raw)
            _year(str(end.year), raw)
            if end < start:
                raise InvalidPeriod(raw)
            return Period(start, end, PeriodKind.RANGE)
    except ValueError as error:
        if isinstance(error, InvalidPeriod):
            raise
        raise InvalidPeriod(raw) from None
    raise InvalidPeriod(raw)


def _year(digits: str, original: str) -> int:
    year = int(digits)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidPeriod(original)
    return year


def half_year_of(day: date) -> Period:
    return _months(day.year, 1 if day.month <= 6 else 7, 6, PeriodKind.HALF)


def last_full_half_year(today: date) -> Period:
    """The most recent half-year that has ended before `today` (the default report period)."""
    return half_year_of(today).previous()
