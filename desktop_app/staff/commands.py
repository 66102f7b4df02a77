"""The staff commands: plain data, handled in desktop_app.staff.handlers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.commands import Command, secret
from models.enums import Role


@dataclass(frozen=True, kw_only=True)
class CreateFirstManager(Command):
    """Only while the clinic has no manager: the first-run wizard and the CLI."""

    email: str
    name: str
    password: str = secret()


@dataclass(frozen=True, kw_only=True)
class CreateStaffAccount(Command):
    email: str
    name: str
    roles: frozenset[Role]
    password: str = secret()
    phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateStaffAccount(Command):
    account_id: uuid.UUID
    name: str
    phone: str | None
    roles: frozenset[Role]


@dataclass(frozen=True, kw_only=True)
class ResetPassword(Command):
    """A manager sets a new password for someone who forgot theirs."""

    account_id: uuid.UUID
    new_password: str = secret()


@dataclass(frozen=True, kw_only=True)
class ChangePassword(Command):
    """Anyone changes their own password, proving they know the current one."""

    current_password: str = secret()
    new_password: str = secret()


@dataclass(frozen=True, kw_only=True)
class DeactivateAccount(Command):
    account_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReactivateAccount(Command):
    account_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class SetPhoto(Command):
    """A person's photo, stored once on their account; None removes it."""

    account_id: uuid.UUID
    data: bytes | None


@dataclass(frozen=True)
class DocumentUpload:
    kind: str  # licence | identity | other
    filename: str
    data: bytes


@dataclass(frozen=True, kw_only=True)
class SubmitApplication(Command):
    """A practitioner applies to work at the clinic: creates their account
    (practitioner role) and the application, which waits for a manager."""

    email: str
    name: str
    password: str = secret()
    phone: str | None = None
    profession: str
    licence_number: str | None = None
    specialisations: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    experience_years: int | None = None
    bio: str = ""
    photo: bytes | None = None
    documents: tuple[DocumentUpload, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ApprovePractitioner(Command):
    practitioner_id: uuid.UUID
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RejectPractitioner(Command):
    practitioner_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class SuspendPractitioner(Command):
    practitioner_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReinstatePractitioner(Command):
    practitioner_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class UpdatePractitionerProfile(Command):
    practitioner_id: uuid.UUID
    bio: str
    specialisations: tuple[str, ...]
    languages: tuple[str, ...]
    profession: str | None = None
    colour: str | None = None
