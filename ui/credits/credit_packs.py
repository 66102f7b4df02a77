"""Credit packs: what the desk sells. Managers create, edit and deactivate them;
everyone else sees them read-only."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.credits.commands import CreateCreditPack, UpdateCreditPack
from desktop_app.credits.ledger import PackRow
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.validation import require_text
from ui.credits.partner_dialogs import spin_box
from ui.credits.partner_models import PackTableModel, plural
from ui.kit.command_dialog import CommandDialog, error_text, open_in_place
from ui.kit.ops import run_in_background
from ui.kit.page import empty_state
from ui.kit.table_model import ROW_ROLE
from ui.kit.widgets import fit_columns, sorting_proxy, table_view

MAX_PRICE = 1_000_000


def update_for(row: PackRow, *, is_active: bool) -> UpdateCreditPack:
    """The pack as it is, on sale or not."""
    return UpdateCreditPack(
        pack_id=row.id,
        name=row.name,
        credits=row.credits,
        price_cents=row.price_cents,
        validity_months=row.validity_months,
        is_active=is_active,
    )


class PackDialog(CommandDialog):
    """A new pack (no `row`) or the terms of `row`."""

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        *,
        currency: str,
        row: PackRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            title=f"Edit {row.name}" if row else "New credit pack",
            caption=(
                "Packs already sold keep the terms they were sold with."
                if row
                else "The desk sells packs from a client's record; each credit pays for "
                "one session of a service priced in credits."
            ),
            action="Save" if row else "Create pack",
            busy_text="Saving…" if row else "Creating…",
            parent=parent,
        )
        self.setObjectName("packDialog")
        self.row = row
        self.name = QLineEdit(row.name if row else "")
        self.name.setObjectName("packName")
        self.name.setPlaceholderText("e.g. Five sessions")
        self.name.setMaxLength(100)
        self.credits = spin_box("packCredits", 1, 1000, row.credits if row else 5, "credit")
        self.price = QDoubleSpinBox()
        self.price.setObjectName("packPrice")
        self.price.setDecimals(2)
        self.price.setRange(0, MAX_PRICE)
        self.price.setSingleStep(5)
        self.price.setSuffix(f" {row.currency if row else currency}")
        self.price.setValue((row.price_cents if row else 0) / 100)
        self.price.setMinimumWidth(140)
        self.validity = spin_box("packValidity", 1, 120, row.validity_months if row else 6, "month")
        self.validity.setToolTip("Unused credits expire this long after the sale.")
        self.form.addRow("Name", self.name)
        self.form.addRow("Credits", self.credits)
        self.form.addRow("Price", self.price)
        self.form.addRow("Valid for", self.validity)
        self.name.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.name, self.credits, self.price, self.validity]

    def build_command(self) -> Command:
        name = require_text(self.name.text(), "pack name")
        price_cents = round(self.price.value() * 100)
        if self.row is not None:
            return UpdateCreditPack(
                pack_id=self.row.id,
                name=name,
                credits=self.credits.value(),
                price_cents=price_cents,
                validity_months=self.validity.value(),
                is_active=self.row.is_active,
            )
        return CreateCreditPack(
            name=name,
            credits=self.credits.value(),
            price_cents=price_cents,
            validity_months=self.validity.value(),
        )


class CreditPacksPanel(QWidget):
    """Every pack, active or not; the actions only for those who may use them."""

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.currency = "EUR"
        self.can_edit = ctx.bus.may(actor, CreateCreditPack) and ctx.bus.may(
            actor, UpdateCreditPack
        )
        self.dialog: QDialog | None = None
        self.busy = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(8)
        self.model = PackTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = table_view(
            self.proxy,
            sort_column=PackTableModel.COL_NAME,
            stretch_column=PackTableModel.COL_NAME,
        )
        self.table.setObjectName("packsTable")
        self.table.doubleClicked.connect(lambda _index: self.edit_pack())
        self.table.selectionModel().selectionChanged.connect(
            lambda _selected, _deselected: self.update_actions()
        )
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(
            empty_state(
                "No credit packs yet." + ("\nCreate one with “New pack…”." if self.can_edit else "")
            )
        )
        layout.addWidget(self.pages, 1)

        bar = QFrame()
        bar.setObjectName("selectionBar")
        actions = QHBoxLayout(bar)
        actions.setContentsMargins(12, 8, 12, 8)
        actions.setSpacing(8)
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionText")
        self.new_button = QPushButton("New pack…")
        self.new_button.setObjectName("primaryButton")
        self.new_button.clicked.connect(self.new_pack)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_pack)
        self.deactivate_button = QPushButton("Deactivate")
        self.deactivate_button.setToolTip("Stop selling this pack; credits already sold stay")
        self.deactivate_button.clicked.connect(lambda: self.set_active(False))
        self.reactivate_button = QPushButton("Reactivate")
        self.reactivate_button.setToolTip("Sell this pack again")
        self.reactivate_button.clicked.connect(lambda: self.set_active(True))
        actions.addWidget(self.selection_label, 1)
        # The page puts the New button in its header, as other pages do.
        self.new_button.setVisible(self.can_edit)
        for button in (
            self.edit_button,
            self.deactivate_button,
            self.reactivate_button,
        ):
            button.setVisible(self.can_edit)
            actions.addWidget(button)
        layout.addWidget(bar)
        self.error = QLabel()
        self.error.setObjectName("actionBanner")
        self.error.setProperty("kind", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.update_actions()

    def set_packs(self, packs: list[PackRow], currency: str) -> None:
        self.currency = currency
        self.model.set_rows(packs)
        fit_columns(self.table)
        self.pages.setCurrentIndex(0 if packs else 1)
        self.update_actions()

    def selected(self) -> PackRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isSelected(index):
            return None
        row = self.proxy.data(index, ROW_ROLE)
        return row if isinstance(row, PackRow) else None

    def select_pack(self, pack_id: uuid.UUID) -> bool:
        for r in range(self.proxy.rowCount()):
            row = self.proxy.data(self.proxy.index(r, 0), ROW_ROLE)
            if isinstance(row, PackRow) and row.id == pack_id:
                self.table.selectRow(r)
                return True
        return False

    def update_actions(self) -> None:
        row = self.selected()
        for button in (self.edit_button, self.deactivate_button, self.reactivate_button):
            button.setEnabled(row is not None and not self.busy)
        if self.can_edit:
            self.deactivate_button.setVisible(row is None or row.is_active)
            self.reactivate_button.setVisible(row is not None and not row.is_active)
        if not self.can_edit:
            self.selection_label.setText(
                "Packs are sold from a client's record. Only a manager can change them."
            )
        elif row is None:
            self.selection_label.setText("Select a pack to change it.")
        else:
            state = "" if row.is_active else " — inactive, not sold"
            self.selection_label.setText(
                f"{row.name}: {plural(row.credits, 'credit')}, valid "
                f"{plural(row.validity_months, 'month')}{state}"
            )

    def new_pack(self) -> None:
        if not self.can_edit:
            return
        dialog = PackDialog(self.ctx, self.actor, currency=self.currency, parent=self)
        self.dialog = open_in_place(self.dialog, dialog)

    def edit_pack(self) -> None:
        row = self.selected()
        if row is None or not self.can_edit:
            return
        dialog = PackDialog(self.ctx, self.actor, currency=self.currency, row=row, parent=self)
        self.dialog = open_in_place(self.dialog, dialog)

    def set_active(self, active: bool) -> None:
        row = self.selected()
        if row is None or not self.can_edit or self.busy:
            return
        self.busy = True
        self.error.setVisible(False)
        self.update_actions()
        bus, actor, command = self.ctx.bus, self.actor, update_for(row, is_active=active)
        run_in_background(self, lambda: bus.handle(command, actor), self._done, self._failed)

    def _done(self, _result: object) -> None:
        self.busy = False
        self.update_actions()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.error.setText(error_text(exc))
        self.error.setVisible(True)
        self.update_actions()
