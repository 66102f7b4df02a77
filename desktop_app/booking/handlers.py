"""Handlers for holds, bookings and the appointment life cycle.

The slot engine decides what is bookable; the database's overlap trigger
(migration 0002) is the last word on double booking, so a race between two
desks can only ever end with one booking and one clear "slot was just taken"."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from desktop_app.availability import slot_engine as engine
from desktop_app.availability.slot_queries import load_inputs
from desktop_app.booking import lifecycle, references
from desktop_app.booking.commands import (
    BookAppointment,
    CancelAppointment,
    CheckInAppointment,
    CompleteAppointment,
    MarkNoShow,
    PlaceHold,
    ReadSessionNotes,
    ReleaseHold,
    RescheduleAppointment,
    StartAppointment,
    WriteSessionNote,
)
from desktop_app.booking.errors import NotBookable, SlotTaken
from desktop_app.booking.events import AppointmentChanged, HoldChanged
from desktop_app.booking.lifecycle import Action
from desktop_app.booking.results import BookingResult, NoteRow
from desktop_app.clinic.queries import stored_settings
from desktop_app.clinic.settings import ClinicSettings
from desktop_app.credits import results
from desktop_app.credits import spending_handlers as credit_handlers
from desktop_app.credits.ledger import credits_held
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import NotFound, PermissionDenied, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import require_text
from desktop_app.messaging.handlers import announce_appointment
from models import (
    Appointment,
    AppointmentStatus,
    Client,
    Practitioner,
    PractitionerStatus,
    Role,
    Service,
    SessionNote,
    SlotHold,
)

BOOKERS = frozenset({Role.FRONT_DESK, Role.MANAGER, Role.PRACTITIONER})

SLOT_TAKEN_MARK = "clinicdesk: slot taken"

_REFERENCE_ATTEMPTS = 5


def _settings(uow: UnitOfWork) -> ClinicSettings:
    return stored_settings(uow.session)


def lock_practitioner(uow: UnitOfWork, practitioner_id: uuid.UUID) -> None:
    """Serialise bookings per practitioner on PostgreSQL (same key as the trigger).

    SQLite needs nothing: its write transactions already run one at a time.
    """
    if uow.dialect == "postgresql":
        uow.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:p, 0))"),
            {"p": str(practitioner_id)},
        )


def _practitioner(uow: UnitOfWork, practitioner_id: uuid.UUID) -> Practitioner:
    p = uow.session.get(Practitioner, practitioner_id)
    if p is None:
        raise NotFound("That practitioner does not exist.")
    if p.status != PractitionerStatus.APPROVED or not p.account.is_active:  # type: ignore[attr-defined]
        raise NotBookable(f"{p.account.name} is not taking bookings.")
    return p


def _service(uow: UnitOfWork, service_id: uuid.UUID) -> Service:
    """The service; whether the practitioner offers it is checked with the slot."""
    service = uow.session.get(Service, service_id)
    if service is None or not service.is_active:
        raise NotFound("That service does not exist or is no longer offered.")
    return service


def _client(uow: UnitOfWork, client_id: uuid.UUID) -> Client:
    client = uow.session.get(Client, client_id)
    if client is None:
        raise NotFound("That client does not exist.")
    if client.archived_at is not None:
        raise NotBookable(f"{client.full_name}'s record is archived.")
    return client


def _may_act_for(actor: Actor, practitioner: Practitioner) -> None:
    """Desks and managers act for anyone; a practitioner for their own diary."""
    if actor.is_system or actor.roles & {Role.FRONT_DESK, Role.MANAGER}:
        return
    if practitioner.account_id != actor.account_id:
        raise PermissionDenied("You may only change your own appointments.")


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationError("The appointment time has no time zone.")
    return when


def _next_free(
    uow: UnitOfWork, service: Service, practitioner_id: uuid.UUID, after: datetime
) -> list[engine.Slot]:
    """A few alternatives: the practitioner's next slots, then anyone's first."""
    now = uow.clock.now()
    start = max(after, now)
    mine = load_inputs(
        uow.session, service.id, start, start + timedelta(days=14), now, [practitioner_id]
    )
    anyone = load_inputs(uow.session, service.id, start, start + timedelta(days=14), now)
    out: list[engine.Slot] = []
    duration = timedelta(minutes=service.duration_min)
    for inputs, take in ((mine, 3), (anyone, 1)):
        days = (start.date() - timedelta(days=1), (start + timedelta(days=14)).date())
        slots = engine.open_slots_many(
            inputs.schedules, service.id, duration, days[0], days[1], now, inputs.holidays
        )
        fresh = [s for s in slots if s.start >= start and s not in out]
        out.extend(fresh[:take])
    return out


def _check_slot(
    uow: UnitOfWork,
    practitioner: Practitioner,
    service: Service,
    starts_at: datetime,
    *,
    ignore_appointment: uuid.UUID | None = None,
) -> engine.PractitionerSchedule:
    """Refuse a start that is not an open slot, saying whether it is taken or
    simply not offered (outside hours, too soon, beyond the horizon). Returns
    the practitioner's schedule as the engine saw it."""
    now = uow.clock.now()
    inputs = load_inputs(
        uow.session,
        service.id,
        starts_at - timedelta(days=1),
        starts_at + timedelta(days=1),
        now,
        [practitioner.id],
        ignore_appointment=ignore_appointment,
    )
    if not inputs.schedules:
        raise NotBookable(f"{practitioner.account.name} does not offer {service.name}.")
    schedule = inputs.schedules[0]
    day = starts_at.astimezone(schedule.tz).date()
    duration = timedelta(minutes=service.duration_min)
    slots = engine.open_slots(schedule, service.id, duration, day, day, now, inputs.holidays)
    if any(s.start == starts_at for s in slots):
        return schedule
    free_rules = engine.PractitionerSchedule(
        schedule.practitioner_id,
        schedule.tz,
        schedule.weekly,
        schedule.overrides,
        schedule.recurring,
        schedule.settings,
        (),
    )
    offered = engine.open_slots(free_rules, service.id, duration, day, day, now, inputs.holidays)
    if any(s.start == starts_at for s in offered):
        raise SlotTaken(_next_free(uow, service, practitioner.id, starts_at))
    local = starts_at.astimezone(schedule.tz).strftime("%a %d %b %H:%M")
    raise NotBookable(
        f"{local} is not an open slot for {service.name} with {practitioner.account.name} "
        "(outside their hours, too soon, or too far ahead)."
    )


