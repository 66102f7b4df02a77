"""Staff accounts: every person has their own login, with one or more roles."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, IdMixin, str_enum, utcnow
from models.enums import Role


class StaffAccount(IdMixin, Base):
    __tablename__ = "staff_account"
    __table_args__ = (
        # E-mail is unique case-insensitively; keeping it lower-case is what
        # lets a plain unique constraint enforce that on both databases.
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_empty"),
    )

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    roles: Mapped[list[StaffRole]] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.roles)


class StaffRole(Base):
    __tablename__ = "staff_role"

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("staff_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)

    account: Mapped[StaffAccount] = relationship(back_populates="roles")
