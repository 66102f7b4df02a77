"""Selling a credit pack at the desk and a manager's adjustment of credits.

Both only send a command: a balance is never typed in, it is the sum of the
ledger (DESIGN §2). On an error the dialog stays open with everything typed
and the core's message, and nothing is stored.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from PySide6.QtCore import QDate, QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from desktop_app.clinic import queries as clinic_queries
from desktop_app.credits.commands import MAX_ADJUSTMENT, AdjustCredits, SellCreditPack
from desktop_app.credits.ledger import PackRow, credit_packs
from desktop_app.credits.receipts import METHOD_LABELS, format_money
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError
from models.enums import PaymentMethod
from ui.kit.command_dialog import CommandDialog, error_text, set_invalid
from ui.kit.ops import run_in_background

_MONEY = re.compile(r"^(\d{1,9})(?:[.,](\d{1,2}))?$")
# What people type around an amount: currency signs, spaces, thousands separators.
_MONEY_NOISE = re.compile(r"[\s£€$¥]|[A-Za-z]{3}")


def parse_amount(text: str) -> int:
    """Cents from what the desk typed: 340, 340.00, 340,5, £1,250.50."""
    cleaned = _MONEY_NOISE.sub("", text)
    if "." in cleaned and "," in cleaned:
        cleaned = cleaned.replace(",", "")
    match = _MONEY.match(cleaned)
    if not match:
        raise ValidationError(
            "Type the amount paid as a number, e.g. 340.00."
            if text.strip()
            else "Type the amount paid."
        )
    units, fraction = match.groups()
    return int(units) * 100 + int((fraction or "0").ljust(2, "0"))


def plain_amount(cents: int) -> str:
    """340.00: the amount field's text for a price (the currency is beside it)."""
    units, rest = divmod(cents, 100)
    return f"{units}.{rest:02d}"


def pack_expiry(now: datetime, validity_months: int) -> datetime:
    """When credits sold now lapse: the core's rule (the same months later)."""
    return now + relativedelta(months=validity_months)


def months_text(months: int) -> str:
    return f"{months} month{'s' if months != 1 else ''}"


def pack_label(pack: PackRow) -> str:
    return (
        f"{pack.name} — {pack.credits} credit{'s' if pack.credits != 1 else ''}, "
        f"{format_money(pack.price_cents, pack.currency)}"
    )


@dataclass(frozen=True)
class SaleSetup:
    packs: list[PackRow]
    currency: str
    tz: ZoneInfo
    now: datetime


