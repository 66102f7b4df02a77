"""The composition root: wires the real database, clock, message bus and scheduler.

Everything that runs the app (the GUI's start, the command line, tests that
want the whole stack) builds its objects here and nowhere else. The bus gets
its handlers from the one explicit table below; no handler registers itself
when its module is imported. The rest of the core and the UI see the running
app only through `desktop_app.kernel.core.Core`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.availability.events import AvailabilityChanged
from desktop_app.availability.handlers import HANDLERS as AVAILABILITY
from desktop_app.booking.events import AppointmentChanged, HoldChanged
from desktop_app.booking.handlers import HANDLERS as BOOKING
from desktop_app.clients.events import ClientChanged
from desktop_app.clients.handlers import HANDLERS as CLIENTS
from desktop_app.clinic.events import ClinicSettingsChanged
from desktop_app.clinic.handlers import HANDLERS as CLINIC
from desktop_app.credits.adjustment_handlers import HANDLERS as CREDIT_ADJUSTMENTS
from desktop_app.credits.events import CreditPacksChanged, CreditsChanged
from desktop_app.credits.expiry_handlers import HANDLERS as CREDIT_EXPIRY
from desktop_app.credits.pack_handlers import HANDLERS as CREDIT_PACKS
from desktop_app.credits.spending_handlers import HANDLERS as CREDIT_SPENDING
from desktop_app.demo.events import DemoClinicSeeded
from desktop_app.demo.handlers import HANDLERS as DEMO
from desktop_app.infra import schema
from desktop_app.infra.config import DatabaseChoice
from desktop_app.infra.database import Database, check_reachable, open_database
from desktop_app.kernel.clock import Clock, SystemClock
from desktop_app.kernel.events import Event
from desktop_app.kernel.messagebus import HandlerTable, MessageBus
from desktop_app.live.codec import EventCodec
from desktop_app.live.feed import ChangeRecorder
from desktop_app.live.service import LiveFeed
from desktop_app.messaging.events import EmailSettingsChanged, NotificationsChanged, OutboxChanged
from desktop_app.messaging.handlers import HANDLERS as MESSAGING
from desktop_app.partners.events import PartnerOrganisationChanged
from desktop_app.partners.handlers import HANDLERS as PARTNERS
from desktop_app.payments.events import PaymentRecorded
from desktop_app.payments.handlers import HANDLERS as PAYMENTS
from desktop_app.scheduling.handlers import HANDLERS as SCHEDULING
from desktop_app.scheduling.scheduler import Scheduler
from desktop_app.staff.account_handlers import HANDLERS as STAFF_ACCOUNTS
from desktop_app.staff.events import PractitionerChanged, StaffAccountChanged, StaffAccountCreated
from desktop_app.staff.practitioner_handlers import HANDLERS as PRACTITIONERS

# Every domain's commands, in one place: what the bus can do is read here.
DOMAIN_HANDLERS: tuple[HandlerTable, ...] = (
    STAFF_ACCOUNTS,
    PRACTITIONERS,
    CLINIC,
    AVAILABILITY,
    CLIENTS,
    BOOKING,
    CREDIT_PACKS,
    CREDIT_SPENDING,
    CREDIT_ADJUSTMENTS,
    CREDIT_EXPIRY,
    PARTNERS,
    PAYMENTS,
    MESSAGING,
    SCHEDULING,
    DEMO,
)


# Every domain event, for the change feed: other workstations receive them as
# the local bus publishes them.
EVENT_TYPES: tuple[type[Event], ...] = (
    StaffAccountCreated,
    StaffAccountChanged,
    PractitionerChanged,
    ClinicSettingsChanged,
    AvailabilityChanged,
    ClientChanged,
    AppointmentChanged,
    HoldChanged,
    CreditsChanged,
    CreditPacksChanged,
    PartnerOrganisationChanged,
    NotificationsChanged,
    EmailSettingsChanged,
    OutboxChanged,
    DemoClinicSeeded,
    PaymentRecorded,
)


def event_codec() -> EventCodec:
    return EventCodec(EVENT_TYPES)


def handler_table() -> HandlerTable:
    table: HandlerTable = {}
    for part in DOMAIN_HANDLERS:
        for command_type, spec in part.items():
            if command_type in table:
                raise RuntimeError(f"{command_type.__name__} has two handlers")
            table[command_type] = spec
    return table


def build_bus(
    db: Database, clock: Clock | None = None, *, origin: uuid.UUID | None = None
) -> MessageBus:
    """The bus, writing every committed command to the change feed as `origin`."""
    recorder = ChangeRecorder(event_codec(), origin or uuid.uuid4())
    return MessageBus(db, handler_table(), clock, recorder)


@dataclass
class AppContext:
    choice: DatabaseChoice
    db: Database
    bus: MessageBus
    clock: Clock
    # Running only in the app itself: one-shot commands (migrate, backup,
    # doctor...) and tests have no timer unless they start one.
    scheduler: Scheduler | None = None
    # The reader of other workstations' changes; the GUI starts it.
    live: LiveFeed | None = None

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

    @property
    def origin(self) -> uuid.UUID:
        """This running app in the change feed: its own rows are not delivered back to it."""
        if self.bus.recorder is None:
            raise RuntimeError("this bus writes no change feed")
        return self.bus.recorder.origin

    def start_live(self, *, poll_interval_s: float | None = None) -> LiveFeed:
        """Start receiving other workstations' changes (and showing the link's state)."""
        if self.live is None:
            self.live = LiveFeed(self.db, self.bus, event_codec(), self.origin, self.clock)
        if poll_interval_s is not None:
            self.live.poll_interval_s = poll_interval_s
        self.live.start()
        return self.live

    def stop_live(self) -> None:
        if self.live is not None:
            self.live.stop()

    def close(self) -> None:
        # The timer and the feed first: they use the engine about to be disposed.
        self.stop_scheduler()
        self.stop_live()
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
