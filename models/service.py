"""Services (session types) and which practitioners offer them."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, IdMixin
from models.practitioner import Practitioner

service_practitioner = Table(
    "service_practitioner",
    Base.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("practitioner_id", ForeignKey("practitioner.id", ondelete="CASCADE"), primary_key=True),
)


class Service(IdMixin, Base):
    __tablename__ = "service"
    __table_args__ = (
        CheckConstraint("duration_min > 0 AND duration_min <= 720", name="duration_range"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("price_credits IS NULL OR price_credits > 0", name="credits_positive"),
    )

    name: Mapped[str] = mapped_column(String(100), unique=True)
    duration_min: Mapped[int]
    price_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # None: cannot be paid with credits.
    price_credits: Mapped[int | None]
    colour: Mapped[str] = mapped_column(String(9), default="#7cb342")
    is_online: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)

    practitioners: Mapped[list[Practitioner]] = relationship(secondary=service_practitioner)
