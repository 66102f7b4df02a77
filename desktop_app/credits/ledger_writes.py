"""Writing the credit ledger: the client's credit lock, entries the database
checks as they are written, and the checks every credit command shares.

The ledger's integrity belongs to the database (migration 0004): no entry may
overdraw a lot or a balance, and an appointment is never refunded more than
it used. The credit code takes the client's credit lock before it reads any
lot, so two desks spending the same credits are served one after the other
and the loser gets a plain "not enough credits"; the trigger is the last
word should anything get past that."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from desktop_app.clinic.queries import stored_settings
from desktop_app.clinic.settings import ClinicSettings
from desktop_app.credits.errors import LedgerRefused, NotEnoughCredits
from desktop_app.credits.events import CreditsChanged
from desktop_app.credits.ledger import Lot
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import NotFound, ValidationError
from desktop_app.kernel.unit_of_work import UnitOfWork
from models import (
    AllocationStatus,
    Client,
    CreditEntry,
    CreditEntryKind,
    PartnerAllocation,
    PartnerOrganisation,
)

# The PostgreSQL lock the ledger trigger takes (migration 0004): one of 1024
# buckets of the client id, in a key space of its own.
CREDIT_LOCK_NAMESPACE = 0x0C12ED17

CREDIT_LOCK_BUCKETS = 1024

NOT_ENOUGH_MARK = "clinicdesk: not enough credits"

REFUSED_MARK = "clinicdesk: ledger refused"


def lock_client_credits(uow: UnitOfWork, client_ids: Iterable[uuid.UUID]) -> None:
    """Serialise credit changes per client on PostgreSQL (the trigger's lock).

    Several clients are locked in bucket order, so two commands that each
    need more than one never wait for each other in a circle. SQLite needs
    nothing: its write transactions already run one at a time.
    """
    if uow.dialect != "postgresql":
        return
    ids = sorted({str(c) for c in client_ids})
    if not ids:
        return
    buckets = uow.session.scalars(
        text(
            "SELECT DISTINCT hashtext(c) & :mask AS b FROM unnest(CAST(:ids AS text[])) AS c "
            "ORDER BY b"
        ),
        {"mask": CREDIT_LOCK_BUCKETS - 1, "ids": ids},
    ).all()
    for bucket in buckets:
        uow.session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :b)"),
            {"ns": CREDIT_LOCK_NAMESPACE, "b": bucket},
        )


def write_entries(uow: UnitOfWork, entries: Sequence[CreditEntry]) -> None:
    """Add entries and let the database check them now, in this order."""
    if not entries:
        return
    for entry in entries:
        uow.session.add(entry)
        try:
            uow.session.flush()
        except (IntegrityError, DBAPIError) as exc:
            reason = str(exc.orig)
            if NOT_ENOUGH_MARK in reason:
                raise NotEnoughCredits(
                    "Not enough credits: they were used a moment ago (at another desk?). "
                    "Look at the balance again.",
                    usable=0,
                    needed=-entry.amount,
                ) from exc
            if REFUSED_MARK in reason:
                detail = reason.split(REFUSED_MARK, 1)[1].lstrip(": ").splitlines()[0]
                raise LedgerRefused(f"The credit ledger refused the change: {detail}.") from exc
            raise
    uow.emit(CreditsChanged(tuple(sorted({e.client_id for e in entries}, key=str))))


def new_entry(
    uow: UnitOfWork,
    actor: Actor | None,
    client_id: uuid.UUID,
    kind: CreditEntryKind,
    amount: int,
    reason: str,
    *,
    lot: Lot | None = None,
    appointment_id: uuid.UUID | None = None,
    at: datetime | None = None,
    command_id: uuid.UUID | None = None,
) -> CreditEntry:
    return CreditEntry(
        client_id=client_id,
        kind=kind,
        amount=amount,
        created_at=at or uow.clock.now(),
        actor_id=actor.account_id if actor else None,
        reason=reason,
        lot_id=lot.id if lot else None,
        allocation_id=lot.allocation_id if lot else None,
        appointment_id=appointment_id,
        command_id=command_id,
    )


def clinic_settings(uow: UnitOfWork) -> ClinicSettings:
    return stored_settings(uow.session)


def get_client(uow: UnitOfWork, client_id: uuid.UUID) -> Client:
    client = uow.session.get(Client, client_id)
    if client is None:
        raise NotFound("That client does not exist.")
    return client


def require_aware(when: datetime, what: str) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationError(f"The {what} has no time zone.")
    return when


def done_before(uow: UnitOfWork, command_id: uuid.UUID) -> list[CreditEntry]:
    """Entries an earlier delivery of the same command wrote (a retry)."""
    return list(
        uow.session.scalars(
            select(CreditEntry)
            .where(CreditEntry.command_id == command_id)
            .order_by(CreditEntry.created_at)
        )
    )


def whole_number(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"The {what} must be a whole number.")
    return value


def claim_allocations(uow: UnitOfWork, client: Client, actor: Actor) -> list[PartnerAllocation]:
    """Credit the client with the active allocations waiting for their e-mail.

    The caller holds the client's credit lock. The conditional update makes
    the claim safe against another client with the same address claiming
    the same allocation at once: one update wins, the other matches nothing.
    """
    if not client.email or client.archived_at is not None:
        return []
    now = uow.clock.now()
    waiting = uow.session.scalars(
        select(PartnerAllocation)
        .where(
            PartnerAllocation.client_id.is_(None),
            PartnerAllocation.employee_email == client.email.lower(),
            PartnerAllocation.status == AllocationStatus.ACTIVE,
            PartnerAllocation.expires_at > now,
        )
        .order_by(PartnerAllocation.allocated_at, PartnerAllocation.id)
    ).all()
    claimed = []
    for allocation in waiting:
        won = uow.session.execute(
            update(PartnerAllocation)
            .where(
                PartnerAllocation.id == allocation.id,
                PartnerAllocation.client_id.is_(None),
                PartnerAllocation.status == AllocationStatus.ACTIVE,
            )
            .values(client_id=client.id)
            .execution_options(synchronize_session=False)
        )
        if won.rowcount != 1:  # type: ignore[attr-defined]
            continue
        uow.session.refresh(allocation)
        organisation = uow.session.get(PartnerOrganisation, allocation.organisation_id)
        assert organisation is not None
        grant = CreditEntry(
            client_id=client.id,
            kind=CreditEntryKind.PARTNER_ALLOCATION,
            amount=allocation.credits,
            created_at=now,
            actor_id=actor.account_id,
            reason=f"{organisation.name} partner credits for {allocation.employee_email}",
            allocation_id=allocation.id,
            expires_at=allocation.expires_at,
        )
        write_entries(uow, [grant])
        if client.partner_organisation_id is None:
            client.partner_organisation_id = organisation.id
        claimed.append(allocation)
    return claimed


def allocation_of(uow: UnitOfWork, lot: Lot) -> PartnerAllocation | None:
    if lot.allocation_id is None:
        return None
    return uow.session.get(PartnerAllocation, lot.allocation_id)
