"""The day's cash-up: every payment and refund of a day, totals by method, printable."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.credits.receipts import METHOD_LABELS, format_money
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.payments.queries import (
    AppointmentDue,
    CashUp,
    CashUpLine,
    appointment_due_by_reference,
    cash_up,
    cash_up_html,
)
from ui.kit.command_dialog import error_text, open_in_place
from ui.kit.ops import run_in_background
from ui.kit.printing import ask_pdf_path, print_html, save_pdf
from ui.kit.table_model import RowTableModel
from ui.kit.widgets import fit_columns, sorting_proxy, table_view
from ui.reports.payment_dialog import TakePaymentDialog


class CashUpModel(RowTableModel[CashUpLine]):
    HEADERS: ClassVar[tuple[str, ...]] = (
        "Time",
        "Receipt",
        "Client",
        "For",
        "Method",
        "Taken by",
        "Amount",
    )

    def row_key(self, row: CashUpLine) -> Any:
        return row.payment_id

    def display(self, row: CashUpLine, column: int) -> str:
        return (
            f"{row.received_at:%H:%M}",
            row.receipt_number,
            row.client,
            row.what,
            METHOD_LABELS[row.method],
            row.taken_by,
            format_money(row.amount_cents, row.currency),
        )[column]


class CashUpPanel(QWidget):
    loaded = Signal()

    def __init__(self, ctx: Core, actor: Actor, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.cash: CashUp | None = None
        self.dialog: TakePaymentDialog | None = None
        self.loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        bar = QHBoxLayout()
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd dd MMM yyyy")
        self.reference = QLineEdit()
        self.reference.setObjectName("paymentReference")
        self.reference.setPlaceholderText("Appointment reference")
        self.take = QPushButton("Take payment…")
        self.take.setObjectName("primaryButton")
        self.print_button = QPushButton("Print cash-up…")
        self.pdf_button = QPushButton("Save PDF…")
        bar.addWidget(QLabel("Day"))
        bar.addWidget(self.day)
        bar.addStretch(1)
        bar.addWidget(self.reference)
        bar.addWidget(self.take)
        bar.addWidget(self.print_button)
        bar.addWidget(self.pdf_button)
        layout.addLayout(bar)
        self.totals = QLabel("")
        self.totals.setObjectName("cashUpTotals")
        layout.addWidget(self.totals)
        self.status = QLabel("")
        self.status.setObjectName("reportStatus")
        layout.addWidget(self.status)
        self.model = CashUpModel(self)
        self.table = table_view(sorting_proxy(self.model, self), stretch_column=3)
        layout.addWidget(self.table, 1)
        self.day.dateChanged.connect(lambda _: self.load())
        self.take.clicked.connect(self.take_payment)
        self.reference.returnPressed.connect(self.take_payment)
        self.print_button.clicked.connect(self._print)
        self.pdf_button.clicked.connect(self._ask_pdf)

    @property
    def chosen_day(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())

    def load(self) -> None:
        self.loading = True
        db, day = self.ctx.db, self.chosen_day
        run_in_background(self, lambda: cash_up(db, day), self._show)

    def _show(self, cash: CashUp) -> None:
        self.loading = False
        self.cash = cash
        self.model.set_rows(list(cash.lines))

        def money(cents: int) -> str:
            return format_money(cents, cash.currency)

        by_method = " · ".join(
            f"{label} {money(cash.total(m))}" for m, label in METHOD_LABELS.items()
        )
        self.totals.setText(
            f"{by_method}   —   taken {money(cash.taken())}, refunded "
            f"{money(cash.refunded())}, net <b>{money(cash.total())}</b>"
        )
        fit_columns(self.table)
        self.loaded.emit()

    def take_payment(self) -> None:
        db, typed = self.ctx.db, self.reference.text()

        def found(due: AppointmentDue) -> None:
            self.open_payment(due)

        run_in_background(
            self,
            lambda: appointment_due_by_reference(db, typed),
            found,
            lambda exc: self.status.setText(error_text(exc)),
        )

    def open_payment(self, due: AppointmentDue) -> TakePaymentDialog:
        self.status.setText("")
        dialog = TakePaymentDialog(self.ctx, self.actor, due, self)
        dialog.succeeded.connect(lambda result: self._paid(result))
        self.dialog = open_in_place(self.dialog, dialog)
        return dialog

    def _paid(self, result: object) -> None:
        number = getattr(result, "receipt_number", "")
        self.status.setText(f"Payment recorded, receipt {number}.")
        self.reference.clear()
        self.load()

    def html(self) -> str:
        assert self.cash is not None
        return cash_up_html(self.cash)

    def _print(self) -> None:
        if self.cash is not None:
            print_html(self, self.html(), f"Cash-up {self.cash.day:%d %b %Y}")

    def _ask_pdf(self) -> None:
        if self.cash is None:
            return
        path = ask_pdf_path(self, f"cash-up-{self.cash.day:%Y-%m-%d}.pdf")
        if path is not None:
            self.save_pdf(path)

    def save_pdf(self, path: Path) -> Path:
        assert self.cash is not None
        return save_pdf(self.html(), path, f"Cash-up {self.cash.day:%d %b %Y}")
