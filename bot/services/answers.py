"""The process's one read cache, and its one rule.

**What it keeps.** (1) Answers to the questions the command table marks ``keep``
(bot/services/commands.py), as the rendered payload Slack is sent: what a person sees, already
cut to Slack's limits (50 blocks of 3,000 characters), never the full list behind it. The key
is the parsed command, the group of the channel it was asked in (for the rows that answer for
the channel's group; which group a channel is, is kept too, under `channels`), the Slack
workspace, today in the programme's time zone, and the rendering (language, time zone). Who
asks is not in it: no question depends on who asks. So a programme-wide answer (`te-laat` in a DM or in any channel
without a group) is kept once, not again per DM or channel. (2) Slots
for long-lived values storage computes (storage/cache.py: the resolution index, counts per
status, the programmes, the working groups, remembered locales), reached through the
unit-of-work factory; they follow the same rule.

**The bound.** Bytes, not entries: ``ACTIEBOT_CACHE_MB`` (bot/config.py) for the kept answers,
as they sit in memory: each answer is kept packed (pickled, then zlib-compressed: a rendered
payload of ~1.8 KB in dicts and strings packs into ~0.2-0.5 KB, one object instead of dozens)
and counted as its packed bytes plus what keeping it costs besides (its key, kept as a
16-byte digest, its scopes and its place in the LRU order: `ENTRY_BYTES`, `SCOPE_BYTES`,
~350 bytes for an answer about one activity, a third of what a key of Python objects and a
set of keys per scope cost). A given answer is unpacked afresh, so nobody shares it.
Counting the payload's Python objects instead undercounted the real footprint about twofold,
and a process's RSS grew long after the bound was "reached". The least recently used go
first. An answer bigger than a quarter of the limit is given, not kept. The slots are
not evicted (a question cannot be answered without the resolution index: it grows with the
programme, about 0.5-0.8 KB per activity); they say their size (``nbytes()``), which `nbytes`
reports next to the answers.

**The rule** (one rule for every write, in every process):

- Every write that commits through a unit of work names the *scopes* it changed
  (storage/versioning.py names them from the rows written; bot/domain/scopes.py lists them):
  an activity (its row, owners, milestones, log, reminder holds, occurrences) → `a:…`, its
  group's lists `gl:…` and `lists`; a group → `g:…`, `gl:…`, `lists` (and `index` when its
  key, name or aliases change, `channels` when its channel does); a member link → `g:…`; a
  programme → `p:…`, `index`, `lists`, `channels`; an activity added, removed, renamed or
  moved → `index`; opened or closed → `open`; a digest sent → `digests`. A statement that
  writes rows nobody named (bulk SQL: an import, forget-user's rewrites, a rollover) and any
  table nobody described → `*`, everything. Bookkeeping (the delivery ledger, leases,
  replays, locales) names nothing.
- A commit that named a scope moves the data version (one row) to the next number with a new
  random token and lists its scopes under that version (`read_changes`); one that named none
  moves nothing.
- Every kept answer carries the scopes it was computed from (`scopes_of`): an answer about
  one activity → `index`, `open`, that activity, its group, its programme; `lijst <groep>` →
  `index`, the group, its lists, its programme; an answer for a linked channel → `channels`,
  its group, its lists, its programme; for an unlinked channel or a DM → `channels`, `lists`
  (every programme); `overzicht` also `digests`; anything else → `*`.
- Before a kept answer is given, the version is peeked (one statement, no transaction). The
  same version and token: everything kept is current. A later version: the scopes listed
  since the version held are read once and marked changed at that version; exactly the
  answers depending on one of them, kept at an earlier version, are stale: never given
  again, dropped when next asked for, and all at once when more than `MARKS` scopes are
  marked (`*` drops all at once). An earlier version whose listed history leads to the one
  held is a peek that was overtaken (its thread was slow): it changes nothing. A version that went
  backwards otherwise, the same number with another token (a restore, a downgrade and
  upgrade, a failover to a replica behind), or a gap in the list (pruned): no history can be
  told, everything is dropped. So no answer from before a restore is ever given again,
  whatever number the counter climbs back to.
- An answer is kept only when computed in a transaction whose snapshot is the version held
  (the version is its first statement): never one computed on an older or newer snapshot.

What bypasses the unit of work names nothing: Alembic migrations (run while the processes
start) and hand edits in the database (then run `UPDATE data_version SET token = 'x'`, or
restart). Correctness never depends on this cache beyond that: it only saves work.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import threading
import zlib
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Self, TypeVar

from bot.domain import scopes
from bot.domain.ports import Repository, UnitOfWork, Version

T = TypeVar("T")

# What keeping one answer costs besides its packed bytes, measured with tracemalloc on the
# working day's answers (tests/storage/test_read_cache_bytes.py checks the sum against it):
# its key's digest, the _Kept and its place in the OrderedDict; per scope, its place in
# `depends` (the names themselves are interned, shared by every answer naming them).
ENTRY_BYTES = 250
SCOPE_BYTES = 20
# How many scopes may be marked changed before the kept answers are swept (see `_mark`).
MARKS = 1024


def digest(key: Hashable) -> bytes:
    """A kept answer's key as one small object of fixed size: its value's repr, hashed. The
    keys are made of frozen dataclasses, strings, numbers, dates, time zones and tuples,
    whose repr names their value: two keys with the same repr are the same key
    (tests/unit/test_answer_cache.py checks every command type), and an equal key with
    another repr could only miss. Keeping the key's objects instead (the parsed command, its
    strings, the tuples around them) cost several small objects per kept answer."""
    return hashlib.blake2b(repr(key).encode(), digest_size=16).digest()


@dataclass(slots=True)
class _Kept:
    value: Any  # packed (bytes: pickled, then compressed) or, when ``packed`` is False, as is
    size: int
    depends: tuple[str, ...]  # interned names: shared by every answer naming the scope
    stamp: int  # the data version it was computed at
    packed: bool

    def given(self) -> Any:
        if self.packed:  # packed by this process only: nothing from outside reaches it
            return pickle.loads(zlib.decompress(self.value))
        return self.value


def pack(value: Any) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


class ReadCache:
    """Thread-safe; one per process (bot/app.py), passed in through `Deps` and the
    unit-of-work factory."""

    def __init__(self, max_bytes: int, answers: bool = True) -> None:
        """``max_bytes``: ACTIEBOT_CACHE_MB (bot/config.py), for the kept answers."""
        if max_bytes < 1:
            raise ValueError("a read cache holds at least one byte")
        self.max_bytes = max_bytes
        self.keeps_answers = answers
        self._lock = threading.Lock()
        self._held: Version | None = None
        self._seen: deque[Version] = deque(maxlen=64)  # the versions held lately
        self._answers: OrderedDict[bytes, _Kept] = OrderedDict()
        # scope -> the data version that last changed it, since the last sweep: an answer
        # stamped earlier than one of its scopes' marks is stale
        self._changed: dict[str, int] = {}
        self._answer_bytes = 0
        self._slots: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0
        self.dropped = 0

    # -- slots (storage/cache.py) -------------------------------------------------------------

    def slot(self, name: str, make: Callable[[], T]) -> T:
        with self._lock:
            found = self._slots.get(name)
            if found is None:
                found = self._slots[name] = make()
            return found

    def _slot_bytes(self) -> int:
        return sum(int(getattr(s, "nbytes", lambda: 0)()) for s in list(self._slots.values()))

    # -- sizes --------------------------------------------------------------------------------

    def __len__(self) -> int:
        """The answers kept and current (a stale one may wait for its sweep)."""
        with self._lock:
            return sum(1 for kept in self._answers.values() if not self._stale(kept))

    def nbytes(self) -> int:
        """Everything kept, in bytes: the answers as measured, the slots as they say."""
        with self._lock:
            return self._answer_bytes + self._slot_bytes()

    def answer_bytes(self) -> int:
        """The answers' bytes, stale ones not yet swept included: what the bound bounds."""
        with self._lock:
            return self._answer_bytes

    # -- the rule -------------------------------------------------------------------------------

    @property
    def held(self) -> Version | None:
        return self._held

    def sync(self, now: Version,
             changes: Callable[[Version, Version], frozenset[str] | None]) -> None:
        """Bring the kept answers to the data version ``now`` (peeked): mark stale what the
        writes since the version held changed (``changes(held, now)``: their scopes, None when
        no history can be told)."""
        with self._lock:
            held = self._held
            if held == now:
                return
            if held is not None and now[0] < held[0] and now in self._seen:
                return  # a peek that raced a newer one: nothing to learn from it
        if held is not None and now[0] < held[0] and changes(now, held) is not None:
            return  # an older peek of the same history (its thread was slow): still behind
        changed = changes(held, now) if held is not None and now[0] > held[0] else None
        with self._lock:
            if self._held != held:
                return  # another thread moved it meanwhile; the next request looks again
            if changed is None or scopes.EVERYTHING in changed:
                self._drop_all()
            else:
                self._mark(changed, now[0])
            self._held = now
            self._seen.append(now)

    def get(self, now: Version, key: Hashable) -> Any | None:
        name = digest(key)
        with self._lock:
            found = self._answers.get(name) if now == self._held else None
            if found is not None and self._stale(found):
                self._remove(name)
                found = None
            if found is None:
                self.misses += 1
                return None
            self._answers.move_to_end(name)
            self.hits += 1
        return found.given()  # unpacked outside the lock: each caller gets its own copy

    def put(self, version: Version, key: Hashable, value: Any, depends: Iterable[str],
            size: int | None = None) -> bool:
        """Keep ``value`` (computed on the snapshot at ``version``) while no scope in
        ``depends`` is written. False when it was not kept. Without ``size`` it is kept packed
        and counted as it sits in memory (the bound, above); with one, as it is, counted as
        the caller says (small values: which group a channel is)."""
        if not self.keeps_answers or self._held != version:
            return False  # not kept anyway (checked again under the lock): don't pack
        names = tuple(sys.intern(scope) for scope in set(depends))
        packed = size is None
        if packed:
            value = pack(value)
            size = len(value) + ENTRY_BYTES + SCOPE_BYTES * len(names)
        assert size is not None
        name = digest(key)
        with self._lock:
            held = self._held
            if held is None or version != held:
                return False  # computed on another snapshot than the one held: give, don't keep
            room = self.max_bytes
            if size > room // 4:
                return False
            if name in self._answers:
                self._remove(name)
            self._answers[name] = _Kept(value, size, names, held[0], packed)
            self._answer_bytes += size
            while self._answer_bytes > room and self._answers:
                _, oldest = self._answers.popitem(last=False)
                self._answer_bytes -= oldest.size
            return name in self._answers

    def clear(self) -> None:
        with self._lock:
            self._drop_all()
            self._held = None

    def _stale(self, kept: _Kept) -> bool:
        changed = self._changed
        return bool(changed) and any(changed.get(scope, 0) > kept.stamp
                                     for scope in kept.depends)

    def _remove(self, name: bytes) -> None:
        self._answer_bytes -= self._answers.pop(name).size
        self.dropped += 1

    def _mark(self, changed: frozenset[str], version: int) -> None:
        """The answers depending on a scope in ``changed`` are stale from ``version`` on:
        each is dropped when it is next asked for or swept, or leaves as the least recently
        used. Marking costs what the write named, not what is kept. Once ``MARKS`` scopes are
        marked, the stale answers are dropped at once and the marks forgotten (what is left is
        current: a later mark is later than every stamp), so the marks never outgrow the
        programme's writes."""
        for scope in changed:
            self._changed[sys.intern(scope)] = version
        if len(self._changed) > MARKS:
            for name in [n for n, kept in self._answers.items() if self._stale(kept)]:
                self._remove(name)
            self._changed.clear()

    def _drop_all(self) -> None:
        self.dropped += len(self._answers)
        self._answers.clear()
        self._changed.clear()
        self._answer_bytes = 0


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

    def data_version(self) -> Version | None:
        return None  # a question's own reads use its transaction's snapshot

    def changes_since(self, held: Version, now: Version) -> frozenset[str] | None:
        return None

    def remembered_locale(self, user_id: str) -> str | None:
        return None  # read in the outer block's transaction

    def commit(self) -> None:
        raise AssertionError("a question tried to commit")

    def rollback(self) -> None:
        return None
