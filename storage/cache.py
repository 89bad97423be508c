"""What a process may keep between requests: values computed from the programme tables
(the resolution index, counts per status), valid while the programme version is unchanged.

Every request reads the version (one primary-key lookup, storage/versioning.py); a change by
any worker or replica bumps it in the same transaction, so the next request anywhere rebuilds.
Exactly-once and correctness never depend on this cache: it only saves work.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from storage.versioning import programme_version

T = TypeVar("T")


class ProgrammeCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._values: dict[Hashable, Any] = {}

    def get(self, session: Session, key: Hashable, load: Callable[[], T]) -> T:
        version = programme_version(session)
        with self._lock:  # one builder at a time; the others wait for its result
            if self._version is not None and version < self._version:
                return load()  # an older snapshot than the cache: answer it, keep the cache
            if version != self._version:
                self._version, self._values = version, {}
            if key not in self._values:
                self._values[key] = load()
            value: T = self._values[key]
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
