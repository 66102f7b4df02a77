"""Commands: every change to the clinic's data is one of these small records.

Being plain data is what makes the audit log, the offline queue and replay
possible. A field marked `secret` never reaches the audit log.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from models.enums import AppointmentSource, PaymentMethod, Role


def secret(**kwargs: Any) -> Any:
    """A field left out of the audit log (passwords and the like)."""
    return field(repr=False, metadata={"secret": True}, **kwargs)


@dataclass(frozen=True, kw_only=True)
class Command:
    # Made where the command is issued, so a retried command is recognisable.
    command_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def kind(cls) -> str:
        return cls.__name__

    def audit_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.metadata.get("secret") or f.name == "command_id":
                continue
            out[f.name] = to_jsonable(getattr(self, f.name))
        return out


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value


# --- staff -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CreateFirstManager(Command):
    """Only while the clinic has no manager: the first-run wizard and the CLI."""

    email: str
    name: str
    password: str = secret()


@dataclass(frozen=True, kw_only=True)
class CreateStaffAccount(Command):
    email: str
    name: str
    roles: frozenset[Role]
    password: str = secret()
    phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateStaffAccount(Command):
    account_id: uuid.UUID
    name: str
    phone: str | None
    roles: frozenset[Role]


@dataclass(frozen=True, kw_only=True)
class ResetPassword(Command):
    """A manager sets a new password for someone who forgot theirs."""

    account_id: uuid.UUID
    new_password: str = secret()


@dataclass(frozen=True, kw_only=True)
class ChangePassword(Command):
    """Anyone changes their own password, proving they know the current one."""

    current_password: str = secret()
    new_password: str = secret()


@dataclass(frozen=True, kw_only=True)
class DeactivateAccount(Command):
    account_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReactivateAccount(Command):
    account_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class SetPhoto(Command):
    """A person's photo, stored once on their account; None removes it."""

    account_id: uuid.UUID
    data: bytes | None


# --- practitioners -------------------------------------------------------------


@dataclass(frozen=True)
class DocumentUpload:
    kind: str  # licence | identity | other
    filename: str
    data: bytes


