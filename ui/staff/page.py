"""Staff (manager): every account, its roles, and whether it can log in."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy import select

from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.commands import DeactivateAccount, ReactivateAccount
from desktop_app.staff.events import PractitionerChanged, StaffAccountChanged, StaffAccountCreated
from desktop_app.staff.queries import StaffRow
from models import StaffAccount
from ui.kit.command_dialog import ReasonDialog, error_text, open_in_place
from ui.kit.ops import run_in_background
from ui.kit.page import DataView
from ui.kit.table_model import ROW_ROLE
from ui.kit.widgets import fit_columns, sorting_proxy, table_view
from ui.staff.password_dialogs import ResetPasswordDialog
from ui.staff.staff_dialogs import StaffAccountDialog
from ui.staff.staff_model import StaffTableModel


def account_phone(db: Database, account_id: uuid.UUID) -> str | None:
    """The phone the edit dialog must send back unchanged.

    StaffRow has no phone, and UpdateStaffAccount replaces it: without this
    read, editing someone's roles would erase their number.
    """
    with db.read_sessions() as s:
        return s.scalar(select(StaffAccount.phone).where(StaffAccount.id == account_id))


class StaffView(DataView[list[StaffRow]]):
    TITLE = "Staff"
    REFRESH_ON = (StaffAccountCreated, StaffAccountChanged, PractitionerChanged)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Find by name, e-mail or role")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.new_button = QPushButton("New account…")
        self.new_button.setObjectName("primaryButton")
        self.new_button.clicked.connect(self.new_account)
        self.toolbar.addWidget(self.search)
        self.toolbar.addWidget(self.new_button)

        self.model = StaffTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = table_view(
            self.proxy,
            sort_column=StaffTableModel.COL_NAME,
            stretch_column=StaffTableModel.COL_ROLES,
        )
        self.table.doubleClicked.connect(lambda _index: self.edit_account())
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.table.selectionModel().selectionChanged.connect(
            lambda _selected, _deselected: self._update_actions()
        )
        self.body.addWidget(self.table, 1)

        bar = QFrame()
        bar.setObjectName("selectionBar")
        actions = QHBoxLayout(bar)
        actions.setContentsMargins(12, 8, 12, 8)
        actions.setSpacing(8)
        self.selection_label = QLabel("Select an account to change it.")
        self.selection_label.setObjectName("selectionText")
        self.edit_button = QPushButton("Edit roles…")
        self.edit_button.clicked.connect(self.edit_account)
        self.reset_button = QPushButton("Reset password…")
        self.reset_button.clicked.connect(self.reset_password)
        self.deactivate_button = QPushButton("Deactivate…")
        self.deactivate_button.clicked.connect(self.deactivate)
        self.reactivate_button = QPushButton("Reactivate")
        self.reactivate_button.clicked.connect(self.reactivate)
        actions.addWidget(self.selection_label, 1)
        for button in (
            self.edit_button,
            self.reset_button,
            self.deactivate_button,
            self.reactivate_button,
        ):
            actions.addWidget(button)
        self.body.addWidget(bar)
        self.action_error = QLabel()
        self.action_error.setObjectName("actionBanner")
        self.action_error.setProperty("kind", "error")
        self.action_error.setWordWrap(True)
        self.action_error.setVisible(False)
        self.body.addWidget(self.action_error)
        self.dialog: QDialog | None = None
        self._update_actions()

    # --- data ------------------------------------------------------------

    def fetch(self) -> Callable[[], list[StaffRow]]:
        db = self.ctx.db
        return lambda: staff_queries.staff_accounts(db)

    def apply(self, data: list[StaffRow]) -> None:
        self.model.set_rows(data)
        active = sum(1 for r in data if r.is_active)
        inactive = len(data) - active
        text = f"{active} active account{'s' if active != 1 else ''}"
        if inactive:
            text += f"  ·  {inactive} deactivated (their history stays)"
        self.set_subtitle(text)
        fit_columns(self.table)
        self._update_actions()

    # --- selection -------------------------------------------------------

    def selected(self) -> StaffRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isSelected(index):
            return None
        row = self.proxy.data(index, ROW_ROLE)
        return row if isinstance(row, StaffRow) else None

    def select_account(self, account_id: uuid.UUID) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            row = self.proxy.data(index, ROW_ROLE)
            if isinstance(row, StaffRow) and row.id == account_id:
                self.table.selectRow(r)
                self.table.setCurrentIndex(index)
                return True
        return False

    def _selection_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.action_error.setVisible(False)
        self._update_actions()

    def _update_actions(self) -> None:
        row = self.selected()
        is_self = row is not None and row.id == self.actor.account_id
        self.edit_button.setEnabled(row is not None)
        self.reset_button.setEnabled(row is not None and row.is_active)
        self.deactivate_button.setEnabled(row is not None and row.is_active and not is_self)
        self.deactivate_button.setToolTip(
            "You cannot deactivate your own account." if is_self else ""
        )
        self.reactivate_button.setEnabled(row is not None and not row.is_active)
        self.reactivate_button.setVisible(row is not None and not row.is_active)
        self.deactivate_button.setVisible(row is None or row.is_active)
        if row is None:
            self.selection_label.setText("Select an account to change it.")
        else:
            state = "" if row.is_active else " — deactivated, cannot log in"
            self.selection_label.setText(f"{row.name} ({row.email}){state}")

    # --- actions ---------------------------------------------------------

    def new_account(self) -> None:
        dialog = StaffAccountDialog(self.ctx, self.actor, parent=self)
        dialog.succeeded.connect(self._created)
        self.dialog = open_in_place(self.dialog, dialog)

    def _created(self, account_id: object) -> None:
        if isinstance(account_id, uuid.UUID):
            # Select the new account once the refresh has brought it in.
            def select_new() -> None:
                self.loaded.disconnect(select_new)
                self.select_account(account_id)

            self.loaded.connect(select_new)

    def edit_account(self) -> None:
        row = self.selected()
        if row is None:
            return
        db = self.ctx.db
        run_in_background(
            self, lambda: account_phone(db, row.id), lambda phone: self._open_edit(row, phone)
        )

    def _open_edit(self, row: StaffRow, phone: str | None) -> None:
        dialog = StaffAccountDialog(self.ctx, self.actor, row=row, phone=phone, parent=self)
        self.dialog = open_in_place(self.dialog, dialog)

    def reset_password(self) -> None:
        row = self.selected()
        if row is not None:
            dialog = ResetPasswordDialog(self.ctx, self.actor, row.id, row.name, parent=self)
            self.dialog = open_in_place(self.dialog, dialog)

    def deactivate(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = ReasonDialog(
            self.ctx,
            self.actor,
            lambda reason: DeactivateAccount(account_id=row.id, reason=reason),
            title=f"Deactivate {row.name}",
            caption=(
                f"{row.name} will no longer be able to log in. Their appointments, notes "
                "and everything they did stay on record; you can reactivate the account later."
            ),
            action="Deactivate",
            danger=True,
            placeholder="e.g. left the clinic",
            parent=self,
        )
        dialog.setObjectName("deactivateDialog")
        self.dialog = open_in_place(self.dialog, dialog)

    def reactivate(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.reactivate_button.setEnabled(False)
        bus, actor = self.ctx.bus, self.actor
        run_in_background(
            self,
            lambda: bus.handle(ReactivateAccount(account_id=row.id), actor),
            lambda _result: None,
            self._action_failed,
        )

    def _action_failed(self, exc: BaseException) -> None:
        self.action_error.setText(error_text(exc))
        self.action_error.setVisible(True)
        self._update_actions()
