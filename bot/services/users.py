"""Which language to answer a user in: their Slack locale, remembered, else the default.

Slack sends no locale with a slash command, so the first command of a user asks Slack once
(`users.info` with `include_locale`, a short timeout, outside any transaction) *before* it
answers: an English-locale user's first answer is English. The result is remembered in the
database (only a well-formed locale such as "en-US"; anything else is stored as "-").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from bot.domain.ports import Busy
from bot.services.deps import Deps

log = logging.getLogger(__name__)

LocaleLookup = Callable[[str], str | None]  # Slack user id -> locale ("en-US"), may raise
_LOCALE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?")


def _code(locale: str | None) -> str | None:
    if not locale:
        return None
    code = locale.replace("_", "-").split("-")[0].lower()
    return code if code in ("nl", "en") else None


def language(deps: Deps, user_id: str, default: str, lookup: LocaleLookup | None = None) -> str:
    """The user's language; with ``lookup``, a user not seen before is looked up first."""
    locale = deps.uow.remembered_locale(user_id)  # most requests: no unit of work for it
    if locale is None:
        with deps.uow() as uow:
            locale = uow.repo.get_user_locale(user_id)
    if locale is None and lookup is not None:
        locale = learn_locale(deps, lookup, user_id)
    return _code(locale) or default


def learn_locale(deps: Deps, lookup: LocaleLookup, user_id: str) -> str | None:
    """Ask Slack for the user's locale once and remember it; None when Slack did not answer."""
    if not user_id or user_id in ("unknown", "console"):
        return None
    try:
        locale = lookup(user_id) or ""  # the network call: never inside a transaction
    except Exception as error:  # noqa: BLE001 - a missing locale is never worth an error
        log.info("users.info unavailable (%s); using the default language", type(error).__name__)
        return None
    stored = locale if _LOCALE.fullmatch(locale) else "-"
    try:
        with deps.uow(write=True) as uow:
            if uow.repo.get_user_locale(user_id) is None:
                uow.repo.set_user_locale(user_id, stored, deps.now())
                uow.commit()
    except Busy:  # another writer held the lock too long: answered now, remembered next time
        log.info("the user's locale could not be stored now (busy); answering in it anyway")
    return stored
