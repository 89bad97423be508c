"""A Reply as plain text for the console and the CLI (same wording as Slack)."""

from __future__ import annotations

import re

from bot.services import results as r
from handlers.render.mrkdwn import unescape
from handlers.render.wording import Lang, Reply, escape, t

_MENTION = re.compile(r"<([@#])([A-Z0-9]+)(?:\|([^>]*))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)_(?![\w_])")


def plain(mrkdwn: str) -> str:
    text = _MENTION.sub(lambda m: (m.group(1) + (m.group(3) or m.group(2))), mrkdwn)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = text.replace("`", "")
    return unescape(text)


def render(reply: Reply) -> str:
    parts = [plain(s) for s in reply.sections] or [plain(reply.text)]
    if reply.context:
        parts.append(plain(reply.context))
    return "\n".join(parts)


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
