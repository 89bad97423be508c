"""One transaction per use case: commit on success, rollback on error.

A unit of work reads (the default) or writes (``uow(write=True)``): a read takes no write lock
and fails loudly if it tries to write or commit (storage/db.py).

Every write that commits goes through `SqlUnitOfWork.commit`, the one place that bumps the data
version (storage/versioning.py) in the same transaction: answers kept by any process
(bot/services/answers.py) are then no longer given, here or in any other worker or replica.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.db import WriteInReadTransaction, make_sessionmaker
from storage.repository import SqlRepository
from storage.versioning import VersionPeek, bump_data_version


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], write: bool = True) -> None:
        self._factory = session_factory
        self.write = write
        self._session: Session | None = None
        self._repo: SqlRepository | None = None

    @property
    def repo(self) -> SqlRepository:
        assert self._repo is not None, "use the unit of work in a with-block"
        return self._repo

    def __enter__(self) -> Self:
        self._session = self._factory()
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
            self._session.close()
            self._session = None
            self._repo = None

    def commit(self) -> None:
        assert self._session is not None
        if not self.write:
            raise WriteInReadTransaction(
                "commit in a read-only unit of work: open it with uow(write=True)")
        # Flush first: the version row is the last lock this transaction takes, so it never
        # holds it while waiting for another (no lock cycle with a concurrent writer).
        self._session.flush()
        bump_data_version(self._session)
        self._session.commit()

    def rollback(self) -> None:
        assert self._session is not None
        self._session.rollback()


class SqlUnitOfWorkFactory:
    """ports.UnitOfWorkFactory on one engine: ``factory()`` reads, ``factory(write=True)``
    writes."""

    def __init__(self, engine: Engine) -> None:
        self._peek = VersionPeek(engine)
        self._read = make_sessionmaker(engine, write=False)
        self._write = make_sessionmaker(engine, write=True)

    def data_version(self) -> int | None:
        return self._peek.peek()

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._write if write else self._read, write=write)
