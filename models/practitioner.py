"""Practitioners and the decisions about them.

A practitioner's status is not a column: it is the outcome of the latest
decision, so the history and the current state can never disagree.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from models.base import Base, IdMixin, str_enum, utcnow
from models.enums import PractitionerStatus
from models.staff import StaffAccount


class PractitionerDecision(IdMixin, Base):
    __tablename__ = "practitioner_decision"
    __table_args__ = (UniqueConstraint("practitioner_id", "seq"),)

    practitioner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practitioner.id", ondelete="CASCADE"), index=True
    )
    # Ordinal per practitioner: two managers deciding at once collide on the
    # unique constraint instead of both "winning".
    seq: Mapped[int]
    status: Mapped[PractitionerStatus] = mapped_column(str_enum(PractitionerStatus))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")


class Practitioner(IdMixin, Base):
    __tablename__ = "practitioner"
    __table_args__ = (
        CheckConstraint("rate_cents IS NULL OR rate_cents >= 0", name="rate_not_negative"),
        CheckConstraint(
            "experience_years IS NULL OR experience_years >= 0", name="experience_not_negative"
        ),
    )

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_account.id"), unique=True)
    profession: Mapped[str] = mapped_column(String(100))
    bio: Mapped[str] = mapped_column(Text, default="")
    specialisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    experience_years: Mapped[int | None]
    licence_number: Mapped[str | None] = mapped_column(String(100))
    rate_cents: Mapped[int | None]
    colour: Mapped[str] = mapped_column(String(9), default="#4a90d9")
    # None: the clinic's zone applies.
    timezone: Mapped[str | None] = mapped_column(String(64))

    account: Mapped[StaffAccount] = relationship(lazy="joined")
    decisions: Mapped[list[PractitionerDecision]] = relationship(
        order_by=PractitionerDecision.seq, cascade="all, delete-orphan"
    )


Practitioner.status = column_property(
    select(PractitionerDecision.status)
    .where(PractitionerDecision.practitioner_id == Practitioner.id)
    .order_by(PractitionerDecision.seq.desc())
    .limit(1)
    .correlate_except(PractitionerDecision)
    .scalar_subquery()
)


class PractitionerDocument(IdMixin, Base):
    """A file sent with an application (licence, ID...), kept for review."""

    __tablename__ = "practitioner_document"
    __table_args__ = (
        CheckConstraint("size_bytes > 0 AND size_bytes <= 10485760", name="size_range"),
    )

    practitioner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practitioner.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))  # licence | identity | other
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
