"""One transaction per command: it commits whole or not at all."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session

from desktop_app.infra.database import Database
from desktop_app.kernel.clock import Clock
from desktop_app.kernel.events import Event


class UnitOfWork:
    """A write session plus the events to publish once it has committed.

    Leaving the block without commit() rolls back everything, whatever
    raised; events of a rolled-back unit are dropped, never published.
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.events: list[Event] = []
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    @property
    def dialect(self) -> str:
        return self.db.dialect

    def __enter__(self) -> UnitOfWork:
        self._session = self.db.write_sessions()
        self._session.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if session.in_transaction():
                session.rollback()
                self.events.clear()
        finally:
            session.close()
            self._session = None

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def commit(self) -> None:
        self.session.commit()
