"""The report as a sequence of format-neutral blocks (headings, paragraphs, lists, tables,
figures) in reading order, in Dutch or English. Each format (report_md, report_html,
report_docx, report_odt) only writes these blocks, so every format has the same content and
the same heading levels: 1 the title, 2 the sections, 3 an action line or indicator, 4 a theme,
5 an activity.
"""

from __future__ import annotations

import re

from bot.domain.model import Status
from bot.domain.privacy import hide_slack_people
from bot.domain.report import (
    DueState,
    Report,
    ReportActivity,
    ReportGoal,
    ReportIndicator,
    ReportTheme,
    Reschedule,
)
from handlers.render.report_blocks import (
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Paragraph,
    Run,
    Table,
    given,
)
from handlers.render.report_words import (
    Lang,
    date_text,
    due_state_word,
    due_text,
    number,
    period_name,
    period_span,
    status_word,
    trend_sentence,
    w,
)

_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)(?:\|([^>]*))?>")


def note_text(note: str, lang: Lang) -> str:
    """An update note as report text: Slack markup resolved, people never named by their Slack
    id (a mention becomes "[persoon]"): the report is a public council document."""
    person = "[person]" if lang == "en" else "[persoon]"
    note = hide_slack_people(note, person)
    note = _CHANNEL.sub(lambda m: f"#{m.group(1)}" if m.group(1) else "#", note)
    return _LINK.sub(lambda m: m.group(2) or m.group(1), note)


def _p(text: str, kind: str = "normal") -> Paragraph:
    return Paragraph((Run(text),), kind)


def _item(label: str, text: str) -> tuple[Run, ...]:
    return (Run(f"{label}: ", bold=True), Run(text))


def build_document(
    report: Report, lang: Lang, charts: bool = True, status: str = "concept",
) -> Document:
    cover = report.cover
    label = w(lang, "draft" if status == "concept" else "adopted")
    title = f"{w(lang, 'title')} {cover.programme_name}"
    subtitle = f"{period_name(cover.period, lang)} — {label.lower()}"
    notice = [_p(w(lang, "draft_note"), "draft")] if status == "concept" else []
    blocks: list[Block] = [
        Heading(1, title, (f"{w(lang, 'title')} ", given(cover.programme_name))),
        *notice,
        Heading(2, w(lang, "cover")),
        Table(w(lang, "cover"), (w(lang, "fact"), w(lang, "value")), tuple(
            (label, value) for label, value in (
                (w(lang, "programme"), given(cover.programme_name)),
                (w(lang, "region"), given(cover.region) or "—"),
                (w(lang, "period"),
                 f"{period_name(cover.period, lang)} ({period_span(cover.period, lang)})"),
                (w(lang, "drafted_on"), date_text(cover.drafted_on, lang)),
                (w(lang, "next_period"), period_name(cover.next_period, lang)),
                (w(lang, "status"), label),
            ))),
    ]
    drawn = _charts(report, lang) if charts else {}
    blocks += _overview(report, lang, drawn)
    blocks.append(Heading(2, w(lang, "goals")))
    if not report.goals:
        blocks.append(_p(w(lang, "no_activities")))
    for goal in report.goals:
        blocks += _goal(goal, lang)
    blocks.append(Heading(2, w(lang, "indicators")))
    if not report.indicators:
        blocks.append(_p(w(lang, "no_indicators")))
    for indicator in report.indicators:
        blocks += _indicator(indicator, lang, drawn.get(f"indicator-{indicator.key}"))
    blocks += _outlook(report, lang, drawn.get("timeline"))
    return Document(lang, title, subtitle, tuple(blocks), status)


def _charts(report: Report, lang: Lang) -> dict[str, Figure]:
    # matplotlib is imported when a report is drawn, not when a process starts
    from handlers.render.report_charts import draw_charts

    return {figure.name: figure for figure in draw_charts(report, lang)}


