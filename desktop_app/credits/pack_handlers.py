"""Credit packs: the manager's price list, and selling a pack at the desk."""

from __future__ import annotations

import uuid

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from desktop_app.credits.commands import (
    MAX_PACK_CREDITS,
    MAX_PRICE_CENTS,
    CreateCreditPack,
    SellCreditPack,
    UpdateCreditPack,
)
from desktop_app.credits.events import CreditPacksChanged
from desktop_app.credits.ledger_writes import (
    clinic_settings,
    done_before,
    get_client,
    lock_client_credits,
    whole_number,
    write_entries,
)
from desktop_app.credits.receipts import format_money
from desktop_app.credits.results import SaleResult
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import Conflict, NotFound, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import require_text
from models import CreditEntry, CreditEntryKind, CreditPack, Payment, PaymentMethod, Role

# Serialises the clinic's receipt numbering on PostgreSQL.
_RECEIPT_LOCK_KEY = 0x0C12EC01

RECEIPT_PREFIX = "RC-"

SELLERS = frozenset({Role.FRONT_DESK, Role.MANAGER})

MANAGERS = frozenset({Role.MANAGER})


def _pack_fields(name: str, credits: int, price_cents: int, validity_months: int) -> str:
    cleaned = require_text(name, "pack name", 100)
    if not 1 <= whole_number(credits, "number of credits") <= MAX_PACK_CREDITS:
        raise ValidationError(f"A pack holds 1 to {MAX_PACK_CREDITS} credits.")
    if whole_number(price_cents, "price") < 0:
        raise ValidationError("The price cannot be negative.")
    if price_cents > MAX_PRICE_CENTS:
        raise ValidationError("The price is too high.")
    if not 1 <= whole_number(validity_months, "validity") <= 120:
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
        currency=clinic_settings(uow).currency,
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
    client = get_client(uow, cmd.client_id)
    if client.archived_at is not None:
        raise ValidationError(f"{client.full_name}'s record is archived.")
    amount = whole_number(cmd.amount_cents, "amount paid")
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
    done = [e for e in done_before(uow, cmd.command_id) if e.kind is CreditEntryKind.PURCHASE]
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


HANDLERS: HandlerTable = {
    CreateCreditPack: HandlerSpec(create_credit_pack, roles=MANAGERS),
    UpdateCreditPack: HandlerSpec(update_credit_pack, roles=MANAGERS),
    SellCreditPack: HandlerSpec(sell_credit_pack, roles=SELLERS),
}
