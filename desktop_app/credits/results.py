"""What the credit commands hand back: a sale, a cancellation's credits, an expiry run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SaleResult:
    payment_id: uuid.UUID
    receipt_number: str
    lot_id: uuid.UUID
    credits: int
    expires_at: datetime


@dataclass(frozen=True)
class CancelResult:
    """What a cancellation did with the credits the appointment held."""

    credits_returned: int
    # Held back by the cancellation policy (a late cancellation).
    credits_kept: int
    late: bool


@dataclass(frozen=True)
class ExpiryResult:
    lots: int
    credits: int
    # Allocations whose time ran out, credited or not.
    allocations: int
