"""The report's charts with matplotlib (Agg, no pyplot state): status per action line (stacked
bars), the deadline timeline of the period and the next, and each indicator's values per period.

Accessible: the Okabe-Ito palette (distinguishable with colour-vision deficiencies), and never
colour alone — every status segment has its own hatch pattern and its count written on it,
deadlines and milestones have different marker shapes, and every value is labelled. Each chart
comes with alt text that says what it shows in words (the numbers themselves).
"""

from __future__ import annotations

import io
import textwrap
from datetime import date, timedelta
from typing import Any

import matplotlib.dates as _mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure

from bot.domain.model import Status
from bot.domain.report import Report, ReportIndicator
from handlers.render.report_blocks import Figure
from handlers.render.report_words import (
    Lang,
    due_text,
    number,
    period_name,
    status_word,
    w,
)

# Okabe & Ito (2008), "Color Universal Design"; with a hatch per status as the second cue.
STATUS_STYLE: dict[Status, tuple[str, str]] = {
    Status.NOT_STARTED: ("#BBBBBB", ""),
    Status.ON_TRACK: ("#009E73", "//"),
    Status.AT_RISK: ("#E69F00", ".."),
    Status.DELAYED: ("#D55E00", "xx"),
    Status.DONE: ("#0072B2", "\\\\"),
    Status.CANCELLED: ("#CC79A7", "--"),
}
mdates: Any = _mdates  # untyped module
BAR_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
MAX_TIMELINE = 24
DPI = 120


def _png(figure: MplFigure) -> bytes:
    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight",
                   metadata={"Software": None})
    return out.getvalue()


def _wrap(text: str, width: int = 28, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1] + "…"
    return "\n".join(wrapped)


def draw_charts(report: Report, lang: Lang) -> list[Figure]:
    figures: list[Figure] = []
    if report.has_activities:
        figures.append(status_chart(report, lang))
        timeline = timeline_chart(report, lang)
        if timeline is not None:
            figures.append(timeline)
    for indicator in report.indicators:
        if indicator.has_values:
            figures.append(indicator_chart(indicator, lang))
    return figures


def status_chart(report: Report, lang: Lang) -> Figure:
    goals = [g for g in report.goals if g.activities]
    labels = [_wrap(g.name or w(lang, "no_goal")) for g in goals]
    figure = MplFigure(figsize=(8, 1.0 + 0.65 * max(len(goals), 1)), layout="constrained")
    axes = figure.add_subplot()
    left = [0] * len(goals)
    for status in Status:
        counts = [g.counts.get(status, 0) for g in goals]
        if not any(counts):
            continue
        colour, hatch = STATUS_STYLE[status]
        bars = axes.barh(labels, counts, left=left, color=colour, hatch=hatch,
                         edgecolor="#222222", linewidth=0.6, label=status_word(status, lang))
        for bar, count in zip(bars, counts, strict=True):
            if count:
                axes.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2,
                          str(count), ha="center", va="center", fontsize=9, color="black",
                          bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                                "edgecolor": "none", "alpha": 0.85})
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel(w(lang, "activities_axis"))
    axes.set_title(f"{w(lang, 'chart_status')} — {period_name(report.cover.period, lang)}")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18 - 0.02 * len(goals)), ncol=3,
                frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    parts = []
    for goal in goals:
        described = ", ".join(f"{n} {status_word(s, lang)}" for s, n in goal.counts.items() if n)
        parts.append(f"{goal.name or w(lang, 'no_goal')}: {described}")
    alt = (w(lang, "chart_status") + f" ({period_name(report.cover.period, lang)}), "
           + ("gestapeld staafdiagram. " if lang != "en" else "stacked bar chart. ")
           + "; ".join(parts) + ".")
    caption = f"{w(lang, 'chart_status')} ({period_name(report.cover.period, lang)})"
    return Figure("status", _png(figure), alt, caption)