def _buffers(schedule: engine.PractitionerSchedule) -> tuple[int, int]:
    settings = schedule.settings
    return (
        int(settings.buffer_before.total_seconds()) // 60,
        int(settings.buffer_after.total_seconds()) // 60,
    )


def _write_or_slot_taken(
    uow: UnitOfWork,
    service: Service,
    practitioner_id: uuid.UUID,
    starts_at: datetime,
    write: Callable[[], None],
) -> None:
    """Make the change inside a savepoint, so that a refusal by the overlap
    trigger leaves the transaction usable to look up alternatives. The change
    itself must happen inside: an object added before the savepoint would
    take the whole transaction down with a failed flush."""
    try:
        with uow.session.begin_nested():
            write()
    except (IntegrityError, DBAPIError) as exc:
        if SLOT_TAKEN_MARK not in str(exc.orig):
            raise
        raise SlotTaken(_next_free(uow, service, practitioner_id, starts_at)) from exc


def _result(a: Appointment, credits_used: int = 0) -> BookingResult:
    return BookingResult(
        a.id, a.reference, a.starts_at, a.ends_at, a.practitioner_id, a.video_link, credits_used
    )


def place_hold(uow: UnitOfWork, cmd: PlaceHold, actor: Actor) -> Outcome:
    practitioner = _practitioner(uow, cmd.practitioner_id)
    service = _service(uow, cmd.service_id)
    starts_at = _aware(cmd.starts_at)
    lock_practitioner(uow, practitioner.id)
    _check_slot(uow, practitioner, service, starts_at)
    minutes = _settings(uow).hold_minutes
    hold = SlotHold(
        practitioner_id=practitioner.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=service.duration_min),
        expires_at=uow.clock.now() + timedelta(minutes=minutes),
        held_by_id=actor.account_id,
    )
    uow.session.add(hold)
    uow.session.flush()
    uow.emit(HoldChanged(practitioner.id))
    return Outcome(result=hold.id, target=f"practitioner:{practitioner.id}")


