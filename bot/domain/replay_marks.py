"""The replay mark of a change, taken with the change's own first write.

A request that can change something is remembered by a key (bot/services/replays.py), so that
the same request sent again has no second effect. For a change answered within the budget
(handlers/in_time.py) the mark need not cost a transaction of its own: while the change runs,
its mark waits here, and the first unit of work that commits a write in that context writes the
mark in the same transaction (storage/uow.py). A key seen before makes that transaction roll
back (``SeenBefore``): the change is not made, and the request is answered as a replay. A change
that wrote nothing (refused, or only opening a modal) takes its mark afterwards, as before.

A context variable: it follows the change's attempt in the thread that runs it, and ends with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(slots=True)
class PendingMark:
    key: str
    at: datetime  # when the request was handled (the mark's seen_at)
    keep: timedelta  # how long marks are kept: older ones go when this one is written
    taken: bool = False  # set once a transaction that wrote it has committed


class SeenBefore(Exception):
    """The mark's key was recorded before: the transaction that was to write it rolled back,
    nothing of it was written."""


_pending: ContextVar[PendingMark | None] = ContextVar("actiebot_replay_mark", default=None)


def pending() -> PendingMark | None:
    """The mark the next committing write of this context is to take, if any."""
    mark = _pending.get()
    return mark if mark is not None and not mark.taken else None


@contextmanager
def with_first_write(mark: PendingMark) -> Iterator[PendingMark]:
    """While the block runs, the first unit of work that commits a write takes ``mark``."""
    token = _pending.set(mark)
    try:
        yield mark
    finally:
        _pending.reset(token)