def _overview(report: Report, lang: Lang, drawn: dict[str, Figure]) -> list[Block]:
    o = report.overview
    blocks: list[Block] = [Heading(2, w(lang, "overview"))]
    if not report.has_activities:
        return [*blocks, _p(w(lang, "no_activities"))]
    blocks.append(_p(
        w(lang, "summary_updates", updates=o.updates_in_period,
          activities=o.activities_updated, total=o.total)
        if o.updates_in_period else w(lang, "summary_no_updates", total=o.total)))
    rows = [(status_word(s, lang), str(o.counts.get(s, 0))) for s in Status]
    rows.append((w(lang, "total"), str(o.total)))
    blocks.append(Table(f"{w(lang, 'status')} ({period_name(report.cover.period, lang)})",
                        (w(lang, "status"), w(lang, "count")), tuple(rows), numeric=(1,)))
    blocks.append(Table(w(lang, "deadline_kind"), (w(lang, "deadline_kind"), w(lang, "count")), (
        (w(lang, "on_time"), str(o.on_time)),
        (w(lang, "late"), str(o.late)),
        (w(lang, "moved"), str(o.moved)),
        (w(lang, "no_deadline"), str(o.no_deadline)),
    ), numeric=(1,)))
    if "status" in drawn:
        blocks.append(drawn["status"])
    if report.late:
        blocks.append(Paragraph((Run(w(lang, "late_list"), bold=True),), "label"))
        blocks.append(Bullets(tuple(
            (Run(given(a.title)), Run(f" — {w(lang, 'deadline').lower()} {due_text(a.due, lang)}, "
                               f"{status_word(a.status, lang)}"))
            for a in report.late)))
    return blocks


def _goal(goal: ReportGoal, lang: Lang) -> list[Block]:
    blocks: list[Block] = [Heading(3, given(goal.name) or w(lang, "no_goal"))]
    counts = ", ".join(f"{status_word(s, lang)}: {n}" for s, n in goal.counts.items() if n)
    if counts:
        blocks.append(_p(counts))
    for theme in goal.themes:
        blocks += _theme(theme, lang)
    return blocks


def _theme(theme: ReportTheme, lang: Lang) -> list[Block]:
    blocks: list[Block] = [Heading(4, given(theme.name) or w(lang, "no_theme"))]
    for activity in theme.activities:
        blocks += _activity(activity, lang)
    blocks.append(Paragraph((Run(w(lang, "remaining"), bold=True),), "label"))
    if theme.remaining:
        blocks.append(Bullets(tuple(
            (Run(given(a.title)), Run(f" ({w(lang, 'deadline').lower()}: {due_text(a.due, lang)})"))
            for a in theme.remaining)))
    else:
        blocks.append(_p(w(lang, "nothing_remaining")))
    return blocks


def _activity(a: ReportActivity, lang: Lang) -> list[Block]:
    facts: list[tuple[Run, ...]] = []
    if a.result:
        facts.append(_item(w(lang, "result"), given(a.result)))
    if a.owners:
        facts.append(_item(w(lang, "owners"), given(", ".join(a.owners))))
    if a.group:
        facts.append(_item(w(lang, "group"), given(a.group)))
    facts.append(_item(w(lang, "status"), status_word(a.status, lang)))
    if a.recurs:  # recurring work: its occurrences due in the period
        facts.append(_item(w(lang, "occurrences"),
                           w(lang, "held", held=a.occurrences_held, due=a.occurrences_due)))
    state = due_state_word(a.due_state, lang)
    deadline = due_text(a.due, lang) if a.due else w(lang, "no_deadline").lower()
    if a.due and a.due_state in (DueState.ON_TIME, DueState.LATE):
        deadline += f" ({state})"
    if a.moved:
        deadline += f" — {w(lang, 'moved').lower()}"
    facts.append(_item(w(lang, "deadline"), deadline))
    blocks: list[Block] = [Heading(5, given(a.title)), Bullets(tuple(facts)),
                           Paragraph((Run(w(lang, "done_in_period"), bold=True),), "label")]
    if a.updates:
        items = []
        for u in a.updates:
            change = status_word(u.new_status, lang)
            if u.old_status and u.old_status != u.new_status:
                change = f"{status_word(u.old_status, lang)} → {change}"
            day = date_text(u.on, lang)
            items.append((*((Run(f"{day} · ", bold=True), Run(given(u.group), bold=True),
                             Run(" ", bold=True)) if u.group else (Run(f"{day} ", bold=True),)),
                          Run(f"({change})"),
                          *((Run(": "), Run(given(note_text(u.note, lang)))) if u.note else ())))
        blocks.append(Bullets(tuple(items)))
    else:
        blocks.append(_p(w(lang, "no_updates")))
    if a.reschedules:
        blocks.append(Paragraph((Run(w(lang, "moves"), bold=True),), "label"))
        blocks.append(Bullets(tuple(_move(m, lang) for m in a.reschedules)))
    if a.milestones:
        blocks.append(Paragraph((Run(w(lang, "milestones"), bold=True),), "label"))
        blocks.append(Bullets(tuple(
            (Run(given(m.title)), Run(f" — {due_text(m.due, lang)}"
                               + (f" ({_when(m.in_period, m.in_next, m.passed, lang)})"
                                  if m.due else "")))
            for m in a.milestones)))
    return blocks