def release_hold(uow: UnitOfWork, cmd: ReleaseHold, actor: Actor) -> Outcome:
    hold = uow.session.get(SlotHold, cmd.hold_id)
    if hold is None:
        # Already expired and cleaned up, or consumed: releasing is then a no-op.
        return Outcome(no_change=True)
    uow.session.delete(hold)
    uow.emit(HoldChanged(hold.practitioner_id))
    return Outcome(target=f"practitioner:{hold.practitioner_id}")


def book_appointment(uow: UnitOfWork, cmd: BookAppointment, actor: Actor) -> Outcome:
    # Lock before looking for an earlier copy of this command, so a retry sent
    # while the first attempt is committing finds it instead of racing it.
    lock_practitioner(uow, cmd.practitioner_id)
    done = uow.session.scalar(select(Appointment).where(Appointment.command_id == cmd.command_id))
    if done is not None:
        used = credits_held(uow.session, done.id)
        return Outcome(result=_result(done, used), no_change=True)
    client = _client(uow, cmd.client_id)
    practitioner = _practitioner(uow, cmd.practitioner_id)
    _may_act_for(actor, practitioner)
    service = _service(uow, cmd.service_id)
    starts_at = _aware(cmd.starts_at)
    # Before the slot is looked at: refusing for want of credits is cheap, and
    # the client's credits stay locked until the booking commits.
    draws = credit_handlers.plan_payment(uow, client, service, cmd.payment, actor)
    if cmd.hold_id is not None:
        hold = uow.session.get(SlotHold, cmd.hold_id)
        # A hold that expired and was cleaned up is fine as long as the slot is
        # still free, which _check_slot decides.
        if hold is not None:
            if hold.practitioner_id != practitioner.id or hold.starts_at != starts_at:
                raise ValidationError("The hold is for another slot; choose the slot again.")
            uow.session.delete(hold)
            uow.session.flush()
    # Loaded first so the slot check finds the clinic's zone already in the session.
    settings = _settings(uow)
    schedule = _check_slot(uow, practitioner, service, starts_at)

    video = None
    if service.is_online and settings.meeting_base_url:
        video = f"{settings.meeting_base_url}/clinicdesk-{secrets.token_urlsafe(16)}"
    before, after = _buffers(schedule)
    appointment = Appointment(
        command_id=cmd.command_id,
        client_id=client.id,
        practitioner_id=practitioner.id,
        service_id=service.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=service.duration_min),
        status=AppointmentStatus.BOOKED,
        source=cmd.source,
        created_by_id=actor.account_id,
        created_at=uow.clock.now(),
        buffer_before_min=before,
        buffer_after_min=after,
        video_link=video,
        room=(cmd.room or "").strip() or None,
    )
    for attempt in range(_REFERENCE_ATTEMPTS):
        # One in a billion references collides; the unique constraint catches
        # it and a fresh one is drawn, rather than asking before every insert.
        appointment.reference = references.new_reference()
        try:
            # (Re-)added each time: a rolled-back savepoint expunges it.
            _write_or_slot_taken(
                uow, service, practitioner.id, starts_at, lambda: uow.session.add(appointment)
            )
            break
        except IntegrityError as exc:
            if "reference" not in str(exc.orig) or attempt == _REFERENCE_ATTEMPTS - 1:
                raise
    used = credit_handlers.charge(uow, draws, appointment, service, actor)
    announce_appointment(uow, appointment, "booked", actor)
    uow.emit(AppointmentChanged(appointment.id, practitioner.id, "booked"))
    return Outcome(
        result=_result(appointment, used),
        target=f"appointment:{appointment.reference}",
        changes={"reference": appointment.reference, "credits_used": used},
    )


