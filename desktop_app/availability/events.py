"""What the availability handlers announce once their transaction has committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.events import Event


@dataclass(frozen=True)
class AvailabilityChanged(Event):
    # None: clinic-wide (holidays).
    practitioner_id: uuid.UUID | None
