"""What a receipt says: plain data, and HTML the UI prints or saves as PDF.

The HTML keeps to what Qt's rich-text engine renders (tables, inline
styles), so the UI can hand it to a QTextDocument as it is. Every value from
the database is escaped.
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from desktop_app.clinic.queries import stored_settings
from desktop_app.infra.database import Database
from desktop_app.kernel.errors import NotFound
from models import (
    Client,
    CreditEntry,
    CreditEntryKind,
    Payment,
    PaymentMethod,
    StaffAccount,
)

_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF ", "JPY": "¥"}
METHOD_LABELS = {
    PaymentMethod.CASH: "Cash",
    PaymentMethod.CARD: "Card",
    PaymentMethod.TRANSFER: "Bank transfer",
}


def format_money(cents: int, currency: str) -> str:
    """E.g. £340.00, €1,250.50, 12.00 SEK."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    amount = f"{units:,}.{rest:02d}"
    symbol = _SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency.upper()}"


@dataclass(frozen=True)
class ReceiptLine:
    description: str
    credits: int | None
    # The last day the credits can be used, in the clinic's time zone.
    valid_until: date | None
    amount_cents: int | None


@dataclass(frozen=True)
class Receipt:
    clinic_name: str
    receipt_number: str
    # When the payment was received, in the clinic's time zone.
    issued_at: datetime
    client_name: str
    client_email: str | None
    client_phone: str | None
    lines: tuple[ReceiptLine, ...]
    total_cents: int
    currency: str
    method: PaymentMethod
    received_by: str | None

    @property
    def total(self) -> str:
        return format_money(self.total_cents, self.currency)

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]


def receipt_for(db: Database, payment_id: uuid.UUID) -> Receipt:
    with db.read_sessions() as s:
        payment = s.get(Payment, payment_id)
        if payment is None:
            raise NotFound("That payment does not exist.")
        client = s.get(Client, payment.client_id)
        assert client is not None
        settings = stored_settings(s)
        received_by = (
            s.get(StaffAccount, payment.received_by_id) if payment.received_by_id else None
        )
        bought = s.scalars(
            select(CreditEntry)
            .where(
                CreditEntry.payment_id == payment.id,
                CreditEntry.kind == CreditEntryKind.PURCHASE,
            )
            .order_by(CreditEntry.created_at)
        ).all()
    tz = ZoneInfo(settings.timezone)
    single = len(bought) <= 1
    lines = tuple(
        ReceiptLine(
            description=entry.reason,
            credits=entry.amount,
            # A lot lapses at an instant; the last whole day before it is what people read.
            valid_until=(entry.expires_at.astimezone(tz).date() if entry.expires_at else None),
            amount_cents=payment.amount_cents if single else None,
        )
        for entry in bought
    ) or (ReceiptLine("Payment", None, None, payment.amount_cents),)
    return Receipt(
        clinic_name=settings.clinic_name,
        receipt_number=payment.receipt_number,
        issued_at=payment.received_at.astimezone(tz),
        client_name=client.full_name,
        client_email=client.email,
        client_phone=client.phone,
        lines=lines,
        total_cents=payment.amount_cents,
        currency=payment.currency,
        method=payment.method,
        received_by=received_by.name if received_by else None,
    )


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def receipt_html(receipt: Receipt) -> str:
    rows = []
    for line in receipt.lines:
        detail = []
        if line.credits is not None:
            detail.append(f"{line.credits} credit{'s' if line.credits != 1 else ''}")
        if line.valid_until is not None:
            detail.append(f"valid until {line.valid_until:%d %B %Y}")
        amount = (
            format_money(line.amount_cents, receipt.currency)
            if line.amount_cents is not None
            else ""
        )
        rows.append(
            "<tr>"
            f"<td>{_e(line.description)}<br><small>{_e(', '.join(detail))}</small></td>"
            f'<td align="right">{_e(amount)}</td>'
            "</tr>"
        )
    contact = " · ".join(_e(c) for c in (receipt.client_email, receipt.client_phone) if c)
    served = f" by {_e(receipt.received_by)}" if receipt.received_by else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html><head><meta charset="utf-8"><title>Receipt {_e(receipt.receipt_number)}'
        "</title></head>\n"
        '<body style="font-family: sans-serif; font-size: 11pt;">\n'
        f"<h2>{_e(receipt.clinic_name)}</h2>\n"
        f"<p><b>Receipt {_e(receipt.receipt_number)}</b><br>"
        f"{_e(f'{receipt.issued_at:%d %B %Y, %H:%M}')}</p>\n"
        f"<p>Received from <b>{_e(receipt.client_name)}</b>"
        f"{'<br>' + contact if contact else ''}</p>\n"
        '<table width="100%" cellspacing="0" cellpadding="4" border="0">\n'
        '<tr><th align="left">Item</th><th align="right">Amount</th></tr>\n'
        + "\n".join(rows)
        + "\n"
        f'<tr><td align="right"><b>Total</b></td><td align="right"><b>{_e(receipt.total)}'
        "</b></td></tr>\n"
        "</table>\n"
        f"<p>Paid by {_e(receipt.method_label.lower())}{served}.</p>\n"
        "</body></html>\n"
    )


def receipt_by_number(db: Database, receipt_number: str) -> Receipt:
    """The receipt a ledger entry names (receipt numbers are unique)."""
    with db.read_sessions() as s:
        payment_id = s.scalar(select(Payment.id).where(Payment.receipt_number == receipt_number))
    if payment_id is None:
        raise NotFound(f"No payment has receipt number {receipt_number}.")
    return receipt_for(db, payment_id)
