"""Results of the report and indicator use cases (bot/services/report.py); renderers match
on them (handlers/render/report_words.py). Part of bot.services.results.Result."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.model import Indicator, IndicatorValue
from bot.domain.report import Report, ReportIndicator


@dataclass(frozen=True, slots=True)
class ReportProblem:
    """No report: `reason` is "no_programmes", "unknown_programme" or "choose_programme"."""

    reason: str
    programme: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportReady:
    report: Report
    channel: str | None  # where `/actie rapport` uploads it


@dataclass(frozen=True, slots=True)
class BadPeriod:
    text: str


@dataclass(frozen=True, slots=True)
class IndicatorAnswer:
    programme_key: str
    indicator: ReportIndicator


@dataclass(frozen=True, slots=True)
class UnknownIndicator:
    key: str
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BadIndicatorValue:
    indicator: Indicator
    problem: str  # "value" | "breakdown"
    text: str = ""


@dataclass(frozen=True, slots=True)
class IndicatorRecorded:
    programme_key: str
    indicator: ReportIndicator
    value: IndicatorValue
    replaced: bool


@dataclass(frozen=True, slots=True)
class IndicatorList:
    indicators: tuple[tuple[str, ReportIndicator], ...]  # (programme key, indicator)


ReportResult = (
    ReportReady | ReportProblem | BadPeriod | IndicatorAnswer | UnknownIndicator
    | BadIndicatorValue | IndicatorRecorded | IndicatorList
)
