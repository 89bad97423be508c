"""What storage keeps between requests, inside the process's one read cache
(bot/services/answers.py, passed in through the unit-of-work factory: no module globals).

- **The programme values** (`ProgrammeCache`: the resolution index, counts per status), computed
  from the programme tables. They follow the read cache's rule, from the transaction's own
  snapshot: when a data version between the one they were computed at and the snapshot's
  changed the resolution index (scope `index`) or everything (`*`), or when the history
  between the two cannot be told (a restore, a failover, a version gone backwards), they are
  computed again. A status change alone only makes them stale: a value with a `refresh` is
  brought up to date from the activities whose status changed since (the index: a query on
  ix_activities_status_version, by the status version in `programme_version`), one without is
  loaded again (the counts: one aggregate query).
- **The programmes and the working groups** (with their member links), through
  `ProgrammeCache.kept`: the same rule, each value with what drops it (`programmes_changed`:
  `p:…`; `groups_changed`: `g:…`, `p:…`, `channels`; both `index` and `*`). A transaction
  that has written reads them afresh and keeps nothing: it must see its own writes.
- **Users' remembered locales** (`LocaleCache`), bookkeeping: no answer depends on them.

Exactly-once and correctness never depend on this: it only saves work.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.domain import scopes
from bot.domain.ports import KeptSlots
from storage.tenancy import scoped_key
from storage.versioning import SCOPES, Version, changes_since, snapshot_versions

T = TypeVar("T")

KEPT = "actiebot_kept"  # session.info: the process's read cache (storage/uow.py)
# what the resolution index holds per activity: measured with tracemalloc on generated
# programmes (short titles), ~800 bytes at 3,000 activities and ~490 at 10,000
BYTES_PER_ACTIVITY = 700
BYTES_PER_ROW = 1_000  # a working group, member link or programme kept (estimated, generous)


def index_changed(changed: frozenset[str]) -> bool:
    """What the resolution index and the counts follow: refs, or everything."""
    return scopes.INDEX in changed or scopes.EVERYTHING in changed


def programmes_changed(changed: frozenset[str]) -> bool:
    """A programme's own row (name, time zone, calendar, admins, archived) or the set of
    programmes: scope `p:…`, or `index` (a programme added, removed or rolled over)."""
    return index_changed(changed) or any(s.startswith("p:") for s in changed)


def groups_changed(changed: frozenset[str]) -> bool:
    """A working group's row or its member links (`g:…`), which group a channel is
    (`channels`), or the set of groups and programmes (`index`)."""
    return (index_changed(changed) or scopes.CHANNELS in changed
            or any(s.startswith(("g:", "p:")) for s in changed))


def _wrote(session: Session) -> bool:
    """The transaction changed something (pending, flushed, or by statement): it reads its
    own writes, which no kept value holds."""
    return bool(session.new or session.dirty or session.deleted
                or session.info.get(SCOPES))


class ProgrammeCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: Version | None = None
        # key -> (value, status version, whether a change list drops it)
        self._values: dict[Hashable, tuple[Any, int, Callable[[frozenset[str]], bool]]] = {}
        self.activities = 0  # in the index kept: its size in bytes is estimated from this

    def nbytes(self) -> int:
        rows = sum(int(getattr(v[0], "rows", 0) or 0) for v in list(self._values.values()))
        return self.activities * BYTES_PER_ACTIVITY + 200 * len(self._values) \
            + BYTES_PER_ROW * rows

    def kept(self, session: Session, key: Hashable, load: Callable[[], T],
             dropped_by: Callable[[frozenset[str]], bool]) -> T:
        """A value that follows the rule through ``dropped_by`` (given the scopes written
        since, whether they change it), such as the programmes or the working groups; loaded
        afresh, and not kept, in a transaction that has written (it must see its own
        writes). A value with a `rows` attribute is counted by it in the size estimate."""
        if _wrote(session):
            return load()
        return self.get(session, key, load, dropped_by=dropped_by, statuses=False)

    def get(self, session: Session, key: Hashable, load: Callable[[], T],
            refresh: Callable[[T, int], T] | None = None,
            dropped_by: Callable[[frozenset[str]], bool] = index_changed,
            statuses: bool = True) -> T:
        """The value for `key`: cached, refreshed (`refresh(value, since)`: the value after
        the status changes stamped later than `since`), or loaded. ``statuses``: whether the
        value follows the activities' statuses (the status version) too."""
        now, (_structure, status_version) = snapshot_versions(session)
        key = scoped_key(session, key)  # many workspaces: each its own index and counts
        with self._lock:  # one builder at a time; the others wait for its result
            if now is None:  # no counter row: nothing can be kept safely
                self._held, self._values = None, {}
                return load()
            if self._held is not None and now != self._held:
                if now[0] < self._held[0]:
                    older = self._older(session, now, key, load)
                    if older is not None:
                        return older[0]
                changed = changes_since(session, self._held, now) if now[0] > self._held[0] \
                    else None
                if changed is None or scopes.EVERYTHING in changed:
                    self._values = {}
                else:
                    self._values = {k: v for k, v in self._values.items() if not v[2](changed)}
            elif self._held is None:
                self._values = {}
            self._held = now
            cached = self._values.get(key)
            if cached is not None and cached[1] >= status_version:
                # current, or newer statuses than this request's snapshot: committed already
                value: T = cached[0]
                return value
            if cached is not None and refresh is not None:
                value = refresh(cached[0], cached[1])
            else:
                value = load()
            self._values[key] = (value, status_version if statuses else sys.maxsize,
                                 dropped_by)
            activities = getattr(value, "activities", None)
            if isinstance(activities, tuple):
                self.activities = len(activities)
            return value


    def _older(self, session: Session, now: Version, key: Hashable,
               load: Callable[[], T]) -> tuple[T] | None:
        """A request whose snapshot is older than the version held (it began before a write
        that another request already saw): when the committed history holds its version (read
        on a connection of its own), the value kept serves it unless it changed in
        between; otherwise it is computed for it and not kept. None: not an older snapshot of
        this history (a restore, a failover): start afresh."""
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        with engine.connect() as connection:
            between = changes_since(connection, now, self._held) if self._held else None
        if between is None:
            return None
        cached = self._values.get(key)
        if cached is not None and scopes.EVERYTHING not in between and not cached[2](between):
            return (cached[0],)  # newer statuses than the snapshot's: committed already
        return (load(),)


