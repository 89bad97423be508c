"""Wording of a reminder bundle: one message per channel and sweep (bot/services/reminders.py).

The top-level message is a short list of every reminder of the sweep, then the details with
the two buttons of the first few; the rest of the details and buttons follow in its thread.
A reminder marked done since is shown with its new status and without buttons.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import results as r
from handlers import ids
from handlers.render.dates import format_date, format_datetime, format_due
from handlers.render.wording import (
    ActionReply,
    Button,
    Lang,
    Reply,
    author,
    escape,
    group_name,
    mention_owners,
    more,
    shorten,
    status_label,
    t,
    title,
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


REMINDER_NOTE_MAX = 300


def reminder(result: r.ReminderNotice, lang: Lang, tz: str) -> ActionReply:
    """The reminder posted in the working group's channel, with its two buttons."""
    a = result.activity
    what = title(a)
    plain_what = escape(a.title)
    if result.milestone:
        what = t(lang, f"mijlpaal „{escape(result.milestone)}” van {title(a)}",
                 f"milestone “{escape(result.milestone)}” of {title(a)}")
        plain_what = f"{escape(result.milestone)} — {escape(a.title)}"
    when = format_due(result.due, lang)
    days = working_days(result.working_days, lang, result.as_of, result.due.value)
    match result.stage:
        case "overdue":
            head = t(lang, f"⚠️ *Te laat:* {what} — deadline *{when}* ({days}).",
                     f"⚠️ *Overdue:* {what} — due *{when}* ({days}).")
            text = t(lang, f"Te laat: {plain_what} ({days})", f"Overdue: {plain_what} ({days})")
        case "due" if result.due.value != result.as_of:
            # The deadline falls on a weekend or a day off: today is not its day, only the last
            # working day before it.
            head = t(lang, f"📅 *Laatste werkdag vóór de deadline:* {what} — *{when}*.",
                     f"📅 *Last working day before the deadline:* {what} — *{when}*.")
            text = t(lang, f"Laatste werkdag vóór de deadline: {plain_what}",
                     f"Last working day before the deadline: {plain_what}")
        case "due":
            head = t(lang, f"📅 *Deadline vandaag:* {what} — *{when}*.",
                     f"📅 *Due today:* {what} — *{when}*.")
            text = t(lang, f"Deadline vandaag: {plain_what}", f"Due today: {plain_what}")
        case _:
            head = t(lang, f"⏰ *Herinnering:* {what} — deadline *{when}* ({days}).",
                     f"⏰ *Reminder:* {what} — due *{when}* ({days}).")
            text = t(lang, f"Herinnering: {plain_what} ({days})",
                     f"Reminder: {plain_what} ({days})")
    lines = [f"Status: {status_label(a.status, lang)}"]
    if result.settled and result.milestone and not a.status.is_closed:
        lines[0] = t(lang, "Status: ✅ mijlpaal gereed gemeld", "Status: ✅ milestone marked done")
    if a.owners:
        lines.append(t(lang, "Eigenaren:", "Owners:") + "\n"
                     + mention_owners(a.owners, result.mentions))
    update = result.last_update
    if update is not None:
        lines.append(t(lang, "Laatste update: ", "Last update: ")
                     + f"{format_datetime(update.at, lang, tz)} · {author(update)} · "
                     + status_label(update.new_status, lang))
        if update.note:
            note = escape(shorten(update.note, REMINDER_NOTE_MAX))
            lines.append(f"> {note}".replace("\n", "\n> "))
    else:
        lines.append(t(lang, "_Nog geen updates._", "_No updates yet._"))
    context = t(lang, "„Gereed” zet de activiteit op gereed; „Herinner me volgende week” slaat "
                      "herinneringen een week over.",
                "“Done” marks the activity done; “Remind me next week” skips reminders for a week.")
    if result.milestone:
        context = t(lang, "„Gereed” meldt de mijlpaal af; „Herinner me volgende week” slaat "
                          "herinneringen een week over.",
                    "“Done” marks the milestone done; “Remind me next week” skips reminders "
                    "for a week.")
    stamp = t(lang, f"Stand van {format_date(result.as_of, lang)}",
              f"As of {format_date(result.as_of, lang)}")
    if result.group is not None:
        stamp = f"{group_name(result.group)} · {stamp}"
    context = f"{stamp}. {context}"
    if result.in_admin_channel:
        name = group_name(result.group) if result.group else t(lang, "Deze activiteit",
                                                               "This activity")
        context += t(lang, f" {name} heeft geen eigen kanaal: koppel er een met "
                           "`/actie koppel <werkgroep>`.",
                     f" {name} has no channel of its own: link one with `/actie link <group>`.")
    value = f"{a.programme_key}/{a.key}|{result.target}"
    buttons: tuple[Button, ...] = (
        Button(ids.ACTION_DONE, t(lang, "Gereed", "Done"), value, "primary"),
        Button(ids.ACTION_SNOOZE, t(lang, "Herinner me volgende week", "Remind me next week"),
               value),
        Button(ids.ACTION_OPEN_UPDATE, t(lang, "Bijwerken", "Update"), value),
    )
    if result.settled or a.status.is_closed:  # rewritten after "Gereed": no buttons left
        buttons = ()
    return ActionReply(text, (head + "\n" + "\n".join(lines),), context, buttons)


def sweep_summary(result: r.SweepReport, lang: Lang) -> Reply:
    day = format_date(result.today, lang)
    if not result.working_day:
        text = t(lang, f"{day} is geen werkdag: geen herinneringen.",
                 f"{day} is not a working day: no reminders.")
    else:
        sent = sum(p.state in ("sent", "would-send") for p in result.plans)
        text = t(lang, f"Herinneringen {day}: {sent} verstuurd, {result.failed} mislukt.",
                 f"Reminders {day}: {sent} sent, {result.failed} failed.")
    return Reply(text, (text,))
