"""Wording of the council progress report and the indicator answers, Dutch first.

The report's own text (headings, labels, sentences) and the Slack replies of `/actie rapport`
and `/actie indicator`. Numbers are written the Dutch way in Dutch ("3.242", "4,7%").
"""

from __future__ import annotations

from datetime import date

from babel.numbers import format_decimal

from bot.domain.model import DueDate, Precision, Status
from bot.domain.periods import Period, PeriodKind
from bot.domain.report import DueState, ReportIndicator, Trend
from bot.services import report_results as rr
from handlers.render.dates import format_date, format_due
from handlers.render.wording import escape, t

Lang = str

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Voortgangsrapportage", "Progress report"),
    "draft": ("Concept", "Draft"),
    "adopted": ("Vastgesteld", "Adopted"),
    "draft_note": (
        ("Concept, opgesteld door Actiebot uit het logboek van het actieprogramma. Controleer "
        "en vul de tekst aan voordat u het verstuurt."),
        ("Draft, compiled by Actiebot from the action programme's log. Check and complete the "
        "text before you send it.")),
    "cover": ("Gegevens", "Details"),
    "fact": ("Gegeven", "Item"),
    "value": ("Waarde", "Value"),
    "programme": ("Programma", "Programme"),
    "region": ("Regio", "Region"),
    "period": ("Periode", "Period"),
    "drafted_on": ("Datum opgesteld", "Drafted on"),
    "next_period": ("Volgende periode", "Next period"),
    "overview": ("Stand van zaken", "Where things stand"),
    "status": ("Status", "Status"),
    "count": ("Aantal", "Number"),
    "total": ("Totaal", "Total"),
    "on_time": ("Op tijd", "On time"),
    "late": ("Deadline verstreken", "Past deadline"),
    "moved": ("Deadline verschoven", "Deadline moved"),
    "no_deadline": ("Zonder deadline", "No deadline"),
    "deadline_kind": ("Deadlines", "Deadlines"),
    "goals": ("Actielijnen", "Action lines"),
    "no_goal": ("Programmabreed", "Programme-wide"),
    "no_theme": ("Overige activiteiten", "Other activities"),
    "result": ("Beoogd resultaat", "Result sought"),
    "owners": ("Eigenaren", "Owners"),
    "group": ("Werkgroep", "Working group"),
    "deadline": ("Deadline", "Deadline"),
    "occurrences": ("Deze periode", "This period"),
    "held": ("{held} van {due} gehouden", "{held} of {due} held"),
    "done_in_period": ("Wat is er gedaan?", "What was done?"),
    "no_updates": ("Geen updates in deze periode.", "No updates in this period."),
    "moves": ("Deadline verschoven", "Deadline moved"),
    "moved_to": ("van {old} naar {new}", "from {old} to {new}"),
    "moved_no_new": ("{old}; nieuwe datum nog niet bekend", "{old}; new date not yet known"),
    "reason": ("reden", "reason"),
    "milestones": ("Mijlpalen", "Milestones"),
    "remaining": ("Wat moeten we nog doen?", "What remains to be done?"),
    "nothing_remaining": ("Alle activiteiten van dit thema zijn afgerond.",
                          "Every activity of this theme is finished."),
    "indicators": ("Indicatoren", "Indicators"),
    "no_indicators": ("Voor dit programma zijn (nog) geen indicatoren vastgelegd.",
                      "No indicators have been defined for this programme (yet)."),
    "no_values": ("Nog geen waarden vastgelegd.", "No values recorded yet."),
    "source": ("Bron", "Source"),
    "unit": ("Eenheid", "Unit"),
    "breakdown": ("Uitsplitsing", "Breakdown"),
    "whole_region": ("Totaal", "Total"),
    "outlook": ("Vooruitblik", "Looking ahead"),
    "outlook_intro": ("Deadlines en mijlpalen in {period}.", "Deadlines and milestones in {period}."),
    "outlook_none": ("Geen deadlines of mijlpalen in {period}.",
                     "No deadlines or milestones in {period}."),
    "date": ("Datum", "Date"),
    "activity": ("Activiteit", "Activity"),
    "milestone": ("Mijlpaal", "Milestone"),
    "late_list": ("Activiteiten met een verstreken deadline", "Activities past their deadline"),
    "summary_updates": (
        ("In deze periode zijn {updates} updates vastgelegd over {activities} van de {total} "
        "activiteiten."),
        ("In this period {updates} updates were logged on {activities} of the {total} "
        "activities.")),
    "summary_no_updates": (
        "In deze periode is voor geen van de {total} activiteiten een update vastgelegd.",
        "No update was logged in this period for any of the {total} activities."),
    "no_activities": ("Dit programma heeft nog geen activiteiten.",
                      "This programme has no activities yet."),
    "in_period": ("in deze periode", "in this period"),
    "in_next": ("volgende periode", "next period"),
    "passed": ("verstreken", "passed"),
    "later": ("later", "later"),
    "no_date": ("nog geen datum", "no date yet"),
    "figure": ("Figuur", "Figure"),
    "chart_status": ("Status per actielijn", "Status per action line"),
    "chart_timeline": ("Deadlines en mijlpalen in {period} en {next}",
                       "Deadlines and milestones in {period} and {next}"),
    "chart_indicator": ("{name} per periode", "{name} per period"),
    "activities_axis": ("activiteiten", "activities"),
    "deadline_marker": ("deadline", "deadline"),
    "milestone_marker": ("mijlpaal", "milestone"),
}

