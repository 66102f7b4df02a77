"""Handlers for partner organisations and their employees' allocations.

An allocation is known by the employee's e-mail. If exactly one client has
that address when it is made, it is credited to them at once; otherwise it
waits, and is credited to the client with that address who first books with
credits (or when the desk links it: LinkPartnerAllocations)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from desktop_app.credits.ledger import load_lots
from desktop_app.credits.ledger_writes import claim_allocations, lock_client_credits, write_entries
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import Conflict, NotFound, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import normalise_email, require_text
from desktop_app.partners.commands import (
    AllocatePartnerCredits,
    AllocationInput,
    CreatePartnerOrganisation,
    ImportAllocations,
    LinkPartnerAllocations,
    RevokeAllocation,
    UpdatePartnerOrganisation,
)
from desktop_app.partners.csv_import import active_allocations, check_rows, row_label
from desktop_app.partners.errors import ImportRefused
from desktop_app.partners.events import PartnerOrganisationChanged
from desktop_app.partners.results import AllocationResult
from models import (
    AllocationStatus,
    Client,
    CreditEntry,
    CreditEntryKind,
    PartnerAllocation,
    PartnerOrganisation,
    Role,
)

MANAGERS = frozenset({Role.MANAGER})

LINKERS = frozenset({Role.FRONT_DESK, Role.MANAGER})


@dataclass(frozen=True)
class _OrganisationFields:
    name: str
    contact_name: str | None
    contact_email: str | None
    default_credits: int
    session_duration_min: int
    validity_days: int


def _whole(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"The {what} must be a whole number.")
    if not low <= value <= high:
        raise ValidationError(f"The {what} must be between {low} and {high}.")
    return value


def _organisation_fields(
    name: str,
    contact_name: str | None,
    contact_email: str | None,
    default_credits: int,
    session_duration_min: int,
    validity_days: int,
) -> _OrganisationFields:
    return _OrganisationFields(
        name=require_text(name, "organisation's name", 200),
        contact_name=" ".join((contact_name or "").split())[:200] or None,
        contact_email=normalise_email(contact_email or "")
        if (contact_email or "").strip()
        else None,
        default_credits=_whole(default_credits, "number of credits per employee", 1, 100),
        session_duration_min=_whole(session_duration_min, "session length in minutes", 5, 720),
        validity_days=_whole(validity_days, "validity in days", 1, 3660),
    )


def _name_free(uow: UnitOfWork, name: str, organisation_id: uuid.UUID | None = None) -> None:
    stmt = select(PartnerOrganisation.id).where(
        func.lower(PartnerOrganisation.name) == name.lower()
    )
    if organisation_id is not None:
        stmt = stmt.where(PartnerOrganisation.id != organisation_id)
    if uow.session.scalar(stmt) is not None:
        raise Conflict(f"There is already a partner organisation called {name!r}.")


def create_partner_organisation(
    uow: UnitOfWork, cmd: CreatePartnerOrganisation, actor: Actor
) -> Outcome:
    fields = _organisation_fields(
        cmd.name,
        cmd.contact_name,
        cmd.contact_email,
        cmd.default_credits,
        cmd.session_duration_min,
        cmd.validity_days,
    )
    _name_free(uow, fields.name)
    organisation = PartnerOrganisation(**vars(fields), created_at=uow.clock.now())
    uow.session.add(organisation)
    uow.session.flush()
    uow.emit(PartnerOrganisationChanged(organisation.id))
    return Outcome(result=organisation.id, target=f"partner_organisation:{organisation.id}")


def _organisation(
    uow: UnitOfWork, organisation_id: uuid.UUID, *, lock: bool = False
) -> PartnerOrganisation:
    # Locked while allocating, so two desks importing the same file one
    # moment apart cannot both find "no active allocation yet".
    organisation = uow.session.get(PartnerOrganisation, organisation_id, with_for_update=lock)
    if organisation is None:
        raise NotFound("That partner organisation does not exist.")
    return organisation


def update_partner_organisation(
    uow: UnitOfWork, cmd: UpdatePartnerOrganisation, actor: Actor
) -> Outcome:
    organisation = _organisation(uow, cmd.organisation_id)
    fields = _organisation_fields(
        cmd.name,
        cmd.contact_name,
        cmd.contact_email,
        cmd.default_credits,
        cmd.session_duration_min,
        cmd.validity_days,
    )
    _name_free(uow, fields.name, organisation.id)
    before = {k: getattr(organisation, k) for k in vars(fields)}
    for key, value in vars(fields).items():
        setattr(organisation, key, value)
    uow.emit(PartnerOrganisationChanged(organisation.id))
    return Outcome(target=f"partner_organisation:{organisation.id}", changes={"before": before})


def _allocate(
    uow: UnitOfWork,
    organisation_id: uuid.UUID,
    rows: tuple[AllocationInput, ...],
    actor: Actor,
) -> AllocationResult:
    """Check every row, then create all allocations, or raise and create none."""
    if not rows:
        raise ValidationError("There is nobody to allocate credits to.")
    organisation = _organisation(uow, organisation_id, lock=True)
    now = uow.clock.now()
    cleaned, problems = check_rows(rows, {})
    if not problems:
        taken = active_allocations(uow.session, organisation, (r.email for r in cleaned), now)
        cleaned, problems = check_rows(rows, taken)
    if problems:
        raise ImportRefused([f"{row_label(rows[i], i)}: {why}" for i, why in problems])

    allocations = []
    for row in cleaned:
        allocation = PartnerAllocation(
            organisation_id=organisation.id,
            employee_email=row.email,
            employee_name=row.name,
            credits=row.credits or organisation.default_credits,
            session_duration_min=organisation.session_duration_min,
            status=AllocationStatus.ACTIVE,
            allocated_at=now,
            allocated_by_id=actor.account_id,
            expires_at=now + timedelta(days=organisation.validity_days),
        )
        uow.session.add(allocation)
        allocations.append(allocation)
    uow.session.flush()

    # Credited at once where the address is exactly one client's; with two
    # clients sharing it, the one who books first claims it.
    emails = sorted({a.employee_email for a in allocations})
    owners: dict[str, list[Client]] = {}
    for start in range(0, len(emails), 500):
        for client in uow.session.scalars(
            select(Client).where(
                Client.email.in_(emails[start : start + 500]), Client.archived_at.is_(None)
            )
        ):
            owners.setdefault((client.email or "").lower(), []).append(client)
    sole = [found[0] for found in owners.values() if len(found) == 1]
    lock_client_credits(uow, [c.id for c in sole])
    credited = sum(len(claim_allocations(uow, client, actor)) for client in sole)
    uow.emit(PartnerOrganisationChanged(organisation.id))
    return AllocationResult(tuple(a.id for a in allocations), credited, len(allocations) - credited)


def allocate_partner_credits(uow: UnitOfWork, cmd: AllocatePartnerCredits, actor: Actor) -> Outcome:
    result = _allocate(uow, cmd.organisation_id, (cmd.allocation,), actor)
    return Outcome(
        result=result,
        target=f"partner_organisation:{cmd.organisation_id}",
        changes={"credited": result.credited},
    )


def import_allocations(uow: UnitOfWork, cmd: ImportAllocations, actor: Actor) -> Outcome:
    result = _allocate(uow, cmd.organisation_id, cmd.rows, actor)
    return Outcome(
        result=result,
        target=f"partner_organisation:{cmd.organisation_id}",
        changes={
            "imported": len(result.allocation_ids),
            "credited": result.credited,
        },
    )


def revoke_allocation(uow: UnitOfWork, cmd: RevokeAllocation, actor: Actor) -> Outcome:
    reason = require_text(cmd.reason, "reason for revoking", 500)
    allocation = uow.session.get(PartnerAllocation, cmd.allocation_id)
    if allocation is None:
        raise NotFound("That allocation does not exist.")
    # The client's credits first, then the row: the order booking takes them
    # in (it updates the allocation's status while holding the client's
    # lock), so the two never wait for each other in a circle.
    locked = allocation.client_id
    if locked is not None:
        lock_client_credits(uow, [locked])
    allocation = uow.session.get(
        PartnerAllocation, cmd.allocation_id, with_for_update=True, populate_existing=True
    )
    assert allocation is not None
    if allocation.status is AllocationStatus.REVOKED:
        return Outcome(result=0, no_change=True)
    if allocation.status is AllocationStatus.EXPIRED:
        raise ValidationError(
            f"The allocation of {allocation.employee_email} has expired; there is nothing to "
            "revoke."
        )
    taken_back = 0
    if allocation.client_id is not None:
        if allocation.client_id != locked:
            # Claimed a moment ago: the claim has committed, so its lock is free.
            lock_client_credits(uow, [allocation.client_id])
        lot = next(
            (
                lot
                for lot in load_lots(uow.session, allocation.client_id)
                if lot.allocation_id == allocation.id
            ),
            None,
        )
        if lot is not None and lot.left > 0:
            taken_back = lot.left
            write_entries(
                uow,
                [
                    CreditEntry(
                        client_id=allocation.client_id,
                        kind=CreditEntryKind.ADJUSTMENT,
                        amount=-lot.left,
                        created_at=uow.clock.now(),
                        actor_id=actor.account_id,
                        reason=f"Allocation revoked: {reason}",
                        lot_id=lot.id,
                        allocation_id=allocation.id,
                        command_id=cmd.command_id,
                    )
                ],
            )
    allocation.status = AllocationStatus.REVOKED
    allocation.revoked_at = uow.clock.now()
    allocation.revoked_by_id = actor.account_id
    allocation.revoke_reason = reason
    uow.emit(PartnerOrganisationChanged(allocation.organisation_id))
    return Outcome(
        result=taken_back,
        target=f"partner_organisation:{allocation.organisation_id}",
        changes={"employee_email": allocation.employee_email, "credits_taken_back": taken_back},
    )


def link_partner_allocations(uow: UnitOfWork, cmd: LinkPartnerAllocations, actor: Actor) -> Outcome:
    client = uow.session.get(Client, cmd.client_id)
    if client is None:
        raise NotFound("That client does not exist.")
    lock_client_credits(uow, [client.id])
    claimed = claim_allocations(uow, client, actor)
    if not claimed:
        return Outcome(result=0, no_change=True)
    for organisation_id in {a.organisation_id for a in claimed}:
        uow.emit(PartnerOrganisationChanged(organisation_id))
    return Outcome(
        result=sum(a.credits for a in claimed),
        target=f"client:{client.id}",
        changes={"allocations": [str(a.id) for a in claimed]},
    )


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    CreatePartnerOrganisation: HandlerSpec(create_partner_organisation, roles=MANAGERS),
    UpdatePartnerOrganisation: HandlerSpec(update_partner_organisation, roles=MANAGERS),
    AllocatePartnerCredits: HandlerSpec(allocate_partner_credits, roles=MANAGERS),
    ImportAllocations: HandlerSpec(import_allocations, roles=MANAGERS),
    RevokeAllocation: HandlerSpec(revoke_allocation, roles=MANAGERS),
    LinkPartnerAllocations: HandlerSpec(link_partner_allocations, roles=LINKERS),
}
