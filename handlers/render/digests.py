"""Wording of the monthly digest (bot/services/digests.py) and its CLI summary.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.digest import Digest, DigestEntry, month_end
from bot.domain.model import DueDate, Precision
from bot.services import results as r
from handlers.render.dates import format_date, format_due
from handlers.render.wording import (
    Lang,
    Reply,
    author,
    change_text,
    counts_line,
    escape,
    group_name,
    more,
    shorten,
    status_label,
    t,
    working_days,
)

# Slack: 3,000 characters a section, and in practice about 12,000 for all blocks together
# (`msg_blocks_too_long`); a digest list gets one section, cut with "en N meer".
DIGEST_LIST_BUDGET = 2_400


DIGEST_TITLE_MAX = 110


def month_name(month: object, lang: Lang) -> str:
    assert isinstance(month, date)
    return format_due(DueDate(month_end(month), Precision.MONTH), lang)


def _digest_scope(digest: object, lang: Lang) -> str:
    assert isinstance(digest, Digest)
    if digest.group is not None:
        return group_name(digest.group)
    if digest.programme is not None:
        return escape(digest.programme.name)
    return t(lang, "alle programma's", "all programmes")


def _digest_due_line(entry: object, lang: Lang, today: date | None = None) -> str:
    assert isinstance(entry, DigestEntry)
    a = entry.activity
    what = escape(shorten(a.title, DIGEST_TITLE_MAX))
    if entry.item.milestone:
        what += " — " + escape(shorten(entry.item.milestone, 60))
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
    g = result.digest
    zone = ZoneInfo(tz)
    scope = _digest_scope(g, lang)
    if g.month is not None:
        month = month_name(g.month, lang)
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
                         f"{escape(shorten(a.title, DIGEST_TITLE_MAX))} (`{escape(a.key)}`): "
                         f"{change} · {author(u)}")
        sections.append(_budgeted(t(lang, f"*Gewijzigd sinds {since} ({len(g.changes)})*",
                                    f"*Changed since {since} ({len(g.changes)})*"), lines, lang))
    if g.stale_total:
        lines = [f"• {status_label(a.status, lang)} {escape(shorten(a.title, DIGEST_TITLE_MAX))} "
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


def digest_summary(result: r.DigestReport, lang: Lang) -> Reply:
    month = month_name(result.month, lang)
    sent = sum(p.state in ("sent", "would-send") for p in result.plans)
    text = t(lang, f"Maandoverzichten {month}: {sent} verstuurd, {result.failed} mislukt.",
             f"Monthly digests {month}: {sent} sent, {result.failed} failed.")
    return Reply(text, (text,))
