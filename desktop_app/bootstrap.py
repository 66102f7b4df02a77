"""The composition root: wires the real database, clock, message bus and scheduler.

Everything that runs the app (the GUI's start, the command line, tests that
want the whole stack) builds its objects here and nowhere else. The bus gets
its handlers from the one explicit table below; no handler registers itself
when its module is imported. The rest of the core and the UI see the running
app only through `desktop_app.kernel.core.Core`.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.availability.handlers import HANDLERS as AVAILABILITY
from desktop_app.booking.handlers import HANDLERS as BOOKING
from desktop_app.clients.handlers import HANDLERS as CLIENTS
from desktop_app.clinic.handlers import HANDLERS as CLINIC
from desktop_app.credits.handlers import HANDLERS as CREDITS
from desktop_app.demo.handlers import HANDLERS as DEMO
from desktop_app.infra import schema
from desktop_app.infra.config import DatabaseChoice
from desktop_app.infra.database import Database, check_reachable, open_database
from desktop_app.kernel.clock import Clock, SystemClock
from desktop_app.kernel.messagebus import HandlerTable, MessageBus
from desktop_app.messaging.handlers import HANDLERS as MESSAGING
from desktop_app.partners.handlers import HANDLERS as PARTNERS
from desktop_app.payments.handlers import HANDLERS as PAYMENTS
from desktop_app.scheduling.handlers import HANDLERS as SCHEDULING
from desktop_app.scheduling.scheduler import Scheduler
from desktop_app.staff.account_handlers import HANDLERS as STAFF_ACCOUNTS
from desktop_app.staff.practitioner_handlers import HANDLERS as PRACTITIONERS

# Every domain's commands, in one place: what the bus can do is read here.
DOMAIN_HANDLERS: tuple[HandlerTable, ...] = (
    STAFF_ACCOUNTS,
    PRACTITIONERS,
    CLINIC,
    AVAILABILITY,
    CLIENTS,
    BOOKING,
    CREDITS,
    PARTNERS,
    PAYMENTS,
    MESSAGING,
    SCHEDULING,
    DEMO,
)


def handler_table() -> HandlerTable:
    table: HandlerTable = {}
    for part in DOMAIN_HANDLERS:
        for command_type, spec in part.items():
            if command_type in table:
                raise RuntimeError(f"{command_type.__name__} has two handlers")
            table[command_type] = spec
    return table


def build_bus(db: Database, clock: Clock | None = None) -> MessageBus:
    return MessageBus(db, handler_table(), clock)


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
        ctx = AppContext(choice=choice, db=db, bus=build_bus(db, clock), clock=clock)
        if scheduler:
            ctx.start_scheduler()
        return ctx
    except BaseException:
        db.dispose()
        raise
