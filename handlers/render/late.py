"""Wording of a change that could not be acknowledged in time (handlers/in_time.py): the
acknowledgement says it is still being saved, and the outcome follows by `response_url`."""

from __future__ import annotations

from handlers.render.messages import Lang, Reply, t


def still_busy(lang: Lang) -> Reply:
    text = t(lang, "⏳ Nog bezig — je krijgt bericht zodra het is opgeslagen. Stuur het niet "
                   "opnieuw.",
             "⏳ Still working on it — you will hear from us as soon as it is saved. Please do "
             "not send it again.")
    return Reply(text, (text,))


def outcome_unknown(lang: Lang) -> Reply:
    text = t(lang, "Het opslaan duurt te lang; het kan zijn dat het niet is opgeslagen. Kijk met "
                   "`/actie geschiedenis` of het erbij staat voordat je het opnieuw stuurt.",
             "Saving is taking too long; it may not have been saved. Check with "
             "`/actie history` whether it is there before you send it again.")
    return Reply(text, (text,))
