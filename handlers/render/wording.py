"""Shared wording helpers, Dutch first and English second.

Every surface's wording module (answers, changes, reminders, digests, refusals, modals, home,
permissions, report_words) builds on these: the `Reply` it returns, `t` to choose the user's
language, `escape` for every stored or user-supplied value, and the labels and lines that
several surfaces share. A Reply's `text` is mrkdwn like its sections (Slack parses the fallback
the same way): every stored or user-supplied value in either goes through `escape`
(handlers/render/mrkdwn.py) exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.model import (
    Activity,
    DueDate,
    Precision,
    Status,
    StatusUpdate,
    UpdateEvent,
    WorkingGroup,
)
from handlers.render.dates import format_datetime, format_due, time_left
from handlers.render.mrkdwn import escape as escape  # noqa: PLC0414 - re-exported

Lang = str  # "nl" | "en"


MAX_LINES = 15


@dataclass(frozen=True, slots=True)
class Reply:
    text: str  # one line: notification and fallback text
    sections: tuple[str, ...] = ()
    context: str | None = None


@dataclass(frozen=True, slots=True)
class Button:
    action_id: str
    text: str
    value: str
    style: str | None = None  # "primary" | "danger" | None


@dataclass(frozen=True, slots=True)
class ActionReply(Reply):
    """A Reply with buttons under its sections (Block Kit actions block)."""

    actions: tuple[Button, ...] = ()


def language_for(locale: str | None, default: str = "nl") -> Lang:
    """A user's Slack locale ("en-US", "nl-NL") wins over the configured default."""
    if locale:
        code = locale.replace("_", "-").split("-")[0].lower()
        if code in ("nl", "en"):
            return code
    return default if default in ("nl", "en") else "nl"


def t(lang: Lang, nl: str, en: str) -> str:
    return en if lang == "en" else nl


STATUS_LABEL = {
    Status.NOT_STARTED: ("⚪", "niet gestart", "not started"),
    Status.ON_TRACK: ("🟢", "op schema", "on track"),
    Status.AT_RISK: ("🟠", "risico", "at risk"),
    Status.DELAYED: ("🔴", "vertraagd", "delayed"),
    Status.DONE: ("✅", "gereed", "done"),
    Status.CANCELLED: ("✖️", "vervallen", "cancelled"),
}


def status_label(status: Status, lang: Lang, emoji: bool = True) -> str:
    icon, nl, en = STATUS_LABEL[status]
    label = t(lang, nl, en)
    return f"{icon} {label}" if emoji else label


def working_days(n: int | None, lang: Lang, today: date | None = None,
                 due: date | None = None) -> str:
    """How far a deadline is, as people say it (handlers/render/dates.py ``time_left``)."""
    return time_left(n, lang, today, due)


def due_text(activity_due: object, lang: Lang) -> str:
    if isinstance(activity_due, DueDate):
        return format_due(activity_due, lang)
    return t(lang, "geen deadline", "no deadline")


def title(activity: Activity) -> str:
    return f"*{escape(activity.title)}* (`{escape(activity.key)}`)"


def author(update: StatusUpdate) -> str:
    """A Slack user as a mention; a name (for transcribed reports) as plain text; a partner's
    member from another workspace (Slack Connect) as their organisation, never their id."""
    if update.author_org:
        return f"_{escape(update.author_org)}_"
    who = update.author
    if who and who[0] in "UW" and who.isalnum() and who.isupper():
        return f"<@{who}>"
    return escape(update.author_name or who)


def moved_text(old: DueDate | None, new: DueDate | None, lang: Lang) -> str:
    """"van oktober naar december 2021": the year once when both are months of one year."""
    new_text = format_due(new, lang) if new else t(lang, "geen deadline", "no deadline")
    if old is None:
        return t(lang, f"naar {new_text}", f"to {new_text}")
    old_text = format_due(old, lang)
    if (new is not None and old.value.year == new.value.year
            and old.precision == new.precision == Precision.MONTH):
        old_text = old_text.removesuffix(f" {old.value.year}")
    return t(lang, f"van {old_text} naar {new_text}", f"from {old_text} to {new_text}")


def change_text(update: StatusUpdate, lang: Lang) -> str:
    """What one log row did: a status change, a moved deadline, or an activity added."""
    if update.event == UpdateEvent.RESCHEDULE:
        return "📆 " + t(lang, "deadline verplaatst ", "deadline moved ") + moved_text(
            update.old_due, update.new_due, lang)
    if update.event == UpdateEvent.CREATED:
        return "➕ " + t(lang, "activiteit toegevoegd", "activity added")
    change = status_label(update.new_status, lang)
    if update.old_status and update.old_status != update.new_status:
        change = f"{status_label(update.old_status, lang, emoji=False)} → {change}"
    return change


def update_line(update: StatusUpdate, lang: Lang, tz: str) -> str:
    when = format_datetime(update.at, lang, tz)
    change = change_text(update, lang)
    line = f"{when} · {author(update)} · {change}"
    if update.occurrence is not None:  # a recurring activity: which time it was about
        line += t(lang, f" ({update.occurrence}e keer)", f" (occurrence {update.occurrence})")
    if update.note:
        line += f"\n> {escape(update.note)}".replace("\n", "\n> ").replace("> > ", "> ", 1)
    return line


def more(lang: Lang, n: int) -> str:
    return t(lang, f"_… en {n} meer_", f"_… and {n} more_")


def limited(lines: list[str], lang: Lang, total: int | None = None) -> list[str]:
    total = len(lines) if total is None else total
    shown = lines[:MAX_LINES]
    if total > len(shown):
        shown.append(more(lang, total - len(shown)))
    return shown


def group_name(group: WorkingGroup | None) -> str:
    return escape(group.name) if group else ""


def counts_line(counts: dict[Status, int], lang: Lang) -> str:
    return " · ".join(
        f"{status_label(s, lang)}: {n}" for s, n in counts.items() if n
    ) or t(lang, "geen activiteiten", "no activities")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mention_owners(owners: tuple[str, ...], mentions: dict[str, tuple[str, ...]]) -> str:
    """Owners as a list, one per line: a name may itself contain a comma ("Werkgroep MDA++,
    Hoe verder?"), so a comma-joined line would be ambiguous."""
    parts = []
    for owner in owners:
        users = mentions.get(owner, ())
        part = "• " + escape(owner)
        if users:
            part += " (" + " ".join(f"<@{u}>" for u in users) + ")"
        parts.append(part)
    return "\n".join(parts)
