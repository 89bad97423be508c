"""Wording of a reminder bundle: one message per channel and sweep (bot/services/reminders.py).

The top-level message is a short list of every reminder of the sweep, then the details with
the two buttons of the first few; the rest of the details and buttons follow in its thread.
A reminder marked done since is shown with its new status and without buttons.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import results as r
from handlers.render.dates import format_date, format_due
from handlers.render.messages import (
    ActionReply,
    Lang,
    Reply,
    escape,
    group_name,
    more,
    reminder,
    t,
    working_days,
)

LIST_BUDGET = 2_400  # characters of the short list (a section holds 3,000)
TITLE_MAX = 110
FALLBACK_MAX = 300


@dataclass(frozen=True, slots=True)
class BundleReply(Reply):
    """Sections first, then per reminder its details and its own buttons (blocks.py)."""

    items: tuple[ActionReply, ...] = ()


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _icon(notice: r.ReminderNotice) -> str:
    if notice.settled or notice.activity.status.is_closed:
        return "✅"
    return {"overdue": "⚠️", "due": "📅"}.get(notice.stage, "⏰")


def list_line(notice: r.ReminderNotice, lang: Lang) -> str:
    a = notice.activity
    what = escape(_short(a.title, TITLE_MAX))
    if notice.milestone:
        what += " — " + escape(_short(notice.milestone, 60))
    return (f"{_icon(notice)} {what} (`{escape(a.key)}`): {format_due(notice.due, lang)} — "
            f"{working_days(notice.working_days, lang)}")


def _scope(result: r.ReminderBundle, lang: Lang) -> str:
    groups = {n.group.key: n.group for n in result.listed if n.group is not None}
    if len(groups) == 1:
        return t(lang, " voor ", " for ") + f"*{group_name(next(iter(groups.values())))}*"
    return ""


def bundle(result: r.ReminderBundle, lang: Lang, tz: str) -> BundleReply:
    items = tuple(reminder(n, lang, tz) for n in result.notices)
    details = tuple(ActionReply(i.text, i.sections[:1], None, i.actions) for i in items)
    context = items[0].context if items else None
    if result.part > 1:
        head = t(lang, f"Vervolg van de herinneringen ({result.part}/{result.parts})",
                 f"Reminders, continued ({result.part}/{result.parts})")
        return BundleReply(head, (f"_{head}_",), context, items=details)
    n = len(result.listed)
    day = format_date(result.as_of, lang)
    head = t(lang, f"⏰ *{n} herinneringen*{_scope(result, lang)} — stand van {day}",
             f"⏰ *{n} reminders*{_scope(result, lang)} — as of {day}")
    body = head
    shown = 0
    for line in (list_line(notice, lang) for notice in result.listed):
        if len(body) + 1 + len(line) > LIST_BUDGET:
            break
        body += "\n" + line
        shown += 1
    if shown < n:
        body += "\n" + more(lang, n - shown)
    if result.parts > 1:
        body += "\n" + t(lang, "_Details en knoppen van de rest staan in de draad hieronder._",
                         "_Details and buttons for the rest are in the thread below._")
    titles = ", ".join(_short(notice.activity.title, 60) for notice in result.listed)
    text = t(lang, f"{n} herinneringen: {titles}", f"{n} reminders: {titles}")
    return BundleReply(_short(text, FALLBACK_MAX), (body,), context, items=details)
