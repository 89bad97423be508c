"""Which language to answer a user in: their Slack locale, remembered, else the default."""

from __future__ import annotations

import logging
from typing import Any

from bot.services.deps import Deps

log = logging.getLogger(__name__)


def _code(locale: str | None) -> str | None:
    if not locale:
        return None
    code = locale.replace("_", "-").split("-")[0].lower()
    return code if code in ("nl", "en") else None


def language(deps: Deps, user_id: str, default: str) -> str:
    with deps.uow() as uow:
        locale = uow.repo.get_user_locale(user_id)
    return _code(locale) or default


def learn_locale(deps: Deps, client: Any, user_id: str) -> None:
    """After answering: remember the user's Slack locale once (users.info include_locale)."""
    if not user_id or user_id in ("unknown", "console"):
        return
    with deps.uow() as uow:
        if uow.repo.get_user_locale(user_id) is not None:
            return
    try:
        response = client.users_info(user=user_id, include_locale=True)
        locale = str((response.get("user") or {}).get("locale") or "")
    except Exception as error:  # noqa: BLE001 - a missing locale is never worth an error
        log.info("users.info unavailable (%s); using the default language", type(error).__name__)
        return
    with deps.uow() as uow:
        uow.repo.set_user_locale(user_id, locale or "-", deps.now())
        uow.commit()
