"""All user-facing wording, Dutch first and English second.

`compose(result, lang)` turns a service result into a `Reply`: a short fallback text plus
mrkdwn sections. `blocks.py` turns a Reply into Block Kit; `text.py` into console text.
A Reply's `text` is mrkdwn like its sections (Slack parses the fallback the same way): every
stored or user-supplied value in either goes through `escape` (handlers/render/mrkdwn.py)
exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.grammar import Problem
from bot.domain.model import (
    Activity,
    DueDate,
    Precision,
    Status,
    StatusUpdate,
    UpdateEvent,
    WorkingGroup,
)
from bot.domain.privacy import PiiKind, mask
from bot.services import report_results as rr
from bot.services import results as r
from handlers.render.dates import format_date, format_datetime, format_due, time_left
from handlers.render.mrkdwn import escape as escape  # noqa: PLC0414 - re-exported

Lang = str  # "nl" | "en"
REPORT_RESULTS = (rr.ReportReady, rr.ReportProblem, rr.BadPeriod, rr.IndicatorAnswer,
                  rr.IndicatorRecorded, rr.IndicatorList, rr.UnknownIndicator,
                  rr.BadIndicatorValue)
MAX_LINES = 15


@dataclass(frozen=True, slots=True)
class Reply:
    text: str  # one line: notification and fallback text
    sections: tuple[str, ...] = ()
    context: str | None = None


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

PII_LABEL = {
    PiiKind.BSN: ("een BSN", "a citizen service number (BSN)"),
    PiiKind.PHONE: ("een telefoonnummer", "a phone number"),
    PiiKind.EMAIL: ("een e-mailadres", "an e-mail address"),
    PiiKind.IBAN: ("een rekeningnummer (IBAN)", "a bank account number (IBAN)"),
    PiiKind.BIRTH_DATE: ("een geboortedatum", "a date of birth"),
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
    from bot.domain.model import DueDate

    if isinstance(activity_due, DueDate):
        return format_due(activity_due, lang)
    return t(lang, "geen deadline", "no deadline")


def title(activity: Activity) -> str:
    return f"*{escape(activity.title)}* (`{escape(activity.key)}`)"


def author(update: StatusUpdate) -> str:
    """A Slack user as a mention; a name (for transcribed reports) as plain text."""
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
    if update.note:
        line += f"\n> {escape(update.note)}".replace("\n", "\n> ").replace("> > ", "> ", 1)
    return line


def more(lang: Lang, n: int) -> str:
    return t(lang, f"_… en {n} meer_", f"_… and {n} more_")


def _limited(lines: list[str], lang: Lang, total: int | None = None) -> list[str]:
    total = len(lines) if total is None else total
    shown = lines[:MAX_LINES]
    if total > len(shown):
        shown.append(more(lang, total - len(shown)))
    return shown


def group_name(group: WorkingGroup | None) -> str:
    return escape(group.name) if group else ""


# -- compose --------------------------------------------------------------------------------

def compose(result: r.Result, lang: Lang, tz: str = "Europe/Amsterdam") -> Reply:
    match result:
        case r.HelpAnswer():
            return _help(result, lang)
        case r.UsageAnswer():
            return _usage(result, lang)
        case r.UnknownRef(query=query, suggestions=suggestions):
            query = mask(query)  # a ref is echoed, never stored: personal data in it is not
            text = t(lang, f"Ik ken „{escape(query)}” niet.", f"I don't know “{escape(query)}”.")
            if suggestions:
                options = ", ".join(f"`{escape(s)}`" for s in suggestions)
                text += t(lang, f" Bedoelde je {options}?", f" Did you mean {options}?")
            else:
                text += t(lang, " Probeer `lijst` voor alle werkgroepen en activiteiten.",
                          " Try `list` for all working groups and activities.")
            return Reply(text, (text,))
        case r.AmbiguousRef(query=query, candidates=candidates, total=total):
            query = mask(query)
            head = t(lang, f"„{escape(query)}” past bij meerdere activiteiten. Welke bedoel je?",
                     f"“{escape(query)}” matches several activities. Which one do you mean?")
            lines = [f"• `{escape(c.id.key)}` — {escape(c.title)}"
                     + ("" if c.is_open else t(lang, " _(afgerond)_", " _(closed)_"))
                     for c in candidates]
            return Reply(head, (head, "\n".join(_limited(lines, lang, total))))
        case r.EmptyGroup(group=group):
            text = t(lang, f"{group_name(group)} heeft nog geen activiteiten.",
                     f"{group_name(group)} has no activities yet.")
            return Reply(text, (text,))
        case r.OwnersAnswer():
            return _owners(result, lang)
        case r.DeadlineAnswer():
            return _deadline(result, lang)
        case r.StatusAnswer():
            return _status(result, lang, tz)
        case r.GroupStatusAnswer():
            return _group_status(result, lang)
        case r.UpdateRecorded():
            return _recorded(result, lang)
        case r.Refused():
            return _refused(result, lang)
        case r.HistoryAnswer():
            return _history(result, lang, tz)
        case r.DueListAnswer():
            return _due_list(result, lang)
        case r.GroupsAnswer():
            return _groups(result, lang)
        case r.ActivityListAnswer():
            return _activity_list(result, lang)
        case r.LinkAnswer(group=group, channel=channel, previous=previous):
            text = t(lang, f"Dit kanaal is nu gekoppeld aan *{group_name(group)}*: updates en "
                           "herinneringen van deze werkgroep komen hier.",
                     f"This channel is now linked to *{group_name(group)}*: its updates and "
                     "reminders will be posted here.")
            if previous and previous != channel:
                text += t(lang, f" (Was: <#{previous}>.)", f" (Was: <#{previous}>.)")
            return Reply(text, (text,))
        case r.OverviewAnswer():
            return overview(result, lang)
        case r.ReminderNotice():
            return reminder(result, lang, tz)
        case r.ReminderBundle():
            from handlers.render.reminders import bundle

            return bundle(result, lang, tz)
        case r.DigestMessage():
            return digest_reply(result, lang, tz)
        case r.ChannelProblem():
            return channel_problem(result, lang)
        case r.SnoozeRecorded() | r.MilestoneDone() | r.AlreadyClosed():
            return button_answer(result, lang)
        case r.SweepReport():
            return sweep_summary(result, lang)
        case r.DigestReport():
            return digest_summary(result, lang)
        case r.Announcement(activity=activity, update=update, group=group):
            return announcement(activity, update, group, lang, tz)
        case (r.UpdateForm() | r.NewActivityForm() | r.FieldErrors() | r.ActivityOptions()
              | r.HomeDashboard()):
            return surface_text(result, lang)
    if isinstance(result, REPORT_RESULTS):  # the council report and indicators
        from handlers.render.report_words import report_reply

        text, sections = report_reply(result, lang)
        return Reply(text, sections)
    raise AssertionError(result)  # pragma: no cover


def _help(result: r.HelpAnswer, lang: Lang) -> Reply:
    c = result.command
    nl = (
        f"*Actiebot* — wie, wanneer en hoe staat het ervoor in het actieprogramma.\n"
        f"• `{c} wie <activiteit>` — eigenaren\n"
        f"• `{c} wanneer <activiteit>` — deadline, mijlpalen en werkdagen\n"
        f"• `{c} status [<activiteit>]` — status en laatste update\n"
        f"• `{c} update <activiteit> <status> [toelichting]` — status bijwerken\n"
        f"• `{c} geschiedenis <activiteit>` — alle updates\n"
        f"• `{c} binnenkort [dagen]` · `{c} te-laat` — deadlines\n"
        f"• `{c} lijst [<werkgroep>]` · `{c} overzicht` — overzichten\n"
        f"• `{c} koppel <werkgroep>` — koppel dit kanaal aan een werkgroep\n"
        f"• `{c} update [<activiteit>]` — bijwerken in een venster · "
        f"`{c} verplaats <activiteit> <deadline> <reden>` · `{c} nieuw` — activiteit toevoegen\n"
        f"• `{c} rapport [<periode>]` — concept-voortgangsrapportage (.docx) in dit kanaal\n"
        f"• `{c} indicator [<sleutel> [<periode> <waarde> [<uitsplitsing>]]]` — indicatoren"
    )
    en = (
        f"*Actiebot* — who, when and where things stand in the action programme.\n"
        f"• `{c} owner <activity>` — owners\n"
        f"• `{c} deadline <activity>` — deadline, milestones and working days\n"
        f"• `{c} status [<activity>]` — status and last update\n"
        f"• `{c} update <activity> <status> [note]` — update the status\n"
        f"• `{c} history <activity>` — all updates\n"
        f"• `{c} upcoming [days]` · `{c} overdue` — deadlines\n"
        f"• `{c} list [<group>]` · `{c} digest` — overviews\n"
        f"• `{c} link <group>` — link this channel to a working group\n"
        f"• `{c} update [<activity>]` — update in a form · "
        f"`{c} reschedule <activity> <deadline> <reason>` · `{c} new` — add an activity\n"
        f"• `{c} report [<period>]` — draft progress report (.docx) in this channel\n"
        f"• `{c} indicator [<key> [<period> <value> [<breakdown>]]]` — indicators"
    )
    statuses = t(
        lang,
        "Statussen: `niet-gestart`, `op-schema`, `risico`, `vertraagd`, `gereed`, `vervallen`.\n"
        "<activiteit> is een sleutel, een werkgroep (bijv. `MDA++`, `THV`) of woorden uit de "
        "titel of het thema.",
        "Statuses: `not-started`, `on-track`, `at-risk`, `delayed`, `done`, `cancelled`.\n"
        "<activity> is a key, a working group (e.g. `MDA++`, `THV`) or words of its title "
        "or theme.",
    )
    privacy = t(lang, "Noteer nooit casusgegevens (namen, BSN, telefoonnummers): Actiebot "
                      "weigert ze en slaat alleen programma-activiteiten op.",
                "Never note case details (names, BSN, phone numbers): Actiebot refuses them "
                "and only stores programme activities.")
    return Reply(t(lang, "Actiebot: hulp", "Actiebot: help"),
                 (escape(t(lang, nl, en)), escape(statuses)), privacy)


def _usage(result: r.UsageAnswer, lang: Lang) -> Reply:
    usage, c = result.usage, result.command
    verb = usage.verb or ""
    syntax = {
        "wie": t(lang, f"`{c} wie <activiteit>`", f"`{c} owner <activity>`"),
        "wanneer": t(lang, f"`{c} wanneer <activiteit>`", f"`{c} deadline <activity>`"),
        "geschiedenis": t(lang, f"`{c} geschiedenis <activiteit>`", f"`{c} history <activity>`"),
        "update": t(lang, f"`{c} update <activiteit> <status> [toelichting]`",
                    f"`{c} update <activity> <status> [note]`"),
        "binnenkort": t(lang, f"`{c} binnenkort [dagen]` (1–366)", f"`{c} upcoming [days]` (1–366)"),
        "koppel": t(lang, f"`{c} koppel <werkgroep>`", f"`{c} link <group>`"),
        "verplaats": t(lang, f"`{c} verplaats <activiteit> <deadline> <reden>`",
                       f"`{c} reschedule <activity> <deadline> <reason>`"),
        "te-laat": f"`{c} te-laat`", "overzicht": f"`{c} overzicht`",
    }.get(verb, f"`{c} help`")
    syntax = escape(syntax)
    statuses = t(lang, "`niet-gestart`, `op-schema`, `risico`, `vertraagd`, `gereed` of `vervallen`",
                 "`not-started`, `on-track`, `at-risk`, `delayed`, `done` or `cancelled`")
    match usage.problem:
        case Problem.UNKNOWN_VERB:
            text = t(lang, "Dat commando ken ik niet.", "I don't know that command.")
            if usage.suggestions:
                options = ", ".join(f"`{c} {s}`" for s in usage.suggestions)
                text += t(lang, f" Bedoelde je {options}?", f" Did you mean {options}?")
            text += t(lang, f" Typ `{c} help` voor alle mogelijkheden.",
                      f" Type `{c} help` for everything I can do.")
        case Problem.MISSING_REF:
            text = t(lang, f"Welke activiteit bedoel je? Gebruik {syntax}.",
                     f"Which activity do you mean? Use {syntax}.")
        case Problem.MISSING_STATUS:
            text = t(lang, f"Welke status? Gebruik {syntax} met {statuses}.",
                     f"Which status? Use {syntax} with {statuses}.")
        case Problem.UNKNOWN_STATUS:
            text = t(lang, f"Ik vind geen geldige status. Kies {statuses}.",
                     f"I can't find a valid status. Choose {statuses}.")
            if usage.suggestions:
                options = ", ".join(f"`{s}`" for s in usage.suggestions)
                text += t(lang, f" Bedoelde je {options}?", f" Did you mean {options}?")
            text += t(lang, " Er is niets opgeslagen.", " Nothing was saved.")
        case Problem.BAD_DAYS:
            text = t(lang, f"Geef het aantal dagen als getal: {syntax}.",
                     f"Give the number of days as a number: {syntax}.")
        case Problem.TOO_LONG:
            text = t(lang, "Dat is te lang voor een verwijzing naar een activiteit. Gebruik de "
                           "sleutel of een paar woorden uit de titel.",
                     "That is too long to refer to an activity. Use its key or a few words "
                     "of its title.")
        case Problem.NOTE_TOO_LONG:
            text = t(lang, "De toelichting is te lang (maximaal 2000 tekens). Er is niets "
                           "opgeslagen.",
                     "The note is too long (at most 2000 characters). Nothing was saved.")
        case Problem.MISSING_GROUP:
            text = t(lang, f"Welke werkgroep? Gebruik {syntax}.", f"Which group? Use {syntax}.")
        case Problem.MISSING_DEADLINE:
            text = t(lang, f"Welke nieuwe deadline? Gebruik {syntax}, bijvoorbeeld "
                           f"`{c} verplaats THV december 2021 wachten op cijfers politie`.",
                     f"Which new deadline? Use {syntax}, for example "
                     f"`{c} reschedule THV december 2021 waiting for police figures`.")
        case Problem.MISSING_REASON:
            text = t(lang, f"Waarom verschuift de deadline? De reden is verplicht: {syntax}.",
                     f"Why does the deadline move? The reason is required: {syntax}.")
        case Problem.EXTRA_WORDS:
            text = t(lang, f"Dit commando heeft geen extra woorden nodig: {syntax}.",
                     f"This command takes no extra words: {syntax}.")
        case _:  # pragma: no cover
            text = t(lang, f"Typ `{c} help`.", f"Type `{c} help`.")
    return Reply(text, (text,))


def _owners(result: r.OwnersAnswer, lang: Lang) -> Reply:
    a = result.activity
    lines = []
    for owner in a.owners:
        line = f"• {escape(owner)}"
        users = result.linked.get(owner, ())
        if users:
            line += " — " + ", ".join(f"<@{u}>" for u in users)
        lines.append(line)
    if not lines:
        lines.append(t(lang, "_Geen eigenaar vastgelegd._", "_No owner recorded._"))
    head = t(lang, f"Eigenaren van {title(a)}", f"Owners of {title(a)}")
    context = None
    if result.group:
        context = t(lang, f"Werkgroep: {group_name(result.group)}",
                    f"Working group: {group_name(result.group)}")
    first = a.owners[0] if a.owners else t(lang, "niemand", "nobody")
    text = f"{escape(a.title)}: {escape(first)}"
    if len(a.owners) > 1:  # the fallback names one; the list below names them all
        others = len(a.owners) - 1
        text += t(lang, f" (en {others} meer)", f" (and {others} more)")
    return Reply(text, (head + "\n" + "\n".join(lines),), context)


def _deadline(result: r.DeadlineAnswer, lang: Lang) -> Reply:
    a = result.activity
    if a.due and a.due.precision is Precision.ONGOING:
        main = t(lang, f"{title(a)} loopt *doorlopend*: er is geen einddatum.",
                 f"{title(a)} is *ongoing*: it has no end date.")
    elif a.due:
        main = t(lang, f"Deadline van {title(a)}: *{format_due(a.due, lang)}* "
                       f"({working_days(result.working_days, lang, result.today, a.due.value)}).",
                 f"Deadline of {title(a)}: *{format_due(a.due, lang)}* "
                 f"({working_days(result.working_days, lang, result.today, a.due.value)}).")
        if a.status.is_closed:
            main = main.replace(working_days(result.working_days, lang, result.today, a.due.value),
                                status_label(a.status, lang))
    else:
        main = t(lang, f"{title(a)} heeft geen deadline.", f"{title(a)} has no deadline.")
    sections = [main]
    if result.milestones:
        lines = []
        for m in result.milestones:
            if m.due:
                lines.append(f"• {escape(m.title)}: {format_due(m.due, lang)}"
                             f" ({working_days(m.working_days, lang, result.today, m.due.value)})")
            else:
                lines.append(f"• {escape(m.title)}: " + t(lang, "nog geen datum", "no date yet"))
        sections.append(t(lang, "*Mijlpalen*", "*Milestones*") + "\n" + "\n".join(lines))
    if result.moved is not None:
        moved = t(lang, "_Verplaatst ", "_Moved ") + moved_text(
            result.moved.old_due, result.moved.new_due, lang) + "_"
        if result.moved.note:
            moved += t(lang, f": {escape(result.moved.note)}", f": {escape(result.moved.note)}")
        sections.insert(1, moved)
    text = (f"{escape(a.title)}: "
            f"{format_due(a.due, lang) if a.due else t(lang, 'geen deadline', 'no deadline')}")
    context = t(lang, f"Status: {status_label(a.status, lang)}", f"Status: {status_label(a.status, lang)}")
    return Reply(text, tuple(sections), context)


def _status(result: r.StatusAnswer, lang: Lang, tz: str) -> Reply:
    a = result.activity
    main = f"{title(a)}: *{status_label(a.status, lang)}*"
    if a.due:
        main += t(lang, f" · deadline {format_due(a.due, lang)}", f" · due {format_due(a.due, lang)}")
    sections = [main]
    if result.last_update:
        sections.append(t(lang, "*Laatste update*", "*Last update*") + "\n"
                        + update_line(result.last_update, lang, tz))
    else:
        sections.append(t(lang, "_Nog geen updates._", "_No updates yet._"))
    text = f"{escape(a.title)}: {status_label(a.status, lang, emoji=False)}"
    return Reply(text, tuple(sections))


def counts_line(counts: dict[Status, int], lang: Lang) -> str:
    return " · ".join(
        f"{status_label(s, lang)}: {n}" for s, n in counts.items() if n
    ) or t(lang, "geen activiteiten", "no activities")


def _group_status(result: r.GroupStatusAnswer, lang: Lang) -> Reply:
    scope = group_name(result.group) if result.group else t(lang, "Alle activiteiten", "All activities")
    head = f"*{scope}* — {counts_line(result.counts, lang)}"
    lines = [
        f"• {status_label(line.activity.status, lang)} {escape(line.activity.title)} "
        f"(`{escape(line.activity.key)}`)"
        + (f" · {format_due(line.activity.due, lang)}" if line.activity.due else "")
        for line in result.lines
    ]
    return Reply(head.replace("*", ""), (head, "\n".join(_limited(lines, lang, result.total))))


def _recorded(result: r.UpdateRecorded, lang: Lang) -> Reply:
    a, u = result.activity, result.update
    if u.event != UpdateEvent.UPDATE:
        return _change_recorded(result, lang)
    text = t(lang, f"Opgeslagen: {title(a)} staat nu op *{status_label(u.new_status, lang)}*.",
             f"Saved: {title(a)} is now *{status_label(u.new_status, lang)}*.")
    sections = [text]
    if u.note:
        sections.append(f"> {escape(u.note)}".replace("\n", "\n> "))
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
    sections = [text]
    if u.note:
        sections.append(f"> {escape(u.note)}".replace("\n", "\n> "))
    context = None
    if result.announce_channel:
        context = t(lang, f"Aangekondigd in <#{result.announce_channel}>.",
                    f"Announced in <#{result.announce_channel}>.")
    return Reply(text.replace("*", ""), tuple(sections), context)


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
                         + _mention_owners(activity.owners, {}))
        if activity.due:
            lines.append(t(lang, "Deadline: ", "Due: ") + format_due(activity.due, lang))
        for m in activity.milestones[:MAX_LINES]:
            lines.append(f"• {escape(m.title)}" + (f": {format_due(m.due, lang)}" if m.due else ""))
        sections = [head + ("\n" + "\n".join(lines) if lines else "")]
    return Reply(text, tuple(sections), format_datetime(update.at, lang, tz))


def _refused(result: r.Refused, lang: Lang) -> Reply:
    from handlers.render import permissions

    if result.reason in permissions.REASONS:
        return permissions.refusal(result, lang)
    match result.reason:
        case "personal_data":
            found = " en ".join(t(lang, PII_LABEL[k][0], PII_LABEL[k][1]) for k in result.kinds)
            found_en = " and ".join(PII_LABEL[k][1] for k in result.kinds)
            text = t(lang,
                     f"Niet opgeslagen: je tekst lijkt {found} te bevatten. Actiebot bewaart "
                     "alleen programma-informatie, nooit casus- of contactgegevens. Haal die "
                     "weg en probeer het opnieuw.",
                     f"Not saved: your text seems to contain {found_en}. Actiebot only keeps "
                     "programme information, never case or contact details. Remove it and "
                     "try again.")
        case "not_admin":
            text = t(lang, "Alleen beheerders van Actiebot mogen dit doen. Er is niets veranderd.",
                     "Only Actiebot administrators may do this. Nothing was changed.")
        case "no_channel":
            text = t(lang, "Dit werkt alleen in een Slack-kanaal.", "This only works in a Slack channel.")
        case "same_status_no_note":
            text = t(lang, "Die status stond er al en je gaf geen toelichting: er is niets "
                     "veranderd en niets opnieuw aangekondigd.",
                     "It already had that status and you gave no note: nothing was changed "
                     "and nothing was announced again.")
        case "same_due":
            text = t(lang, "Die deadline staat er al. Er is niets veranderd.",
                     "That is already the deadline. Nothing was changed.")
        case "no_group":
            text = t(lang, "Je kunt (nog) aan geen enkele werkgroep een activiteit toevoegen: "
                           "vraag een beheerder of een lid van het werkgroepkanaal.",
                     "You cannot add an activity to any working group (yet): ask an "
                     "administrator or a member of the group's channel.")
        case _:
            text = t(lang, "Dat kan niet. Er is niets veranderd.", "That is not possible. Nothing was changed.")
    return Reply(text, (text,))


def _history(result: r.HistoryAnswer, lang: Lang, tz: str) -> Reply:
    a = result.activity
    head = t(lang, f"Geschiedenis van {title(a)}", f"History of {title(a)}")
    if not result.updates:
        return Reply(head.replace("*", ""), (head + "\n" + t(lang, "_Nog geen updates._",
                                                             "_No updates yet._"),))
    lines = [update_line(u, lang, tz) for u in result.updates]
    sections = [head] + lines
    if result.total > len(result.updates):
        sections.append(t(lang, "_Oudere updates niet getoond._", "_Older updates not shown._"))
    for earlier in result.earlier:  # carried over from last year's programme (rollover)
        where = f"{escape(earlier.programme_key)} (`{escape(earlier.activity_key)}`)"
        part = [t(lang, f"_Eerder, in {where}:_", f"_Earlier, in {where}:_")]
        part += [update_line(u, lang, tz) for u in earlier.updates]
        if not earlier.total:
            part.append(t(lang, "_Geen updates._", "_No updates._"))
        elif earlier.total > len(earlier.updates):
            part.append(t(lang, "_Oudere updates niet getoond._", "_Older updates not shown._"))
        sections.append("\n".join(part))  # one section per year: few blocks
    return Reply(head.replace("*", ""), tuple(sections))


def due_line(entry: r.DueEntry, lang: Lang, with_group: bool = False,
             today: date | None = None) -> str:
    item = entry.item
    what = escape(item.activity.title)
    if item.milestone:
        what += f" — {escape(item.milestone)}"
    due = next((m.due for m in item.activity.milestones if m.title == item.milestone), None) \
        if item.milestone else item.activity.due
    when = format_due(due, lang) if due else format_date(item.due_value, lang)
    return (f"• {what} (`{escape(item.activity.key)}`): {when} — "
            f"{working_days(entry.working_days, lang, today, item.due_value)}")


def _due_list(result: r.DueListAnswer, lang: Lang) -> Reply:
    scope = f" — {group_name(result.group)}" if result.group else ""
    if result.kind == "upcoming":
        head = t(lang, f"*Deadlines in de komende {result.days} dagen*{scope}",
                 f"*Deadlines in the next {result.days} days*{scope}")
        if result.period == "week":
            head = t(lang, f"*Deadlines deze week*{scope}", f"*Deadlines this week*{scope}")
        elif result.period == "month":
            head = t(lang, f"*Deadlines deze maand*{scope}", f"*Deadlines this month*{scope}")
        empty = t(lang, "Geen open deadlines in die periode.", "No open deadlines in that period.")
        if result.overdue_count:
            n = result.overdue_count
            empty += t(lang, f" Wel {n} te laat: zie `/actie te-laat`.",
                       f" But {n} {'is' if n == 1 else 'are'} overdue: see `/actie overdue`.")
    else:
        head = t(lang, f"*Te laat*{scope}", f"*Overdue*{scope}")
        empty = t(lang, "Niets te laat. 🎉", "Nothing overdue. 🎉")
    if not result.entries:
        return Reply(empty, (head + "\n" + empty,))
    lines = [due_line(e, lang, today=result.today) for e in result.entries]
    return Reply(head.replace("*", ""), (head, "\n".join(_limited(lines, lang))))


def _groups(result: r.GroupsAnswer, lang: Lang) -> Reply:
    head = t(lang, "*Werkgroepen*", "*Working groups*")
    lines = []
    for s in result.groups:
        alias = f" (`{escape(s.group.aliases[0])}`)" if s.group.aliases else ""
        lines.append(t(lang, f"• {escape(s.group.name)}{alias}: {s.open_count} open van {s.total}",
                       f"• {escape(s.group.name)}{alias}: {s.open_count} open of {s.total}"))
    if not lines:
        lines.append(t(lang, "_Nog geen programma geladen._", "_No programme loaded yet._"))
    return Reply(head.replace("*", ""), (head, "\n".join(_limited(lines, lang))))


def _activity_list(result: r.ActivityListAnswer, lang: Lang) -> Reply:
    head = f"*{group_name(result.group)}*"
    lines = [
        f"• {status_label(a.status, lang)} {escape(a.title)} (`{escape(a.key)}`)"
        + (f" · {format_due(a.due, lang)}" if a.due else "")
        for a in result.activities
    ] or [t(lang, "_Geen activiteiten._", "_No activities._")]
    total = result.total if result.activities and result.total is not None else None
    return Reply(head.replace("*", ""), (head, "\n".join(_limited(lines, lang, total))))


def overview(result: r.OverviewAnswer, lang: Lang) -> Reply:
    scope = (group_name(result.group) if result.group
             else escape(result.programme.name) if result.programme
             else t(lang, "Actieprogramma", "Action programme"))
    head = t(lang, f"*Overzicht {scope}* — {format_date(result.today, lang)}",
             f"*Overview {scope}* — {format_date(result.today, lang)}")
    sections = [head + "\n" + counts_line(result.counts, lang)]
    if result.overdue:
        sections.append(t(lang, "*Te laat*", "*Overdue*") + "\n"
                        + "\n".join(_limited([due_line(e, lang, today=result.today) for e in result.overdue], lang)))
    if result.upcoming:
        sections.append(t(lang, f"*Deadlines komende {result.horizon_days} dagen*",
                          f"*Deadlines in the next {result.horizon_days} days*") + "\n"
                        + "\n".join(_limited([due_line(e, lang, today=result.today) for e in result.upcoming], lang)))
    if result.changes:
        lines = [f"• {escape(a.title)}: {change_text(u, lang)}" for a, u in result.changes]
        sections.append(t(lang, "*Recent gewijzigd*", "*Recently changed*") + "\n"
                        + "\n".join(_limited(lines, lang)))
    if result.stale:
        lines = [f"• {escape(a.title)} (`{escape(a.key)}`)" for a in result.stale]
        sections.append(t(lang, "*Al 60+ dagen geen update*", "*No update for 60+ days*") + "\n"
                        + "\n".join(_limited(lines, lang)))
    return Reply(head.replace("*", ""), tuple(sections))


# -- reminders, digests and their buttons (issue 4) ------------------------------------------
# Wording for bot/services/reminders.py and digests.py; blocks.py turns `actions` into buttons.

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


# Slack: 3,000 characters a section, and in practice about 12,000 for all blocks together
# (`msg_blocks_too_long`); a digest list gets one section, cut with "en N meer".
DIGEST_LIST_BUDGET = 2_400
DIGEST_TITLE_MAX = 110
REMINDER_NOTE_MAX = 300


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _mention_owners(owners: tuple[str, ...], mentions: dict[str, tuple[str, ...]]) -> str:
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


def reminder(result: r.ReminderNotice, lang: Lang, tz: str) -> ActionReply:
    """The reminder posted in the working group's channel, with its two buttons."""
    from handlers import ids

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
                     + _mention_owners(a.owners, result.mentions))
    update = result.last_update
    if update is not None:
        lines.append(t(lang, "Laatste update: ", "Last update: ")
                     + f"{format_datetime(update.at, lang, tz)} · {author(update)} · "
                     + status_label(update.new_status, lang))
        if update.note:
            note = escape(_short(update.note, REMINDER_NOTE_MAX))
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


