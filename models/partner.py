"""Partner organisations (employers) and their credit allocations."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, str_enum, utcnow
from models.enums import AllocationStatus


class PartnerOrganisation(IdMixin, Base):
    __tablename__ = "partner_organisation"
    __table_args__ = (
        CheckConstraint("default_credits > 0", name="credits_positive"),
        CheckConstraint("session_duration_min > 0", name="duration_positive"),
        CheckConstraint("validity_days > 0", name="validity_positive"),
    )

    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    default_credits: Mapped[int] = mapped_column(default=1)
    session_duration_min: Mapped[int] = mapped_column(default=25)
    validity_days: Mapped[int] = mapped_column(default=365)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartnerAllocation(IdMixin, Base):
    """Credits an organisation gives one employee, known by e-mail until they book.

    The credits reach the ledger when the allocation is linked to a client
    (at allocation time if the e-mail is a client's, else when they first
    book): one partner_allocation entry, the lot that their sessions draw
    from. `status` follows that lot: used when nothing is left, expired or
    revoked when what was left has been taken back.
    """

    __tablename__ = "partner_allocation"
    __table_args__ = (
        CheckConstraint("credits > 0", name="credits_positive"),
        CheckConstraint("session_duration_min > 0", name="duration_positive"),
        CheckConstraint("employee_email = lower(employee_email)", name="email_lower_case"),
        CheckConstraint(
            "(status = 'revoked') = (revoked_at IS NOT NULL)", name="revocation_recorded"
        ),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner_organisation.id"), index=True
    )
    employee_email: Mapped[str] = mapped_column(String(254), index=True)
    # As the organisation gave it; the client record, once linked, has its own.
    employee_name: Mapped[str | None] = mapped_column(String(200))
    client_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("client.id"), index=True)
    credits: Mapped[int]
    session_duration_min: Mapped[int]
    status: Mapped[AllocationStatus] = mapped_column(
        str_enum(AllocationStatus), default=AllocationStatus.ACTIVE
    )
    allocated_at: Mapped[datetime] = mapped_column(default=utcnow)
    allocated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
