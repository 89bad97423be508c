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

import threading
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


_CACHES: weakref.WeakKeyDictionary[Engine, ProgrammeCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def programme_cache(session: Session) -> ProgrammeCache:
    """The cache of the session's engine in this process."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with _CACHES_LOCK:
        cache = _CACHES.get(engine)
        if cache is None:
            cache = _CACHES[engine] = ProgrammeCache()
        return cache