def _month_name(month: object, lang: Lang) -> str:
    from datetime import date

    from bot.domain.digest import month_end
    from bot.domain.model import DueDate, Precision

    assert isinstance(month, date)
    return format_due(DueDate(month_end(month), Precision.MONTH), lang)


def _digest_scope(digest: object, lang: Lang) -> str:
    from bot.domain.digest import Digest

    assert isinstance(digest, Digest)
    if digest.group is not None:
        return group_name(digest.group)
    if digest.programme is not None:
        return escape(digest.programme.name)
    return t(lang, "alle programma's", "all programmes")


def _digest_due_line(entry: object, lang: Lang, today: date | None = None) -> str:
    from bot.domain.digest import DigestEntry

    assert isinstance(entry, DigestEntry)
    a = entry.activity
    what = escape(_short(a.title, DIGEST_TITLE_MAX))
    if entry.item.milestone:
        what += " — " + escape(_short(entry.item.milestone, 60))
    return (f"• {what} (`{escape(a.key)}`): {format_due(entry.due, lang)} — "
            f"{working_days(entry.working_days, lang, today, entry.item.due_value)}")


def _budgeted(head: str, lines: list[str], lang: Lang, budget: int = DIGEST_LIST_BUDGET,
              hint: str | None = None, total: int | None = None) -> str:
    """A heading and as many lines as fit the budget; the rest (of ``total``, when only the
    first lines were fetched) as "en N meer"."""
    total = len(lines) if total is None else max(total, len(lines))
    body = head
    shown = 0
    for line in lines:
        if len(body) + 1 + len(line) > budget - 120:
            break
        body += "\n" + line
        shown += 1
    if shown < total:
        body += "\n" + more(lang, total - shown)
        if hint:
            body += " " + hint
    return body


