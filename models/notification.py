"""In-app notifications and the outbox of outgoing messages."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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
    expires_at: Mapped[datetime | None]


class OutgoingMessage(IdMixin, Base):
    __tablename__ = "outgoing_message"

    channel: Mapped[MessageChannel] = mapped_column(str_enum(MessageChannel))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus), default=MessageStatus.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