STATUS_WORDS: dict[Status, tuple[str, str]] = {
    Status.NOT_STARTED: ("niet gestart", "not started"),
    Status.ON_TRACK: ("op schema", "on track"),
    Status.AT_RISK: ("risico", "at risk"),
    Status.DELAYED: ("vertraagd", "delayed"),
    Status.DONE: ("gereed", "done"),
    Status.CANCELLED: ("vervallen", "cancelled"),
}

DUE_STATE_WORDS: dict[DueState, tuple[str, str]] = {
    DueState.DONE: ("gereed", "done"),
    DueState.CANCELLED: ("vervallen", "cancelled"),
    DueState.ON_TIME: ("op tijd", "on time"),
    DueState.LATE: ("deadline verstreken", "past its deadline"),
    DueState.NO_DEADLINE: ("geen deadline", "no deadline"),
}

_HALF = (("eerste halfjaar {y}", "first half of {y}"), ("tweede halfjaar {y}", "second half of {y}"))
_QUARTER = ("{n}e kwartaal {y}", "Q{n} {y}")


def w(lang: Lang, key: str, **values: object) -> str:
    nl, en = WORDS[key]
    text = en if lang == "en" else nl
    return text.format(**values) if values else text


def status_word(status: Status, lang: Lang) -> str:
    nl, en = STATUS_WORDS[status]
    return en if lang == "en" else nl


def due_state_word(state: DueState, lang: Lang) -> str:
    nl, en = DUE_STATE_WORDS[state]
    return en if lang == "en" else nl


def number(value: float, lang: Lang) -> str:
    locale = "en" if lang == "en" else "nl"
    return format_decimal(value, format="#,##0.##", locale=locale)


def signed(value: float, lang: Lang) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "±") + number(abs(value), lang)


def date_text(day: date, lang: Lang) -> str:
    return format_date(day, lang)


def due_text(due: DueDate | None, lang: Lang) -> str:
    return format_due(due, lang) if due else w(lang, "no_date")


