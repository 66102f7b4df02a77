"""The credits commands: plain data, handled in desktop_app.credits.*_handlers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from desktop_app.kernel.commands import Command
from models.enums import PaymentMethod

# The largest values a command may carry; the handlers refuse anything beyond.
MAX_PACK_CREDITS = 1000
MAX_PRICE_CENTS = 100_000_000
MAX_ADJUSTMENT = 1000


@dataclass(frozen=True, kw_only=True)
class CreateCreditPack(Command):
    """A pack the desk can sell, priced in the clinic's currency."""

    name: str
    credits: int
    price_cents: int
    validity_months: int


@dataclass(frozen=True, kw_only=True)
class UpdateCreditPack(Command):
    """Changes what future sales give; credits already sold keep their terms."""

    pack_id: uuid.UUID
    name: str
    credits: int
    price_cents: int
    validity_months: int
    is_active: bool = True


@dataclass(frozen=True, kw_only=True)
class SellCreditPack(Command):
    """Sell a pack at the desk: the payment and the credits, in one transaction."""

    client_id: uuid.UUID
    pack_id: uuid.UUID
    # What the desk took. It must be the pack's price and currency, so that a
    # price changed while the dialog was open is noticed rather than charged.
    amount_cents: int
    currency: str
    method: PaymentMethod
    # None: the next number of the clinic's own series (RC-0000001, ...).
    receipt_number: str | None = None


@dataclass(frozen=True, kw_only=True)
class AdjustCredits(Command):
    """A manager's correction, always a ledger entry: + gives credits (a new
    lot, optionally expiring), - takes them, soonest-expiring first."""

    client_id: uuid.UUID
    amount: int
    reason: str
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class RefundAppointmentCredits(Command):
    """A manager returns the credits of a late cancellation or a no-show."""

    appointment_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class ExpireCredits(Command):
    """The scheduler's job: an expiry entry for what is left of every lot
    that has lapsed by `now`. Running it again expires nothing more."""

    now: datetime
