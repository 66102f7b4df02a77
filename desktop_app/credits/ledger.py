"""Credits, read side: balances, ledgers, lots, packs, partner allocations,
and the plan for paying a booking with credits.

A client's credits come in lots (models/credits.py): a purchase, a partner
allocation, a positive adjustment. What is left of a lot is its amount plus
the entries that name it. `load_lots` and `plan_draws` are also what the
booking command uses, so the dialog's preview and the charge made are the
same rule:

- only lots that have not lapsed at that moment count;
- a partner credit pays only for a service of its session duration;
- partner credits that fit go first, then the credits that expire soonest
  (never-expiring ones last), oldest first among equals."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from desktop_app.booking.commands import PaymentChoice
from desktop_app.infra.database import Database
from desktop_app.kernel.errors import NotFound
from models import (
    AllocationStatus,
    Appointment,
    Client,
    CreditEntry,
    CreditEntryKind,
    CreditPack,
    PartnerAllocation,
    PartnerOrganisation,
    Payment,
    Service,
    StaffAccount,
)

# Allocations whose lot may still pay: used ones have nothing left, but a
# refund makes them active again.
_PAYING_ALLOCATIONS = (AllocationStatus.ACTIVE, AllocationStatus.USED)


@dataclass(frozen=True)
class Lot:
    """Credits added together, with what is left of them."""

    # None: a partner allocation for the client's e-mail that is not yet
    # credited to them; using it credits it first.
    id: uuid.UUID | None
    kind: CreditEntryKind
    credits: int
    left: int
    created_at: datetime
    expires_at: datetime | None
    description: str
    allocation_id: uuid.UUID | None = None
    allocation_status: AllocationStatus | None = None
    # Partner credits pay only for sessions of this length.
    session_duration_min: int | None = None
    organisation_name: str | None = None

    @property
    def is_partner(self) -> bool:
        return self.allocation_id is not None

    def lapsed(self, at: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= at

    def usable(self, at: datetime) -> bool:
        if self.left <= 0 or self.lapsed(at):
            return False
        return self.allocation_status is None or self.allocation_status in _PAYING_ALLOCATIONS

    def fits(self, duration_min: int) -> bool:
        return self.session_duration_min is None or self.session_duration_min == duration_min


def _lot_description(kind: CreditEntryKind, reason: str, organisation: str | None) -> str:
    if kind is CreditEntryKind.PARTNER_ALLOCATION and organisation:
        return f"{organisation} partner credits"
    return reason


def load_lots(
    session: Session, client_id: uuid.UUID, *, pending_for: str | None = None
) -> list[Lot]:
    """Every lot of the client, used up or not, oldest first; with
    `pending_for` (the client's e-mail), also the active allocations waiting
    for that address, as lots without an id."""
    drawn = aliased(CreditEntry)
    left = CreditEntry.amount + func.coalesce(
        select(func.sum(drawn.amount)).where(drawn.lot_id == CreditEntry.id).scalar_subquery(), 0
    )
    rows = session.execute(
        select(
            CreditEntry,
            left.label("left"),
            PartnerAllocation.status,
            PartnerAllocation.session_duration_min,
            PartnerOrganisation.name,
        )
        .outerjoin(PartnerAllocation, PartnerAllocation.id == CreditEntry.allocation_id)
        .outerjoin(PartnerOrganisation, PartnerOrganisation.id == PartnerAllocation.organisation_id)
        .where(
            CreditEntry.client_id == client_id,
            CreditEntry.lot_id.is_(None),
            CreditEntry.amount > 0,
        )
        .order_by(CreditEntry.created_at, CreditEntry.id)
    ).all()
    lots = [
        Lot(
            id=entry.id,
            kind=entry.kind,
            credits=entry.amount,
            left=int(remaining),
            created_at=entry.created_at,
            expires_at=entry.expires_at,
            description=_lot_description(entry.kind, entry.reason, organisation),
            allocation_id=entry.allocation_id,
            allocation_status=status,
            session_duration_min=duration,
            organisation_name=organisation,
        )
        for entry, remaining, status, duration, organisation in rows
    ]
    if pending_for:
        waiting = session.execute(
            select(PartnerAllocation, PartnerOrganisation.name)
            .join(PartnerOrganisation)
            .where(
                PartnerAllocation.client_id.is_(None),
                PartnerAllocation.employee_email == pending_for.lower(),
                PartnerAllocation.status == AllocationStatus.ACTIVE,
            )
            .order_by(PartnerAllocation.allocated_at, PartnerAllocation.id)
        ).all()
        lots.extend(
            Lot(
                id=None,
                kind=CreditEntryKind.PARTNER_ALLOCATION,
                credits=a.credits,
                left=a.credits,
                created_at=a.allocated_at,
                expires_at=a.expires_at,
                description=f"{organisation} partner credits (not yet credited)",
                allocation_id=a.id,
                allocation_status=a.status,
                session_duration_min=a.session_duration_min,
                organisation_name=organisation,
            )
            for a, organisation in waiting
        )
    return lots


def _soonest_first(lot: Lot) -> tuple[bool, datetime, datetime, str]:
    never = lot.expires_at is None
    return (
        never,
        lot.expires_at or lot.created_at,
        lot.created_at,
        str(lot.allocation_id or lot.id),
    )


@dataclass(frozen=True)
class Draw:
    lot: Lot
    credits: int


def spending_order(
    lots: Sequence[Lot], at: datetime, duration_min: int | None, payment: PaymentChoice
) -> list[Lot]:
    """The lots that may pay, in the order they are spent. With no duration
    (an adjustment, not a session) the client's own credits go before the
    organisation's."""
    usable = [lot for lot in lots if lot.usable(at)]
    if duration_min is None:
        own = sorted((lot for lot in usable if not lot.is_partner), key=_soonest_first)
        return own + sorted((lot for lot in usable if lot.is_partner), key=_soonest_first)
    partner = sorted(
        (lot for lot in usable if lot.is_partner and lot.fits(duration_min)), key=_soonest_first
    )
    if payment is PaymentChoice.PARTNER:
        return partner
    return partner + sorted((lot for lot in usable if not lot.is_partner), key=_soonest_first)


def plan_draws(ordered: Sequence[Lot], cost: int) -> list[Draw] | None:
    """Take `cost` credits from the lots in order; None when they are not enough."""
    draws: list[Draw] = []
    need = cost
    for lot in ordered:
        if need <= 0:
            break
        take = min(need, lot.left)
        draws.append(Draw(lot, take))
        need -= take
    return draws if need <= 0 else None


@dataclass(frozen=True)
class PlannedDraw:
    lot_id: uuid.UUID | None
    allocation_id: uuid.UUID | None
    description: str
    credits: int
    expires_at: datetime | None


@dataclass(frozen=True)
class CreditPlan:
    client_id: uuid.UUID
    service_id: uuid.UUID
    payment: PaymentChoice
    # What the service costs in credits; None: it cannot be paid with credits.
    cost: int | None
    # The ledger's sum, lapsed credits awaiting the expiry job included.
    balance: int
    # Credits that could pay for this service now, with this payment choice.
    usable: int
    # The lots that would be used, in order (empty when not enough).
    draws: tuple[PlannedDraw, ...]
    enough: bool
    # One sentence for the dialog.
    message: str


def not_enough_message(
    client_name: str, service_name: str, cost: int, usable: int, payment: PaymentChoice
) -> str:
    which = "partner credits" if payment is PaymentChoice.PARTNER else "credits"
    return (
        f"Not enough credits: {client_name} has {usable} usable {which} for {service_name}, "
        f"which costs {cost}. Choose another payment."
    )


def explain_plan(
    client: Client,
    service: Service,
    lots: Sequence[Lot],
    at: datetime,
    payment: PaymentChoice,
) -> tuple[int | None, int, list[Draw] | None, str]:
    """(cost, usable, draws or None, message) for paying `service` with `lots`."""
    cost = service.price_credits
    if payment is PaymentChoice.DESK:
        return cost, 0, [], "Paid at the desk."
    if cost is None:
        return None, 0, None, f"{service.name} cannot be paid with credits."
    ordered = spending_order(lots, at, service.duration_min, payment)
    usable = sum(lot.left for lot in ordered)
    draws = plan_draws(ordered, cost)
    if draws is None:
        message = not_enough_message(client.full_name, service.name, cost, usable, payment)
        unfit = [
            lot
            for lot in lots
            if lot.is_partner and lot.usable(at) and not lot.fits(service.duration_min)
        ]
        if unfit:
            message += (
                f" (Partner credits pay only for {unfit[0].session_duration_min}-minute sessions.)"
            )
        return cost, usable, None, message
    parts = ", ".join(f"{d.credits} from {d.lot.description}" for d in draws)
    return cost, usable, draws, f"Uses {cost} of {usable} usable credits: {parts}."


def credit_plan(
    db: Database,
    client_id: uuid.UUID,
    service_id: uuid.UUID,
    at: datetime,
    payment: PaymentChoice = PaymentChoice.CREDITS,
) -> CreditPlan:
    """What paying `service_id` with credits at `at` would do for this client."""
    return credit_outlook(db, client_id, service_id, at, (payment,))[1][payment]


def credit_outlook(
    db: Database,
    client_id: uuid.UUID,
    service_id: uuid.UUID,
    at: datetime,
    payments: Sequence[PaymentChoice] = (PaymentChoice.CREDITS, PaymentChoice.PARTNER),
) -> tuple[ClientCredits, dict[PaymentChoice, CreditPlan]]:
    """The client's credits and a plan for each way of paying, from one read
    of their lots (the booking dialog asks for all of them at once)."""
    with db.read_sessions() as s:
        client = s.get(Client, client_id)
        service = s.get(Service, service_id)
        if client is None:
            raise NotFound("That client does not exist.")
        if service is None:
            raise NotFound("That service does not exist.")
        lots = load_lots(s, client_id, pending_for=client.email)
    credits = _client_credits(client_id, lots, at)
    return credits, {p: _plan(client, service, lots, at, p, credits.balance) for p in payments}


def _plan(
    client: Client,
    service: Service,
    lots: Sequence[Lot],
    at: datetime,
    payment: PaymentChoice,
    balance: int,
) -> CreditPlan:
    cost, usable, draws, message = explain_plan(client, service, lots, at, payment)
    return CreditPlan(
        client_id=client.id,
        service_id=service.id,
        payment=payment,
        cost=cost,
        balance=balance,
        usable=usable,
        draws=tuple(
            PlannedDraw(
                d.lot.id, d.lot.allocation_id, d.lot.description, d.credits, d.lot.expires_at
            )
            for d in draws or ()
        ),
        enough=draws is not None,
        message=message,
    )


@dataclass(frozen=True)
class ClientCredits:
    client_id: uuid.UUID
    # The ledger's sum.
    balance: int
    # Of that, what can still be spent at `at`.
    usable: int
    # Lapsed credits the expiry job has not written off yet.
    lapsed: int
    # Lots with something left (usable or lapsed), soonest-expiring first,
    # then allocations waiting to be credited to this client's e-mail.
    lots: tuple[Lot, ...]


def client_credits(db: Database, client_id: uuid.UUID, at: datetime) -> ClientCredits:
    with db.read_sessions() as s:
        client = s.get(Client, client_id)
        if client is None:
            raise NotFound("That client does not exist.")
        lots = load_lots(s, client_id, pending_for=client.email)
    return _client_credits(client_id, lots, at)


def _client_credits(client_id: uuid.UUID, lots: Sequence[Lot], at: datetime) -> ClientCredits:
    held = [lot for lot in lots if lot.id is not None]
    balance = sum(lot.left for lot in held)
    usable = sum(lot.left for lot in held if lot.usable(at))
    lapsed = sum(lot.left for lot in held if lot.left > 0 and lot.lapsed(at))
    shown = sorted((lot for lot in held if lot.left > 0), key=_soonest_first)
    shown += [lot for lot in lots if lot.id is None and lot.usable(at)]
    return ClientCredits(client_id, balance, usable, lapsed, tuple(shown))


@dataclass(frozen=True)
class LedgerRow:
    id: uuid.UUID
    created_at: datetime
    kind: CreditEntryKind
    amount: int
    # The balance once this entry is counted.
    balance_after: int
    # None: the system (the expiry job, the command line).
    actor_name: str | None
    reason: str
    appointment_id: uuid.UUID | None
    appointment_reference: str | None
    organisation_name: str | None
    receipt_number: str | None
    lot_id: uuid.UUID | None
    expires_at: datetime | None


def client_ledger(db: Database, client_id: uuid.UUID) -> list[LedgerRow]:
    """Every entry of the client, oldest first, with the running balance.

    Entries written at the same instant (one command) list additions first,
    so the running balance never dips below zero where the ledger did not."""
    with db.read_sessions() as s:
        rows = s.execute(
            select(
                CreditEntry,
                StaffAccount.name,
                Appointment.reference,
                PartnerOrganisation.name,
                Payment.receipt_number,
            )
            .outerjoin(StaffAccount, StaffAccount.id == CreditEntry.actor_id)
            .outerjoin(Appointment, Appointment.id == CreditEntry.appointment_id)
            .outerjoin(PartnerAllocation, PartnerAllocation.id == CreditEntry.allocation_id)
            .outerjoin(
                PartnerOrganisation, PartnerOrganisation.id == PartnerAllocation.organisation_id
            )
            .outerjoin(Payment, Payment.id == CreditEntry.payment_id)
            .where(CreditEntry.client_id == client_id)
            .order_by(CreditEntry.created_at, CreditEntry.amount.desc(), CreditEntry.id)
        ).all()
    out: list[LedgerRow] = []
    balance = 0
    for e, actor, reference, organisation, receipt in rows:
        balance += e.amount
        out.append(
            LedgerRow(
                e.id,
                e.created_at,
                e.kind,
                e.amount,
                balance,
                actor,
                e.reason,
                e.appointment_id,
                reference,
                organisation,
                receipt,
                e.lot_id,
                e.expires_at,
            )
        )
    return out


def appointment_credits(session: Session, appointment_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Credits an appointment still holds, per lot (uses net of refunds)."""
    rows = session.execute(
        select(CreditEntry.lot_id, func.sum(CreditEntry.amount))
        .where(
            CreditEntry.appointment_id == appointment_id,
            CreditEntry.kind.in_((CreditEntryKind.USE, CreditEntryKind.REFUND)),
            CreditEntry.lot_id.isnot(None),
        )
        .group_by(CreditEntry.lot_id)
    ).all()
    return {lot_id: -int(total) for lot_id, total in rows if lot_id is not None and total < 0}


def credits_held(session: Session, appointment_id: uuid.UUID) -> int:
    """Credits an appointment holds now: 0 if paid at the desk or refunded."""
    return sum(appointment_credits(session, appointment_id).values())


def credits_paid(db: Database, appointment_id: uuid.UUID) -> int:
    with db.read_sessions() as s:
        return credits_held(s, appointment_id)


@dataclass(frozen=True)
class PackRow:
    id: uuid.UUID
    name: str
    credits: int
    price_cents: int
    currency: str
    validity_months: int
    is_active: bool


def credit_packs(db: Database, *, include_inactive: bool = False) -> list[PackRow]:
    with db.read_sessions() as s:
        stmt = select(CreditPack).order_by(CreditPack.credits, CreditPack.name)
        if not include_inactive:
            stmt = stmt.where(CreditPack.is_active)
        return [
            PackRow(
                p.id, p.name, p.credits, p.price_cents, p.currency, p.validity_months, p.is_active
            )
            for p in s.scalars(stmt)
        ]
