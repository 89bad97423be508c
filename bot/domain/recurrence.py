"""Recurring work: "2x per jaar", "elk kwartaal", an RRULE -> the deadlines of its occurrences.

Pure: no clock, no I/O. The rule is read once (`parse_recurs`) and expanded with
`dateutil.rrule` (`occurrence_dues`); the first occurrence's deadline is the activity's `due:`,
the last falls on or before `until:` (default: the programme's end, `programme_end`). Which
occurrence is the current one is decided here too (`current_index`): the earliest that is not
done or cancelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rruleset, rrulestr

from bot.domain.dates import InvalidDate, parse_due, period_start
from bot.domain.model import DueDate, Precision, Status, fold

MAX_OCCURRENCES = 400  # more than a weekly meeting for seven years: a typo, not a plan
RECURS_KEY = "recurs"  # programme file keys (kept verbatim in the item's extra)
UNTIL_KEY = "until"
EXPECTED_RECURS = ('"2x per jaar", "elk kwartaal", "maandelijks", "vier keer per jaar", '
                   '"1-2x per jaar", "twice a year", or an RRULE such as "FREQ=MONTHLY;INTERVAL=2"')

_NUMBERS = {
    "een": 1, "één": 1, "eén": 1, "one": 1, "once": 1, "eenmaal": 1,
    "twee": 2, "two": 2, "twice": 2, "tweemaal": 2,
    "drie": 3, "three": 3, "thrice": 3, "driemaal": 3,
    "vier": 4, "four": 4, "viermaal": 4,
    "zes": 6, "six": 6, "zesmaal": 6,
    "twaalf": 12, "twelve": 12, "twaalfmaal": 12,
}
# "per jaar" phrases: months between occurrences by number of times a year
_MONTHS_APART = {1: 12, 2: 6, 3: 4, 4: 3, 6: 2, 12: 1}
_NAMED: dict[str, tuple[int, int]] = {  # text -> (dateutil frequency, interval)
    "jaarlijks": (YEARLY, 1), "elk jaar": (YEARLY, 1), "ieder jaar": (YEARLY, 1),
    "yearly": (YEARLY, 1), "annually": (YEARLY, 1), "every year": (YEARLY, 1),
    "halfjaarlijks": (MONTHLY, 6), "elk half jaar": (MONTHLY, 6), "ieder half jaar": (MONTHLY, 6),
    "half-yearly": (MONTHLY, 6), "halfyearly": (MONTHLY, 6), "every six months": (MONTHLY, 6),
    "semiannually": (MONTHLY, 6), "semi-annually": (MONTHLY, 6),
    "elk kwartaal": (MONTHLY, 3), "ieder kwartaal": (MONTHLY, 3), "per kwartaal": (MONTHLY, 3),
    "driemaandelijks": (MONTHLY, 3), "kwartaal": (MONTHLY, 3),
    "quarterly": (MONTHLY, 3), "every quarter": (MONTHLY, 3),
    "tweemaandelijks": (MONTHLY, 2), "elke twee maanden": (MONTHLY, 2),
    "every two months": (MONTHLY, 2), "bimonthly": (MONTHLY, 2),
    "maandelijks": (MONTHLY, 1), "elke maand": (MONTHLY, 1), "iedere maand": (MONTHLY, 1),
    "per maand": (MONTHLY, 1), "monthly": (MONTHLY, 1), "every month": (MONTHLY, 1),
    "wekelijks": (WEEKLY, 1), "elke week": (WEEKLY, 1), "iedere week": (WEEKLY, 1),
    "weekly": (WEEKLY, 1), "every week": (WEEKLY, 1),
    "tweewekelijks": (WEEKLY, 2), "om de week": (WEEKLY, 2), "elke twee weken": (WEEKLY, 2),
    "every two weeks": (WEEKLY, 2), "fortnightly": (WEEKLY, 2), "biweekly": (WEEKLY, 2),
}
_FREQ_NAMES = {YEARLY: "YEARLY", MONTHLY: "MONTHLY", WEEKLY: "WEEKLY", DAILY: "DAILY"}
_TIMES = r"(?:x|keer|maal|times|time)"
_PER = r"(?:per|a|an|in\s+het|in\s+a|each|every|per\s+het)"
_YEAR = r"(?:jaar|year|jr)"
_NUMBER = r"(\d+|[a-zé]+)"
_RE_TIMES = re.compile(
    rf"^{_NUMBER}(?:\s*(?:-|tot|to|à|a|of|or)\s*{_NUMBER})?\s*{_TIMES}?\s*{_PER}\s+{_YEAR}$")
_RE_MAAL = re.compile(rf"^([a-z]+maal|twice|thrice|once)(?:\s*(?:-|tot|to|of|or)\s*{_NUMBER}"
                      rf"\s*{_TIMES}?)?\s*{_PER}\s+{_YEAR}$")


class InvalidRecurrence(ValueError):
    """A `recurs:` or `until:` that cannot be read, with the reason."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"cannot read {text[:60]!r}: {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A rule read from `recurs:`. `rule` is the RRULE text without DTSTART/UNTIL (the first
    deadline and the end come from `due:` and `until:`); `up_to` keeps what the rule leaves out:
    the upper bound of "1-2x per jaar" (the lower bound is the rule). `explicit`: given as an
    RRULE by the file."""

    text: str
    rule: str
    up_to: int | None = None  # times a year at most, when a range was given
    explicit: bool = False

    @property
    def per_year(self) -> float | None:
        """How many times a year, for the plain rules (None for an RRULE with BY… parts)."""
        parts = dict(p.split("=", 1) for p in self.rule.split(";"))
        if set(parts) - {"FREQ", "INTERVAL"}:
            return None
        interval = int(parts.get("INTERVAL", "1"))
        per = {"YEARLY": 1, "MONTHLY": 12, "WEEKLY": 52, "DAILY": 365}.get(parts["FREQ"])
        return None if per is None else per / interval


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of a recurring activity: its number (1-based), deadline and status."""

    number: int
    due: DueDate
    status: Status = Status.NOT_STARTED
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return not self.status.is_closed


def _number(word: str | None) -> int | None:
    if word is None:
        return None
    if word.isdigit():
        return int(word)
    word = word.removesuffix("maal") if word not in _NUMBERS else word
    return _NUMBERS.get(word) or _NUMBERS.get(word + "maal")


def parse_recurs(value: object) -> Recurrence:
    """A `recurs:` value: a Dutch or English phrase or an RRULE. Raises InvalidRecurrence."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecurrence(str(value), f"expected text such as {EXPECTED_RECURS}")
    text = value.strip()
    if text.upper().startswith(("FREQ=", "RRULE:")):
        return _explicit(text)
    folded = fold(text).replace("×", "x").rstrip(".")
    folded = re.sub(r"(\d)\s*x\b", r"\1 x", folded)
    if folded in _NAMED:
        freq, interval = _NAMED[folded]
        return Recurrence(text, _rule(freq, interval))
    match = _RE_TIMES.match(folded) or _RE_MAAL.match(folded)
    if match is None:
        raise InvalidRecurrence(text, f"not a recurrence; expected {EXPECTED_RECURS}")
    low, high = _number(match.group(1)), _number(match.group(2))
    if low is None or (match.group(2) is not None and high is None):
        raise InvalidRecurrence(text, f"not a number of times; expected {EXPECTED_RECURS}")
    if high is not None and high < low:
        raise InvalidRecurrence(text, "the range runs backwards (write the lower bound first)")
    if low not in _MONTHS_APART:
        raise InvalidRecurrence(
            text, f"{low}x per jaar cannot be spread evenly over the months; use 1, 2, 3, 4, 6 "
                  "or 12 times a year, or give an RRULE (FREQ=…)")
    up_to = high if high is not None and high != low else None
    months = _MONTHS_APART[low]
    return Recurrence(text, _rule(YEARLY, 1) if months == 12 else _rule(MONTHLY, months), up_to)


def _rule(freq: int, interval: int) -> str:
    name = _FREQ_NAMES[freq]
    return f"FREQ={name}" if interval == 1 else f"FREQ={name};INTERVAL={interval}"


def _explicit(text: str) -> Recurrence:
    body = text.split(":", 1)[1] if text.upper().startswith("RRULE:") else text
    parts = [p.strip() for p in body.strip().rstrip(";").split(";") if p.strip()]
    if any(p.upper().startswith(("DTSTART", "UNTIL=", "COUNT=")) for p in parts):
        raise InvalidRecurrence(text, "leave DTSTART, UNTIL and COUNT out: the first deadline "
                                      "is `due:` and the end is `until:`")
    rule = ";".join(p.upper() for p in parts)
    try:
        rrulestr(rule, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError) as error:
        raise InvalidRecurrence(text, f"not a valid RRULE ({str(error)[:80]})") from None
    if not rule.startswith("FREQ=") or rule.split(";")[0] not in {
            f"FREQ={n}" for n in _FREQ_NAMES.values()}:
        raise InvalidRecurrence(text, "FREQ must be YEARLY, MONTHLY, WEEKLY or DAILY")
    return Recurrence(text, rule, explicit=True)


def parse_until(value: object) -> DueDate:
    """An `until:` value: a Dutch date as `due:` accepts ("december 2024", "2024-12-31")."""
    try:
        due = parse_due(value)  # type: ignore[arg-type]
    except InvalidDate as error:
        raise InvalidRecurrence(str(value), error.reason) from None
    if due is None or due.precision is Precision.ONGOING:
        raise InvalidRecurrence(str(value), "until needs a date such as 'december 2024'")
    return due


def programme_end(extra: Mapping[str, Any], first: DueDate) -> date:
    """The programme's end, for a rule without `until:`: the programme's `end:` or the end of
    its `period:` ("2019-2021"); without either, the end of the first deadline's year (an
    actieagenda is made per year)."""
    for key in ("end", "period"):
        value = extra.get(key)
        if value is None:
            continue
        try:
            due = parse_due(value)
        except InvalidDate:
            continue
        if due is not None and due.precision is not Precision.ONGOING:
            return due.value
    return date(first.value.year, 12, 31)


def occurrence_dues(first: DueDate, recurrence: Recurrence, until: date) -> tuple[DueDate, ...]:
    """The deadlines of every occurrence: the first is `first`, the last on or before `until`.

    A deadline given as a month, quarter or half year recurs as the same kind of period (each
    occurrence due at the end of its period); a day recurs on the same day of the month (the
    last day stays the last day). Raises InvalidRecurrence when the rule makes no sense for
    the deadline (a weekly rule on "Q3 2021") or yields too many occurrences."""
    if first.precision is Precision.ONGOING:
        raise InvalidRecurrence(recurrence.text, "a 'doorlopend' activity cannot recur")
    freq = recurrence.rule.split(";")[0].removeprefix("FREQ=")
    if first.precision is Precision.DAY:
        start = first.value
        rule = recurrence.rule
        if freq in ("MONTHLY", "YEARLY") and not recurrence.explicit and _last_of_month(start):
            # "31 januari, maandelijks" -> the last day of each month (of that month, yearly)
            rule += (f";BYMONTH={start.month}" if freq == "YEARLY" else "") + ";BYMONTHDAY=-1"
        return _expand(rule, start, until, recurrence, lambda d: DueDate(d, Precision.DAY))
    if freq in ("WEEKLY", "DAILY") or recurrence.explicit:
        raise InvalidRecurrence(recurrence.text, "a weekly or explicit rule needs a day as "
                                                 "its first deadline (due: 2021-03-15)")
    start = period_start(DueDate(first.value, Precision.MONTH))
    months = recurrence.per_year
    precision = first.precision
    span = {Precision.MONTH: 1, Precision.QUARTER: 3, Precision.HALF: 6, Precision.SEASON: 3,
            Precision.YEAR: 12}[precision]
    if months is not None and 12 / months < span:
        precision = Precision.MONTH  # "elk kwartaal" from "2021": each quarter's last month
    return _expand(recurrence.rule, start, until, recurrence,
                   lambda d: DueDate(_month_end(d), precision))


def _last_of_month(day: date) -> bool:
    return _month_end(day) == day


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _expand(rule: str, start: date, until: date, recurrence: Recurrence,
            make: Callable[[date], DueDate]) -> tuple[DueDate, ...]:
    """`make(start)` first (the file's `due:`), then each later moment of the rule whose
    deadline falls on or before `until`."""
    first = make(start)
    if until < first.value:
        raise InvalidRecurrence(recurrence.text, f"until ({until.isoformat()}) is before the "
                                                 "first deadline")
    begin = datetime.combine(start, time(0, 0))
    expanded: rrule | rruleset = rrulestr(rule, dtstart=begin)
    dues = [first]
    for moment in expanded.xafter(begin, inc=False):
        due = make(moment.date())
        if due.value > until:
            break
        if due.value > dues[-1].value:
            dues.append(due)
        if len(dues) > MAX_OCCURRENCES:
            raise InvalidRecurrence(recurrence.text, f"more than {MAX_OCCURRENCES} occurrences "
                                                     "before until; is the rule right?")
    return tuple(dues)


def planned_dues(due: DueDate | None, extra: Mapping[str, Any],
                 programme_extra: Mapping[str, Any]) -> tuple[DueDate, ...]:
    """Every occurrence's deadline of an activity or milestone as its file plans it (its
    `recurs:` and `until:` in `extra`); () when it does not recur. Values the file reader
    refused never get here."""
    text = extra.get(RECURS_KEY)
    if text is None or due is None:
        return ()
    until_text = extra.get(UNTIL_KEY)
    until = (parse_until(until_text).value if until_text is not None
             else programme_end(programme_extra, due))
    return occurrence_dues(due, parse_recurs(text), until)


def current_index(statuses: Sequence[Status]) -> int | None:
    """The current occurrence: the earliest that is neither done nor cancelled (None: all
    closed)."""
    for index, status in enumerate(statuses):
        if not status.is_closed:
            return index
    return None
