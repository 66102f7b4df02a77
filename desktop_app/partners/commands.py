"""The partners commands: plain data, handled in desktop_app.partners.handlers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop_app.kernel.commands import Command


@dataclass(frozen=True, kw_only=True)
class CreatePartnerOrganisation(Command):
    name: str
    contact_name: str | None = None
    contact_email: str | None = None
    # What each employee gets unless an allocation says otherwise.
    default_credits: int = 1
    session_duration_min: int = 25
    validity_days: int = 365


@dataclass(frozen=True, kw_only=True)
class UpdatePartnerOrganisation(Command):
    """New defaults apply to later allocations; earlier ones keep theirs."""

    organisation_id: uuid.UUID
    name: str
    contact_name: str | None
    contact_email: str | None
    default_credits: int
    session_duration_min: int
    validity_days: int


@dataclass(frozen=True)
class AllocationInput:
    """One employee's allocation, typed in or read from a CSV row."""

    email: str
    # None: the organisation's default.
    credits: int | None = None
    name: str | None = None
    # The CSV line it came from, so a refusal can name it.
    line: int | None = None


@dataclass(frozen=True, kw_only=True)
class AllocatePartnerCredits(Command):
    organisation_id: uuid.UUID
    allocation: AllocationInput


@dataclass(frozen=True, kw_only=True)
class ImportAllocations(Command):
    """Every row, or none: one bad row refuses the whole import."""

    organisation_id: uuid.UUID
    rows: tuple[AllocationInput, ...]


@dataclass(frozen=True, kw_only=True)
class RevokeAllocation(Command):
    """Takes back what is left of an allocation; what was used stays used."""

    allocation_id: uuid.UUID
    reason: str


@dataclass(frozen=True, kw_only=True)
class LinkPartnerAllocations(Command):
    """Credit a client with the allocations waiting for their e-mail address
    (booking with credits does this by itself)."""

    client_id: uuid.UUID