def digest_reply(result: r.DigestMessage, lang: Lang, tz: str) -> Reply:
    """The monthly digest: short in the channel ("summary"), the full lists in its thread
    ("thread"), or both at once for `/actie overzicht` ("now")."""
    from zoneinfo import ZoneInfo

    g = result.digest
    zone = ZoneInfo(tz)
    scope = _digest_scope(g, lang)
    if g.month is not None:
        month = _month_name(g.month, lang)
        head = t(lang, f"*Maandoverzicht {month} — {scope}*", f"*Monthly digest {month} — {scope}*")
        text = t(lang, f"Maandoverzicht {month}: {g.open_total} open, {len(g.overdue)} te laat",
                 f"Monthly digest {month}: {g.open_total} open, {len(g.overdue)} overdue")
    else:
        head = t(lang, f"*Overzicht {scope}* — {format_date(g.as_of, lang)}",
                 f"*Overview {scope}* — {format_date(g.as_of, lang)}")
        text = t(lang, f"Overzicht: {g.open_total} open, {len(g.overdue)} te laat",
                 f"Overview: {g.open_total} open, {len(g.overdue)} overdue")
    since = format_date(g.since.astimezone(zone).date(), lang)
    totals = t(
        lang,
        f"⚠️ Te laat: *{len(g.overdue)}* · 📅 Deadlines komende {g.horizon_days} dagen: "
        f"*{len(g.upcoming)}* · 🔄 Gewijzigd sinds {since}: *{len(g.changes)}* · "
        f"💤 {g.stale_days}+ dagen geen update: *{g.stale_total}*",
        f"⚠️ Overdue: *{len(g.overdue)}* · 📅 Due in the next {g.horizon_days} days: "
        f"*{len(g.upcoming)}* · 🔄 Changed since {since}: *{len(g.changes)}* · "
        f"💤 No update for {g.stale_days}+ days: *{g.stale_total}*",
    )
    summary = head + "\n" + counts_line(g.counts, lang) + "\n" + totals
    if result.part == "summary":
        sections = [summary]
        if g.urgent:
            sections.append(t(lang, "*Meest urgent*", "*Most urgent*") + "\n"
                            + "\n".join(_digest_due_line(e, lang, g.as_of) for e in g.urgent))
        context = t(lang, "De volledige lijsten staan in de draad. `/actie overzicht` toont "
                          "dit overzicht altijd actueel.",
                    "The full lists are in the thread. `/actie digest` shows this overview, "
                    "up to date, at any time.")
        return Reply(text, tuple(sections), context)
    sections = [summary] if result.part == "now" else []
    hint = t(lang, "(`/actie te-laat` toont ze allemaal)", "(`/actie overdue` shows them all)")
    if g.overdue:
        sections.append(_budgeted(t(lang, f"*Te laat ({len(g.overdue)})*",
                                    f"*Overdue ({len(g.overdue)})*"),
                                  [_digest_due_line(e, lang, g.as_of) for e in g.overdue], lang,
                                  hint=hint))
    if g.upcoming:
        sections.append(_budgeted(
            t(lang, f"*Deadlines komende {g.horizon_days} dagen ({len(g.upcoming)})*",
              f"*Due in the next {g.horizon_days} days ({len(g.upcoming)})*"),
            [_digest_due_line(e, lang, g.as_of) for e in g.upcoming], lang,
            hint=t(lang, f"(`/actie binnenkort {g.horizon_days}`)",
                   f"(`/actie upcoming {g.horizon_days}`)")))
    if g.changes:
        lines = []
        for a, u in g.changes:
            change = change_text(u, lang)
            lines.append(f"• {format_date(u.at.astimezone(zone).date(), lang)} · "
                         f"{escape(_short(a.title, DIGEST_TITLE_MAX))} (`{escape(a.key)}`): "
                         f"{change} · {author(u)}")
        sections.append(_budgeted(t(lang, f"*Gewijzigd sinds {since} ({len(g.changes)})*",
                                    f"*Changed since {since} ({len(g.changes)})*"), lines, lang))
    if g.stale_total:
        lines = [f"• {status_label(a.status, lang)} {escape(_short(a.title, DIGEST_TITLE_MAX))} "
                 f"(`{escape(a.key)}`)" for a in g.stale]
        sections.append(_budgeted(
            t(lang, f"*Al {g.stale_days}+ dagen geen update ({g.stale_total})*",
              f"*No update for {g.stale_days}+ days ({g.stale_total})*"),
            lines, lang, total=g.stale_total))
    if len(sections) == (1 if result.part == "now" else 0):
        sections.append(t(lang, "Niets te laat, geen deadlines in zicht en alles bijgewerkt. 🎉",
                          "Nothing overdue, no deadlines ahead and everything up to date. 🎉"))
    footer: str | None = None
    if result.part == "thread":
        footer = t(lang, f"{scope} · stand van {format_date(g.as_of, lang)}",
                   f"{scope} · as of {format_date(g.as_of, lang)}")
    return Reply(text, tuple(sections), footer)


