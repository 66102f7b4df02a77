"""The composition root: wires the real database, clock and message bus.

Everything that runs the app (the GUI, the command line, tests that want the
whole stack) builds its objects here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app import schema
from desktop_app.clock import Clock, SystemClock
from desktop_app.config import DatabaseChoice
from desktop_app.database import Database, check_reachable, open_database
from desktop_app.messagebus import MessageBus

if TYPE_CHECKING:
    from desktop_app.scheduler import Scheduler


@dataclass
class AppContext:
    choice: DatabaseChoice
    db: Database
    bus: MessageBus
    clock: Clock
    # Running only in the app itself: one-shot commands (migrate, backup,
    # doctor...) and tests have no timer unless they start one.
    scheduler: Scheduler | None = None

    @property
    def database_label(self) -> str:
        return f"{self.db.label} ({self.choice.origin})"

    def start_scheduler(self, *, every_s: float | None = None) -> Scheduler:
        """Start the in-app timer of due work (reminders, expiries, the outbox)."""
        if self.scheduler is None:
            from desktop_app.scheduler import Scheduler

            self.scheduler = Scheduler(self, every_s=every_s)
        self.scheduler.start()
        return self.scheduler

    def stop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
            self.scheduler = None

    def close(self) -> None:
        # The timer first: its jobs use the engine about to be disposed.
        self.stop_scheduler()
        self.db.dispose()


def open_app(
    choice: DatabaseChoice,
    *,
    migrate: bool = True,
    clock: Clock | None = None,
    scheduler: bool = False,
) -> AppContext:
    """Open the database, bring its schema up to date, and wire the core.

    `scheduler`: also start the timer of due work; for the app's own window,
    not for command-line tools that do one thing and exit.
    """
    db = open_database(choice.url)
    try:
        check_reachable(db)
        if migrate:
            schema.upgrade(db)
        clock = clock or SystemClock()
        ctx = AppContext(choice=choice, db=db, bus=MessageBus(db, clock), clock=clock)
        if scheduler:
            ctx.start_scheduler()
        return ctx
    except BaseException:
        db.dispose()
        raise
