"""Handlers of the scheduler's commands: reminders, expiries, overdue appointments.

Each looks at what is due at the command's `as_of`, not at what the timer
may have missed, so a workstation that was off simply finds more due when it
starts. Each item is claimed in the transaction that does it (a claim row
with a unique key, or a DELETE that only one transaction can make match), so
workstations racing over one database do every item once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from desktop_app.booking.events import HoldChanged
from desktop_app.booking.handlers import lock_practitioner
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.messaging.events import NotificationsChanged
from desktop_app.messaging.handlers import Mailing, insert_claim, queue_appointment_email
from desktop_app.messaging.notify import notify, staff_with_role
from desktop_app.scheduling.commands import (
    ExpireHolds,
    ExpireNotifications,
    FlagOverdueAppointments,
    QueueReminders,
)
from models import (
    Appointment,
    AppointmentStatus,
    Client,
    JobClaim,
    Notification,
    Practitioner,
    ReminderClaim,
    Role,
    SlotHold,
    StaffAccount,
)

# An appointment still `booked` this long after its end needs the desk.
OVERDUE_AFTER = timedelta(hours=2)
# Older than this, an unmarked appointment is history, not a task: a
# workstation started after a long pause does not flood the desk.
OVERDUE_LOOKBACK = timedelta(days=7)
OVERDUE_JOB = "overdue_appointment"


# --- reminders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    appointment_id: uuid.UUID
    starts_at: datetime
    # The reminder to send: the nearest of those whose time has passed, unless
    # it was already done. None: only older ones are left to close.
    send_offset: int | None
    # Earlier reminder times not done yet and now pointless: closed unsent.
    superseded: tuple[int, ...]


def due_reminders(session: Session, now: datetime, offsets: Iterable[int]) -> list[DueReminder]:
    """Reminders due at `now` that no workstation has claimed yet."""
    offsets = sorted(set(offsets))
    if not offsets:
        return []
    rows = session.execute(
        select(Appointment.id, Appointment.starts_at)
        .join(Client, Client.id == Appointment.client_id)
        .where(
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at > now,
            Appointment.starts_at <= now + timedelta(minutes=offsets[-1]),
            Client.email.isnot(None),
            Client.archived_at.is_(None),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    if not rows:
        return []
    claimed = {
        (c.appointment_id, c.offset_min, c.starts_at)
        for c in session.execute(
            select(
                ReminderClaim.appointment_id, ReminderClaim.offset_min, ReminderClaim.starts_at
            ).where(ReminderClaim.appointment_id.in_([r.id for r in rows]))
        )
    }
    out: list[DueReminder] = []
    for appointment_id, starts_at in rows:
        passed = [o for o in offsets if starts_at - timedelta(minutes=o) <= now]
        open_ = [o for o in passed if (appointment_id, o, starts_at) not in claimed]
        if not open_:
            continue
        nearest = passed[0]
        send = nearest if nearest in open_ else None
        out.append(
            DueReminder(appointment_id, starts_at, send, tuple(o for o in open_ if o != send))
        )
    return out


def queue_reminders(uow: UnitOfWork, cmd: QueueReminders, actor: Actor) -> Outcome:
    mailing = Mailing.load(uow.session)
    if not mailing.email.enabled:
        return Outcome(result=0, no_change=True)
    session = uow.session
    here = workstation_name()
    queued: list[str] = []
    closed = 0
    for due in due_reminders(session, cmd.as_of, mailing.email.reminder_offsets_min):

        def claim(offset: int, due: DueReminder = due) -> bool:
            return insert_claim(
                session,
                ReminderClaim.__table__,
                {
                    "appointment_id": due.appointment_id,
                    "offset_min": offset,
                    "starts_at": due.starts_at,
                    "claimed_at": cmd.as_of,
                    "workstation": here,
                    "message_id": None,
                },
            )

        if due.send_offset is not None and claim(due.send_offset):
            appointment = session.get(Appointment, due.appointment_id)
            assert appointment is not None
            message = queue_appointment_email(uow, appointment, "reminder", mailing)
            if message is not None:
                session.execute(
                    update(ReminderClaim)
                    .where(
                        ReminderClaim.appointment_id == due.appointment_id,
                        ReminderClaim.offset_min == due.send_offset,
                        ReminderClaim.starts_at == due.starts_at,
                    )
                    .values(message_id=message.id)
                    .execution_options(synchronize_session=False)
                )
                queued.append(appointment.reference)
        for offset in due.superseded:
            closed += claim(offset)
    if not queued and not closed:
        return Outcome(result=0, no_change=True)
    return Outcome(
        result=len(queued),
        target="scheduler:reminders",
        changes={"queued": queued, "superseded": closed},
    )


# --- expiries --------------------------------------------------------------------------------


def expire_holds(uow: UnitOfWork, cmd: ExpireHolds, actor: Actor) -> Outcome:
    session = uow.session
    lapsed = select(SlotHold.practitioner_id).where(SlotHold.expires_at <= cmd.as_of)
    practitioners = sorted(set(session.scalars(lapsed)))
    if not practitioners:
        return Outcome(result=0, no_change=True)
    # The lock a booking takes before it consumes a hold: the hold it is about
    # to delete is not deleted under it. Sorted, so two runs cannot deadlock.
    for practitioner_id in practitioners:
        lock_practitioner(uow, practitioner_id)
    gone = session.execute(
        delete(SlotHold)
        .where(SlotHold.expires_at <= cmd.as_of)
        .returning(SlotHold.id, SlotHold.practitioner_id)
        .execution_options(synchronize_session=False)
    ).all()
    if not gone:
        return Outcome(result=0, no_change=True)
    for practitioner_id in sorted({p for _, p in gone}):
        uow.emit(HoldChanged(practitioner_id))
    return Outcome(
        result=len(gone),
        target="scheduler:holds",
        changes={"expired": sorted(str(hold_id) for hold_id, _ in gone)},
    )


def expire_notifications(uow: UnitOfWork, cmd: ExpireNotifications, actor: Actor) -> Outcome:
    gone = uow.session.execute(
        delete(Notification)
        .where(Notification.expires_at <= cmd.as_of)
        .returning(Notification.recipient_id)
        .execution_options(synchronize_session=False)
    ).all()
    if not gone:
        return Outcome(result=0, no_change=True)
    uow.emit(NotificationsChanged(tuple(sorted({r for (r,) in gone}))))
    return Outcome(
        result=len(gone), target="scheduler:notifications", changes={"expired": len(gone)}
    )


# --- appointments left booked ----------------------------------------------------------------


def overdue_item(appointment_id: uuid.UUID, ends_at: datetime) -> str:
    # With the end in the key, an appointment moved after being flagged is
    # flagged again should it be left open at its new time too.
    return f"{appointment_id}@{ends_at:%Y-%m-%dT%H:%M:%SZ}"


def overdue_appointments(session: Session, now: datetime) -> list[tuple[Appointment, str]]:
    """Appointments still booked OVERDUE_AFTER past their end, not flagged yet."""
    candidates = session.scalars(
        select(Appointment)
        .where(
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.ends_at <= now - OVERDUE_AFTER,
            Appointment.ends_at > now - OVERDUE_LOOKBACK,
        )
        .order_by(Appointment.ends_at, Appointment.id)
    ).all()
    if not candidates:
        return []
    items = {a.id: overdue_item(a.id, a.ends_at) for a in candidates}
    done = set(
        session.scalars(
            select(JobClaim.item).where(
                JobClaim.job == OVERDUE_JOB, JobClaim.item.in_(sorted(items.values()))
            )
        )
    )
    return [(a, items[a.id]) for a in candidates if items[a.id] not in done]


def flag_overdue_appointments(
    uow: UnitOfWork, cmd: FlagOverdueAppointments, actor: Actor
) -> Outcome:
    session = uow.session
    # Claims older than the look-back can never match again.
    session.execute(
        delete(JobClaim)
        .where(
            JobClaim.job == OVERDUE_JOB,
            JobClaim.claimed_at < cmd.as_of - OVERDUE_LOOKBACK - timedelta(days=1),
        )
        .execution_options(synchronize_session=False)
    )
    overdue = overdue_appointments(session, cmd.as_of)
    if not overdue:
        return Outcome(result=0, no_change=True)
    desk = staff_with_role(uow, Role.FRONT_DESK) or staff_with_role(uow, Role.MANAGER)
    tz = ZoneInfo(Mailing.load(session).clinic.timezone)
    here = workstation_name()
    flagged: list[str] = []
    for appointment, item in overdue:
        claimed = insert_claim(
            session,
            JobClaim.__table__,
            {"job": OVERDUE_JOB, "item": item, "claimed_at": cmd.as_of, "workstation": here},
        )
        if not claimed:
            continue
        flagged.append(appointment.reference)
        who = session.scalar(
            select(StaffAccount.name)
            .join(Practitioner, Practitioner.account_id == StaffAccount.id)
            .where(Practitioner.id == appointment.practitioner_id)
        )
        client = session.get(Client, appointment.client_id)
        when = appointment.starts_at.astimezone(tz)
        notify(
            uow,
            desk,
            "appointment_overdue",
            f"{appointment.reference} ({client.full_name if client else 'a client'} with "
            f"{who}, {when:%a %d %b at %H:%M}) ended more than two hours ago and is still "
            "marked booked: mark it completed or a no-show.",
            target=f"appointment:{appointment.id}",
        )
    if not flagged:
        return Outcome(result=0, no_change=True)
    return Outcome(result=len(flagged), target="scheduler:overdue", changes={"flagged": flagged})


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    QueueReminders: HandlerSpec(queue_reminders, system_only=True),
    ExpireHolds: HandlerSpec(expire_holds, system_only=True),
    ExpireNotifications: HandlerSpec(expire_notifications, system_only=True),
    FlagOverdueAppointments: HandlerSpec(flag_overdue_appointments, system_only=True),
}
