"""What a process may keep between requests: values computed from the programme tables
(the resolution index, counts per status), valid while the programme version is unchanged.

Every request reads the two version counters (one primary-key lookup, storage/versioning.py);
a change by any worker or replica bumps one in the same transaction. A structure change (an
import, a new activity, a renamed group) empties the cache: the next request anywhere rebuilds.
A status change only makes each value stale: a value with a `refresh` is brought up to date
from the activities whose status changed since (the index: a query on
ix_activities_status_version), one without is loaded again (the counts: one aggregate query).
Exactly-once and correctness never depend on this cache: it only saves work.
"""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storage.versioning import programme_versions

T = TypeVar("T")


class ProgrammeCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._structure: int | None = None
        self._values: dict[Hashable, tuple[Any, int]] = {}  # key -> (value, status version)

    def get(self, session: Session, key: Hashable, load: Callable[[], T],
            refresh: Callable[[T, int], T] | None = None) -> T:
        """The value for `key`: cached, refreshed (`refresh(value, since)`: the value after
        the status changes stamped later than `since`), or loaded."""
        structure, statuses = programme_versions(session)
        with self._lock:  # one builder at a time; the others wait for its result
            if self._structure is not None and structure < self._structure:
                return load()  # an older snapshot than the cache: answer it, keep the cache
            if structure != self._structure:
                self._structure, self._values = structure, {}
            cached = self._values.get(key)
            if cached is not None and cached[1] >= statuses:
                # current, or newer statuses than this request's snapshot: committed already
                value: T = cached[0]
                return value
            if cached is not None and refresh is not None:
                value = refresh(cached[0], cached[1])
            else:
                value = load()
            self._values[key] = (value, statuses)
            return value


SETTLE_FROM = 1_000  # activities: below this a full collection is short anyway


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


_CACHES: weakref.WeakKeyDictionary[Engine, ProgrammeCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


C = TypeVar("C")


def _of_engine(caches: weakref.WeakKeyDictionary[Engine, C], session: Session,
               make: Callable[[], C]) -> C:
    """The cache in `caches` of the session's engine in this process, made on first use."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with _CACHES_LOCK:
        cache = caches.get(engine)
        if cache is None:
            cache = caches[engine] = make()
        return cache


def programme_cache(session: Session) -> ProgrammeCache:
    """The cache of the session's engine in this process."""
    return _of_engine(_CACHES, session, ProgrammeCache)


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


_LOCALES: weakref.WeakKeyDictionary[Engine, LocaleCache] = weakref.WeakKeyDictionary()


def locale_cache(session: Session) -> LocaleCache:
    """The locale cache of the session's engine in this process."""
    return _of_engine(_LOCALES, session, LocaleCache)
