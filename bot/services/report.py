"""Use cases of the council progress report and the indicators.

* :func:`draft_report` -- gathers a programme in one read-only unit of work (a fixed number of
  queries: activities with owners and milestones, goals, groups, the period's updates, the
  light status log, indicators and their values) and hands it to the pure
  ``bot.domain.report.build_report``. Used by ``actiebot report`` and ``/actie rapport``.
* :func:`show_indicator` / :func:`record_indicator` -- ``/actie indicator <key> [<period>
  <value> [<breakdown>]]``. Recording follows the rule for updates (bot/services/permissions.py)
  and the privacy guard.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.domain.grammar import IndicatorCmd, Report
from bot.domain.model import Indicator, IndicatorValue, Programme, fold
from bot.domain.periods import InvalidPeriod, Period, last_full_half_year, parse_period
from bot.domain.ports import Repository
from bot.domain.report import (
    LoggedUpdate,
    ReportData,
    build_indicator,
    build_report,
    statuses_at,
)
from bot.services import permissions
from bot.services.deps import Actor, Deps
from bot.services.privacy import refuse_personal_data
from bot.services.report_results import (
    BadIndicatorValue,
    BadPeriod,
    IndicatorAnswer,
    IndicatorList,
    IndicatorRecorded,
    ReportProblem,
    ReportReady,
    ReportResult,
    UnknownIndicator,
)
from bot.services.results import Refused

MAX_VALUE = 1e12


# -- the report -----------------------------------------------------------------------------

def default_period(deps: Deps) -> Period:
    """The last full half-year before today."""
    return last_full_half_year(deps.today())


def period_from(text: str | None, deps: Deps) -> Period | BadPeriod:
    if not text:
        return default_period(deps)
    try:
        return parse_period(text)
    except InvalidPeriod:
        return BadPeriod(text)


def _choose_programme(
    repo: Repository, programme_key: str | None, channel_id: str | None,
) -> Programme | ReportProblem:
    programmes = repo.list_programmes()
    if not programmes:
        return ReportProblem("no_programmes")
    if programme_key:
        found = next((p for p in programmes if p.key == programme_key), None)
        if found is None:
            return ReportProblem("unknown_programme", programme_key,
                                 tuple(p.key for p in programmes))
        return found
    if len(programmes) == 1:
        return programmes[0]
    if channel_id:
        keys = {p for p, _ in repo.find_groups_by_channel(channel_id)}
        keys |= {p.key for p in programmes if p.admin_channel == channel_id}
        if len(keys) == 1:
            return next(p for p in programmes if p.key in keys)
    return ReportProblem("choose_programme", None, tuple(p.key for p in programmes))


def draft_report(
    deps: Deps, period: Period, programme_key: str | None = None,
    channel_id: str | None = None,
) -> ReportReady | ReportProblem:
    """The report of `period` (see the module docstring); read-only."""
    with deps.uow() as uow:
        repo = uow.repo
        chosen = _choose_programme(repo, programme_key, channel_id)
        if isinstance(chosen, ReportProblem):
            return chosen
        key = chosen.key
        zone = ZoneInfo(chosen.timezone)
        start = datetime.combine(period.start, time(0), tzinfo=zone)
        end = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=zone)
        activities = tuple(repo.list_activities(programme_key=key))
        updates = repo.list_updates_between(key, start, end)
        changes = repo.list_status_changes(key)
        data = ReportData(
            programme=chosen,
            goals=tuple(repo.list_goals(key)),
            groups=tuple(g for _, g in repo.list_groups(key)),
            activities=activities,
            updates=tuple(LoggedUpdate(a, _day(u.at, zone), u) for a, u in updates),
            status_at_end=statuses_at(
                ((a, _day(at, zone), old, new) for a, at, old, new in changes), period.end,
                {a.key: a.status for a in activities}),
            indicators=tuple(i for _, i in repo.list_indicators(key)),
            indicator_values=tuple(repo.list_indicator_values(key)),
            occurrences={k: tuple(v) for k, v in repo.list_programme_occurrences(key).items()},
        )
    return ReportReady(build_report(data, period, deps.today()), channel_id)


def report_command(
    deps: Deps, period_text: str | None, programme_key: str | None, actor: Actor,
) -> ReportReady | ReportProblem | BadPeriod:
    period = period_from(period_text, deps)
    if isinstance(period, BadPeriod):
        return period
    return draft_report(deps, period, programme_key, actor.channel_id)


def _day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


# -- indicators -----------------------------------------------------------------------------

def _find_indicator(
    repo: Repository, key: str, actor: Actor,
) -> tuple[str, Indicator] | UnknownIndicator:
    wanted = fold(key)
    everything = repo.list_indicators()
    found = [(p, i) for p, i in everything if fold(i.key) == wanted]
    if not found:
        found = [(p, i) for p, i in everything if fold(i.name) == wanted]
    if len(found) > 1 and actor.channel_id:  # the same key in two programmes: the channel's
        local = {p for p, _ in repo.find_groups_by_channel(actor.channel_id)}
        found = [(p, i) for p, i in found if p in local] or found
    if found:
        return found[0]
    names = list(dict.fromkeys(i.key for _, i in everything))
    matches = process.extract(wanted, names, scorer=fuzz.WRatio, score_cutoff=60, limit=3)
    return UnknownIndicator(key, tuple(m[0] for m in matches))


def show_indicator(deps: Deps, key: str, actor: Actor) -> IndicatorAnswer | UnknownIndicator:
    with deps.uow() as uow:
        found = _find_indicator(uow.repo, key, actor)
        if isinstance(found, UnknownIndicator):
            return found
        programme_key, indicator = found
        values = uow.repo.list_indicator_values(programme_key, indicator.key)
    return IndicatorAnswer(programme_key, build_indicator(indicator, values))


def parse_value(text: str) -> float | None:
    """'649', '3.242', '3,5', '18%' -> a number (Dutch: '.' groups thousands, ',' decimals)."""
    raw = text.strip().removesuffix("%").strip()
    if not raw or len(raw) > 20:
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif raw.count(".") >= 1 and all(len(part) == 3 for part in raw.split(".")[1:]):
        raw = raw.replace(".", "")  # 3.242 is three thousand two hundred and forty-two
    try:
        value = float(raw)
    except ValueError:
        return None
    if math.isnan(value) or abs(value) > MAX_VALUE:  # NaN, inf, absurd
        return None
    return value


def record_indicator(
    deps: Deps, key: str, period_text: str, value_text: str, breakdown: str | None,
    actor: Actor,
) -> IndicatorRecorded | UnknownIndicator | BadIndicatorValue | BadPeriod | Refused:
    """Record a value: who may is decided as for updates (bot/services/permissions.py, the
    indicator's `working_group:`), outside any transaction; the privacy guard comes first."""
    refused = refuse_personal_data(breakdown, period_text, value_text)
    if refused is not None:
        return refused
    try:
        period = parse_period(period_text)
    except InvalidPeriod:
        return BadPeriod(period_text)
    number = parse_value(value_text)
    with deps.uow() as uow:
        repo = uow.repo
        found = _find_indicator(repo, key, actor)
        if isinstance(found, UnknownIndicator):
            return found
        programme_key, indicator = found
        if number is None:
            return BadIndicatorValue(indicator, "value", value_text)
        if breakdown:
            named = {fold(b): b for b in indicator.breakdown}
            if fold(breakdown) not in named:
                return BadIndicatorValue(indicator, "breakdown", breakdown)
            breakdown = named[fold(breakdown)]
        group_key = indicator.extra.get("working_group")
        rule = permissions.change_rule(deps, repo, programme_key,
                                       group_key if isinstance(group_key, str) else None)
    refusal = permissions.decide(deps, actor, rule)
    if refusal is not None:
        return refusal
    value = IndicatorValue(
        indicator=indicator.key, period=period.key, value=number, breakdown=breakdown,
        recorded_by=actor.source, recorded_at=deps.now())
    with deps.uow(write=True) as uow:
        replaced = uow.repo.put_indicator_value(programme_key, value)
        uow.commit()
    with deps.uow() as uow:  # read back outside the write transaction
        values = uow.repo.list_indicator_values(programme_key, indicator.key)
    return IndicatorRecorded(programme_key, build_indicator(indicator, values), value, replaced)


def list_indicators(deps: Deps, actor: Actor) -> IndicatorList:
    with deps.uow() as uow:
        repo = uow.repo
        everything = repo.list_indicators()
        values = {p: repo.list_indicator_values(p) for p in dict.fromkeys(p for p, _ in everything)}
    return IndicatorList(tuple((p, build_indicator(i, values[p])) for p, i in everything))


def run_command(deps: Deps, command: Report | IndicatorCmd, actor: Actor) -> ReportResult | Refused:
    """`/actie rapport …` and `/actie indicator …` (called by bot.services.dispatch.execute)."""
    if isinstance(command, Report):
        return report_command(deps, command.period, command.programme, actor)
    if command.key is None:
        return list_indicators(deps, actor)
    if command.period is None:
        return show_indicator(deps, command.key, actor)
    return record_indicator(deps, command.key, command.period, command.value or "",
                            command.breakdown, actor)
