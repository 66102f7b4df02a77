"""The booking commands: plain data, handled in desktop_app.booking.handlers."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from desktop_app.kernel.commands import Command, secret
from models.enums import AppointmentSource


@dataclass(frozen=True, kw_only=True)
class PlaceHold(Command):
    """Keep a slot from other desks while this one fills in the booking dialog."""

    practitioner_id: uuid.UUID
    service_id: uuid.UUID
    starts_at: datetime


@dataclass(frozen=True, kw_only=True)
class ReleaseHold(Command):
    hold_id: uuid.UUID


class PaymentChoice(enum.StrEnum):
    """How a booking is paid."""

    # Money at the desk, taken separately: what booking did before credits.
    DESK = "desk"
    # The client's credits: partner credits that fit the service first, then
    # the credits that expire soonest (desktop_app.ledger.plan_draws).
    CREDITS = "credits"
    # Partner credits only: refused rather than dipping into bought credits.
    PARTNER = "partner"


@dataclass(frozen=True, kw_only=True)
class BookAppointment(Command):
    """Book a slot. `command_id` makes it idempotent: sent twice, it books once."""

    client_id: uuid.UUID
    practitioner_id: uuid.UUID
    service_id: uuid.UUID
    starts_at: datetime
    source: AppointmentSource = AppointmentSource.FRONT_DESK
    # The hold this desk placed on the slot, consumed by the booking.
    hold_id: uuid.UUID | None = None
    room: str | None = None
    payment: PaymentChoice = PaymentChoice.DESK


@dataclass(frozen=True, kw_only=True)
class RescheduleAppointment(Command):
    appointment_id: uuid.UUID
    starts_at: datetime
    # None: the same practitioner.
    practitioner_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class CancelAppointment(Command):
    appointment_id: uuid.UUID
    reason: str
    # Managers only: return the credits although the cancellation is late.
    refund_override_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class CheckInAppointment(Command):
    appointment_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class StartAppointment(Command):
    appointment_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class CompleteAppointment(Command):
    appointment_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class MarkNoShow(Command):
    appointment_id: uuid.UUID
    # Managers only: return the credits a no-show keeps under the policy, in
    # the same transaction (the no-show and the refund stand or fall together).
    refund_override_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class WriteSessionNote(Command):
    appointment_id: uuid.UUID
    body: str = secret()


@dataclass(frozen=True, kw_only=True)
class ReadSessionNotes(Command):
    """Reading notes is a command so that every read is audited."""

    appointment_id: uuid.UUID
