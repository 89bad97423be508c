"""The nieuwsbrief: the short, public version of the progress report for partners and the
griffie (`actiebot report --audience nieuwsbrief`).

Per action line what was reached in the period and what comes next, then the indicators with
their charts. Public by construction: it reads only the programme's own public text (titles,
results, goal and indicator names) and the status; never an update note, an owner, a working
group, a person or a Slack id; statuses in plain, neutral words (no "risico", no "vertraagd").
The same blocks as the council report, so every format and accessibility check applies.
"""

from __future__ import annotations

from bot.domain.model import Status
from bot.domain.report import Report, ReportActivity, ReportGoal, ReportIndicator
from handlers.render.report_blocks import (
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Paragraph,
    Run,
    given,
)
from handlers.render.report_document import indicator_table
from handlers.render.report_words import (
    Lang,
    due_text,
    period_name,
    trend_sentence,
    w,
)

# A status as the public reads it: neutral, no risk wording.
PUBLIC_STATUS: dict[Status, tuple[str, str]] = {
    Status.NOT_STARTED: ("start later", "starts later"),
    Status.ON_TRACK: ("loopt", "under way"),
    Status.AT_RISK: ("loopt", "under way"),
    Status.DELAYED: ("loopt; dit kost meer tijd dan eerst gepland",
                     "under way; this takes longer than first planned"),
    Status.DONE: ("afgerond", "completed"),
    Status.CANCELLED: ("niet meer nodig", "no longer needed"),
}

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Nieuwsbrief", "Newsletter"),
    "intro": ("Stand van zaken over {period}: {done} van de {total} activiteiten zijn afgerond.",
              ("Where things stand over {period}: {done} of the {total} activities are "
               "completed.")),
    "reached": ("Wat is bereikt", "What was reached"),
    "next": ("Wat komt eraan", "What comes next"),
    "nothing_reached": ("In deze periode is voor deze actielijn nog niets afgerond.",
                        "Nothing was completed for this action line in this period."),
    "nothing_next": ("Geen deadlines gepland in {period}.", "No deadlines planned in {period}."),
    "figures": ("Cijfers", "Figures"),
    "status": ("status", "status"),
    "planned": ("gepland", "planned"),
}


def _w(lang: Lang, key: str, **values: object) -> str:
    nl, en = WORDS[key]
    return (en if lang == "en" else nl).format(**values)


def public_status(status: Status, lang: Lang) -> str:
    nl, en = PUBLIC_STATUS[status]
    return en if lang == "en" else nl


def reached_in_period(activity: ReportActivity, report: Report) -> bool:
    """Done at the end of the period, and done in it: an update in the period made it done, or
    (nothing in the log) its deadline falls in the period."""
    if activity.status is not Status.DONE:
        return False
    if any(u.new_status is Status.DONE for u in activity.updates):
        return True
    return (not activity.updates and activity.due is not None
            and report.cover.period.contains(activity.due.value))


def _item(activity: ReportActivity, lang: Lang, extra: str = "") -> tuple[Run, ...]:
    runs: list[Run] = [Run(given(activity.title), bold=True)]
    if activity.result:
        runs += [Run(": "), Run(given(activity.result))]
    runs.append(Run(f" ({_w(lang, 'status')}: {public_status(activity.status, lang)}{extra})"))
    return tuple(runs)


def _goal(goal: ReportGoal, report: Report, lang: Lang) -> list[Block]:
    nxt = report.cover.next_period
    blocks: list[Block] = [Heading(2, given(goal.name) or w(lang, "no_goal"))]
    reached = [a for a in goal.activities if reached_in_period(a, report)]
    blocks.append(Heading(3, _w(lang, "reached")))
    if reached:
        blocks.append(Bullets(tuple(_item(a, lang) for a in reached)))
    else:
        blocks.append(Paragraph((Run(_w(lang, "nothing_reached")),)))
    keys = {a.key for a in goal.activities}
    upcoming = list(dict.fromkeys(i.activity_key for i in report.outlook if i.activity_key in keys))
    by_key = {a.key: a for a in goal.activities}
    blocks.append(Heading(3, _w(lang, "next")))
    if upcoming:
        items = []
        for key in upcoming:
            activity = by_key[key]
            first = next(i for i in report.outlook if i.activity_key == key)
            items.append(_item(activity, lang,
                               f"; {_w(lang, 'planned')}: {due_text(first.due, lang)}"))
        blocks.append(Bullets(tuple(items)))
    else:
        blocks.append(Paragraph((Run(_w(lang, "nothing_next", period=period_name(nxt, lang))),)))
    return blocks


def _indicator(indicator: ReportIndicator, lang: Lang, figure: Figure | None) -> list[Block]:
    blocks: list[Block] = [Heading(3, given(indicator.name))]
    sentence = trend_sentence(indicator, lang)
    if sentence:
        blocks.append(Paragraph((Run(sentence),)))
    blocks.append(indicator_table(indicator, lang))
    if figure is not None:
        blocks.append(figure)
    if indicator.source:
        blocks.append(Paragraph((Run(f"{w(lang, 'source')}: "), Run(given(indicator.source)))))
    return blocks


def build_newsletter(
    report: Report, lang: Lang, charts: bool = True, status: str = "concept",
) -> Document:
    cover = report.cover
    name = _w(lang, "title")
    title = f"{name} {cover.programme_name}"
    label = w(lang, "draft" if status == "concept" else "adopted")
    subtitle = f"{period_name(cover.period, lang)} — {label.lower()}"
    done = sum(1 for a in report.activities if a.status is Status.DONE)
    blocks: list[Block] = [
        Heading(1, title, (f"{name} ", given(cover.programme_name))),
        Paragraph((Run(_w(lang, "intro", period=period_name(cover.period, lang), done=done,
                          total=report.overview.total)),)),
    ]
    for goal in report.goals:
        blocks += _goal(goal, report, lang)
    shown = [i for i in report.indicators if i.has_values]
    if shown:
        drawn: dict[str, Figure] = {}
        if charts:
            from handlers.render.report_charts import indicator_chart

            drawn = {i.key: indicator_chart(i, lang) for i in shown}
        blocks.append(Heading(2, _w(lang, "figures")))
        for indicator in shown:
            blocks += _indicator(indicator, lang, drawn.get(indicator.key))
    return Document(lang, title, subtitle, tuple(blocks), status, kind="nieuwsbrief")
