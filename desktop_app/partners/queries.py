"""Read side of partner organisations: organisations and their allocations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from desktop_app.infra.database import Database
from models import (
    AllocationStatus,
    Client,
    CreditEntry,
    CreditEntryKind,
    PartnerAllocation,
    PartnerOrganisation,
)


@dataclass(frozen=True)
class OrganisationRow:
    id: uuid.UUID
    name: str
    contact_name: str | None
    contact_email: str | None
    default_credits: int
    session_duration_min: int
    validity_days: int
    # Allocations still active, and the credits left on them (waiting ones included).
    active_allocations: int
    credits_left: int


@dataclass(frozen=True)
class AllocationRow:
    id: uuid.UUID
    organisation_id: uuid.UUID
    employee_email: str
    employee_name: str | None
    client_id: uuid.UUID | None
    client_name: str | None
    credits: int
    # Held by appointments (net of refunds).
    used: int
    left: int
    status: AllocationStatus
    session_duration_min: int
    allocated_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None


def _allocation_rows(s: Session, *where: object) -> list[AllocationRow]:
    grant = aliased(CreditEntry)
    drawn = aliased(CreditEntry)
    left = grant.amount + func.coalesce(
        select(func.sum(drawn.amount)).where(drawn.lot_id == grant.id).scalar_subquery(), 0
    )
    used = func.coalesce(
        select(-func.sum(drawn.amount))
        .where(
            drawn.lot_id == grant.id,
            drawn.kind.in_((CreditEntryKind.USE, CreditEntryKind.REFUND)),
        )
        .scalar_subquery(),
        0,
    )
    rows = s.execute(
        select(PartnerAllocation, Client.full_name, grant.id, left, used)
        .outerjoin(Client, Client.id == PartnerAllocation.client_id)
        .outerjoin(
            grant,
            and_(
                grant.allocation_id == PartnerAllocation.id,
                grant.kind == CreditEntryKind.PARTNER_ALLOCATION,
            ),
        )
        .where(*where)  # type: ignore[arg-type]
        .order_by(PartnerAllocation.employee_email, PartnerAllocation.allocated_at)
    ).all()
    out = []
    for a, client_name, grant_id, remaining, used_credits in rows:
        if grant_id is None:
            remaining = a.credits if a.status is AllocationStatus.ACTIVE else 0
            used_credits = 0
        out.append(
            AllocationRow(
                a.id,
                a.organisation_id,
                a.employee_email,
                a.employee_name,
                a.client_id,
                client_name,
                a.credits,
                int(used_credits),
                int(remaining),
                a.status,
                a.session_duration_min,
                a.allocated_at,
                a.expires_at,
                a.revoked_at,
                a.revoke_reason,
            )
        )
    return out


def partner_allocations(db: Database, organisation_id: uuid.UUID) -> list[AllocationRow]:
    with db.read_sessions() as s:
        return _allocation_rows(s, PartnerAllocation.organisation_id == organisation_id)


def partner_organisations(db: Database) -> list[OrganisationRow]:
    with db.read_sessions() as s:
        orgs = s.scalars(select(PartnerOrganisation).order_by(PartnerOrganisation.name)).all()
        active = _allocation_rows(s, PartnerAllocation.status == AllocationStatus.ACTIVE)
    counts: dict[uuid.UUID, tuple[int, int]] = {}
    for row in active:
        n, credits = counts.get(row.organisation_id, (0, 0))
        counts[row.organisation_id] = (n + 1, credits + row.left)
    return [
        OrganisationRow(
            o.id,
            o.name,
            o.contact_name,
            o.contact_email,
            o.default_credits,
            o.session_duration_min,
            o.validity_days,
            *counts.get(o.id, (0, 0)),
        )
        for o in orgs
    ]
