"""The messaging commands: plain data, handled in desktop_app.messaging.handlers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.commands import Command, secret


@dataclass(frozen=True, kw_only=True)
class UpdateEmailSettings(Command):
    """The clinic's e-mail server and reminder times; None leaves a value as it is.

    The password goes to this workstation's OS keyring, never to the
    database: None keeps the stored one, "" removes it.
    """

    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_tls: str | None = None  # none | starttls | ssl
    smtp_user: str | None = None
    smtp_from: str | None = None
    reminder_offsets_min: tuple[int, ...] | None = None
    send_confirmations: bool | None = None
    smtp_password: str | None = secret(default=None)


@dataclass(frozen=True)
class TemplateInput:
    kind: str  # booked | rescheduled | cancelled | reminder
    subject: str
    body: str


@dataclass(frozen=True, kw_only=True)
class UpdateTemplates(Command):
    """Save edited e-mail templates; one equal to its default is stored as the default."""

    templates: tuple[TemplateInput, ...]


@dataclass(frozen=True, kw_only=True)
class RetryMessage(Command):
    """Send a failed (or waiting) outgoing message again, now."""

    message_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class MarkNotificationRead(Command):
    notification_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class MarkAllNotificationsRead(Command):
    pass
