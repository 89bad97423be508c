"""Wording of refusals and errors: a change refused, a channel Actiebot cannot post in,
an error on our side, personal data in a typed field.
"""

from __future__ import annotations

from bot.domain.privacy import PiiKind
from bot.services import results as r
from handlers.render import permissions
from handlers.render.wording import Lang, Reply, escape, group_name, t

PII_LABEL = {
    PiiKind.BSN: ("een BSN", "a citizen service number (BSN)"),
    PiiKind.PHONE: ("een telefoonnummer", "a phone number"),
    PiiKind.EMAIL: ("een e-mailadres", "an e-mail address"),
    PiiKind.IBAN: ("een rekeningnummer (IBAN)", "a bank account number (IBAN)"),
    PiiKind.BIRTH_DATE: ("een geboortedatum", "a date of birth"),
}


def refused(result: r.Refused, lang: Lang) -> Reply:
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


def error_reply(lang: Lang, correlation_id: str) -> Reply:
    text = t(lang, f"Er ging iets mis aan onze kant; er is niets opgeslagen. Probeer het zo "
                   f"nog eens. (Foutcode: {correlation_id})",
             f"Something went wrong on our side; nothing was saved. Please try again in a "
             f"moment. (Error code: {correlation_id})")
    return Reply(text, (text,))


def personal_data_field_error(kinds: tuple[PiiKind, ...], lang: Lang) -> str:
    """The error under a modal field that holds personal data: names the kind, never the data."""
    found = t(lang, " en ", " and ").join(t(lang, *PII_LABEL[k]) for k in kinds)
    return t(lang, f"Dit lijkt {found} te bevatten. Haal het weg: Actiebot bewaart geen casus- "
                   "of contactgegevens. Er is niets opgeslagen.",
             f"This seems to contain {found}. Remove it: Actiebot keeps no case or contact "
             "details. Nothing was saved.")