def _when(in_period: bool, in_next: bool, passed: bool, lang: Lang) -> str:
    if in_period:
        return w(lang, "in_period")
    if in_next:
        return w(lang, "in_next")
    return w(lang, "passed") if passed else w(lang, "later")


def _move(m: Reschedule, lang: Lang) -> tuple[Run, ...]:
    old = due_text(m.old_due, lang)
    change = (w(lang, "moved_to", old=old, new=due_text(m.new_due, lang)) if m.new_due
              else w(lang, "moved_no_new", old=old))
    what = (Run(given(m.milestone)), Run(": ")) if m.milestone else ()
    return (Run(f"{date_text(m.on, lang)} ", bold=True), *what, Run(change),
            *((Run(f"; {w(lang, 'reason')}: "), Run(given(note_text(m.reason, lang))))
              if m.reason else ()))


def _indicator(indicator: ReportIndicator, lang: Lang, figure: Figure | None) -> list[Block]:
    blocks: list[Block] = [Heading(3, given(indicator.name))]
    facts = []
    if indicator.source:
        facts.append(_item(w(lang, "source"), given(indicator.source)))
    if indicator.unit:
        facts.append(_item(w(lang, "unit"), given(indicator.unit)))
    if facts:
        blocks.append(Bullets(tuple(facts)))
    if not indicator.has_values:
        return [*blocks, _p(w(lang, "no_values"))]
    sentence = trend_sentence(indicator, lang)
    if sentence:
        blocks.append(_p(sentence))
    blocks.append(indicator_table(indicator, lang))
    if figure is not None:
        blocks.append(figure)
    sources = [(p.period, s) for p in indicator.points for s in p.sources
               if s != indicator.source]
    notes = [(p.period, n) for p in indicator.points for n in p.notes]
    if sources or notes:
        blocks.append(Bullets(tuple(
            [_item(f"{w(lang, 'source')} {period}", given(s)) for period, s in sources]
            + [(Run(f"{p}: "), Run(given(n))) for p, n in notes])))
    return blocks


def indicator_table(indicator: ReportIndicator, lang: Lang) -> Table:
    """Rows: the whole region, then each breakdown; columns: the periods, oldest first."""
    periods = [p.period for p in indicator.points]
    names = list(indicator.breakdown)
    for point in indicator.points:
        names += [name for name, _ in point.parts if name not in names]
    rows: list[tuple[str, ...]] = []
    for name in names:
        cells = [next((number(v, lang) for n, v in p.parts if n == name), "—")
                 for p in indicator.points]
        if any(c != "—" for c in cells):
            rows.append((given(name), *cells))
    if any(p.total is not None for p in indicator.points):
        rows.append((w(lang, "whole_region"),
                     *[number(p.total, lang) if p.total is not None else "—"
                       for p in indicator.points]))
    return Table(given(indicator.name), (w(lang, "breakdown"), *periods), tuple(rows),
                 numeric=tuple(range(1, len(periods) + 1)))


def _outlook(report: Report, lang: Lang, figure: Figure | None) -> list[Block]:
    nxt = period_name(report.cover.next_period, lang)
    blocks: list[Block] = [Heading(2, w(lang, "outlook"))]
    if not report.outlook:
        blocks.append(_p(w(lang, "outlook_none", period=nxt)))
    else:
        blocks.append(_p(w(lang, "outlook_intro", period=nxt)))
        blocks.append(Table(w(lang, "outlook"), (
            w(lang, "date"), w(lang, "activity"), w(lang, "milestone"), w(lang, "group"),
            w(lang, "status")), tuple(
            (due_text(i.due, lang), given(i.activity_title), given(i.milestone) or "—",
             given(i.group) or "—", status_word(i.status, lang))
            for i in report.outlook)))
    if figure is not None:
        blocks.append(figure)
    return blocks

