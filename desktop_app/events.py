"""Events: facts published after a command's transaction has committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class StaffAccountCreated(Event):
    account_id: uuid.UUID


@dataclass(frozen=True)
class ClinicSettingsChanged(Event):
    keys: tuple[str, ...]


@dataclass(frozen=True)
class DemoClinicSeeded(Event):
    size: str


@dataclass(frozen=True)
class AvailabilityChanged(Event):
    # None: clinic-wide (holidays).
    practitioner_id: uuid.UUID | None


@dataclass(frozen=True)
class ClientChanged(Event):
    client_id: uuid.UUID


@dataclass(frozen=True)
class AppointmentChanged(Event):
    """Booked, moved, cancelled or advanced in its life cycle."""

    appointment_id: uuid.UUID
    practitioner_id: uuid.UUID
    what: str  # booked | rescheduled | cancelled | checked_in | started | completed | no_show


@dataclass(frozen=True)
class HoldChanged(Event):
    practitioner_id: uuid.UUID


@dataclass(frozen=True)
class StaffAccountChanged(Event):
    account_id: uuid.UUID


@dataclass(frozen=True)
class PractitionerChanged(Event):
    """Applied, decided on, or profile edited: every view showing them refreshes."""

    practitioner_id: uuid.UUID
    what: str


@dataclass(frozen=True)
class NotificationsChanged(Event):
    recipient_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class CreditsChanged(Event):
    """A client's ledger gained entries (bought, used, refunded, adjusted, expired)."""

    client_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class CreditPacksChanged(Event):
    pack_id: uuid.UUID


@dataclass(frozen=True)
class PartnerOrganisationChanged(Event):
    """The organisation or its allocations changed."""

    organisation_id: uuid.UUID


@dataclass(frozen=True)
class EmailSettingsChanged(Event):
    """The e-mail server, reminder times or templates changed."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class OutboxChanged(Event):
    """Messages were queued again or given up by a command (not by the sender itself)."""

    message_ids: tuple[uuid.UUID, ...]
