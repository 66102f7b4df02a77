"""Credits spent on appointments: what booking asks (plan the payment, charge,
refund on cancellation) and the manager's command to return an appointment's credits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from desktop_app.booking.cancellation import is_late
from desktop_app.booking.commands import PaymentChoice
from desktop_app.credits.commands import RefundAppointmentCredits
from desktop_app.credits.errors import NotEnoughCredits
from desktop_app.credits.ledger import Draw, appointment_credits, explain_plan, load_lots
from desktop_app.credits.ledger_writes import (
    allocation_of,
    claim_allocations,
    clinic_settings,
    done_before,
    lock_client_credits,
    new_entry,
    write_entries,
)
from desktop_app.credits.results import CancelResult
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import NotFound, PermissionDenied, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import require_text
from models import (
    AllocationStatus,
    Appointment,
    AppointmentStatus,
    Client,
    CreditEntry,
    CreditEntryKind,
    Role,
    Service,
)

MANAGERS = frozenset({Role.MANAGER})


def plan_payment(
    uow: UnitOfWork, client: Client, service: Service, payment: PaymentChoice, actor: Actor
) -> list[Draw]:
    """The lots a booking will draw from, or a refusal that says why not.

    Locks the client's credits until the booking commits, so the plan stays
    true until `charge` writes it.
    """
    if payment is PaymentChoice.DESK:
        return []
    lock_client_credits(uow, [client.id])
    claim_allocations(uow, client, actor)
    lots = load_lots(uow.session, client.id)
    cost, usable, draws, message = explain_plan(client, service, lots, uow.clock.now(), payment)
    if cost is None:
        raise ValidationError(f"{message} Take payment at the desk instead.")
    if draws is None:
        raise NotEnoughCredits(message, usable=usable, needed=cost)
    return draws


def charge(
    uow: UnitOfWork,
    draws: Sequence[Draw],
    appointment: Appointment,
    service: Service,
    actor: Actor,
) -> int:
    """One use entry per lot drawn from; returns the credits used."""
    entries = [
        new_entry(
            uow,
            actor,
            appointment.client_id,
            CreditEntryKind.USE,
            -d.credits,
            f"{service.name} {appointment.reference}",
            lot=d.lot,
            appointment_id=appointment.id,
            command_id=appointment.command_id,
        )
        for d in draws
    ]
    write_entries(uow, entries)
    for d in draws:
        allocation = allocation_of(uow, d.lot)
        if allocation is not None and d.credits >= d.lot.left:
            allocation.status = AllocationStatus.USED
    return sum(d.credits for d in draws)


def refund_appointment(
    uow: UnitOfWork,
    appointment: Appointment,
    actor: Actor,
    reason: str,
    command_id: uuid.UUID | None = None,
) -> int:
    """Return every credit the appointment still holds to the lot it came
    from; returns how many. Credits returned to a lot that can no longer pay
    (lapsed, or a revoked allocation) go straight back out, so the balance
    never shows credits nobody can spend."""
    lock_client_credits(uow, [appointment.client_id])
    held = appointment_credits(uow.session, appointment.id)
    if not held:
        return 0
    now = uow.clock.now()
    lots = {lot.id: lot for lot in load_lots(uow.session, appointment.client_id)}
    write_entries(
        uow,
        [
            new_entry(
                uow,
                actor,
                appointment.client_id,
                CreditEntryKind.REFUND,
                credits,
                reason,
                lot=lots[lot_id],
                appointment_id=appointment.id,
                command_id=command_id,
            )
            for lot_id, credits in sorted(held.items(), key=lambda kv: str(kv[0]))
        ],
    )
    settle: list[CreditEntry] = []
    for lot_id, credits in held.items():
        lot = lots[lot_id]
        left = lot.left + credits
        allocation = allocation_of(uow, lot)
        if allocation is not None and allocation.status is AllocationStatus.REVOKED:
            settle.append(
                new_entry(
                    uow,
                    actor,
                    appointment.client_id,
                    CreditEntryKind.ADJUSTMENT,
                    -left,
                    f"Returned to {lot.organisation_name}: the allocation was revoked",
                    lot=lot,
                    command_id=command_id,
                )
            )
        elif lot.lapsed(now):
            assert lot.expires_at is not None
            settle.append(
                new_entry(
                    uow,
                    None,
                    appointment.client_id,
                    CreditEntryKind.EXPIRY,
                    -left,
                    f"{left} credit(s) of {lot.description} had expired on "
                    f"{lot.expires_at:%d %b %Y}",
                    lot=lot,
                    command_id=command_id,
                )
            )
            if allocation is not None:
                allocation.status = AllocationStatus.EXPIRED
        elif allocation is not None and allocation.status is AllocationStatus.USED:
            allocation.status = AllocationStatus.ACTIVE
    write_entries(uow, settle)
    return sum(held.values())


def may_override_refund(actor: Actor, reason: str | None) -> str | None:
    """The cleaned override reason; refused unless a manager gives it."""
    if reason is None or not reason.strip():
        return None
    if not (actor.is_system or Role.MANAGER in actor.roles):
        raise PermissionDenied(
            "Only a manager can return credits for a late cancellation. Cancel without the "
            "refund, or ask a manager."
        )
    return require_text(reason, "reason for returning the credits", 500)


def refund_for_cancellation(
    uow: UnitOfWork,
    appointment: Appointment,
    actor: Actor,
    override_reason: str | None,
    command_id: uuid.UUID | None = None,
) -> CancelResult:
    """Apply the cancellation policy to the credits a cancelled appointment holds.

    Early enough (at least `cancellation_free_hours` before the start): all
    come back. Later: none, unless a manager overrides with a reason.
    """
    now = uow.clock.now()
    free_hours = clinic_settings(uow).cancellation_free_hours
    late = is_late(appointment.starts_at, now, free_hours)
    held = sum(appointment_credits(uow.session, appointment.id).values())
    if not held:
        return CancelResult(0, 0, late)
    if late and override_reason is None:
        return CancelResult(0, held, late)
    if late:
        reason = f"Late cancellation of {appointment.reference}; returned by a manager: "
        reason += override_reason or ""
    else:
        reason = f"Cancelled {appointment.reference} in time"
    returned = refund_appointment(uow, appointment, actor, reason, command_id)
    return CancelResult(returned, held - returned, late)


def refund_appointment_credits(
    uow: UnitOfWork, cmd: RefundAppointmentCredits, actor: Actor
) -> Outcome:
    reason = require_text(cmd.reason, "reason for returning the credits", 500)
    appointment = uow.session.get(Appointment, cmd.appointment_id, with_for_update=True)
    if appointment is None:
        raise NotFound("That appointment does not exist.")
    if appointment.status not in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
        raise ValidationError(
            f"{appointment.reference} is not cancelled or a no-show: cancel it to return its "
            "credits."
        )
    lock_client_credits(uow, [appointment.client_id])
    if done_before(uow, cmd.command_id):
        return Outcome(no_change=True)
    returned = refund_appointment(
        uow,
        appointment,
        actor,
        f"Returned by a manager for {appointment.reference}: {reason}",
        cmd.command_id,
    )
    if not returned:
        raise ValidationError(
            f"{appointment.reference} holds no credits: it was paid at the desk, or its credits "
            "were already returned."
        )
    return Outcome(
        result=returned,
        target=f"appointment:{appointment.reference}",
        changes={"credits_returned": returned},
    )


HANDLERS: HandlerTable = {
    RefundAppointmentCredits: HandlerSpec(refund_appointment_credits, roles=MANAGERS),
}
