"""The scheduler's due work: one `run_due(ctx, clock)` function per job.

Each looks in the database for what is due at `clock.now()` and does it; the
timer (desktop_app.scheduler) only decides how often to look. A function
returns how many items it did, and may be called directly (tests do, with a
FixedClock). What is due is never remembered in memory, so a workstation
that was switched off catches up on its first run, and several workstations
over one database never do an item twice:

- reminders: a `reminder_claim` row (appointment, offset, start time) is
  inserted in the transaction that queues the e-mail; a second workstation's
  insert of the same key finds it and queues nothing;
- holds and notifications: one DELETE removes each expired row, and only
  one transaction can delete a row;
- overdue appointments: a `job_claim` row per appointment and end time, in
  the transaction that notifies the desk;
- credits and partner allocations: the credits service's ExpireCredits
  command, which writes one expiry entry per lapsed lot under the ledger's
  locks;
- the outbox: see `send_outbox`.

Jobs that change the clinic's data run as system commands through the
message bus, so each run that did something leaves one audit entry and
publishes its events; a run that found nothing writes nothing. A cheap read
first keeps idle runs from taking SQLite's write lock every few seconds.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from desktop_app.credits.commands import ExpireCredits
from desktop_app.credits.results import ExpiryResult
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.kernel.clock import Clock
from desktop_app.kernel.commands import Command
from desktop_app.messaging.mailer import (
    MailError,
    SmtpConfig,
    SmtpConnection,
    build_message,
    load_email_settings,
    not_ready_reason,
    stored_password,
)
from desktop_app.scheduling.commands import (
    ExpireHolds,
    ExpireNotifications,
    FlagOverdueAppointments,
    QueueReminders,
)
from desktop_app.scheduling.handlers import due_reminders, overdue_appointments
from models import (
    Appointment,
    AppointmentStatus,
    MessageChannel,
    MessageStatus,
    Notification,
    OutgoingMessage,
    SlotHold,
)

if TYPE_CHECKING:
    from desktop_app.kernel.core import Core

log = logging.getLogger(__name__)

SCHEDULER = Actor.system("scheduler")


def _system_command(ctx: Core, command: Command) -> int:
    """Run one of the scheduler's commands; returns how many items it did."""
    return int(ctx.bus.handle(command, SCHEDULER) or 0)


def queue_reminders(ctx: Core, clock: Clock) -> int:
    """Queue the reminder e-mails due now (sending them is send_outbox's job)."""
    now = clock.now()
    with ctx.db.read_sessions() as session:
        settings = load_email_settings(session)
        if not settings.enabled or not due_reminders(session, now, settings.reminder_offsets_min):
            return 0
    return _system_command(ctx, QueueReminders(as_of=now))


def expire_holds(ctx: Core, clock: Clock) -> int:
    """Delete slot holds past their expiry."""
    now = clock.now()
    with ctx.db.read_sessions() as session:
        if not session.scalar(select(exists().where(SlotHold.expires_at <= now))):
            return 0
    return _system_command(ctx, ExpireHolds(as_of=now))


def expire_notifications(ctx: Core, clock: Clock) -> int:
    """Delete in-app notifications past their expiry."""
    now = clock.now()
    with ctx.db.read_sessions() as session:
        if not session.scalar(select(exists().where(Notification.expires_at <= now))):
            return 0
    return _system_command(ctx, ExpireNotifications(as_of=now))


def expire_exchange_requests(ctx: Core, clock: Clock) -> int:
    """Expire pending treatment-exchange requests and release their holds.

    A hook with nothing to do yet: the treatment exchange (DESIGN §2) has no
    table so far. When it lands, this runs its system command (e.g.
    ExpireExchangeRequests(as_of=now)), which must claim each request the
    way the others do: an UPDATE ... WHERE status = 'pending' AND
    expires_at <= :now that only one workstation's transaction can match.
    """
    return 0


def expire_credits(ctx: Core, clock: Clock) -> int:
    """Expire lapsed credit lots and partner allocations (the credits service's command)."""
    result = ctx.bus.handle(ExpireCredits(now=clock.now()), SCHEDULER)
    assert isinstance(result, ExpiryResult)
    return result.lots + result.allocations