def period_name(period: Period, lang: Lang) -> str:
    """'eerste halfjaar 2021', '3e kwartaal 2021', 'maart 2021', '2021', or the two dates."""
    en = lang == "en"
    y = period.start.year
    match period.kind:
        case PeriodKind.YEAR:
            return str(y)
        case PeriodKind.HALF:
            return _HALF[0 if period.start.month == 1 else 1][en].format(y=y)
        case PeriodKind.QUARTER:
            return _QUARTER[en].format(n=(period.start.month - 1) // 3 + 1, y=y)
        case PeriodKind.MONTH:
            return format_due(DueDate(period.end, Precision.MONTH), lang)
    return (f"{date_text(period.start, lang)} {'to' if en else 't/m'} "
            f"{date_text(period.end, lang)}")


def period_span(period: Period, lang: Lang) -> str:
    """'1 januari 2021 t/m 30 juni 2021'."""
    joiner = "to" if lang == "en" else "t/m"
    return f"{date_text(period.start, lang)} {joiner} {date_text(period.end, lang)}"


def trend_sentence(indicator: ReportIndicator, lang: Lang) -> str | None:
    """'Gedaald van 3.242 (2019) naar 3.091 (2020): −151 (−4,7%).' or None."""
    totals = [p for p in indicator.points if p.total is not None]
    if indicator.trend is Trend.UNKNOWN or len(totals) < 2 or indicator.change is None:
        return None
    previous, latest = totals[-2], totals[-1]
    assert previous.total is not None and latest.total is not None
    verb = {Trend.UP: ("Gestegen", "Up"), Trend.DOWN: ("Gedaald", "Down"),
            Trend.FLAT: ("Gelijk gebleven", "Unchanged")}[indicator.trend][lang == "en"]
    text = (f"{verb} {'from' if lang == 'en' else 'van'} {number(previous.total, lang)} "
            f"({previous.period}) {'to' if lang == 'en' else 'naar'} "
            f"{number(latest.total, lang)} ({latest.period})")
    if indicator.trend is not Trend.FLAT:
        text += f": {signed(indicator.change, lang)}"
        if indicator.change_pct is not None:
            text += f" ({signed(round(indicator.change_pct, 1), lang)}%)"
    return text + "."


# -- Slack replies of `/actie rapport` and `/actie indicator` ---------------------------------

def report_reply(result: object, lang: Lang, command: str = "/actie") -> tuple[str, tuple[str, ...]]:
    """(one-line text, mrkdwn sections) for a report or indicator result."""
    match result:
        case rr.ReportReady(report=report, channel=channel):
            name = period_name(report.cover.period, lang)
            if channel is None:  # the console writes it to a file
                text = t(lang, f"Het concept van de voortgangsrapportage ({name}) is opgesteld.",
                         f"The draft progress report ({name}) has been compiled.")
                return text, (text,)
            text = t(lang, f"Het concept van de voortgangsrapportage ({name}) wordt opgesteld en "
                           "hier geplaatst.",
                     f"The draft progress report ({name}) is being compiled and will be posted "
                     "here.")
            return text, (text,)
        case rr.ReportProblem(reason=reason, choices=choices):
            options = ", ".join(f"`{escape(c)}`" for c in choices)
            text = {
                "no_programmes": t(lang, "Er is nog geen programma geladen.",
                                   "No programme has been loaded yet."),
                "unknown_programme": t(lang, f"Dat programma ken ik niet. Kies uit {options}.",
                                       f"I don't know that programme. Choose from {options}."),
                "choose_programme": t(
                    lang, f"Welk programma? Typ `{command} rapport <periode> <programma>` met "
                          f"{options}.",
                    f"Which programme? Type `{command} report <period> <programme>` with "
                    f"{options}."),
            }[reason]
            return text, (text,)
        case rr.BadPeriod(text=bad):
            text = t(lang, f"`{escape(bad[:40])}` is geen periode. Gebruik bijvoorbeeld `2021`, "
                           "`2021-H1`, `2021-Q3`, `2021-03` of `2021-01-01..2021-06-30`. Er is "
                           "niets opgeslagen.",
                     f"`{escape(bad[:40])}` is not a period. Use e.g. `2021`, `2021-H1`, "
                     "`2021-Q3`, `2021-03` or `2021-01-01..2021-06-30`. Nothing was saved.")
            return text, (text,)
        case rr.IndicatorAnswer(indicator=indicator):
            return _indicator_reply(indicator, lang)
        case rr.IndicatorRecorded(indicator=indicator, value=value, replaced=replaced):
            where = f" ({escape(value.breakdown)})" if value.breakdown else ""
            verb = t(lang, "vervangen" if replaced else "vastgelegd",
                     "replaced" if replaced else "recorded")
            head = t(lang, f"{escape(indicator.name)}{where}, {value.period}: "
                           f"{number(value.value, lang)} {verb}.",
                     f"{escape(indicator.name)}{where}, {value.period}: "
                     f"{number(value.value, lang)} {verb}.")
            _, sections = _indicator_reply(indicator, lang)
            return head, (head, *sections[1:])
        case rr.IndicatorList(indicators=items):
            if not items:
                text = t(lang, "Er zijn nog geen indicatoren vastgelegd.",
                         "No indicators have been defined yet.")
                return text, (text,)
            lines = [f"• `{escape(i.key)}` — {escape(i.name)}"
                     + (f" ({escape(i.points[-1].period)})" if i.points else "")
                     for _, i in items[:30]]
            head = t(lang, f"*Indicatoren* — `{command} indicator <sleutel>` toont de waarden.",
                     f"*Indicators* — `{command} indicator <key>` shows the values.")
            return t(lang, "Indicatoren", "Indicators"), (head, "\n".join(lines))
        case rr.UnknownIndicator(key=key, suggestions=suggestions):
            text = t(lang, f"Indicator `{escape(key[:60])}` ken ik niet.",
                     f"I don't know indicator `{escape(key[:60])}`.")
            if suggestions:
                options = ", ".join(f"`{escape(s)}`" for s in suggestions)
                text += t(lang, f" Bedoelde je {options}?", f" Did you mean {options}?")
            text += t(lang, " Er is niets opgeslagen.", " Nothing was saved.")
            return text, (text,)
        case rr.BadIndicatorValue(indicator=indicator, problem=problem):
            if problem == "breakdown":
                options = ", ".join(f"`{escape(b)}`" for b in indicator.breakdown) or "—"
                text = t(lang, f"Die uitsplitsing hoort niet bij {escape(indicator.name)}. "
                               f"Kies uit {options}, of laat haar weg voor het totaal.",
                         f"That breakdown is not part of {escape(indicator.name)}. Choose from "
                         f"{options}, or leave it out for the total.")
            else:
                text = t(lang, f"Geef de waarde als getal: `{command} indicator "
                               f"{escape(indicator.key)} 2021-H1 649 [uitsplitsing]`.",
                         f"Give the value as a number: `{command} indicator "
                         f"{escape(indicator.key)} 2021-H1 649 [breakdown]`.")
            text += t(lang, " Er is niets opgeslagen.", " Nothing was saved.")
            return text, (text,)
    raise AssertionError(result)  # pragma: no cover


def _indicator_reply(indicator: ReportIndicator, lang: Lang) -> tuple[str, tuple[str, ...]]:
    head = f"*{escape(indicator.name)}*" + (
        f" — {t(lang, 'bron', 'source')}: {escape(indicator.source)}" if indicator.source else "")
    if not indicator.points:
        return escape(indicator.name), (head, w(lang, "no_values"))
    lines = []
    for point in indicator.points[-6:]:
        total = number(point.total, lang) if point.total is not None else "—"
        line = f"• {point.period}: *{total}*"
        if point.parts:
            shown = ", ".join(f"{escape(n)} {number(v, lang)}" for n, v in point.parts[:12])
            line += f" ({shown})"
        lines.append(line)
    sentence = trend_sentence(indicator, lang)
    sections = (head, "\n".join(lines)) + ((sentence,) if sentence else ())
    return escape(indicator.name), sections