def _appointment(
    uow: UnitOfWork, appointment_id: uuid.UUID, actor: Actor, *, lock: bool = False
) -> Appointment:
    # `lock`: held until commit on PostgreSQL, so two desks cancelling at once
    # are served one after the other and the second finds it cancelled.
    a = uow.session.get(Appointment, appointment_id, with_for_update=lock)
    if a is None:
        raise NotFound("That appointment does not exist.")
    p = uow.session.get(Practitioner, a.practitioner_id)
    assert p is not None
    _may_act_for(actor, p)
    return a


def reschedule_appointment(uow: UnitOfWork, cmd: RescheduleAppointment, actor: Actor) -> Outcome:
    a = _appointment(uow, cmd.appointment_id, actor)
    lifecycle.require(Action.RESCHEDULE, a.status, a.reference)
    practitioner = _practitioner(uow, cmd.practitioner_id or a.practitioner_id)
    _may_act_for(actor, practitioner)
    service = _service(uow, a.service_id)
    starts_at = _aware(cmd.starts_at)
    if starts_at == a.starts_at and practitioner.id == a.practitioner_id:
        return Outcome(result=_result(a), no_change=True)
    lock_practitioner(uow, practitioner.id)
    schedule = _check_slot(uow, practitioner, service, starts_at, ignore_appointment=a.id)
    moved_from = a.practitioner_id
    before = {"starts_at": a.starts_at.isoformat(), "practitioner_id": str(a.practitioner_id)}

    def move() -> None:
        a.practitioner_id = practitioner.id
        a.starts_at = starts_at
        a.ends_at = starts_at + timedelta(minutes=service.duration_min)
        a.buffer_before_min, a.buffer_after_min = _buffers(schedule)

    _write_or_slot_taken(uow, service, practitioner.id, starts_at, move)
    announce_appointment(uow, a, "rescheduled", actor, moved_from=moved_from)
    uow.emit(AppointmentChanged(a.id, practitioner.id, "rescheduled"))
    return Outcome(
        result=_result(a), target=f"appointment:{a.reference}", changes={"before": before}
    )


def cancel_appointment(uow: UnitOfWork, cmd: CancelAppointment, actor: Actor) -> Outcome:
    override = credit_handlers.may_override_refund(actor, cmd.refund_override_reason)
    a = _appointment(uow, cmd.appointment_id, actor, lock=True)
    if lifecycle.already_done(Action.CANCEL, a.status):
        # Cancelling twice (a retry, two desks) changes nothing the second
        # time, and so refunds nothing either.
        return Outcome(result=results.CancelResult(0, 0, False), no_change=True)
    lifecycle.require(Action.CANCEL, a.status, a.reference)
    a.cancel_reason = require_text(cmd.reason, "reason for cancelling", 500)
    a.status = AppointmentStatus.CANCELLED
    a.cancelled_at = uow.clock.now()
    a.cancelled_by_id = actor.account_id
    refund = credit_handlers.refund_for_cancellation(uow, a, actor, override, cmd.command_id)
    announce_appointment(uow, a, "cancelled", actor)
    uow.emit(AppointmentChanged(a.id, a.practitioner_id, "cancelled"))
    return Outcome(
        result=refund,
        target=f"appointment:{a.reference}",
        changes={"credits_returned": refund.credits_returned, "credits_kept": refund.credits_kept},
    )


def _advance(
    uow: UnitOfWork, appointment_id: uuid.UUID, actor: Actor, action: Action, what: str
) -> Outcome:
    """Move an appointment along the life cycle (lifecycle.TRANSITIONS)."""
    a = _appointment(uow, appointment_id, actor)
    if lifecycle.already_done(action, a.status):
        return Outcome(no_change=True)
    lifecycle.require(action, a.status, a.reference)
    target = lifecycle.TRANSITIONS[action].target
    assert target is not None
    a.status = target
    uow.emit(AppointmentChanged(a.id, a.practitioner_id, what))
    return Outcome(target=f"appointment:{a.reference}")


def check_in(uow: UnitOfWork, cmd: CheckInAppointment, actor: Actor) -> Outcome:
    return _advance(uow, cmd.appointment_id, actor, Action.CHECK_IN, "checked_in")