@dataclass(frozen=True, kw_only=True)
class SubmitApplication(Command):
    """A practitioner applies to work at the clinic: creates their account
    (practitioner role) and the application, which waits for a manager."""

    email: str
    name: str
    password: str = secret()
    phone: str | None = None
    profession: str
    licence_number: str | None = None
    specialisations: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    experience_years: int | None = None
    bio: str = ""
    photo: bytes | None = None
    documents: tuple[DocumentUpload, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ApprovePractitioner(Command):
    practitioner_id: uuid.UUID
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RejectPractitioner(Command):
    practitioner_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class SuspendPractitioner(Command):
    practitioner_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReinstatePractitioner(Command):
    practitioner_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class UpdatePractitionerProfile(Command):
    practitioner_id: uuid.UUID
    bio: str
    specialisations: tuple[str, ...]
    languages: tuple[str, ...]
    profession: str | None = None
    colour: str | None = None


# --- clinic ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UpdateClinicSettings(Command):
    values: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class SeedDemoClinic(Command):
    size: str
    seed: int


# --- availability ------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyBlockInput:
    """One block of weekly hours as the editor sends it (wall-clock times)."""

    weekday: int  # 0 = Monday
    start: time
    end: time
    # Empty: every service the practitioner offers.
    service_ids: frozenset[uuid.UUID] = frozenset()
    room: str | None = None


@dataclass(frozen=True, kw_only=True)
class SetWeeklyRules(Command):
    """Replace all of a practitioner's weekly blocks at once."""

    practitioner_id: uuid.UUID
    blocks: tuple[WeeklyBlockInput, ...]


@dataclass(frozen=True, kw_only=True)
class SetDateOverride(Command):
    """Closed (no blocks) or custom hours on one local date; replaces any earlier one."""

    practitioner_id: uuid.UUID
    day: date
    blocks: tuple[tuple[time, time], ...] = ()
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RemoveDateOverride(Command):
    practitioner_id: uuid.UUID
    day: date


@dataclass(frozen=True, kw_only=True)
class AddRecurringException(Command):
    """E.g. rrule "FREQ=MONTHLY;BYDAY=1MO": closed every first Monday."""

    practitioner_id: uuid.UUID
    rrule: str
    starts_on: date
    # Both None: the whole day.
    start: time | None = None
    end: time | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RemoveRecurringException(Command):
    exception_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class UpdateScheduleSettings(Command):
    practitioner_id: uuid.UUID
    slot_interval_min: int
    buffer_before_min: int
    buffer_after_min: int
    min_notice_min: int
    horizon_days: int
    max_per_day: int | None


@dataclass(frozen=True, kw_only=True)
class AddClinicHoliday(Command):
    day: date
    name: str


@dataclass(frozen=True, kw_only=True)
class RemoveClinicHoliday(Command):
    day: date


# --- clients -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RegisterClient(Command):
    full_name: str
    phone: str | None = None
    email: str | None = None
    date_of_birth: date | None = None
    notes: str = ""
    emergency_contact_name: str | None = None
    emergency_contact_phone: str | None = None
    # The desk saw the possible duplicates and registers a new client anyway.
    allow_duplicate: bool = False


@dataclass(frozen=True, kw_only=True)
class UpdateClient(Command):
    client_id: uuid.UUID
    full_name: str
    phone: str | None = None
    email: str | None = None
    date_of_birth: date | None = None
    notes: str = ""
    emergency_contact_name: str | None = None
    emergency_contact_phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class ArchiveClient(Command):
    client_id: uuid.UUID
    reason: str


# --- appointments ------------------------------------------------------------


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


# --- credits -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CreateCreditPack(Command):
    """A pack the desk can sell, priced in the clinic's currency."""

    name: str
    credits: int
    price_cents: int
    validity_months: int


@dataclass(frozen=True, kw_only=True)
class UpdateCreditPack(Command):
    """Changes what future sales give; credits already sold keep their terms."""

    pack_id: uuid.UUID
    name: str
    credits: int
    price_cents: int
    validity_months: int
    is_active: bool = True


@dataclass(frozen=True, kw_only=True)
class SellCreditPack(Command):
    """Sell a pack at the desk: the payment and the credits, in one transaction."""

    client_id: uuid.UUID
    pack_id: uuid.UUID
    # What the desk took. It must be the pack's price and currency, so that a
    # price changed while the dialog was open is noticed rather than charged.
    amount_cents: int
    currency: str
    method: PaymentMethod
    # None: the next number of the clinic's own series (RC-0000001, ...).
    receipt_number: str | None = None


@dataclass(frozen=True, kw_only=True)
class AdjustCredits(Command):
    """A manager's correction, always a ledger entry: + gives credits (a new
    lot, optionally expiring), - takes them, soonest-expiring first."""

    client_id: uuid.UUID
    amount: int
    reason: str
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class RefundAppointmentCredits(Command):
    """A manager returns the credits of a late cancellation or a no-show."""

    appointment_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class ExpireCredits(Command):
    """The scheduler's job: an expiry entry for what is left of every lot
    that has lapsed by `now`. Running it again expires nothing more."""

    now: datetime


# --- partner organisations ---------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CreatePartnerOrganisation(Command):
    name: str
    contact_name: str | None = None
    contact_email: str | None = None
    # What each employee gets unless an allocation says otherwise.
    default_credits: int = 1
    session_duration_min: int = 25
    validity_days: int = 365


@dataclass(frozen=True, kw_only=True)
class UpdatePartnerOrganisation(Command):
    """New defaults apply to later allocations; earlier ones keep theirs."""

    organisation_id: uuid.UUID
    name: str
    contact_name: str | None
    contact_email: str | None
    default_credits: int
    session_duration_min: int
    validity_days: int


@dataclass(frozen=True)
class AllocationInput:
    """One employee's allocation, typed in or read from a CSV row."""

    email: str
    # None: the organisation's default.
    credits: int | None = None
    name: str | None = None
    # The CSV line it came from, so a refusal can name it.
    line: int | None = None


@dataclass(frozen=True, kw_only=True)
class AllocatePartnerCredits(Command):
    organisation_id: uuid.UUID
    allocation: AllocationInput


@dataclass(frozen=True, kw_only=True)
class ImportAllocations(Command):
    """Every row, or none: one bad row refuses the whole import."""

    organisation_id: uuid.UUID
    rows: tuple[AllocationInput, ...]


@dataclass(frozen=True, kw_only=True)
class RevokeAllocation(Command):
    """Takes back what is left of an allocation; what was used stays used."""

    allocation_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class LinkPartnerAllocations(Command):
    """Credit a client with the allocations waiting for their e-mail address
    (booking with credits does this by itself)."""

    client_id: uuid.UUID


# --- e-mail, notifications and scheduled work -----------------------------------


@dataclass(frozen=True, kw_only=True)
class UpdateEmailSettings(Command):
    """The clinic's e-mail server and reminder times; None leaves a value as it is.

    The password goes to this workstation's OS keyring, never to the
    database: None keeps the stored one, "" removes it.
    """

    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_tls: str | None = None  # none | starttls | ssl
    smtp_user: str | None = None
    smtp_from: str | None = None
    reminder_offsets_min: tuple[int, ...] | None = None
    send_confirmations: bool | None = None
    smtp_password: str | None = secret(default=None)


@dataclass(frozen=True)
class TemplateInput:
    kind: str  # booked | rescheduled | cancelled | reminder
    subject: str
    body: str


@dataclass(frozen=True, kw_only=True)
class UpdateTemplates(Command):
    """Save edited e-mail templates; one equal to its default is stored as the default."""

    templates: tuple[TemplateInput, ...]


@dataclass(frozen=True, kw_only=True)
class RetryMessage(Command):
    """Send a failed (or waiting) outgoing message again, now."""

    message_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class MarkNotificationRead(Command):
    notification_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class MarkAllNotificationsRead(Command):
    pass


# The scheduler's commands: each does what is due at `as_of` (the scheduler's
# "now", so a run is reproducible from its audit entry) and claims every item
# it does in the same transaction, so that several workstations racing over
# the same database do each item once.


@dataclass(frozen=True, kw_only=True)
class QueueReminders(Command):
    as_of: datetime


@dataclass(frozen=True, kw_only=True)
class ExpireHolds(Command):
    as_of: datetime


@dataclass(frozen=True, kw_only=True)
class ExpireNotifications(Command):
    as_of: datetime


@dataclass(frozen=True, kw_only=True)
class FlagOverdueAppointments(Command):
    """Tell the desk about appointments still `booked` well after they ended."""

    as_of: datetime
