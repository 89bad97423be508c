"""Answers to questions, kept per process while nothing has been written.

The same question (`wie MDA++`, `status` in a group's channel, `binnenkort 60`…) asked again on
the same day has the same answer until something is written: every write unit of work bumps the
data version when it commits (storage/uow.py), in any worker, replica or CLI process. So a
process keeps each answer under the data version it was computed at, and gives it again while
that version is current.

- **Which commands**: the rows of the command table marked ``keep`` (bot/services/commands.py):
  who, when, status, history, upcoming, overdue, list, overview. Never a change, a surface or
  an indicator. Help and usage cost nothing: they are not kept.
- **The key**: the data version, today in the programme's time zone, the parsed command (frozen,
  hashable dataclasses from bot/domain/grammar.py) and the one part of the actor an answer
  depends on: the channel, for the rows that depend on the channel's working group (no
  question depends on who asks: permissions only guard changes).
- **One transaction**: a kept answer is looked up under the version as committed now (one
  statement on a pooled connection, no unit of work: `UnitOfWorkFactory.data_version`). On a
  miss, the version is read again as the first statement of the read unit of work that computes
  the answer, in that same transaction (its snapshot: SQLite WAL, PostgreSQL), with the clock
  stopped at the moment the key was made; the answer is kept under that version.
- **Shared between threads**: results are frozen dataclasses of tuples; the few dicts in them
  (counts per status, member links, `extra`) are never changed after they are built. Rendering
  (the user's language) stays per request.
- **Bounded**: an LRU of `DEFAULT_SIZE` answers, holding one data version and day at a time (a
  newer one empties it). Off with ``ACTIEBOT_ANSWER_CACHE=0`` (bot/config.py).

What bypasses the write unit of work bumps nothing: Alembic migrations (run while the processes
start) and hand edits in the database (restart, or `UPDATE data_version SET value = value + 1`).
Correctness never depends on this cache beyond that: it only saves work.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Self

from bot.domain.ports import Repository, UnitOfWork

if TYPE_CHECKING:
    from bot.services.results import Result

DEFAULT_SIZE = 256  # a kept list (status, overzicht in a channel) is ~30 KB: at most ~8 MB


class AnswerCache:
    """A bounded, thread-safe LRU of answers for one data version and day at a time."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if size < 1:
            raise ValueError("an answer cache holds at least one answer")
        self.size = size
        self._lock = threading.Lock()
        self._generation: tuple[int, date] | None = None
        self._answers: OrderedDict[Hashable, Result] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._answers)

    def get(self, generation: tuple[int, date], key: Hashable) -> Result | None:
        with self._lock:
            if generation != self._generation:
                self.misses += 1
                return None
            found = self._answers.get(key)
            if found is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return found

    def put(self, generation: tuple[int, date], key: Hashable, answer: Result) -> None:
        with self._lock:
            if generation != self._generation:
                if self._generation is not None and generation[0] < self._generation[0]:
                    return  # computed on an older snapshot than the one kept: give, don't keep
                self._generation = generation
                self._answers.clear()
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._generation = None
            self._answers.clear()


@dataclass(frozen=True, slots=True)
class StoppedClock:
    """The moment the key was made: the answer is computed for the day it is kept under."""

    at: datetime

    def now(self) -> datetime:
        return self.at


class SharedUnitOfWork:
    """A ports.UnitOfWorkFactory that hands out one open read unit of work again and again,
    so that a use case's own ``with deps.uow()`` blocks run in the transaction the version was
    read in. A question never writes: asking to is a bug."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __call__(self, *, write: bool = False) -> Self:
        if write:
            raise AssertionError("a question asked for a write unit of work")
        return self

    @property
    def repo(self) -> Repository:
        return self._uow.repo

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None  # the outer block ends the transaction

    def data_version(self) -> int | None:
        return None  # a question's own reads use its transaction's snapshot

    def commit(self) -> None:
        raise AssertionError("a question tried to commit")

    def rollback(self) -> None:
        return None
