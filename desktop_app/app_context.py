"""The composition root: wires the real database, clock and message bus.

Everything that runs the app (the GUI, the command line, tests that want the
whole stack) builds its objects here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app import schema
from desktop_app.clock import Clock, SystemClock
from desktop_app.config import DatabaseChoice
from desktop_app.database import Database, check_reachable, open_database
from desktop_app.messagebus import MessageBus


@dataclass
class AppContext:
    choice: DatabaseChoice
    db: Database
    bus: MessageBus
    clock: Clock

    @property
    def database_label(self) -> str:
        return f"{self.db.label} ({self.choice.origin})"

    def close(self) -> None:
        self.db.dispose()


def open_app(
    choice: DatabaseChoice, *, migrate: bool = True, clock: Clock | None = None
) -> AppContext:
    """Open the database, bring its schema up to date, and wire the core."""
    db = open_database(choice.url)
    try:
        check_reachable(db)
        if migrate:
            schema.upgrade(db)
        clock = clock or SystemClock()
        return AppContext(choice=choice, db=db, bus=MessageBus(db, clock), clock=clock)
    except BaseException:
        db.dispose()
        raise
