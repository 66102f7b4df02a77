"""Read side of the notification centre, the outbox and the e-mail settings:
plain rows, never ORM objects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from desktop_app.clinic.settings import EmailSettings
from desktop_app.infra.database import Database
from desktop_app.messaging.mailer import (
    SmtpConfig,
    load_email_settings,
    not_ready_reason,
    stored_password,
)
from desktop_app.messaging.templates import EmailTemplate, load_templates
from models import Appointment, MessageStatus, Notification, OutgoingMessage


@dataclass(frozen=True)
class NotificationRow:
    id: uuid.UUID
    kind: str
    text: str
    created_at: datetime
    read_at: datetime | None
    # What it is about, e.g. "appointment:<id>"; None: nothing to open.
    target: str | None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def unread_count(db: Database, recipient_id: uuid.UUID) -> int:
    with db.read_sessions() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.recipient_id == recipient_id, Notification.read_at.is_(None))
            )
            or 0
        )


def notifications_for(
    db: Database, recipient_id: uuid.UUID, *, unread_only: bool = False, limit: int = 200
) -> list[NotificationRow]:
    """A person's notifications, newest first."""
    query = select(Notification).where(Notification.recipient_id == recipient_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id).limit(limit)
    with db.read_sessions() as s:
        return [
            NotificationRow(n.id, n.kind, n.text, n.created_at, n.read_at, n.target)
            for n in s.scalars(query)
        ]


@dataclass(frozen=True)
class OutboxRow:
    id: uuid.UUID
    kind: str
    recipient: str
    subject: str
    status: MessageStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    # Why the last attempt failed, or why the message was skipped.
    reason: str | None
    appointment_reference: str | None
    workstation: str | None


def outbox(
    db: Database, *, statuses: frozenset[MessageStatus] | None = None, limit: int = 500
) -> list[OutboxRow]:
    """Outgoing messages, newest first; `statuses` narrows it (e.g. failed only)."""
    query = select(OutgoingMessage, Appointment.reference).outerjoin(
        Appointment, Appointment.id == OutgoingMessage.appointment_id
    )
    if statuses is not None:
        query = query.where(OutgoingMessage.status.in_(sorted(statuses)))
    query = query.order_by(OutgoingMessage.created_at.desc(), OutgoingMessage.id).limit(limit)
    with db.read_sessions() as s:
        return [
            OutboxRow(
                m.id,
                m.kind,
                m.recipient,
                m.subject,
                m.status,
                m.attempts,
                m.created_at,
                m.next_attempt_at if m.status == MessageStatus.QUEUED else None,
                m.sent_at,
                m.last_error,
                reference,
                m.workstation,
            )
            for m, reference in s.execute(query)
        ]


def outbox_counts(db: Database) -> dict[MessageStatus, int]:
    """How many messages are in each status (for a badge or a summary line)."""
    with db.read_sessions() as s:
        rows = s.execute(
            select(OutgoingMessage.status, func.count()).group_by(OutgoingMessage.status)
        ).all()
    counts = dict.fromkeys(MessageStatus, 0)
    counts.update({status: int(n) for status, n in rows})
    return counts


def email_settings(db: Database) -> EmailSettings:
    """The clinic's e-mail server and reminder times, for the settings page."""
    with db.read_sessions() as s:
        return load_email_settings(s)


def email_templates(db: Database) -> dict[str, EmailTemplate]:
    """Every template as it is used now (the clinic's edit, else the default)."""
    with db.read_sessions() as s:
        return load_templates(s)


def email_readiness(db: Database) -> str | None:
    """Why this workstation cannot send e-mail, or None when it can."""
    with db.read_sessions() as s:
        config = SmtpConfig.from_settings(load_email_settings(s))
    return not_ready_reason(config, stored_password(config))
