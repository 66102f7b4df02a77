"""What the staff handlers announce once their transaction has committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.events import Event


@dataclass(frozen=True)
class StaffAccountCreated(Event):
    account_id: uuid.UUID


@dataclass(frozen=True)
class StaffAccountChanged(Event):
    account_id: uuid.UUID


@dataclass(frozen=True)
class PractitionerChanged(Event):
    """Applied, decided on, or profile edited: every view showing them refreshes."""

    practitioner_id: uuid.UUID
    what: str
