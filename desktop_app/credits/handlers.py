"""Handlers for credits: packs, sales, adjustments, refunds and expiry, and
the helpers booking uses to charge an appointment and to refund it.

The ledger's integrity belongs to the database (migration 0004): no entry may
overdraw a lot or a balance, and an appointment is never refunded more than
it used. The code here takes the client's credit lock before it reads any
lot, so two desks spending the same credits are served one after the other
and the loser gets a plain "not enough credits"; the trigger is the last
word should anything get past that."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import aliased

from desktop_app.booking.cancellation import is_late
from desktop_app.booking.commands import PaymentChoice
from desktop_app.clinic.settings import ClinicSettings
from desktop_app.credits.commands import (
    MAX_ADJUSTMENT,
    MAX_PACK_CREDITS,
    MAX_PRICE_CENTS,
    AdjustCredits,
    CreateCreditPack,
    ExpireCredits,
    RefundAppointmentCredits,
    SellCreditPack,
    UpdateCreditPack,
)
from desktop_app.credits.errors import LedgerRefused, NotEnoughCredits
from desktop_app.credits.events import CreditPacksChanged, CreditsChanged
from desktop_app.credits.ledger import (
    Draw,
    Lot,
    appointment_credits,
    explain_plan,
    load_lots,
    plan_draws,
    spending_order,
)
from desktop_app.credits.receipts import format_money
from desktop_app.credits.results import CancelResult, ExpiryResult, SaleResult
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import require_text
from models import (
    AllocationStatus,
    Appointment,
    AppointmentStatus,
    Client,
    ClinicSetting,
    CreditEntry,
    CreditEntryKind,
    CreditPack,
    PartnerAllocation,
    PartnerOrganisation,
    Payment,
    PaymentMethod,
    Role,
    Service,
)

# The PostgreSQL lock the ledger trigger takes (migration 0004): one of 1024
# buckets of the client id, in a key space of its own.
CREDIT_LOCK_NAMESPACE = 0x0C12ED17

CREDIT_LOCK_BUCKETS = 1024

NOT_ENOUGH_MARK = "clinicdesk: not enough credits"

REFUSED_MARK = "clinicdesk: ledger refused"

# Serialises the clinic's receipt numbering on PostgreSQL.
_RECEIPT_LOCK_KEY = 0x0C12EC01

RECEIPT_PREFIX = "RC-"

SELLERS = frozenset({Role.FRONT_DESK, Role.MANAGER})

MANAGERS = frozenset({Role.MANAGER})

_CHUNK = 500


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


def _entry(
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


def _settings(uow: UnitOfWork) -> ClinicSettings:
    rows = uow.session.scalars(select(ClinicSetting)).all()
    return ClinicSettings.from_mapping({r.key: r.value for r in rows})


def _client(uow: UnitOfWork, client_id: uuid.UUID) -> Client:
    client = uow.session.get(Client, client_id)
    if client is None:
        raise NotFound("That client does not exist.")
    return client


def _aware(when: datetime, what: str) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationError(f"The {what} has no time zone.")
    return when


def _done_before(uow: UnitOfWork, command_id: uuid.UUID) -> list[CreditEntry]:
    """Entries an earlier delivery of the same command wrote (a retry)."""
    return list(
        uow.session.scalars(
            select(CreditEntry)
            .where(CreditEntry.command_id == command_id)
            .order_by(CreditEntry.created_at)
        )
    )


def _whole_number(value: object, what: str) -> int:
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


def _allocation(uow: UnitOfWork, lot: Lot) -> PartnerAllocation | None:
    if lot.allocation_id is None:
        return None
    return uow.session.get(PartnerAllocation, lot.allocation_id)


def plan_payment(
    uow: UnitOfWork, client: Client, service: Service, payment: PaymentChoice, actor: Actor
) -> list[Draw]:
    """The lots a booking will draw from, or a refusal that says why not.

    Locks the client's credits until the booking commits, so the plan stays
    true until `charge` writes it.
    """
    if payment is PaymentChoice.DESK:
        return []
    lock_client_credits(uow, [client.id])
    claim_allocations(uow, client, actor)
    lots = load_lots(uow.session, client.id)
    cost, usable, draws, message = explain_plan(client, service, lots, uow.clock.now(), payment)
    if cost is None:
        raise ValidationError(f"{message} Take payment at the desk instead.")
    if draws is None:
        raise NotEnoughCredits(message, usable=usable, needed=cost)
    return draws


def charge(
    uow: UnitOfWork,
    draws: Sequence[Draw],
    appointment: Appointment,
    service: Service,
    actor: Actor,
) -> int:
    """One use entry per lot drawn from; returns the credits used."""
    entries = [
        _entry(
            uow,
            actor,
            appointment.client_id,
            CreditEntryKind.USE,
            -d.credits,
            f"{service.name} {appointment.reference}",
            lot=d.lot,
            appointment_id=appointment.id,
            command_id=appointment.command_id,
        )
        for d in draws
    ]
    write_entries(uow, entries)
    for d in draws:
        allocation = _allocation(uow, d.lot)
        if allocation is not None and d.credits >= d.lot.left:
            allocation.status = AllocationStatus.USED
    return sum(d.credits for d in draws)


def refund_appointment(
    uow: UnitOfWork,
    appointment: Appointment,
    actor: Actor,
    reason: str,
    command_id: uuid.UUID | None = None,
) -> int:
    """Return every credit the appointment still holds to the lot it came
    from; returns how many. Credits returned to a lot that can no longer pay
    (lapsed, or a revoked allocation) go straight back out, so the balance
    never shows credits nobody can spend."""
    lock_client_credits(uow, [appointment.client_id])
    held = appointment_credits(uow.session, appointment.id)
    if not held:
        return 0
    now = uow.clock.now()
    lots = {lot.id: lot for lot in load_lots(uow.session, appointment.client_id)}
    write_entries(
        uow,
        [
            _entry(
                uow,
                actor,
                appointment.client_id,
                CreditEntryKind.REFUND,
                credits,
                reason,
                lot=lots[lot_id],
                appointment_id=appointment.id,
                command_id=command_id,
            )
            for lot_id, credits in sorted(held.items(), key=lambda kv: str(kv[0]))
        ],
    )
    settle: list[CreditEntry] = []
    for lot_id, credits in held.items():
        lot = lots[lot_id]
        left = lot.left + credits
        allocation = _allocation(uow, lot)
        if allocation is not None and allocation.status is AllocationStatus.REVOKED:
            settle.append(
                _entry(
                    uow,
                    actor,
                    appointment.client_id,
                    CreditEntryKind.ADJUSTMENT,
                    -left,
                    f"Returned to {lot.organisation_name}: the allocation was revoked",
                    lot=lot,
                    command_id=command_id,
                )
            )
        elif lot.lapsed(now):
            assert lot.expires_at is not None
            settle.append(
                _entry(
                    uow,
                    None,
                    appointment.client_id,
                    CreditEntryKind.EXPIRY,
                    -left,
                    f"{left} credit(s) of {lot.description} had expired on "
                    f"{lot.expires_at:%d %b %Y}",
                    lot=lot,
                    command_id=command_id,
                )
            )
            if allocation is not None:
                allocation.status = AllocationStatus.EXPIRED
        elif allocation is not None and allocation.status is AllocationStatus.USED:
            allocation.status = AllocationStatus.ACTIVE
    write_entries(uow, settle)
    return sum(held.values())


def may_override_refund(actor: Actor, reason: str | None) -> str | None:
    """The cleaned override reason; refused unless a manager gives it."""
    if reason is None or not reason.strip():
        return None
    if not (actor.is_system or Role.MANAGER in actor.roles):
        raise PermissionDenied(
            "Only a manager can return credits for a late cancellation. Cancel without the "
            "refund, or ask a manager."
        )
    return require_text(reason, "reason for returning the credits", 500)


def refund_for_cancellation(
    uow: UnitOfWork,
    appointment: Appointment,
    actor: Actor,
    override_reason: str | None,
    command_id: uuid.UUID | None = None,
) -> CancelResult:
    """Apply the cancellation policy to the credits a cancelled appointment holds.

    Early enough (at least `cancellation_free_hours` before the start): all
    come back. Later: none, unless a manager overrides with a reason.
    """
    now = uow.clock.now()
    free_hours = _settings(uow).cancellation_free_hours
    late = is_late(appointment.starts_at, now, free_hours)
    held = sum(appointment_credits(uow.session, appointment.id).values())
    if not held:
        return CancelResult(0, 0, late)
    if late and override_reason is None:
        return CancelResult(0, held, late)
    if late:
        reason = f"Late cancellation of {appointment.reference}; returned by a manager: "
        reason += override_reason or ""
    else:
        reason = f"Cancelled {appointment.reference} in time"
    returned = refund_appointment(uow, appointment, actor, reason, command_id)
    return CancelResult(returned, held - returned, late)


def _pack_fields(name: str, credits: int, price_cents: int, validity_months: int) -> str:
    cleaned = require_text(name, "pack name", 100)
    if not 1 <= _whole_number(credits, "number of credits") <= MAX_PACK_CREDITS:
        raise ValidationError(f"A pack holds 1 to {MAX_PACK_CREDITS} credits.")
    if _whole_number(price_cents, "price") < 0:
        raise ValidationError("The price cannot be negative.")
    if price_cents > MAX_PRICE_CENTS:
        raise ValidationError("The price is too high.")
    if not 1 <= _whole_number(validity_months, "validity") <= 120:
        raise ValidationError("Credits stay valid 1 to 120 months.")
    return cleaned


def _pack_name_free(uow: UnitOfWork, name: str, pack_id: uuid.UUID | None = None) -> None:
    stmt = select(CreditPack.id).where(func.lower(CreditPack.name) == name.lower())
    if pack_id is not None:
        stmt = stmt.where(CreditPack.id != pack_id)
    if uow.session.scalar(stmt) is not None:
        raise Conflict(f"There is already a pack called {name!r}.")


def create_credit_pack(uow: UnitOfWork, cmd: CreateCreditPack, actor: Actor) -> Outcome:
    name = _pack_fields(cmd.name, cmd.credits, cmd.price_cents, cmd.validity_months)
    _pack_name_free(uow, name)
    pack = CreditPack(
        name=name,
        credits=cmd.credits,
        price_cents=cmd.price_cents,
        currency=_settings(uow).currency,
        validity_months=cmd.validity_months,
        is_active=True,
    )
    uow.session.add(pack)
    uow.session.flush()
    uow.emit(CreditPacksChanged(pack.id))
    return Outcome(result=pack.id, target=f"credit_pack:{pack.id}")


def update_credit_pack(uow: UnitOfWork, cmd: UpdateCreditPack, actor: Actor) -> Outcome:
    pack = uow.session.get(CreditPack, cmd.pack_id)
    if pack is None:
        raise NotFound("That credit pack does not exist.")
    name = _pack_fields(cmd.name, cmd.credits, cmd.price_cents, cmd.validity_months)
    _pack_name_free(uow, name, pack.id)
    before = {
        "name": pack.name,
        "credits": pack.credits,
        "price_cents": pack.price_cents,
        "validity_months": pack.validity_months,
        "is_active": pack.is_active,
    }
    pack.name = name
    pack.credits = cmd.credits
    pack.price_cents = cmd.price_cents
    pack.validity_months = cmd.validity_months
    pack.is_active = cmd.is_active
    uow.emit(CreditPacksChanged(pack.id))
    return Outcome(target=f"credit_pack:{pack.id}", changes={"before": before})


def _receipt_number(uow: UnitOfWork, typed: str | None) -> str:
    if typed is not None and typed.strip():
        number = require_text(typed, "receipt number", 30)
        if number.upper().startswith(RECEIPT_PREFIX):
            raise ValidationError(
                f"Receipt numbers starting {RECEIPT_PREFIX} are the clinic's own series; leave "
                "the number empty to use the next one."
            )
        if uow.session.scalar(select(Payment.id).where(Payment.receipt_number == number)):
            raise Conflict(f"Receipt number {number} is already used by another payment.")
        return number
    if uow.dialect == "postgresql":
        uow.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _RECEIPT_LOCK_KEY})
    last = uow.session.scalar(
        select(func.max(Payment.receipt_number)).where(
            Payment.receipt_number.like(f"{RECEIPT_PREFIX}%")
        )
    )
    tail = (last or "")[len(RECEIPT_PREFIX) :]
    n = int(tail) + 1 if tail.isdigit() else 1
    return f"{RECEIPT_PREFIX}{n:07d}"


def _sale_result(uow: UnitOfWork, lot: CreditEntry) -> SaleResult:
    payment = uow.session.get(Payment, lot.payment_id)
    assert payment is not None and lot.expires_at is not None
    return SaleResult(payment.id, payment.receipt_number, lot.id, lot.amount, lot.expires_at)


def sell_credit_pack(uow: UnitOfWork, cmd: SellCreditPack, actor: Actor) -> Outcome:
    pack = uow.session.get(CreditPack, cmd.pack_id)
    if pack is None:
        raise NotFound("That credit pack does not exist.")
    if not pack.is_active:
        raise ValidationError(f"The {pack.name} pack is no longer sold.")
    client = _client(uow, cmd.client_id)
    if client.archived_at is not None:
        raise ValidationError(f"{client.full_name}'s record is archived.")
    amount = _whole_number(cmd.amount_cents, "amount paid")
    if amount < 0:
        raise ValidationError("The amount paid cannot be negative.")
    currency = str(cmd.currency).strip().upper()
    if currency != pack.currency:
        raise ValidationError(
            f"The {pack.name} pack is priced in {pack.currency}; the payment is in "
            f"{currency or 'no currency'}."
        )
    if amount != pack.price_cents:
        raise ValidationError(
            f"The {pack.name} pack costs {format_money(pack.price_cents, pack.currency)}; the "
            f"payment says {format_money(amount, currency)}. Check the amount (the price may "
            "just have changed)."
        )
    try:
        method = PaymentMethod(cmd.method)
    except ValueError as exc:
        raise ValidationError(
            f"{cmd.method!r} is not a payment method (cash, card or transfer)."
        ) from exc

    lock_client_credits(uow, [client.id])
    done = [e for e in _done_before(uow, cmd.command_id) if e.kind is CreditEntryKind.PURCHASE]
    if done:
        return Outcome(result=_sale_result(uow, done[0]), no_change=True)
    now = uow.clock.now()
    payment = Payment(
        client_id=client.id,
        amount_cents=amount,
        currency=currency,
        method=method,
        receipt_number=_receipt_number(uow, cmd.receipt_number),
        received_at=now,
        received_by_id=actor.account_id,
    )
    uow.session.add(payment)
    try:
        uow.session.flush()
    except IntegrityError as exc:
        # A typed number another desk used a moment ago.
        if "receipt_number" not in str(exc.orig):
            raise
        raise Conflict(f"Receipt number {payment.receipt_number} is already used.") from exc
    lot = CreditEntry(
        client_id=client.id,
        kind=CreditEntryKind.PURCHASE,
        amount=pack.credits,
        created_at=now,
        actor_id=actor.account_id,
        reason=f"{pack.name} pack",
        payment_id=payment.id,
        expires_at=now + relativedelta(months=pack.validity_months),
        command_id=cmd.command_id,
    )
    write_entries(uow, [lot])
    result = _sale_result(uow, lot)
    return Outcome(
        result=result,
        target=f"client:{client.id}",
        changes={"receipt_number": result.receipt_number, "credits": pack.credits},
    )


def adjust_credits(uow: UnitOfWork, cmd: AdjustCredits, actor: Actor) -> Outcome:
    amount = _whole_number(cmd.amount, "adjustment")
    if amount == 0:
        raise ValidationError("An adjustment of 0 credits changes nothing.")
    if abs(amount) > MAX_ADJUSTMENT:
        raise ValidationError(f"Adjust by at most {MAX_ADJUSTMENT} credits at a time.")
    reason = require_text(cmd.reason, "reason for the adjustment", 500)
    client = _client(uow, cmd.client_id)
    now = uow.clock.now()
    if cmd.expires_at is not None:
        if amount < 0:
            raise ValidationError("Only credits given can have an expiry date.")
        if _aware(cmd.expires_at, "expiry date") <= now:
            raise ValidationError("The expiry date must be in the future.")

    lock_client_credits(uow, [client.id])
    if _done_before(uow, cmd.command_id):
        return Outcome(no_change=True)
    if amount > 0:
        lot = _entry(uow, actor, client.id, CreditEntryKind.ADJUSTMENT, amount, reason, at=now)
        lot.expires_at = cmd.expires_at
        lot.command_id = cmd.command_id
        write_entries(uow, [lot])
    else:
        ordered = spending_order(
            load_lots(uow.session, client.id), now, None, PaymentChoice.CREDITS
        )
        draws = plan_draws(ordered, -amount)
        if draws is None:
            usable = sum(lot.left for lot in ordered)
            raise NotEnoughCredits(
                f"Not enough credits: {client.full_name} has {usable} usable credits; "
                f"{-amount} cannot be taken.",
                usable=usable,
                needed=-amount,
            )
        write_entries(
            uow,
            [
                _entry(
                    uow,
                    actor,
                    client.id,
                    CreditEntryKind.ADJUSTMENT,
                    -d.credits,
                    reason,
                    lot=d.lot,
                    command_id=cmd.command_id,
                )
                for d in draws
            ],
        )
        for d in draws:
            allocation = _allocation(uow, d.lot)
            if allocation is not None and d.credits >= d.lot.left:
                allocation.status = AllocationStatus.USED
    return Outcome(target=f"client:{client.id}", changes={"amount": amount})


def refund_appointment_credits(
    uow: UnitOfWork, cmd: RefundAppointmentCredits, actor: Actor
) -> Outcome:
    reason = require_text(cmd.reason, "reason for returning the credits", 500)
    appointment = uow.session.get(Appointment, cmd.appointment_id, with_for_update=True)
    if appointment is None:
        raise NotFound("That appointment does not exist.")
    if appointment.status not in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
        raise ValidationError(
            f"{appointment.reference} is not cancelled or a no-show: cancel it to return its "
            "credits."
        )
    lock_client_credits(uow, [appointment.client_id])
    if _done_before(uow, cmd.command_id):
        return Outcome(no_change=True)
    returned = refund_appointment(
        uow,
        appointment,
        actor,
        f"Returned by a manager for {appointment.reference}: {reason}",
        cmd.command_id,
    )
    if not returned:
        raise ValidationError(
            f"{appointment.reference} holds no credits: it was paid at the desk, or its credits "
            "were already returned."
        )
    return Outcome(
        result=returned,
        target=f"appointment:{appointment.reference}",
        changes={"credits_returned": returned},
    )


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
    now = _aware(cmd.now, "expiry time")
    result = expire_lapsed(uow, now)
    if not (result.lots or result.allocations):
        # The scheduler runs this often; a run that found nothing is not news.
        return Outcome(result=result, no_change=True)
    return Outcome(
        result=result,
        target="credits:expiry",
        changes={"lots": result.lots, "credits": result.credits, "allocations": result.allocations},
    )


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    CreateCreditPack: HandlerSpec(create_credit_pack, roles=MANAGERS),
    UpdateCreditPack: HandlerSpec(update_credit_pack, roles=MANAGERS),
    SellCreditPack: HandlerSpec(sell_credit_pack, roles=SELLERS),
    AdjustCredits: HandlerSpec(adjust_credits, roles=MANAGERS),
    RefundAppointmentCredits: HandlerSpec(refund_appointment_credits, roles=MANAGERS),
    ExpireCredits: HandlerSpec(expire_credits, system_only=True),
}