def timeline_chart(report: Report, lang: Lang) -> Figure | None:
    period, nxt = report.cover.period, report.cover.next_period
    items: list[tuple[date, str, bool, str]] = []  # day, label, is milestone, due text
    for activity in report.activities:
        if activity.due and period.start <= activity.due.value <= nxt.end:
            items.append((activity.due.value, activity.title, False, due_text(activity.due, lang)))
        for milestone in activity.milestones:
            if (milestone.due and period.start <= milestone.due.value <= nxt.end
                    and milestone.due != activity.due):
                items.append((milestone.due.value, f"{activity.title}: {milestone.title}", True,
                              due_text(milestone.due, lang)))
    if not items:
        return None
    items.sort()
    shown = items[:MAX_TIMELINE]
    figure = MplFigure(figsize=(8, 1.4 + 0.38 * len(shown)), layout="constrained")
    axes = figure.add_subplot()
    ys = list(range(len(shown)))
    for kind, marker, colour in ((False, "s", "#0072B2"), (True, "D", "#E69F00")):
        points = [(mdates.date2num(d), y) for (d, _, m, _), y in zip(shown, ys, strict=True) if m is kind]
        if points:
            axes.scatter([p[0] for p in points], [p[1] for p in points], marker=marker, s=60,
                         color=colour, edgecolor="#222222", zorder=3,
                         label=w(lang, "milestone_marker" if kind else "deadline_marker"))
    axes.set_yticks(ys, [_wrap(label, 60, 1) for _, label, _, _ in shown], fontsize=8)
    axes.invert_yaxis()
    boundary = mdates.date2num(period.end + timedelta(days=1))
    axes.axvline(boundary, color="#222222", linestyle="--", linewidth=1)
    axes.text(boundary, 1.01, " " + period_name(nxt, lang) + " →", fontsize=8, va="bottom",
              transform=axes.get_xaxis_transform())
    margin = max(3, (nxt.end - period.start).days // 40)
    axes.set_xlim(mdates.date2num(period.start - timedelta(days=margin)),
                  mdates.date2num(nxt.end + timedelta(days=margin)))
    axes.xaxis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, 2 if period.days > 200 else 1)))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%m-%Y"))
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    axes.grid(axis="x", color="#dddddd")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, fontsize=8,
                frameon=False)
    title = w(lang, "chart_timeline", period=period_name(period, lang),
              next=period_name(nxt, lang))
    axes.set_title(title, pad=16)
    described = "; ".join(f"{due} {label}" + (f" ({w(lang, 'milestone_marker')})" if m else "")
                          for _, label, m, due in shown)
    more = len(items) - len(shown)
    alt = f"{title}: {described}" + (f"; … +{more}" if more else "") + "."
    return Figure("timeline", _png(figure), alt, title)


def indicator_chart(indicator: ReportIndicator, lang: Lang) -> Figure:
    points = indicator.points
    latest_parts = next((p for p in reversed(points) if p.parts), None)
    with_totals = [p for p in points if p.total is not None]
    panels = (1 if with_totals else 0) + (1 if latest_parts else 0)
    figure = MplFigure(figsize=(8 if panels > 1 else 6, 3.6), layout="constrained")
    index = 1
    if with_totals:
        axes = figure.add_subplot(1, panels, index)
        index += 1
        bars = axes.bar([p.period for p in with_totals], [p.total or 0 for p in with_totals],
                        color=BAR_COLOURS[0], edgecolor="#222222", hatch="//")
        for bar, point in zip(bars, with_totals, strict=True):
            axes.annotate(number(point.total or 0, lang),
                          (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                          ha="center", va="bottom", fontsize=9, xytext=(0, 2),
                          textcoords="offset points")
        axes.set_title(_wrap(f"{w(lang, 'whole_region')}", 40), fontsize=10)
        axes.set_ylabel(indicator.unit or "")
        axes.margins(y=0.15)
        axes.spines[["top", "right"]].set_visible(False)
    if latest_parts:
        axes = figure.add_subplot(1, panels, index)
        names = [n for n, _ in latest_parts.parts]
        values = [v for _, v in latest_parts.parts]
        bars = axes.barh(names, values, color=BAR_COLOURS[1], edgecolor="#222222", hatch="..")
        for bar, value in zip(bars, values, strict=True):
            axes.annotate(number(value, lang), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                          ha="left", va="center", fontsize=8, xytext=(2, 0),
                          textcoords="offset points")
        axes.invert_yaxis()
        axes.set_title(f"{w(lang, 'breakdown')} {latest_parts.period}", fontsize=10)
        axes.margins(x=0.2)
        axes.tick_params(axis="y", labelsize=8)
        axes.spines[["top", "right"]].set_visible(False)
    title = w(lang, "chart_indicator", name=indicator.name)
    figure.suptitle(_wrap(title, 70), fontsize=11)
    described = []
    for point in points:
        text = f"{point.period}: " + (number(point.total, lang) if point.total is not None
                                      else "—")
        if point is latest_parts:
            text += " (" + ", ".join(f"{n} {number(v, lang)}" for n, v in point.parts) + ")"
        described.append(text)
    kind = "staafdiagram" if lang != "en" else "bar chart"
    alt = f"{title}, {kind}. " + "; ".join(described) + "."
    return Figure(f"indicator-{indicator.key}", _png(figure), alt, title)

