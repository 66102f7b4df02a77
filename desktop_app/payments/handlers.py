"""Handlers of money taken at the desk and given back.

A payment names the appointment it pays for; a refund is its own row naming
the payment it returns money from. Nothing is edited afterwards, so the
day's takings are a sum (desktop_app.payments.queries).
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, text

from desktop_app.credits.receipts import format_money
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import Conflict, NotFound, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import require_text
from desktop_app.payments.commands import MAX_AMOUNT_CENTS, RecordPayment, RefundPayment
from desktop_app.payments.events import PaymentRecorded
from desktop_app.payments.results import PaymentResult
from models import Appointment, Payment, PaymentKind, PaymentMethod, Role, Service

TAKERS = frozenset({Role.FRONT_DESK, Role.MANAGER})

PAYMENT_PREFIX = "DP-"
REFUND_PREFIX = "RF-"
_LOCK_KEY = 0x0C12EC07


def _amount(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"The {what} must be a whole number of cents.")
    if value <= 0:
        raise ValidationError(f"The {what} must be more than zero.")
    if value > MAX_AMOUNT_CENTS:
        raise ValidationError(f"The {what} is implausibly large; check it.")
    return value


def _method(value: object) -> PaymentMethod:
    try:
        return PaymentMethod(str(value))
    except ValueError:
        raise ValidationError(
            f"{value!r} is not a payment method (cash, card or transfer)."
        ) from None


def _next_number(uow: UnitOfWork, prefix: str) -> str:
    if uow.dialect == "postgresql":
        uow.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    last = uow.session.scalar(
        select(func.max(Payment.receipt_number)).where(Payment.receipt_number.like(f"{prefix}%"))
    )
    tail = (last or "")[len(prefix) :]
    n = int(tail) + 1 if tail.isdigit() else 1
    return f"{prefix}{n:07d}"


def _typed_number(uow: UnitOfWork, typed: str) -> str:
    number = require_text(typed, "receipt number", 30)
    if number.upper().startswith((PAYMENT_PREFIX, REFUND_PREFIX, "RC-")):
        raise ValidationError(
            "That receipt number is in one of the clinic's own series; leave it empty to use "
            "the next one."
        )
    if uow.session.scalar(select(Payment.id).where(Payment.receipt_number == number)):
        raise Conflict(f"Receipt number {number} is already used by another payment.")
    return number


def _done_before(uow: UnitOfWork, command_id: uuid.UUID) -> Payment | None:
    return uow.session.scalar(select(Payment).where(Payment.command_id == command_id))


def _result(payment: Payment) -> PaymentResult:
    return PaymentResult(payment.id, payment.receipt_number, payment.amount_cents, payment.currency)


def paid_for(uow: UnitOfWork, appointment_id: uuid.UUID) -> int:
    """Money taken for the appointment, net of refunds (cents). A refund
    carries its payment's appointment, so both are one sum."""
    rows = uow.session.execute(
        select(Payment.kind, func.sum(Payment.amount_cents))
        .where(Payment.appointment_id == appointment_id)
        .group_by(Payment.kind)
    ).all()
    totals = {PaymentKind(kind): int(total or 0) for kind, total in rows}
    return totals.get(PaymentKind.PAYMENT, 0) - totals.get(PaymentKind.REFUND, 0)


def record_payment(uow: UnitOfWork, cmd: RecordPayment, actor: Actor) -> Outcome:
    done = _done_before(uow, cmd.command_id)
    if done is not None:
        return Outcome(result=_result(done), no_change=True)
    appointment = uow.session.get(Appointment, cmd.appointment_id, with_for_update=True)
    if appointment is None:
        raise NotFound("That appointment does not exist.")
    service = uow.session.get(Service, appointment.service_id)
    assert service is not None
    amount = _amount(cmd.amount_cents, "amount")
    currency = str(cmd.currency).strip().upper()
    if currency != service.currency:
        raise ValidationError(
            f"{service.name} is priced in {service.currency}; the payment says "
            f"{currency or 'no currency'}."
        )
    method = _method(cmd.method)
    already = paid_for(uow, appointment.id)
    left = service.price_cents - already
    if amount > left:
        if left <= 0:
            raise ValidationError(f"Appointment {appointment.reference} is already paid in full.")
        raise ValidationError(
            f"Appointment {appointment.reference} has {format_money(left, currency)} left "
            f"to pay; the payment says {format_money(amount, currency)}."
        )
    number = (
        _typed_number(uow, cmd.receipt_number)
        if cmd.receipt_number is not None and cmd.receipt_number.strip()
        else _next_number(uow, PAYMENT_PREFIX)
    )
    payment = Payment(
        client_id=appointment.client_id,
        appointment_id=appointment.id,
        kind=PaymentKind.PAYMENT,
        amount_cents=amount,
        currency=currency,
        method=method,
        receipt_number=number,
        received_at=uow.clock.now(),
        received_by_id=actor.account_id,
        command_id=cmd.command_id,
    )
    uow.session.add(payment)
    uow.session.flush()
    uow.emit(PaymentRecorded(payment.id, appointment.id))
    return Outcome(
        result=_result(payment),
        target=f"appointment:{appointment.id}",
        changes={"payment": str(payment.id), "receipt_number": number},
    )


def refund_payment(uow: UnitOfWork, cmd: RefundPayment, actor: Actor) -> Outcome:
    done = _done_before(uow, cmd.command_id)
    if done is not None:
        return Outcome(result=_result(done), no_change=True)
    paid = uow.session.get(Payment, cmd.payment_id, with_for_update=True)
    if paid is None:
        raise NotFound("That payment does not exist.")
    if paid.kind is not PaymentKind.PAYMENT:
        raise ValidationError("A refund cannot itself be refunded.")
    amount = _amount(cmd.amount_cents, "refund")
    reason = require_text(cmd.reason, "reason for the refund", 500)
    method = paid.method if cmd.method is None else _method(cmd.method)
    back = int(
        uow.session.scalar(
            select(func.coalesce(func.sum(Payment.amount_cents), 0)).where(
                Payment.refund_of_id == paid.id
            )
        )
        or 0
    )
    left = paid.amount_cents - back
    if amount > left:
        raise ValidationError(
            f"Payment {paid.receipt_number} has {format_money(left, paid.currency)} left to "
            f"refund; the refund says {format_money(amount, paid.currency)}."
        )
    refund = Payment(
        client_id=paid.client_id,
        appointment_id=paid.appointment_id,
        kind=PaymentKind.REFUND,
        refund_of_id=paid.id,
        amount_cents=amount,
        currency=paid.currency,
        method=method,
        receipt_number=_next_number(uow, REFUND_PREFIX),
        received_at=uow.clock.now(),
        received_by_id=actor.account_id,
        note=reason,
        command_id=cmd.command_id,
    )
    uow.session.add(refund)
    uow.session.flush()
    uow.emit(PaymentRecorded(refund.id, paid.appointment_id))
    return Outcome(
        result=_result(refund),
        target=f"payment:{paid.id}",
        changes={"refund": str(refund.id), "receipt_number": refund.receipt_number},
    )


HANDLERS: HandlerTable = {
    RecordPayment: HandlerSpec(record_payment, roles=TAKERS),
    RefundPayment: HandlerSpec(refund_payment, roles=TAKERS),
}
