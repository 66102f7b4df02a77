"""The clients commands: plain data, handled in desktop_app.clients.handlers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from desktop_app.kernel.commands import Command


@dataclass(frozen=True, kw_only=True)
class RegisterClient(Command):
    full_name: str
    phone: str | None = None
    email: str | None = None
    date_of_birth: date | None = None
    notes: str = ""
    emergency_contact_name: str | None = None
    emergency_contact_phone: str | None = None
    # The desk saw the possible duplicates and registers a new client anyway.
    allow_duplicate: bool = False


@dataclass(frozen=True, kw_only=True)
class UpdateClient(Command):
    client_id: uuid.UUID
    full_name: str
    phone: str | None = None
    email: str | None = None
    date_of_birth: date | None = None
    notes: str = ""
    emergency_contact_name: str | None = None
    emergency_contact_phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class ArchiveClient(Command):
    client_id: uuid.UUID
    reason: str
