"""Bookkeeping rows: the data version, handled requests (replay guard), the scheduler lease and
users' locales. None of them is programme data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from storage.aggregates.rows import SessionRepository
from storage.cache import locale_cache
from storage.models import RequestReplayRow, SchedulerLeaseRow, UserRow
from storage.upserts import insert_missing, insert_or_update
from storage.versioning import Version, data_version


class SqlBookkeeping(SessionRepository):
    """ports.Bookkeeping on SQL."""

    def data_version(self) -> Version | None:
        """The data version and its token (storage/versioning.py): one primary-key query."""
        return data_version(self.session)

    def remember_request(self, key: str, now: datetime, keep: timedelta) -> bool:
        """Record a handled request; False when it was recorded before (a replay). Rows older
        than ``keep`` go first (one range delete on the seen_at index). The caller commits."""
        self.session.execute(delete(RequestReplayRow).where(RequestReplayRow.seen_at < now - keep))
        return bool(insert_missing(self.session, RequestReplayRow, {"key": key, "seen_at": now},
                                   ["key"]))

    def acquire_lease(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take or renew the lease `name` for `holder`; False while another holder's lease has
        not expired. The caller commits."""
        if insert_missing(self.session, SchedulerLeaseRow, {
                "name": name, "holder": holder, "acquired_at": now, "expires_at": now + ttl},
                ["name"]):
            return True
        row = self.session.get(SchedulerLeaseRow, name, with_for_update=True,
                               populate_existing=True)
        if row is None:  # released between the two statements: the next renewal takes it
            return False
        if row.holder != holder and row.expires_at > now:
            return False
        if row.holder != holder:
            row.holder, row.acquired_at = holder, now
        row.expires_at = now + ttl
        return True

    def release_lease(self, name: str, holder: str) -> None:
        row = self.session.get(SchedulerLeaseRow, name, with_for_update=True)
        if row is not None and row.holder == holder:
            self.session.delete(row)

    def get_user_locale(self, user_id: str) -> str | None:
        """Cached per process once known (storage/cache.py: LocaleCache): most requests then
        need no transaction for it."""
        cache = locale_cache(self.session)
        locale = cache.get(user_id)
        if locale is None:
            locale = self.session.scalar(
                select(UserRow.locale).where(UserRow.slack_user_id == user_id))
            if locale is not None:
                cache.put(user_id, locale)
        return locale

    def set_user_locale(self, user_id: str, locale: str | None, now: datetime) -> None:
        """Stored, and remembered in this process at once: the user's next request needs no
        transaction for it (bookkeeping: should this transaction not commit, the locale
        kept is still the one Slack gave)."""
        cache = locale_cache(self.session)
        if locale is None:
            cache.forget(user_id)
        else:
            cache.put(user_id, locale)
        # An upsert: two first commands of one user at the same moment both learn the locale.
        insert_or_update(self.session, UserRow,
                         {"slack_user_id": user_id, "locale": locale, "updated_at": now},
                         ["slack_user_id"], ["locale", "updated_at"])
