"""What the payment commands hand back to their caller."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class PaymentResult:
    payment_id: uuid.UUID
    receipt_number: str
    amount_cents: int
    currency: str
