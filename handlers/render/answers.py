"""Wording of the answers to questions: `wie`, `wanneer`, `status`, `geschiedenis`, lists,
`overzicht`, help and usage, and unknown or ambiguous references.
"""

from __future__ import annotations

from datetime import date

from bot.domain.grammar import Problem
from bot.domain.model import Activity, ActivityLine, Precision
from bot.domain.privacy import mask
from bot.domain.recurrence import RECURS_KEY, Occurrence, current_index
from bot.services import results as r
from handlers.render.dates import format_date, format_due
from handlers.render.wording import (
    Lang,
    Reply,
    change_text,
    counts_line,
    escape,
    group_name,
    limited,
    moved_text,
    status_label,
    t,
    title,
    update_line,
    working_days,
)


def help_answer(result: r.HelpAnswer, lang: Lang) -> Reply:
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


def usage_answer(result: r.UsageAnswer, lang: Lang) -> Reply:
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


def owners_answer(result: r.OwnersAnswer, lang: Lang) -> Reply:
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


def deadline_answer(result: r.DeadlineAnswer, lang: Lang) -> Reply:
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


def status_answer(result: r.StatusAnswer, lang: Lang, tz: str) -> Reply:
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


def list_line(a: ActivityLine, lang: Lang) -> str:
    """One activity as a list shows it (`status` of a group, `lijst`): status, title, key and
    deadline."""
    return (f"• {status_label(a.status, lang)} {escape(a.title)} (`{escape(a.key)}`)"
            + (f" · {format_due(a.due, lang)}" if a.due else ""))


def group_status_answer(result: r.GroupStatusAnswer, lang: Lang) -> Reply:
    scope = group_name(result.group) if result.group else t(lang, "Alle activiteiten", "All activities")
    head = f"*{scope}* — {counts_line(result.counts, lang)}"
    several = len({a.programme_key for a in result.lines}) > 1
    lines = [list_line(a, lang) + (programme_tag(a) if several else "") for a in result.lines]
    return Reply(head.replace("*", ""), (head, "\n".join(limited(lines, lang, result.total))))


def occurrence_lines(occurrences: tuple[Occurrence, ...], rule: str, lang: Lang) -> str:
    """Every occurrence of a recurring activity: number, deadline, status; the current one
    (the earliest not done or cancelled) marked. `rule`: the file's `recurs:` as written."""
    current = current_index([o.status for o in occurrences])
    how = f" ({escape(rule)})" if rule else ""
    lines = [t(lang, f"_Terugkerend{how}, {len(occurrences)} keer:_",
               f"_Recurring{how}, {len(occurrences)} times:_")]
    for index, o in enumerate(occurrences):
        mark = t(lang, " ← nu", " ← current") if index == current else ""
        lines.append(f"{o.number}. {format_due(o.due, lang)}: {status_label(o.status, lang)}"
                     f"{mark}")
    return "\n".join(limited(lines, lang))


def history_answer(result: r.HistoryAnswer, lang: Lang, tz: str) -> Reply:
    a = result.activity
    head = t(lang, f"Geschiedenis van {title(a)}", f"History of {title(a)}")
    rule = str(a.extra.get(RECURS_KEY, ""))
    occurrences = ([occurrence_lines(result.occurrences, rule, lang)]
                   if result.occurrences else [])
    if not result.updates:
        return Reply(head.replace("*", ""), (head + "\n" + t(lang, "_Nog geen updates._",
                                                             "_No updates yet._"),
                                             *occurrences))
    lines = [update_line(u, lang, tz) for u in result.updates]
    sections = [head, *occurrences, *lines]
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


def programme_tag(activity: Activity | ActivityLine) -> str:
    """Which programme an activity is in, for an answer that holds more than one."""
    return f" [{escape(activity.programme_key)}]"


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


def due_list_answer(result: r.DueListAnswer, lang: Lang) -> Reply:
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
    several = len({e.item.activity.programme_key for e in result.entries}) > 1
    lines = [due_line(e, lang, today=result.today)
             + (programme_tag(e.item.activity) if several else "") for e in result.entries]
    return Reply(head.replace("*", ""), (head, "\n".join(limited(lines, lang))))