CHANNEL_PROBLEM_REASON = {
    "channel_not_found": ("het kanaal bestaat niet (meer)", "the channel does not exist"),
    "not_in_channel": ("Actiebot is geen lid van het kanaal", "Actiebot is not in the channel"),
    "is_archived": ("het kanaal is gearchiveerd", "the channel is archived"),
}


def channel_problem(result: r.ChannelProblem, lang: Lang) -> Reply:
    nl_reason, en_reason = CHANNEL_PROBLEM_REASON.get(result.error, (result.error, result.error))
    groups = ", ".join(group_name(g) for g in result.groups)
    head = t(lang, f"⚠️ Actiebot kan niet posten in <#{result.channel}>: {nl_reason} "
                   f"(`{escape(result.error)}`).",
             f"⚠️ Actiebot cannot post in <#{result.channel}>: {en_reason} "
             f"(`{escape(result.error)}`).")
    if groups:
        head += t(lang, f" Dat is het kanaal van {groups}.", f" It is the channel of {groups}.")
    body = t(lang, "Herinneringen en overzichten voor dit kanaal gaan niet verloren: ze worden "
                   "bewaard en bij een volgende ronde opnieuw verstuurd. Nodig Actiebot uit in "
                   "het kanaal (`/invite @Actiebot`) of koppel een ander kanaal met "
                   "`/actie koppel <werkgroep>`.",
             "Reminders and digests for this channel are not lost: they are kept and sent "
             "again on a later sweep. Invite Actiebot to the channel (`/invite @Actiebot`) or "
             "link another channel with `/actie link <group>`.")
    text = t(lang, f"Actiebot kan niet posten in een kanaal ({escape(result.error)})",
             f"Actiebot cannot post in a channel ({escape(result.error)})")
    return Reply(text, (head, body))