# --- appointments left booked ------------------------------------------------------------------


def flag_overdue_appointments(ctx: Core, clock: Clock) -> int:
    """Tell the desk, once per appointment, about appointments left `booked` after their end."""
    now = clock.now()
    with ctx.db.read_sessions() as session:
        if not overdue_appointments(session, now):
            return 0
    return _system_command(ctx, FlagOverdueAppointments(as_of=now))


# --- the outbox --------------------------------------------------------------------------------

# How long a workstation may take to send one message before another may
# assume it crashed and take over. Far longer than the few SMTP round trips
# of one message (each bounded by mailer.SMTP_TIMEOUT_S), so a slow but alive
# sender is never overtaken.
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8
# Waits after the 1st, 2nd, ... failed attempt: 1, 2, 4 ... minutes, at most 6 h.
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
# Messages one run sends at most, so one run never holds the timer's thread long.
BATCH = 50


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failed ones."""
    return min(BACKOFF_MAX, BACKOFF_FIRST * (1 << min(max(0, attempts - 1), 20)))


def _due(now: datetime) -> ColumnElement[bool]:
    queued = (OutgoingMessage.status == MessageStatus.QUEUED) & or_(
        OutgoingMessage.next_attempt_at.is_(None), OutgoingMessage.next_attempt_at <= now
    )
    abandoned = (OutgoingMessage.status == MessageStatus.SENDING) & (
        OutgoingMessage.lease_expires_at <= now
    )
    return (OutgoingMessage.channel == MessageChannel.EMAIL) & (queued | abandoned)


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    token: uuid.UUID
    recipient: str
    subject: str
    body: str
    attempts: int


def _stale_reason(message: OutgoingMessage, appointment: Appointment | None, now: datetime) -> str:
    """Why a reminder must not go out now ("" when it may)."""
    if message.kind != "reminder" or message.appointment_id is None:
        return ""
    if appointment is None:
        return "The appointment no longer exists."
    if appointment.status != AppointmentStatus.BOOKED:
        return f"The appointment is {appointment.status.value.replace('_', ' ')}."
    if appointment.starts_at != message.about_starts_at:
        return "The appointment has moved; a reminder of its new time goes out instead."
    if appointment.starts_at <= now:
        return "The appointment has already started."
    return ""


def claim_next(db: Database, now: datetime, workstation: str) -> Claimed | None:
    """Take the next due message, or None when there is none.

    The claim is one conditional UPDATE (status to sending, a lease and a
    fresh token) that only one transaction can make match; it commits before
    the mail server is contacted, so no transaction stays open over the
    network. On PostgreSQL the candidate is picked with FOR UPDATE SKIP
    LOCKED, so workstations sending at once take different messages instead
    of queueing behind each other. A reminder that has gone stale is marked
    skipped in the same transaction, never handed out.
    """
    while True:
        with db.write_sessions.begin() as session:
            candidate = session.scalar(
                select(OutgoingMessage.id)
                .where(_due(now))
                .order_by(OutgoingMessage.next_attempt_at, OutgoingMessage.created_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if candidate is None:
                return None
            token = uuid.uuid4()
            taken = session.execute(
                update(OutgoingMessage)
                .where(OutgoingMessage.id == candidate, _due(now))
                .values(
                    status=MessageStatus.SENDING,
                    lease_expires_at=now + LEASE,
                    lease_token=token,
                    attempts=OutgoingMessage.attempts + 1,
                    workstation=workstation,
                )
                .execution_options(synchronize_session=False)
            )
            if getattr(taken, "rowcount", 0) != 1:
                continue  # another workstation was quicker: look again
            # Loaded after the UPDATE, in a fresh session: current values.
            message = session.get(OutgoingMessage, candidate)
            assert message is not None
            appointment = (
                session.get(Appointment, message.appointment_id)
                if message.appointment_id is not None
                else None
            )
            reason = _stale_reason(message, appointment, now)
            if reason:
                message.status = MessageStatus.SKIPPED
                message.last_error = reason
                message.lease_expires_at = None
                message.lease_token = None
                continue
            return Claimed(
                message.id,
                token,
                message.recipient,
                message.subject,
                message.body,
                message.attempts,
            )


def _finish(db: Database, claimed: Claimed, **values: Any) -> bool:
    """Record the outcome, if the lease is still ours (False: it lapsed and was taken)."""
    with db.write_sessions.begin() as session:
        result = session.execute(
            update(OutgoingMessage)
            .where(
                OutgoingMessage.id == claimed.id,
                OutgoingMessage.lease_token == claimed.token,
                OutgoingMessage.status == MessageStatus.SENDING,
            )
            .values(lease_expires_at=None, lease_token=None, **values)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1


def record_failure(db: Database, claimed: Claimed, failure: MailError, now: datetime) -> None:
    if failure.permanent:
        values: dict[str, Any] = {"status": MessageStatus.FAILED, "last_error": failure.reason}
    elif claimed.attempts >= MAX_ATTEMPTS:
        values = {
            "status": MessageStatus.FAILED,
            "last_error": f"Gave up after {claimed.attempts} attempts. {failure.reason}",
        }
    else:
        values = {
            "status": MessageStatus.QUEUED,
            "last_error": failure.reason,
            "next_attempt_at": now + backoff(claimed.attempts),
        }
    if not _finish(db, claimed, **values):
        log.warning("the lease on message %s lapsed before its failure was recorded", claimed.id)


def send_outbox(ctx: Core, clock: Clock) -> int:
    """Send the queued e-mails that are due; returns how many were sent.

    Exactly once, except in one window: a workstation that crashes (or loses
    the database) after the mail server has accepted a message and before
    its "sent" is committed leaves it `sending`; once the lease lapses,
    another workstation sends it again. The window is kept to one small
    UPDATE right after the server's reply, with nothing else in between,
    and the repeated message has the same Message-ID, which lets mail
    programs that collapse duplicates do so. Marking a message sent before
    sending it would close the window but lose the message on a crash,
    which is worse for a reminder than a rare duplicate.

    Leases are reckoned in each workstation's own clock: two workstations
    whose clocks differ by more than LEASE could also both send a message.
    """
    with ctx.db.read_sessions() as session:
        config = SmtpConfig.from_settings(load_email_settings(session))
    password = stored_password(config)
    if not_ready_reason(config, password):
        # Another workstation may have the password; this one leaves the
        # outbox alone rather than failing every message.
        return 0
    here = workstation_name()
    sent = 0
    connection: SmtpConnection | None = None
    try:
        for _ in range(BATCH):
            now = clock.now()
            claimed = claim_next(ctx.db, now, here)
            if claimed is None:
                break
            try:
                message = build_message(
                    config,
                    claimed.recipient,
                    claimed.subject,
                    claimed.body,
                    message_id=claimed.id,
                    date=now,
                )
                if connection is None or not connection.is_open:
                    connection = SmtpConnection(config, password)
                    connection.open()
                connection.send(message)
            except MailError as failure:
                record_failure(ctx.db, claimed, failure, clock.now())
                if failure.connection:
                    # The server is the problem: the rest waits for the next run.
                    break
                continue
            if _finish(ctx.db, claimed, status=MessageStatus.SENT, sent_at=clock.now()):
                sent += 1
            else:
                log.warning("message %s was sent after its lease lapsed", claimed.id)
    finally:
        if connection is not None:
            connection.close()
    return sent


# --- the list the timer runs -------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    name: str
    run_due: Callable[[Core, Clock], int]
    every_s: float


JOBS: tuple[Job, ...] = (
    Job("expire_holds", expire_holds, 30),
    Job("queue_reminders", queue_reminders, 60),
    Job("send_outbox", send_outbox, 30),
    Job("flag_overdue_appointments", flag_overdue_appointments, 300),
    Job("expire_exchange_requests", expire_exchange_requests, 60),
    Job("expire_credits", expire_credits, 3600),
    Job("expire_notifications", expire_notifications, 3600),
)


def run_all_due(ctx: Core, clock: Clock) -> dict[str, int]:
    """Every job once, in order (what a workstation does when it starts)."""
    return {job.name: job.run_due(ctx, clock) for job in JOBS}
