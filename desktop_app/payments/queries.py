"""Reads of money at the desk: what an appointment owes, and the day's cash-up."""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from desktop_app.credits.receipts import METHOD_LABELS, format_money
from desktop_app.infra.database import Database
from desktop_app.kernel.errors import NotFound
from desktop_app.reports.period import clinic
from models import (
    Appointment,
    Client,
    CreditEntry,
    CreditEntryKind,
    Payment,
    PaymentKind,
    PaymentMethod,
    Service,
    StaffAccount,
)


@dataclass(frozen=True)
class AppointmentDue:
    """What the desk needs to take a payment for an appointment."""

    appointment_id: uuid.UUID
    reference: str
    client: str
    service: str
    price_cents: int
    currency: str
    paid_cents: int
    paid_with_credits: bool

    @property
    def due_cents(self) -> int:
        return 0 if self.paid_with_credits else max(0, self.price_cents - self.paid_cents)


def appointment_due(db: Database, appointment_id: uuid.UUID) -> AppointmentDue:
    with db.read_sessions() as s:
        row = s.execute(
            select(
                Appointment.reference,
                Client.full_name,
                Service.name,
                Service.price_cents,
                Service.currency,
            )
            .join(Client, Client.id == Appointment.client_id)
            .join(Service, Service.id == Appointment.service_id)
            .where(Appointment.id == appointment_id)
        ).one_or_none()
        if row is None:
            raise NotFound("That appointment does not exist.")
        moves = dict(
            s.execute(
                select(Payment.kind, func.sum(Payment.amount_cents))
                .where(Payment.appointment_id == appointment_id)
                .group_by(Payment.kind)
            ).all()
        )
        credits = s.scalar(
            select(func.count()).where(
                CreditEntry.appointment_id == appointment_id,
                CreditEntry.kind == CreditEntryKind.USE,
            )
        )
    paid = int(moves.get(PaymentKind.PAYMENT, 0) or 0) - int(moves.get(PaymentKind.REFUND, 0) or 0)
    return AppointmentDue(
        appointment_id, row[0], row[1], row[2], int(row[3]), row[4], paid, bool(credits)
    )


def appointment_due_by_reference(db: Database, reference: str) -> AppointmentDue:
    """The appointment a desk types the reference of (case and spaces forgiven)."""
    typed = reference.strip().upper()
    with db.read_sessions() as s:
        found = s.scalar(select(Appointment.id).where(Appointment.reference == typed))
    if found is None:
        raise NotFound(f"No appointment has the reference {typed or '(empty)'}.")
    return appointment_due(db, found)


@dataclass(frozen=True)
class CashUpLine:
    payment_id: uuid.UUID
    received_at: datetime  # clinic time
    receipt_number: str
    kind: PaymentKind
    method: PaymentMethod
    amount_cents: int  # signed: a refund is negative
    currency: str
    client: str
    what: str  # "Appointment AB12CD · Individual", "Credit pack"
    taken_by: str
    note: str


@dataclass(frozen=True)
class CashUp:
    day: date
    timezone: str
    currency: str
    clinic_name: str
    lines: tuple[CashUpLine, ...]

    def total(self, method: PaymentMethod | None = None) -> int:
        return sum(
            line.amount_cents
            for line in self.lines
            if (method is None or line.method == method) and line.currency == self.currency
        )

    def taken(self) -> int:
        return sum(
            line.amount_cents
            for line in self.lines
            if line.kind is PaymentKind.PAYMENT and line.currency == self.currency
        )

    def refunded(self) -> int:
        return -sum(
            line.amount_cents
            for line in self.lines
            if line.kind is PaymentKind.REFUND and line.currency == self.currency
        )


def cash_up(db: Database, day: date) -> CashUp:
    """Every payment and refund received on the clinic's local `day`."""
    with db.read_sessions() as s:
        c = clinic(s)
        since = datetime.combine(day, time(0), c.tz)
        until = datetime.combine(day + timedelta(days=1), time(0), c.tz)
        taker = aliased(StaffAccount)
        rows = s.execute(
            select(
                Payment.id,
                Payment.received_at,
                Payment.receipt_number,
                Payment.kind,
                Payment.method,
                Payment.amount_cents,
                Payment.currency,
                Client.full_name,
                Appointment.reference,
                Service.name,
                taker.name,
                Payment.note,
            )
            .join(Client, Client.id == Payment.client_id)
            .outerjoin(Appointment, Appointment.id == Payment.appointment_id)
            .outerjoin(Service, Service.id == Appointment.service_id)
            .outerjoin(taker, taker.id == Payment.received_by_id)
            .where(Payment.received_at >= since, Payment.received_at < until)
            .order_by(Payment.received_at, Payment.receipt_number)
        ).all()
    lines = tuple(
        CashUpLine(
            pid,
            at.astimezone(c.tz),
            number,
            PaymentKind(kind),
            PaymentMethod(method),
            -int(amount) if kind == PaymentKind.REFUND else int(amount),
            currency,
            client,
            f"Appointment {ref} · {service}" if ref else "Credit pack",
            who or "—",
            note or "",
        )
        for pid, at, number, kind, method, amount, currency, client, ref, service, who, note in rows
    )
    return CashUp(day, c.timezone, c.currency, c.name, lines)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def cash_up_html(cash: CashUp) -> str:
    """The day's cash-up as the desk prints it."""

    def money(cents: int) -> str:
        return _e(format_money(cents, cash.currency))

    totals = "\n".join(
        f'<tr><td>{_e(label)}</td><td align="right">{money(cash.total(m))}</td></tr>'
        for m, label in METHOD_LABELS.items()
    )
    lines = "\n".join(
        "<tr>"
        f"<td>{line.received_at:%H:%M}</td><td>{_e(line.receipt_number)}</td>"
        f"<td>{_e(line.client)}</td><td>{_e(line.what)}</td>"
        f"<td>{_e(METHOD_LABELS[line.method])}</td><td>{_e(line.taken_by)}</td>"
        f'<td align="right">{_e(format_money(line.amount_cents, line.currency))}</td>'
        "</tr>"
        for line in cash.lines
    )
    table = (
        '<table width="100%" cellspacing="0" cellpadding="3" border="1">\n'
        "<tr><th>Time</th><th>Receipt</th><th>Client</th><th>For</th><th>Method</th>"
        f'<th>Taken by</th><th align="right">Amount</th></tr>\n{lines}\n</table>'
        if cash.lines
        else "<p>No payments were taken on this day.</p>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html><head><meta charset="utf-8">'
        f"<title>Cash-up {cash.day:%d %B %Y}</title></head>\n"
        '<body style="font-family: sans-serif; font-size: 10pt;">\n'
        f"<h2>{_e(cash.clinic_name)} — cash-up {cash.day:%A %d %B %Y}</h2>\n"
        f"<p>Times in {_e(cash.timezone)}; amounts in {_e(cash.currency)}.</p>\n"
        f'<table cellspacing="0" cellpadding="3">\n{totals}\n'
        f'<tr><td>Taken</td><td align="right">{money(cash.taken())}</td></tr>\n'
        f'<tr><td>Refunded</td><td align="right">{money(cash.refunded())}</td></tr>\n'
        f'<tr><td><b>Net</b></td><td align="right"><b>{money(cash.total())}</b></td></tr>\n'
        "</table>\n"
        f"<h3>Payments and refunds</h3>\n{table}\n"
        "<p>Counted by: ____________________ &nbsp; Cash in the drawer: ____________</p>\n"
        "</body></html>\n"
    )