def button_answer(result: r.Result, lang: Lang) -> Reply:
    """The confirmation shown only to whoever clicked a reminder button."""
    from handlers.render.dates import format_weekday_date

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
            return compose(result, lang)
    return Reply(text.replace("*", ""), (text,))


def button_trace(result: r.Result, user_id: str, lang: Lang) -> str | None:
    """The line left under a reminder after someone clicked one of its buttons."""
    from handlers.render.dates import format_weekday_date

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


def digest_summary(result: r.DigestReport, lang: Lang) -> Reply:
    month = _month_name(result.month, lang)
    sent = sum(p.state in ("sent", "would-send") for p in result.plans)
    text = t(lang, f"Maandoverzichten {month}: {sent} verstuurd, {result.failed} mislukt.",
             f"Monthly digests {month}: {sent} sent, {result.failed} failed.")
    return Reply(text, (text,))


def error_reply(lang: Lang, correlation_id: str) -> Reply:
    text = t(lang, f"Er ging iets mis aan onze kant; er is niets opgeslagen. Probeer het zo "
                   f"nog eens. (Foutcode: {correlation_id})",
             f"Something went wrong on our side; nothing was saved. Please try again in a "
             f"moment. (Error code: {correlation_id})")
    return Reply(text, (text,))



# -- privacy guard on typed fields (handlers/guards.py) -------------------------------------

