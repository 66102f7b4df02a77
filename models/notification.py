"""In-app notifications and the outbox of outgoing messages."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, str_enum, utcnow
from models.enums import MessageChannel, MessageStatus


class Notification(IdMixin, Base):
    __tablename__ = "notification"

    recipient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("staff_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    # What it is about, for the notification centre to open: "appointment:<id>".
    target: Mapped[str | None] = mapped_column(String(200))


class OutgoingMessage(IdMixin, Base):
    """One message to send, and what became of it.

    queued -> sending (one workstation holds a lease) -> sent, or back to
    queued with a later next_attempt_at (a transient failure), or failed (a
    permanent one, or too many attempts), or skipped (a reminder whose
    appointment was cancelled or moved before it went out).
    """

    __tablename__ = "outgoing_message"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # A lease exists exactly while a workstation is sending: a crashed
        # sender's message is recognisable by its lapsed lease.
        CheckConstraint(
            "(status = 'sending') = (lease_expires_at IS NOT NULL)", name="lease_while_sending"
        ),
        CheckConstraint(
            "(appointment_id IS NULL) = (about_starts_at IS NULL)", name="appointment_time_known"
        ),
    )

    channel: Mapped[MessageChannel] = mapped_column(str_enum(MessageChannel))
    # reminder | booked | rescheduled | cancelled (the template it was written
    # from), or general.
    kind: Mapped[str] = mapped_column(String(30), default="general", server_default="general")
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus), default=MessageStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    # Why the last attempt failed, or why the message was skipped.
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # The appointment the message is about, and its start when the message
    # was written: a reminder is sent only if the appointment still starts
    # then and is still booked.
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("appointment.id"), index=True
    )
    about_starts_at: Mapped[datetime | None]
    # Set while status is sending. Only the holder of the token may record
    # the outcome; once the lease has lapsed another workstation may take over.
    lease_expires_at: Mapped[datetime | None]
    lease_token: Mapped[uuid.UUID | None]
    # The workstation that last tried (or managed) to send it.
    workstation: Mapped[str | None] = mapped_column(String(100))
