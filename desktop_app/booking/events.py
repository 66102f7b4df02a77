"""What the booking handlers announce once their transaction has committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.events import Event


@dataclass(frozen=True)
class AppointmentChanged(Event):
    """Booked, moved, cancelled or advanced in its life cycle."""

    appointment_id: uuid.UUID
    practitioner_id: uuid.UUID
    what: str  # booked | rescheduled | cancelled | checked_in | started | completed | no_show


@dataclass(frozen=True)
class HoldChanged(Event):
    practitioner_id: uuid.UUID
