"""Clients (patients). Archived, never hard-deleted, while records must be kept."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.kernel.text_search import client_search_key
from models.base import Base, IdMixin, utcnow


def _search_key_default(context: Any) -> str:
    params = context.get_current_parameters()
    return client_search_key(params["full_name"], params.get("email"), params.get("phone"))


class Client(IdMixin, Base):
    __tablename__ = "client"
    __table_args__ = (
        CheckConstraint("length(trim(full_name)) > 0", name="name_not_empty"),
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="reachable"),
        # Search walks this index in name order and reads the key from it
        # without touching the table: a common term stops after a few rows,
        # a rare one scans a compact index instead of 100 000 table rows.
        Index("ix_client_search", "full_name", "search_key", "archived_at"),
    )

    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None]
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    emergency_contact_name: Mapped[str | None] = mapped_column(String(200))
    emergency_contact_phone: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
    intake: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partner_organisation.id"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]
    # Derived from name, e-mail and phone when the row is written (see
    # desktop_app.text_search); it exists only so search needs no per-row
    # function call, and `clinicdesk doctor` checks it still matches.
    search_key: Mapped[str] = mapped_column(String(600), default=_search_key_default)
