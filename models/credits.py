"""The credit ledger, credit packs and payments.

A client's balance is the sum of their ledger entries; there is no balance
column to drift from it. Entries are never edited or deleted.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, str_enum, utcnow
from models.enums import CreditEntryKind, PaymentMethod


class CreditPack(IdMixin, Base):
    __tablename__ = "credit_pack"
    __table_args__ = (
        CheckConstraint("credits > 0", name="credits_positive"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("validity_months > 0", name="validity_positive"),
    )

    name: Mapped[str] = mapped_column(String(100), unique=True)
    credits: Mapped[int]
    price_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    validity_months: Mapped[int] = mapped_column(default=12)
    is_active: Mapped[bool] = mapped_column(default=True)


class Payment(IdMixin, Base):
    __tablename__ = "payment"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod))
    receipt_number: Mapped[str] = mapped_column(String(30), unique=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))


class CreditEntry(IdMixin, Base):
    __tablename__ = "credit_entry"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        Index("ix_credit_entry_client_created", "client_id", "created_at"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"))
    kind: Mapped[CreditEntryKind] = mapped_column(str_enum(CreditEntryKind))
    amount: Mapped[int]  # signed: + adds credits, - takes them
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
    reason: Mapped[str] = mapped_column(Text)
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appointment.id"))
    allocation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partner_allocation.id"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment.id"))
    # When credits added by this entry lapse (purchases and allocations).
    expires_at: Mapped[datetime | None]
