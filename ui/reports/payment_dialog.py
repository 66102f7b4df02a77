"""Take payment at the desk for an appointment: amount, method, a receipt number."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop_app.credits.receipts import METHOD_LABELS, format_money
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError
from desktop_app.payments.commands import RecordPayment
from desktop_app.payments.queries import AppointmentDue
from ui.kit.command_dialog import CommandDialog


def parse_amount(text: str) -> int:
    """'60', '60.5', '1,250.00' -> cents; a clear message otherwise."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    units, _, cents = cleaned.partition(".")
    if not units.isdigit() or (cents and (not cents.isdigit() or len(cents) > 2)):
        raise ValidationError(f"{text.strip() or 'Nothing'} is not an amount (e.g. 60.00).")
    return int(units) * 100 + int((cents + "00")[:2])


class TakePaymentDialog(CommandDialog):
    def __init__(
        self, ctx: Core, actor: Actor, due: AppointmentDue, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            ctx,
            actor,
            title="Take payment",
            caption=(
                f"Appointment {due.reference}: {due.client}, {due.service}. Price "
                f"{format_money(due.price_cents, due.currency)}, paid so far "
                f"{format_money(due.paid_cents, due.currency)}."
                + (" Paid with credits." if due.paid_with_credits else "")
            ),
            action="Take payment",
            busy_text="Recording…",
            parent=parent,
        )
        self.setObjectName("takePaymentDialog")
        self.due = due
        self.amount = QLineEdit(f"{due.due_cents // 100}.{due.due_cents % 100:02d}")
        self.amount.setObjectName("paymentAmount")
        self.method = QComboBox()
        self.method.setObjectName("paymentMethod")
        for method, label in METHOD_LABELS.items():
            self.method.addItem(label, method)
        self.receipt = QLineEdit()
        self.receipt.setPlaceholderText("empty: the next desk receipt number")
        self.form.addRow("Amount", self.amount)
        self.form.addRow("Method", self.method)
        self.form.addRow("Receipt number", self.receipt)
        self.form.addRow("", QLabel(f"Currency: {due.currency}"))

    def inputs(self) -> list[QWidget]:
        return [self.amount, self.method, self.receipt]

    def build_command(self) -> Command:
        return RecordPayment(
            appointment_id=self.due.appointment_id,
            amount_cents=parse_amount(self.amount.text()),
            currency=self.due.currency,
            method=self.method.currentData(),
            receipt_number=self.receipt.text().strip() or None,
        )
