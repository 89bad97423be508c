"""One transaction per use case: commit on success, rollback on error."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from storage.repository import SqlRepository


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
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
        self._session.commit()

    def rollback(self) -> None:
        assert self._session is not None
        self._session.rollback()
