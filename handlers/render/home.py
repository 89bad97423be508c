"""The App Home tab: one user's work at a glance (bot/services/changes.py: dashboard).

Four lists (my open activities, deadlines in the next 60 days, overdue, latest updates in my
groups), each item a section with a **Bijwerken** button that opens the update modal. Slack
allows 100 blocks in a Home view: each list shows its first items and says how many more there
are and which command lists them all.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.model import Activity
from bot.services import results as r
from handlers import ids
from handlers.render.dates import format_date, format_datetime, format_due
from handlers.render.wording import (
    Lang,
    change_text,
    escape,
    more,
    status_label,
    t,
    working_days,
)

MAX_BLOCKS = 100
PER_LIST = 15  # 4 lists x (header + 15 items + "meer") + the top: well inside 100
TITLE_MAX = 150


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _update_button(activity: Activity, lang: Lang) -> ButtonElement:
    return ButtonElement(text=PlainTextObject(text=t(lang, "Bijwerken", "Update"), emoji=True),
                         action_id=ids.ACTION_OPEN_UPDATE,
                         value=f"{activity.programme_key}/{activity.key}")


def _item(text: str, activity: Activity, lang: Lang) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=_short(text, 3000)),
                        accessory=_update_button(activity, lang))


def _what(activity: Activity, milestone: str | None = None) -> str:
    what = f"*{escape(_short(activity.title, TITLE_MAX))}*"
    if milestone:
        what += f" — {escape(_short(milestone, 80))}"
    return what


def _list(blocks: list[Block], head: str, items: list[SectionBlock], empty: str,
          hint: str, lang: Lang) -> None:
    blocks.append(HeaderBlock(text=PlainTextObject(text=_short(head, 150), emoji=True)))
    if not items:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=empty)]))
        return
    blocks.extend(items[:PER_LIST])
    if len(items) > PER_LIST:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"{more(lang, len(items) - PER_LIST)} · {hint}")]))


def home_view(result: r.HomeDashboard, lang: Lang, command: str, tz: str) -> View:
    c = command
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=t(lang, "Mijn werk in het actieprogramma",
                                                "My work in the action programme"),
                                         emoji=True)),
        ContextBlock(elements=[MarkdownTextObject(text=_scope(result, lang))]),
        ActionsBlock(elements=[
            ButtonElement(text=PlainTextObject(text=t(lang, "Activiteit bijwerken",
                                                      "Update an activity"), emoji=True),
                          action_id=ids.ACTION_OPEN_UPDATE, value="-", style="primary"),
            ButtonElement(text=PlainTextObject(text=t(lang, "Nieuwe activiteit",
                                                      "New activity"), emoji=True),
                          action_id=ids.ACTION_OPEN_NEW, value="-"),
        ]),
        DividerBlock(),
    ]
    _list(blocks, t(lang, f"⚠️ Te laat ({len(result.overdue)})", f"⚠️ Overdue ({len(result.overdue)})"),
          [_item(f"{_what(i.activity, i.milestone)}\n"
                 f"{format_due(i.due, lang) if i.due else ''} — {working_days(i.working_days, lang, result.today, i.due.value if i.due else None)}",
                 i.activity, lang) for i in result.overdue],
          t(lang, "Niets te laat. 🎉", "Nothing overdue. 🎉"), f"`{c} te-laat`", lang)
    _list(blocks, t(lang, f"📅 Deadlines komende {result.horizon_days} dagen ({len(result.upcoming)})",
                    f"📅 Due in the next {result.horizon_days} days ({len(result.upcoming)})"),
          [_item(f"{_what(i.activity, i.milestone)}\n"
                 f"{format_due(i.due, lang) if i.due else ''} — {working_days(i.working_days, lang, result.today, i.due.value if i.due else None)}",
                 i.activity, lang) for i in result.upcoming],
          t(lang, "Geen deadlines in zicht.", "No deadlines ahead."),
          f"`{c} binnenkort {result.horizon_days}`", lang)
    _list(blocks, t(lang, f"📋 Mijn open activiteiten ({len(result.mine)})",
                    f"📋 My open activities ({len(result.mine)})"),
          [_item(f"{_what(a)} (`{escape(a.key)}`)\n{status_label(a.status, lang)}"
                 + (f" · {format_due(a.due, lang)}" if a.due else ""), a, lang)
           for a in result.mine],
          t(lang, "Geen open activiteiten in jouw werkgroepen.",
            "No open activities in your working groups."), f"`{c} lijst`", lang)
    _list(blocks, t(lang, "🔄 Laatste updates", "🔄 Latest updates"),
          [_item(f"{_what(a)}\n{format_datetime(u.at, lang, tz)} · {change_text(u, lang)}", a, lang)
           for a, u in result.latest],
          t(lang, "Nog geen updates.", "No updates yet."), f"`{c} geschiedenis <activiteit>`",
          lang)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(
        lang, f"Stand van {format_date(result.today, lang)} · `{c} help` voor alle vragen",
        f"As of {format_date(result.today, lang)} · `{c} help` for every question"))]))
    return View(type="home", blocks=blocks[:MAX_BLOCKS])


def _scope(result: r.HomeDashboard, lang: Lang) -> str:
    if result.is_admin:
        return t(lang, "Je bent beheerder: je ziet het hele programma.",
                 "You are an administrator: you see the whole programme.")
    if not result.groups:
        return t(lang, "Je bent (nog) geen lid van een werkgroepkanaal.",
                 "You are not (yet) in a working group's channel.")
    # " · ", not ", ": a group's name may itself hold a comma ("Werkgroep MDA++, Hoe verder?")
    names = " · ".join(escape(c.group.name) for c in result.groups[:8])
    if len(result.groups) > 8:
        names += t(lang, f" en {len(result.groups) - 8} meer", f" and {len(result.groups) - 8} more")
    return _short(t(lang, f"Jouw werkgroepen: {names}", f"Your working groups: {names}"), 3000)
