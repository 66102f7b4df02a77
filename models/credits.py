"""The credit ledger, credit packs and payments.

A client's balance is the sum of their ledger entries; there is no balance
column to drift from it. Entries are never edited or deleted.

Credits come in lots: an entry that adds credits without naming a lot
(a purchase, a partner allocation, a positive adjustment) *is* a lot, with
its own expiry. Every entry that takes credits names the lot it draws from,
and a refund names the lot it returns to, so "which credits expire soonest"
and "what is left of this pack" are sums, not guesses. The database refuses
an entry that would overdraw a lot or the client's balance (migration 0004).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, str_enum, utcnow
from models.enums import CreditEntryKind, PaymentKind, PaymentMethod

# Kinds that always add credits, and kinds that always take them; the rest
# (adjustment, transfer) go either way.
ADDING_KINDS = ("purchase", "partner_allocation", "refund", "peer_earn")
TAKING_KINDS = ("use", "expiry", "peer_spend")


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


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
    """Money taken at the desk (for a credit sale or an appointment), or given back.

    A refund is its own row (`kind` refund, a positive amount) naming the
    payment it returns money from; payments are never edited. Takings are
    payments minus refunds.
    """

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        CheckConstraint(
            "(kind = 'refund') = (refund_of_id IS NOT NULL)", name="refund_names_payment"
        ),
        Index("ix_payment_received_at", "received_at"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod))
    receipt_number: Mapped[str] = mapped_column(String(30), unique=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
    kind: Mapped[PaymentKind] = mapped_column(
        str_enum(PaymentKind), default=PaymentKind.PAYMENT, server_default="payment"
    )
    # What the money is for: an appointment paid at the desk (None for a credit sale).
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appointment.id"), index=True
    )
    # A refund: the payment it gives money back from.
    refund_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    # The command that wrote it: a retried command records one payment.
    command_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)


class CreditEntry(IdMixin, Base):
    __tablename__ = "credit_entry"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint(
            f"(kind IN ({_quoted(ADDING_KINDS)}) AND amount > 0) "
            f"OR (kind IN ({_quoted(TAKING_KINDS)}) AND amount < 0) "
            "OR kind IN ('adjustment', 'transfer')",
            name="sign_matches_kind",
        ),
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        CheckConstraint(
            "expires_at IS NULL OR (amount > 0 AND lot_id IS NULL)", name="expiry_only_on_lots"
        ),
        CheckConstraint("kind <> 'purchase' OR payment_id IS NOT NULL", name="purchase_paid"),
        CheckConstraint(
            "kind <> 'partner_allocation' OR allocation_id IS NOT NULL",
            name="grant_names_allocation",
        ),
        Index("ix_credit_entry_client_created", "client_id", "created_at"),
        # An allocation is credited to its employee once, whoever claims it.
        Index(
            "uq_credit_entry_allocation_grant",
            "allocation_id",
            unique=True,
            sqlite_where=text("kind = 'partner_allocation'"),
            postgresql_where=text("kind = 'partner_allocation'"),
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"))
    kind: Mapped[CreditEntryKind] = mapped_column(str_enum(CreditEntryKind))
    amount: Mapped[int]  # signed: + adds credits, - takes them
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None only for the system (the expiry job, the command line).
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
    reason: Mapped[str] = mapped_column(Text)
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appointment.id"), index=True
    )
    allocation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partner_allocation.id"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment.id"))
    # When credits added by this entry lapse (lots only; None: never).
    expires_at: Mapped[datetime | None]
    # The lot this entry draws from or returns to; None: the entry is a lot.
    lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credit_entry.id"), index=True)
    # The command that wrote it: a retried command is recognised and not
    # applied twice. One command may write several entries.
    command_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
