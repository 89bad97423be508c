"""Wording of a permission refusal (bot/services/permissions.py): polite, says who may, and that
nothing changed. Dutch first, English second."""

from __future__ import annotations

from bot.services import results as r
from handlers.render.wording import Lang, Reply, escape, t, title

REASONS = frozenset({"not_allowed", "not_admin", "not_channel_member", "membership_unknown",
                     "not_our_message"})
MAX_NAMED = 5  # users named in a refusal; more are counted


def _people(users: tuple[str, ...], lang: Lang) -> str:
    named = ", ".join(f"<@{u}>" for u in users[:MAX_NAMED])
    if len(users) > MAX_NAMED:
        named += t(lang, f" en {len(users) - MAX_NAMED} anderen",
                   f" and {len(users) - MAX_NAMED} others")
    return named


def _join(parts: list[str], lang: Lang) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return "; ".join(parts[:-1]) + t(lang, "; en ", "; and ") + parts[-1]


def _admins(result: r.Refused, lang: Lang) -> str:
    if result.admins:
        return t(lang, f"de beheerders ({_people(result.admins, lang)})",
                 f"the administrators ({_people(result.admins, lang)})")
    if result.admins_configured:
        return t(lang, "de beheerders van Actiebot", "Actiebot's administrators")
    return t(lang, "de beheerders van Actiebot (er zijn er nog geen ingesteld: "
                   "`ACTIEBOT_ADMINS` of `admins:` in het programmabestand)",
             "Actiebot's administrators (none are set yet: `ACTIEBOT_ADMINS` or `admins:` in "
             "the programme file)")


def who_may_change(result: r.Refused, lang: Lang) -> str:
    parts: list[str] = []
    if result.channel:
        parts.append(t(lang, f"de leden van <#{result.channel}>",
                       f"the members of <#{result.channel}>"))
    if result.linked:
        parts.append(t(lang, f"wie in de werkgroep aan een eigenaar gekoppeld is "
                             f"({_people(result.linked, lang)})",
                       f"the people linked to an owner in the working group "
                       f"({_people(result.linked, lang)})"))
    parts.append(_admins(result, lang))
    return _join(parts, lang)


def refusal(result: r.Refused, lang: Lang) -> Reply:
    nothing = t(lang, "Er is niets veranderd.", "Nothing was changed.")
    what = (title(result.activity) if result.activity is not None
            else t(lang, f"de activiteiten van *{escape(result.group.name)}*",
                   f"the activities of *{escape(result.group.name)}*") if result.group
            else t(lang, "dit", "this"))
    group = f"*{escape(result.group.name)}*" if result.group else t(lang, "deze werkgroep",
                                                                    "this working group")
    match result.reason:
        case "not_allowed":
            text = t(lang, f"Je mag {what} niet wijzigen. Dat mogen: "
                           f"{who_may_change(result, lang)}. {nothing}",
                     f"You may not change {what}. Who may: {who_may_change(result, lang)}. "
                     f"{nothing}")
        case "membership_unknown":
            text = t(lang, f"Ik kon bij Slack niet nagaan of je lid bent van <#{result.channel}>. "
                           f"Probeer het over een paar minuten opnieuw. Wijzigen mogen: "
                           f"{who_may_change(result, lang)}. {nothing}",
                     f"I could not check with Slack whether you are a member of "
                     f"<#{result.channel}>. Please try again in a few minutes. Who may change "
                     f"it: {who_may_change(result, lang)}. {nothing}")
        case "not_admin":
            text = t(lang, f"Alleen {_admins(result, lang)} mogen het kanaal van {group} "
                           f"koppelen. {nothing}",
                     f"Only {_admins(result, lang)} may link the channel of {group}. "
                     f"{nothing}")
        case "not_channel_member":
            text = t(lang, f"Het kanaal van {group} koppelen mag alleen wie lid is van het "
                           f"huidige kanaal <#{result.channel}> (zolang er geen beheerders zijn "
                           f"ingesteld). {nothing}",
                     f"Only members of its current channel <#{result.channel}> may link the "
                     f"channel of {group} (while no administrators are set). {nothing}")
        case _:  # "not_our_message"
            text = t(lang, "Deze knop hoort niet bij een herinnering die Actiebot hier heeft "
                           f"geplaatst. {nothing}",
                     f"This button does not belong to a reminder Actiebot posted here. "
                     f"{nothing}")
    return Reply(text.replace("*", ""), (text,))