class SellPackDialog(CommandDialog):
    """Choose a pack, take the payment; the result is the core's SaleResult."""

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        *,
        client_id: uuid.UUID,
        client_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            title="Sell credit pack",
            caption=(
                f"For {client_name}. The credits are added and a receipt is made when the "
                "payment is recorded."
            ),
            action="Record payment",
            busy_text="Recording…",
            parent=parent,
        )
        self.client_id = client_id
        self.setup: SaleSetup | None = None
        self.setMinimumWidth(520)

        self.pack = QComboBox()
        self.pack.setObjectName("packChoice")
        self.pack.addItem("Loading the packs…")
        self.pack.setEnabled(False)
        self.pack.currentIndexChanged.connect(self._pack_changed)
        self.pack_details = QLabel()
        self.pack_details.setObjectName("previewLine")
        self.pack_details.setWordWrap(True)

        self.amount = QLineEdit()
        self.amount.setObjectName("amountPaid")
        self.amount.setPlaceholderText("0.00")
        self.amount.textEdited.connect(lambda _t: set_invalid(self.amount, False))
        self.currency = QLineEdit()
        self.currency.setObjectName("currency")
        self.currency.setMaxLength(3)
        self.currency.setFixedWidth(64)
        self.currency.setValidator(
            QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,3}"), self.currency)
        )
        self.currency.setToolTip(
            "The clinic's currency; a pack is paid in the currency it is priced in"
        )
        money = QHBoxLayout()
        money.setContentsMargins(0, 0, 0, 0)
        money.setSpacing(8)
        money.addWidget(self.amount, 1)
        money.addWidget(self.currency)
        money_row = QWidget()
        money_row.setLayout(money)

        self.methods = QButtonGroup(self)
        self.method_buttons: dict[PaymentMethod, QRadioButton] = {}
        method_row = QWidget()
        methods = QHBoxLayout(method_row)
        methods.setContentsMargins(0, 0, 0, 0)
        methods.setSpacing(16)
        for method, label in METHOD_LABELS.items():
            button = QRadioButton(label)
            button.setObjectName(f"method_{method.value}")
            self.methods.addButton(button)
            self.method_buttons[method] = button
            methods.addWidget(button)
        methods.addStretch(1)
        self.method_buttons[PaymentMethod.CARD].setChecked(True)

        self.receipt_number = QLineEdit()
        self.receipt_number.setObjectName("receiptNumber")
        self.receipt_number.setMaxLength(30)
        self.receipt_number.setPlaceholderText("Empty: the next number of the clinic's series")
        self.receipt_number.setToolTip(
            "Only for a receipt already written by hand or by the card terminal"
        )

        self.form.addRow("Pack", self.pack)
        self.form.addRow("", self.pack_details)
        self.form.addRow("Amount paid", money_row)
        self.form.addRow("Method", method_row)
        self.form.addRow("Receipt number", self.receipt_number)
        self.ok_button.setEnabled(False)
        self.loading = True
        self._load()

    # --- loading ---------------------------------------------------------

    def _load(self) -> None:
        db, clock = self.ctx.db, self.ctx.clock

        def load() -> SaleSetup:
            settings = clinic_queries.clinic_settings(db)
            return SaleSetup(
                credit_packs(db), settings.currency, ZoneInfo(settings.timezone), clock.now()
            )

        run_in_background(self, load, self._loaded, self._load_failed)

    def is_loaded(self) -> bool:
        return not self.loading

    def _loaded(self, setup: SaleSetup) -> None:
        self.loading = False
        self.setup = setup
        self.pack.blockSignals(True)
        self.pack.clear()
        for pack in setup.packs:
            self.pack.addItem(pack_label(pack), pack.id)
        self.pack.blockSignals(False)
        self.currency.setText(setup.currency)
        if not setup.packs:
            self.pack.addItem("No packs on sale")
            self.pack_details.setText(
                "No credit pack is on sale. A manager adds packs under Credits & partners."
            )
            return
        self.pack.setEnabled(True)
        self.ok_button.setEnabled(True)
        self._pack_changed(self.pack.currentIndex())
        self.pack.setFocus()

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        self.pack.setItemText(0, "Could not load the packs")
        self.show_error(error_text(exc))

    # --- the form --------------------------------------------------------

    def chosen_pack(self) -> PackRow | None:
        if self.setup is None:
            return None
        pack_id = self.pack.currentData()
        return next((p for p in self.setup.packs if p.id == pack_id), None)

    def select_pack(self, pack_id: uuid.UUID) -> bool:
        # findData() cannot compare Python objects such as a UUID: look in the rows.
        packs = self.setup.packs if self.setup is not None else []
        index = next((i for i, p in enumerate(packs) if p.id == pack_id), -1)
        if index >= 0:
            self.pack.setCurrentIndex(index)
        return index >= 0

    def _pack_changed(self, _index: int) -> None:
        pack = self.chosen_pack()
        if pack is None or self.setup is None:
            return
        until = pack_expiry(self.setup.now, pack.validity_months).astimezone(self.setup.tz)
        price = format_money(pack.price_cents, pack.currency)
        self.pack_details.setText(
            f"{pack.credits} credit{'s' if pack.credits != 1 else ''} for {price}, valid "
            f"{months_text(pack.validity_months)}: sold now, they can be used until "
            f"{until.day} {until:%B %Y}."
        )
        # The price is what the core expects: start from it rather than from nothing.
        self.amount.setText(plain_amount(pack.price_cents))
        self.currency.setText(pack.currency)
        set_invalid(self.amount, False)

    def method(self) -> PaymentMethod | None:
        return next((m for m, b in self.method_buttons.items() if b.isChecked()), None)

    def build_command(self) -> Command:
        pack = self.chosen_pack()
        if pack is None:
            raise ValidationError("Choose the pack the client is buying.")
        try:
            amount = parse_amount(self.amount.text())
        except ValidationError:
            set_invalid(self.amount, True)
            self.amount.setFocus()
            raise
        currency = self.currency.text().strip().upper()
        if len(currency) != 3:
            self.currency.setFocus()
            raise ValidationError("Give the currency as its three-letter code, e.g. GBP or EUR.")
        method = self.method()
        if method is None:
            raise ValidationError("Choose how the client paid: cash, card or bank transfer.")
        return SellCreditPack(
            client_id=self.client_id,
            pack_id=pack.id,
            amount_cents=amount,
            currency=currency,
            method=method,
            receipt_number=self.receipt_number.text().strip() or None,
        )

    def inputs(self) -> list[QWidget]:
        return [
            self.pack,
            self.amount,
            self.currency,
            self.receipt_number,
            *self.method_buttons.values(),
        ]


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """The last moment of `day` in the clinic: credits "valid until" a day last all of it."""
    return datetime.combine(day, time(23, 59, 59), tz)


