"""Money taken at the desk: plain data, handled in desktop_app.payments.handlers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.commands import Command
from models.enums import PaymentMethod

MAX_AMOUNT_CENTS = 100_000_000


@dataclass(frozen=True, kw_only=True)
class RecordPayment(Command):
    """The desk took money for an appointment (cash, card or bank transfer)."""

    appointment_id: uuid.UUID
    amount_cents: int
    currency: str
    method: PaymentMethod
    # None: the next number of the desk's own series (DP-0000001, ...).
    receipt_number: str | None = None


@dataclass(frozen=True, kw_only=True)
class RefundPayment(Command):
    """Give money back from a payment: a refund row of its own, with a reason.

    The refund goes back by `method` (None: the way it was paid)."""

    payment_id: uuid.UUID
    amount_cents: int
    reason: str
    method: PaymentMethod | None = None
