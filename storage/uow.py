"""One transaction per use case: commit on success, rollback on error.

A unit of work reads (the default) or writes (``uow(write=True)``): a read takes no write lock
and fails loudly if it tries to write or commit (storage/db.py).

Every write that commits goes through `SqlUnitOfWork.commit`, the one place that moves the data
version (storage/versioning.py) in the same transaction, when it changed programme data, and
lists what it changed: every process's read cache (bot/services/answers.py) then drops what
depends on it, here or in any other worker or replica. The factory hands the process's read
cache to its sessions (storage/cache.py keeps the resolution index and locales in it).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import replay_marks, tenancy
from bot.domain.ports import Busy, KeptSlots
from storage.cache import KEPT, kept_locales
from storage.db import WriteInReadTransaction, is_busy, make_sessionmaker
from storage.repository import SqlRepository
from storage.tenancy import add_workspace_criteria, scope_session
from storage.versioning import (
    Version,
    VersionPeek,
    changes_since,
    collect_scopes,
    collect_statement_scopes,
    data_version,
    forget_scopes,
    record_changes,
)


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], write: bool = True,
                 kept: KeptSlots | None = None, workspace: str | None = None) -> None:
        self._factory = session_factory
        self.write = write
        self._kept = kept
        self.workspace = workspace  # sees only this workspace's programmes (storage/tenancy.py)
        self._session: Session | None = None
        self._repo: SqlRepository | None = None

    @property
    def repo(self) -> SqlRepository:
        assert self._repo is not None, "use the unit of work in a with-block"
        return self._repo

    def __enter__(self) -> Self:
        self._session = self._factory()
        if self._kept is not None:
            self._session.info[KEPT] = self._kept
        scope_session(self._session, self.workspace)
        self._repo = SqlRepository(self._session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            self._session.rollback()  # nothing uncommitted survives the block
        finally:
            forget_scopes(self._session)
            self._session.close()
            self._session = None
            self._repo = None
        if exc is not None and is_busy(exc):
            # rolled back above: the caller may try again (ports.Busy says nothing was written)
            raise Busy(str(exc.orig) if hasattr(exc, "orig") else "busy") from exc

    def commit(self) -> None:
        assert self._session is not None
        if not self.write:
            raise WriteInReadTransaction(
                "commit in a read-only unit of work: open it with uow(write=True)")
        # Flush first: the version row is the last lock this transaction takes, so it never
        # holds it while waiting for another (no lock cycle with a concurrent writer).
        self._session.flush()
        mark = replay_marks.pending()  # a change's replay mark, taken with its first write
        if mark is not None and not self.repo.remember_request(mark.key, mark.at, mark.keep):
            raise replay_marks.SeenBefore("a replayed request")  # rolled back by __exit__
        record_changes(self._session)
        self._session.commit()
        if mark is not None:
            mark.taken = True

    def rollback(self) -> None:
        assert self._session is not None
        self._session.rollback()
        forget_scopes(self._session)

    def data_version(self) -> Version | None:
        """The data version of this transaction's snapshot."""
        assert self._session is not None
        return data_version(self._session)


class SqlUnitOfWorkFactory:
    """ports.UnitOfWorkFactory on one engine: ``factory()`` reads, ``factory(write=True)``
    writes. ``kept``: the process's read cache (bot/services/answers.py), or None."""

    def __init__(self, engine: Engine, kept: KeptSlots | None = None) -> None:
        self._peek = VersionPeek(engine)
        self._read = make_sessionmaker(engine, write=False)
        self._write = make_sessionmaker(engine, write=True)
        event.listen(self._write, "before_flush", collect_scopes)
        event.listen(self._write, "do_orm_execute", collect_statement_scopes)
        for maker in (self._read, self._write):
            event.listen(maker, "do_orm_execute", add_workspace_criteria)
        self.kept = kept
        # many workspaces: a unit of work opened outside any workspace's request sees nothing
        self.require_workspace = False

    def data_version(self) -> Version | None:
        return self._peek.peek()

    def remembered_locale(self, user_id: str) -> str | None:
        return kept_locales(self.kept).get(user_id) if self.kept is not None else None

    def changes_since(self, held: Version, now: Version) -> frozenset[str] | None:
        with self._read() as session:
            try:
                return changes_since(session, held, now)
            finally:
                session.rollback()

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        workspace = tenancy.current()
        if workspace is None and self.require_workspace:
            workspace = tenancy.NOBODY
        return SqlUnitOfWork(self._write if write else self._read, write=write, kept=self.kept,
                             workspace=workspace)
