"""What the payment handlers announce once their transaction has committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.events import Event


@dataclass(frozen=True)
class PaymentRecorded(Event):
    """Money was taken or given back (a refund is a payment row too)."""

    payment_id: uuid.UUID
    appointment_id: uuid.UUID | None