class AdjustCreditsDialog(CommandDialog):
    """A manager gives or takes credits, with a reason kept in the ledger."""

    # A new lot of given credits expires after this by default, like a pack would.
    DEFAULT_EXPIRY_DAYS = 90

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        *,
        client_id: uuid.UUID,
        client_name: str,
        balance: int,
        usable: int | None,
        now: datetime,
        tz: tzinfo,
        parent: QWidget | None = None,
    ) -> None:
        usable_text = f" ({usable} usable now)" if usable is not None and usable != balance else ""
        super().__init__(
            ctx,
            actor,
            title="Adjust credits",
            caption=(
                f"{client_name} has {balance} credit{'s' if abs(balance) != 1 else ''}"
                f"{usable_text}. The change is a ledger entry with your name and the reason; "
                "the balance is never overwritten."
            ),
            action="Adjust",
            busy_text="Adjusting…",
            parent=parent,
        )
        self.client_id = client_id
        self.tz = tz
        self.amount = QSpinBox()
        self.amount.setObjectName("adjustAmount")
        self.amount.setRange(-MAX_ADJUSTMENT, MAX_ADJUSTMENT)
        self.amount.setValue(0)
        self.amount.setMinimumWidth(150)
        self.amount.setToolTip("More than 0 gives credits; less than 0 takes them")
        self.amount.valueChanged.connect(self._amount_changed)
        amount_row = QWidget()
        amount_layout = QHBoxLayout(amount_row)
        amount_layout.setContentsMargins(0, 0, 0, 0)
        amount_layout.setSpacing(10)
        amount_layout.addWidget(self.amount)
        self.amount_hint = QLabel()
        self.amount_hint.setObjectName("helpLine")
        amount_layout.addWidget(self.amount_hint, 1)

        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reasonField")
        self.reason.setPlaceholderText("Why? (required, e.g. goodwill after a cancelled session)")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)

        self.expires = QCheckBox("Expire on")
        self.expires.setObjectName("adjustExpires")
        self.expires.setChecked(True)
        today = now.astimezone(tz).date()
        default = today + timedelta(days=self.DEFAULT_EXPIRY_DAYS)
        self.expiry_date = QDateEdit(QDate(default.year, default.month, default.day))
        self.expiry_date.setObjectName("adjustExpiryDate")
        self.expiry_date.setCalendarPopup(True)
        self.expiry_date.setDisplayFormat("d MMM yyyy")
        tomorrow = today + timedelta(days=1)
        self.expiry_date.setMinimumDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        self.expiry_date.setMinimumWidth(140)
        self.expires.toggled.connect(lambda _c: self._amount_changed(self.amount.value()))
        expiry_row = QWidget()
        expiry_layout = QHBoxLayout(expiry_row)
        expiry_layout.setContentsMargins(0, 0, 0, 0)
        expiry_layout.setSpacing(10)
        expiry_layout.addWidget(self.expires)
        expiry_layout.addWidget(self.expiry_date)
        expiry_layout.addStretch(1)

        self.form.addRow("Credits", amount_row)
        self.form.addRow("Reason", self.reason)
        self.form.addRow("Expiry", expiry_row)
        self._amount_changed(0)
        self.amount.setFocus()
        self.amount.selectAll()

    def _amount_changed(self, value: int) -> None:
        self.amount.setSuffix(" credit" if abs(value) == 1 else " credits")
        if value > 0:
            self.amount_hint.setText(f"gives {value}")
        elif value < 0:
            self.amount_hint.setText(f"takes {-value}, soonest-expiring first")
        else:
            self.amount_hint.setText("+ to give, − to take")
        # Only a new lot (credits given) has an expiry of its own.
        self.expires.setEnabled(value > 0)
        self.expiry_date.setEnabled(value > 0 and self.expires.isChecked())

    def expires_at(self) -> datetime | None:
        if self.amount.value() <= 0 or not self.expires.isChecked():
            return None
        chosen = self.expiry_date.date()
        return end_of_day(date(chosen.year(), chosen.month(), chosen.day()), self.tz)

    def build_command(self) -> Command:
        amount = self.amount.value()
        if amount == 0:
            self.amount.setFocus()
            raise ValidationError("Give (+) or take (−) at least one credit.")
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.reason.setFocus()
            raise ValidationError("Give a reason: it is kept in the client's ledger.")
        return AdjustCredits(
            client_id=self.client_id, amount=amount, reason=reason, expires_at=self.expires_at()
        )

    def inputs(self) -> list[QWidget]:
        return [self.amount, self.reason, self.expires, self.expiry_date]
