"""Appointments and private session notes.

An appointment has one time representation: starts_at and ends_at, instants.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, str_enum, utcnow
from models.enums import AppointmentSource, AppointmentStatus


class Appointment(IdMixin, Base):
    __tablename__ = "appointment"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "buffer_before_min >= 0 AND buffer_after_min >= 0 "
            "AND buffer_before_min <= 240 AND buffer_after_min <= 240",
            name="buffers_range",
        ),
        CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancellation_recorded"
        ),
        Index("ix_appointment_practitioner_starts", "practitioner_id", "starts_at"),
    )

    reference: Mapped[str] = mapped_column(String(12), unique=True)
    # Made by the client that issued the booking command: the same command
    # sent twice (double click, retry, offline replay) books once.
    command_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("client.id"), index=True)
    practitioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practitioner.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    status: Mapped[AppointmentStatus] = mapped_column(
        str_enum(AppointmentStatus), default=AppointmentStatus.BOOKED
    )
    source: Mapped[AppointmentSource] = mapped_column(str_enum(AppointmentSource))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The practitioner's buffers when this was booked: the database's overlap
    # check keeps the time around it free, whatever the settings say later.
    buffer_before_min: Mapped[int] = mapped_column(default=0, server_default="0")
    buffer_after_min: Mapped[int] = mapped_column(default=0, server_default="0")
    video_link: Mapped[str | None] = mapped_column(String(500))
    room: Mapped[str | None] = mapped_column(String(50))


class SessionNote(IdMixin, Base):
    """A private clinical note: readable only by its author."""

    __tablename__ = "session_note"

    appointment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appointment.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_account.id"))
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)