def groups_answer(result: r.GroupsAnswer, lang: Lang) -> Reply:
    head = t(lang, "*Werkgroepen*", "*Working groups*")
    lines = []
    for s in result.groups:
        alias = f" (`{escape(s.group.aliases[0])}`)" if s.group.aliases else ""
        lines.append(t(lang, f"• {escape(s.group.name)}{alias}: {s.open_count} open van {s.total}",
                       f"• {escape(s.group.name)}{alias}: {s.open_count} open of {s.total}"))
    if not lines:
        lines.append(t(lang, "_Nog geen programma geladen._", "_No programme loaded yet._"))
    return Reply(head.replace("*", ""), (head, "\n".join(limited(lines, lang))))


def activity_list_answer(result: r.ActivityListAnswer, lang: Lang) -> Reply:
    head = f"*{group_name(result.group)}*"
    lines = ([list_line(a, lang) for a in result.activities]
             or [t(lang, "_Geen activiteiten._", "_No activities._")])
    total = result.total if result.activities and result.total is not None else None
    return Reply(head.replace("*", ""), (head, "\n".join(limited(lines, lang, total))))


def overview(result: r.OverviewAnswer, lang: Lang) -> Reply:
    scope = (group_name(result.group) if result.group
             else escape(result.programme.name) if result.programme
             else t(lang, "Actieprogramma", "Action programme"))
    head = t(lang, f"*Overzicht {scope}* — {format_date(result.today, lang)}",
             f"*Overview {scope}* — {format_date(result.today, lang)}")
    sections = [head + "\n" + counts_line(result.counts, lang)]
    if result.overdue:
        sections.append(t(lang, "*Te laat*", "*Overdue*") + "\n"
                        + "\n".join(limited([due_line(e, lang, today=result.today) for e in result.overdue], lang)))
    if result.upcoming:
        sections.append(t(lang, f"*Deadlines komende {result.horizon_days} dagen*",
                          f"*Deadlines in the next {result.horizon_days} days*") + "\n"
                        + "\n".join(limited([due_line(e, lang, today=result.today) for e in result.upcoming], lang)))
    if result.changes:
        lines = [f"• {escape(a.title)}: {change_text(u, lang)}" for a, u in result.changes]
        sections.append(t(lang, "*Recent gewijzigd*", "*Recently changed*") + "\n"
                        + "\n".join(limited(lines, lang)))
    if result.stale:
        lines = [f"• {escape(a.title)} (`{escape(a.key)}`)" for a in result.stale]
        sections.append(t(lang, "*Al 60+ dagen geen update*", "*No update for 60+ days*") + "\n"
                        + "\n".join(limited(lines, lang)))
    return Reply(head.replace("*", ""), tuple(sections))


def unknown_ref(result: r.UnknownRef, lang: Lang) -> Reply:
    query = mask(result.query)  # a ref is echoed, never stored: personal data in it is not
    suggestions = result.suggestions
    text = t(lang, f"Ik ken „{escape(query)}” niet.", f"I don't know “{escape(query)}”.")
    if suggestions:
        options = ", ".join(f"`{escape(s)}`" for s in suggestions)
        text += t(lang, f" Bedoelde je {options}?", f" Did you mean {options}?")
    else:
        text += t(lang, " Probeer `lijst` voor alle werkgroepen en activiteiten.",
                  " Try `list` for all working groups and activities.")
    return Reply(text, (text,))


def ambiguous_ref(result: r.AmbiguousRef, lang: Lang) -> Reply:
    query = mask(result.query)
    head = t(lang, f"„{escape(query)}” past bij meerdere activiteiten. Welke bedoel je?",
             f"“{escape(query)}” matches several activities. Which one do you mean?")
    lines = [f"• `{escape(c.id.key)}` — {escape(c.title)}"
             + ("" if c.is_open else t(lang, " _(afgerond)_", " _(closed)_"))
             for c in result.candidates]
    return Reply(head, (head, "\n".join(limited(lines, lang, result.total))))


def empty_group(result: r.EmptyGroup, lang: Lang) -> Reply:
    group = result.group
    text = t(lang, f"{group_name(group)} heeft nog geen activiteiten.",
             f"{group_name(group)} has no activities yet.")
    return Reply(text, (text,))
