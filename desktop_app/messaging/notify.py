"""Telling people things: in-app notifications and the outgoing e-mail queue.

Both are written in the command's own transaction, so a notification exists
exactly when the change it announces was committed. Sending the e-mails is
the scheduler's job.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select

from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.messaging.events import NotificationsChanged
from models import (
    Appointment,
    MessageChannel,
    MessageStatus,
    Notification,
    OutgoingMessage,
    Role,
    StaffAccount,
    StaffRole,
)

NOTIFICATION_LIFETIME = timedelta(days=90)


def notify(
    uow: UnitOfWork,
    recipients: Iterable[uuid.UUID],
    kind: str,
    text: str,
    *,
    target: str | None = None,
) -> None:
    now = uow.clock.now()
    ids = tuple(dict.fromkeys(recipients))
    for rid in ids:
        uow.session.add(
            Notification(
                recipient_id=rid,
                kind=kind,
                text=text,
                created_at=now,
                expires_at=now + NOTIFICATION_LIFETIME,
                target=target,
            )
        )
    if ids:
        uow.emit(NotificationsChanged(ids))


def staff_with_role(uow: UnitOfWork, role: Role) -> list[uuid.UUID]:
    return list(
        uow.session.scalars(
            select(StaffAccount.id)
            .join(StaffRole, StaffRole.account_id == StaffAccount.id)
            .where(StaffRole.role == role, StaffAccount.is_active.is_(True))
        )
    )


def queue_email(
    uow: UnitOfWork,
    to: str,
    subject: str,
    body: str,
    *,
    kind: str = "general",
    appointment: Appointment | None = None,
) -> OutgoingMessage:
    """Queue an e-mail; one about an appointment records which start it was about."""
    now = uow.clock.now()
    message = OutgoingMessage(
        channel=MessageChannel.EMAIL,
        kind=kind,
        recipient=to,
        subject=subject,
        body=body,
        status=MessageStatus.QUEUED,
        created_at=now,
        next_attempt_at=now,
        appointment_id=appointment.id if appointment is not None else None,
        about_starts_at=appointment.starts_at if appointment is not None else None,
    )
    uow.session.add(message)
    return message