SETTLE_FROM = 1_000  # activities: below this a full collection is short anyway


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off while a programme is read and stored.

    Reading builds millions of objects that all stay alive (nodes, values, models), and the
    collector, triggered by allocations, walks every one of them again and again: at 100,000
    activities that was two thirds of the YAML parse. Nothing built here forms a reference
    cycle that must be freed early (plain data; memory is freed by reference counting as
    before), and the collector runs as usual afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle_heap() -> None:
    """Take what the process keeps (a resolution index just built: ~140,000 objects at
    10,000 activities) out of the cyclic garbage collector's sight. Otherwise every full
    collection walks all of it again while holding the GIL: a pause of ~30 ms at 10,000
    activities and ~0.3 s at 100,000 for every request in flight, which set the p99 at
    concurrency 16. What was frozen before is given back first and everything collected, so
    nothing stays pinned for longer than one rebuild; the index has no reference cycles, so a
    replaced one is freed by reference counting anyway. Once per rebuild."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _kept(session: Session) -> KeptSlots | None:
    kept = session.info.get(KEPT)
    return kept if kept is not None else None


def programme_cache(session: Session) -> ProgrammeCache:
    """The programme values of this process's read cache; without one (a session made
    outside a unit-of-work factory with a cache) a new, empty one: nothing is kept."""
    kept = _kept(session)
    return kept.slot("programme", ProgrammeCache) if kept is not None else ProgrammeCache()


class LocaleCache:
    """Users' remembered locales (set once, when first learned from Slack), so that a request
    does not open a transaction just to read one. An entry lives `TTL` seconds: a user
    forgotten by another process (`actiebot forget-user`) is forgotten here within that time;
    in this process at once (`forget`)."""

    TTL = 300.0
    MAX = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, tuple[str, float]] = {}

    def nbytes(self) -> int:
        return 120 * len(self._values)

    def get(self, user_id: str) -> str | None:
        with self._lock:
            found = self._values.get(user_id)
            if found is None or time.monotonic() - found[1] > self.TTL:
                return None
            return found[0]

    def put(self, user_id: str, locale: str) -> None:
        with self._lock:
            if len(self._values) >= self.MAX:
                self._values.clear()
            self._values[user_id] = (locale, time.monotonic())

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._values.pop(user_id, None)


def locale_cache(session: Session) -> LocaleCache:
    """The remembered locales of this process's read cache (a new, empty one without)."""
    kept = _kept(session)
    return kept_locales(kept) if kept is not None else LocaleCache()


def kept_locales(kept: KeptSlots) -> LocaleCache:
    return kept.slot("locales", LocaleCache)