def start(uow: UnitOfWork, cmd: StartAppointment, actor: Actor) -> Outcome:
    return _advance(uow, cmd.appointment_id, actor, Action.START, "started")


def complete(uow: UnitOfWork, cmd: CompleteAppointment, actor: Actor) -> Outcome:
    return _advance(uow, cmd.appointment_id, actor, Action.COMPLETE, "completed")


def mark_no_show(uow: UnitOfWork, cmd: MarkNoShow, actor: Actor) -> Outcome:
    a = _appointment(uow, cmd.appointment_id, actor)
    if a.status == AppointmentStatus.BOOKED and uow.clock.now() < a.starts_at:
        raise ValidationError(f"{a.reference} has not started yet; it cannot be a no-show.")
    override = credit_handlers.may_override_refund(actor, cmd.refund_override_reason)
    outcome = _advance(uow, cmd.appointment_id, actor, Action.NO_SHOW, "no_show")
    if override is None or outcome.no_change:
        return outcome
    # A no-show keeps its credits (the late-cancellation rule); a manager may
    # return them, with the reason kept in the ledger.
    returned = credit_handlers.refund_appointment(
        uow, a, actor, f"No-show {a.reference}; returned by a manager: {override}", cmd.command_id
    )
    return Outcome(result=returned, target=outcome.target, changes={"credits_returned": returned})


def _treating(uow: UnitOfWork, appointment_id: uuid.UUID, actor: Actor) -> Appointment:
    a = uow.session.get(Appointment, appointment_id)
    if a is None:
        raise NotFound("That appointment does not exist.")
    p = uow.session.get(Practitioner, a.practitioner_id)
    if p is None or actor.account_id is None or p.account_id != actor.account_id:
        raise PermissionDenied("Session notes are only for the treating practitioner.")
    return a


def write_session_note(uow: UnitOfWork, cmd: WriteSessionNote, actor: Actor) -> Outcome:
    a = _treating(uow, cmd.appointment_id, actor)
    if not lifecycle.took_place(a.status):
        raise ValidationError(f"{a.reference} did not take place; there is no session to note.")
    body = cmd.body.strip()
    if not body:
        raise ValidationError("The note is empty.")
    assert actor.account_id is not None
    note = SessionNote(
        appointment_id=a.id, author_id=actor.account_id, body=body, written_at=uow.clock.now()
    )
    uow.session.add(note)
    uow.session.flush()
    return Outcome(result=note.id, target=f"appointment:{a.reference}")


def read_session_notes(uow: UnitOfWork, cmd: ReadSessionNotes, actor: Actor) -> Outcome:
    a = _treating(uow, cmd.appointment_id, actor)
    notes = uow.session.scalars(
        select(SessionNote)
        .where(SessionNote.appointment_id == a.id, SessionNote.author_id == actor.account_id)
        .order_by(SessionNote.written_at)
    ).all()
    return Outcome(
        result=[NoteRow(n.written_at, n.body) for n in notes],
        target=f"appointment:{a.reference}",
        changes={"notes_read": len(notes)},
    )


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    PlaceHold: HandlerSpec(place_hold, roles=BOOKERS),
    ReleaseHold: HandlerSpec(release_hold, roles=BOOKERS),
    BookAppointment: HandlerSpec(book_appointment, roles=BOOKERS),
    RescheduleAppointment: HandlerSpec(reschedule_appointment, roles=BOOKERS),
    CancelAppointment: HandlerSpec(cancel_appointment, roles=BOOKERS),
    CheckInAppointment: HandlerSpec(check_in, roles=BOOKERS),
    StartAppointment: HandlerSpec(start, roles=BOOKERS),
    CompleteAppointment: HandlerSpec(complete, roles=BOOKERS),
    MarkNoShow: HandlerSpec(mark_no_show, roles=BOOKERS),
    WriteSessionNote: HandlerSpec(write_session_note, roles=frozenset({Role.PRACTITIONER})),
    ReadSessionNotes: HandlerSpec(read_session_notes, roles=frozenset({Role.PRACTITIONER})),
}
