"""Wording of changes: an update confirmed to its author, its announcement in the channel,
and the answers and traces of the reminder buttons.
"""

from __future__ import annotations

from bot.domain.model import Activity, StatusUpdate, UpdateEvent, WorkingGroup
from bot.services import results as r
from handlers.render.dates import format_datetime, format_due, format_weekday_date
from handlers.render.wording import (
    MAX_LINES,
    Lang,
    Reply,
    author,
    escape,
    group_name,
    mention_owners,
    moved_text,
    status_label,
    t,
    title,
)


def recorded(result: r.UpdateRecorded, lang: Lang) -> Reply:
    a, u = result.activity, result.update
    if u.event != UpdateEvent.UPDATE:
        return _change_recorded(result, lang)
    text = t(lang, f"Opgeslagen: {title(a)} staat nu op *{status_label(u.new_status, lang)}*.",
             f"Saved: {title(a)} is now *{status_label(u.new_status, lang)}*.")
    return _saved_reply(text, result, lang)


def _saved_reply(text: str, result: r.UpdateRecorded, lang: Lang) -> Reply:
    """The confirmation of a stored change: its line, the note as a quote, where it was announced."""
    sections = [text]
    if result.update.note:
        sections.append(f"> {escape(result.update.note)}".replace("\n", "\n> "))
    context = None
    if result.announce_channel:
        context = t(lang, f"Aangekondigd in <#{result.announce_channel}>.",
                    f"Announced in <#{result.announce_channel}>.")
    return Reply(text.replace("*", ""), tuple(sections), context)


def _change_recorded(result: r.UpdateRecorded, lang: Lang) -> Reply:
    a, u = result.activity, result.update
    if u.event == UpdateEvent.RESCHEDULE:
        text = t(lang, f"Opgeslagen: de deadline van {title(a)} is verplaatst "
                       f"*{moved_text(u.old_due, u.new_due, lang)}*.",
                 f"Saved: the deadline of {title(a)} moved "
                 f"*{moved_text(u.old_due, u.new_due, lang)}*.")
    else:
        text = t(lang, f"Toegevoegd: {title(a)}. Vraag ernaar met `/actie wie {escape(a.key)}`.",
                 f"Added: {title(a)}. Ask about it with `/actie owner {escape(a.key)}`.")
    return _saved_reply(text, result, lang)


def announcement(activity: Activity, update: StatusUpdate, group: WorkingGroup | None,
                 lang: Lang, tz: str) -> Reply:
    """The message posted in the group's channel after an update."""
    if update.event != UpdateEvent.UPDATE:
        return _change_announcement(activity, update, lang, tz)
    change = status_label(update.new_status, lang)
    if update.old_status and update.old_status != update.new_status:
        change = f"{status_label(update.old_status, lang, emoji=False)} → {change}"
    head = t(lang, f"{author(update)} heeft {title(activity)} bijgewerkt: *{change}*",
             f"{author(update)} updated {title(activity)}: *{change}*")
    sections = [head]
    if update.note:
        sections.append(f"> {escape(update.note)}".replace("\n", "\n> "))
    context = f"{format_datetime(update.at, lang, tz)}"
    if activity.due:
        context += t(lang, f" · deadline {format_due(activity.due, lang)}",
                     f" · due {format_due(activity.due, lang)}")
    text = (f"Update: {escape(activity.title)} — "
            f"{status_label(update.new_status, lang, False)}")
    return Reply(text, tuple(sections), context)


