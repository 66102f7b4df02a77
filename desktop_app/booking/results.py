"""What the booking commands hand back to the desk."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class BookingResult:
    appointment_id: uuid.UUID
    reference: str
    starts_at: datetime
    ends_at: datetime
    practitioner_id: uuid.UUID
    video_link: str | None
    # Credits the booking was paid with (0: paid at the desk). Only booking
    # fills it in; a reschedule leaves the payment as it was.
    credits_used: int = 0


@dataclass(frozen=True)
class NoteRow:
    written_at: datetime
    body: str
