"""Credits that lapse: the expiry job's command, run by the scheduler."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from desktop_app.credits.commands import ExpireCredits
from desktop_app.credits.ledger_writes import lock_client_credits, require_aware, write_entries
from desktop_app.credits.results import ExpiryResult
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from models import (
    AllocationStatus,
    CreditEntry,
    CreditEntryKind,
    PartnerAllocation,
    PartnerOrganisation,
)

_CHUNK = 500


def _lapsed_lots(
    uow: UnitOfWork, now: datetime, client_ids: Sequence[uuid.UUID] | None
) -> list[tuple[CreditEntry, int, str | None]]:
    drawn = aliased(CreditEntry)
    left = CreditEntry.amount + func.coalesce(
        select(func.sum(drawn.amount)).where(drawn.lot_id == CreditEntry.id).scalar_subquery(), 0
    )
    stmt = (
        select(CreditEntry, left.label("left"), PartnerOrganisation.name)
        .outerjoin(PartnerAllocation, PartnerAllocation.id == CreditEntry.allocation_id)
        .outerjoin(PartnerOrganisation, PartnerOrganisation.id == PartnerAllocation.organisation_id)
        .where(
            CreditEntry.lot_id.is_(None),
            CreditEntry.amount > 0,
            CreditEntry.expires_at <= now,
            left > 0,
        )
        .order_by(CreditEntry.client_id, CreditEntry.expires_at, CreditEntry.id)
    )
    if client_ids is not None:
        stmt = stmt.where(CreditEntry.client_id.in_(client_ids))
    return [(lot, int(left), name) for lot, left, name in uow.session.execute(stmt)]


def expire_lapsed(uow: UnitOfWork, now: datetime) -> ExpiryResult:
    """An expiry entry, dated when the lot lapsed, for what is left of every
    lot that has lapsed by `now`; lapsed allocations marked expired.

    What is left is read again under the clients' locks, so two workstations
    running the job at once expire each credit once: the second finds
    nothing left (and the trigger would refuse a lot going below zero)."""
    candidates = sorted({row[0].client_id for row in _lapsed_lots(uow, now, None)}, key=str)
    lots = credits = allocations = 0
    for start in range(0, len(candidates), _CHUNK):
        chunk = candidates[start : start + _CHUNK]
        lock_client_credits(uow, chunk)
        entries = []
        for lot, remaining, organisation in _lapsed_lots(uow, now, chunk):
            assert lot.expires_at is not None
            what = f"{organisation} partner credits" if organisation else lot.reason
            entries.append(
                CreditEntry(
                    client_id=lot.client_id,
                    kind=CreditEntryKind.EXPIRY,
                    amount=-remaining,
                    created_at=lot.expires_at,
                    actor_id=None,
                    reason=f"{remaining} unused credit(s) of {what} expired",
                    lot_id=lot.id,
                    allocation_id=lot.allocation_id,
                )
            )
            if lot.allocation_id is not None:
                allocation = uow.session.get(PartnerAllocation, lot.allocation_id)
                if allocation is not None and allocation.status is AllocationStatus.ACTIVE:
                    allocation.status = AllocationStatus.EXPIRED
                    allocations += 1
            lots += 1
            credits += remaining
        write_entries(uow, entries)
    # Allocations nobody claimed before they lapsed never reached a ledger.
    unclaimed = uow.session.execute(
        update(PartnerAllocation)
        .where(
            PartnerAllocation.client_id.is_(None),
            PartnerAllocation.status == AllocationStatus.ACTIVE,
            PartnerAllocation.expires_at <= now,
        )
        .values(status=AllocationStatus.EXPIRED)
        .execution_options(synchronize_session=False)
    )
    allocations += unclaimed.rowcount  # type: ignore[attr-defined]
    return ExpiryResult(lots, credits, allocations)


def expire_credits(uow: UnitOfWork, cmd: ExpireCredits, actor: Actor) -> Outcome:
    now = require_aware(cmd.now, "expiry time")
    result = expire_lapsed(uow, now)
    if not (result.lots or result.allocations):
        # The scheduler runs this often; a run that found nothing is not news.
        return Outcome(result=result, no_change=True)
    return Outcome(
        result=result,
        target="credits:expiry",
        changes={"lots": result.lots, "credits": result.credits, "allocations": result.allocations},
    )


HANDLERS: HandlerTable = {
    ExpireCredits: HandlerSpec(expire_credits, system_only=True),
}
