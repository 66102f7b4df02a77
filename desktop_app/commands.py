"""Commands: every change to the clinic's data is one of these small records.

Being plain data is what makes the audit log, the offline queue and replay
possible. A field marked `secret` never reaches the audit log.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from models.enums import AppointmentSource, Role


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


@dataclass(frozen=True, kw_only=True)
class WriteSessionNote(Command):
    appointment_id: uuid.UUID
    body: str = secret()


@dataclass(frozen=True, kw_only=True)
class ReadSessionNotes(Command):
    """Reading notes is a command so that every read is audited."""

    appointment_id: uuid.UUID