def _change_announcement(activity: Activity, update: StatusUpdate, lang: Lang,
                         tz: str) -> Reply:
    """A moved deadline (with its reason) or an activity added in Slack, in the channel."""
    if update.event == UpdateEvent.RESCHEDULE:
        moved = moved_text(update.old_due, update.new_due, lang)
        head = t(lang, f"📆 {author(update)} heeft de deadline van {title(activity)} verplaatst "
                       f"*{moved}*.",
                 f"📆 {author(update)} moved the deadline of {title(activity)} *{moved}*.")
        text = t(lang, f"Deadline verplaatst: {escape(activity.title)} ({moved})",
                 f"Deadline moved: {escape(activity.title)} ({moved})")
        sections = [head]
        if update.note:
            sections.append(t(lang, "Reden:", "Reason:") + "\n"
                            + f"> {escape(update.note)}".replace("\n", "\n> "))
    else:
        head = t(lang, f"➕ {author(update)} heeft een activiteit toegevoegd: {title(activity)}",
                 f"➕ {author(update)} added an activity: {title(activity)}")
        text = t(lang, f"Nieuwe activiteit: {escape(activity.title)}",
                 f"New activity: {escape(activity.title)}")
        lines = []
        if activity.owners:
            lines.append(t(lang, "Eigenaren:", "Owners:") + "\n"
                         + mention_owners(activity.owners, {}))
        if activity.due:
            lines.append(t(lang, "Deadline: ", "Due: ") + format_due(activity.due, lang))
        for m in activity.milestones[:MAX_LINES]:
            lines.append(f"• {escape(m.title)}" + (f": {format_due(m.due, lang)}" if m.due else ""))
        sections = [head + ("\n" + "\n".join(lines) if lines else "")]
    return Reply(text, tuple(sections), format_datetime(update.at, lang, tz))


def button_confirmation(result: r.Result, lang: Lang) -> Reply | None:
    """The confirmation shown only to whoever clicked a reminder button."""
    match result:
        case r.SnoozeRecorded(activity=a, milestone=m, until=until):
            what = title(a) if m is None else t(lang, f"mijlpaal „{escape(m)}” van {title(a)}",
                                                f"milestone “{escape(m)}” of {title(a)}")
            text = t(lang, f"Goed, ik herinner jullie weer aan {what} vanaf "
                           f"{format_weekday_date(until, lang)}.",
                     f"All right, I'll remind you of {what} again from "
                     f"{format_weekday_date(until, lang)}.")
        case r.MilestoneDone(activity=a, milestone=m):
            text = t(lang, f"Mijlpaal „{escape(m)}” van {title(a)} is gereed gemeld; er komen "
                           "geen herinneringen meer voor.",
                     f"Milestone “{escape(m)}” of {title(a)} is marked done; no more reminders "
                     "for it.")
        case r.AlreadyClosed(activity=a):
            text = t(lang, f"{title(a)} staat al op *{status_label(a.status, lang)}*.",
                     f"{title(a)} is already *{status_label(a.status, lang)}*.")
        case _:
            return None
    return Reply(text.replace("*", ""), (text,))


def button_trace(result: r.Result, user_id: str, lang: Lang) -> str | None:
    """The line left under a reminder after someone clicked one of its buttons."""
    match result:
        case r.UpdateRecorded():
            return t(lang, f"✅ Gereed gemeld door <@{user_id}>.", f"✅ Marked done by <@{user_id}>.")
        case r.MilestoneDone():
            return t(lang, f"✅ Mijlpaal gereed gemeld door <@{user_id}>.",
                     f"✅ Milestone marked done by <@{user_id}>.")
        case r.SnoozeRecorded(until=until):
            return t(lang, f"💤 <@{user_id}> heeft de herinneringen uitgesteld tot "
                           f"{format_weekday_date(until, lang)}.",
                     f"💤 <@{user_id}> postponed the reminders until "
                     f"{format_weekday_date(until, lang)}.")
    return None


def linked(result: r.LinkAnswer, lang: Lang) -> Reply:
    group, channel, previous = result.group, result.channel, result.previous
    text = t(lang, f"Dit kanaal is nu gekoppeld aan *{group_name(group)}*: updates en "
                   "herinneringen van deze werkgroep komen hier.",
             f"This channel is now linked to *{group_name(group)}*: its updates and "
             "reminders will be posted here.")
    if previous and previous != channel:
        text += t(lang, f" (Was: <#{previous}>.)", f" (Was: <#{previous}>.)")
    return Reply(text, (text,))