def personal_data_field_error(kinds: tuple[PiiKind, ...], lang: Lang) -> str:
    """The error under a modal field that holds personal data: names the kind, never the data."""
    found = t(lang, " en ", " and ").join(t(lang, *PII_LABEL[k]) for k in kinds)
    return t(lang, f"Dit lijkt {found} te bevatten. Haal het weg: Actiebot bewaart geen casus- "
                   "of contactgegevens. Er is niets opgeslagen.",
             f"This seems to contain {found}. Remove it: Actiebot keeps no case or contact "
             "details. Nothing was saved.")


# -- Slack surfaces as text (the console cannot open a modal) --------------------------------

def surface_text(result: r.Result, lang: Lang) -> Reply:
    match result:
        case r.UpdateForm(activity=a):
            what = f"`{escape(a.key)}`" if a else t(lang, "<activiteit>", "<activity>")
            text = t(lang, f"In Slack opent dit een venster. Hier: `update {what} <status> "
                           f"[toelichting]` of `verplaats {what} <deadline> <reden>`.",
                     f"In Slack this opens a form. Here: `update {what} <status> [note]` or "
                     f"`reschedule {what} <deadline> <reason>`.").replace("``", "`")
        case r.NewActivityForm():
            text = t(lang, "Een activiteit toevoegen gaat in Slack, met `/actie nieuw`, of met "
                           "`actiebot import` van het programmabestand.",
                     "Add an activity in Slack with `/actie new`, or with `actiebot import` "
                     "of the programme file.")
        case r.FieldErrors(errors=errors):
            text = t(lang, "Niet opgeslagen: ", "Not saved: ") + ", ".join(
                field for field, _ in errors)
        case r.ActivityOptions(options=options):
            text = "\n".join(f"• {escape(o.title)} (`{escape(o.id)}`)" for o in options)
        case r.HomeDashboard(mine=mine):
            text = "\n".join(f"• {escape(a.title)} (`{escape(a.key)}`)" for a in mine)
        case _:  # pragma: no cover
            text = ""
    return Reply(text or "…", (text or "…",))
