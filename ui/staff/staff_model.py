"""Staff accounts: who can log in, with which roles."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.staff.queries import StaffRow
from ui.kit.formatting import GREEN, GREY, roles_text
from ui.kit.table_model import RowTableModel, chip_role

# (background, text), as the status chips elsewhere.
ACTIVE_COLOURS = GREEN
INACTIVE_COLOURS = GREY


class StaffTableModel(RowTableModel[StaffRow]):
    COL_NAME = 0
    COL_EMAIL = 1
    COL_ROLES = 2
    COL_ACTIVE = 3
    HEADERS = ("Name", "E-mail", "Roles", "Status")

    def display(self, row: StaffRow, column: int) -> str:
        match column:
            case self.COL_NAME:
                return row.name
            case self.COL_EMAIL:
                return row.email
            case self.COL_ROLES:
                return roles_text(row.roles)
            case self.COL_ACTIVE:
                return "Active" if row.is_active else "Deactivated"
        return ""

    def sort_value(self, row: StaffRow, column: int) -> Any:
        if column == self.COL_ACTIVE:
            # Active first when sorted ascending, then by name.
            return f"{0 if row.is_active else 1} {row.name.casefold()}"
        return self.display(row, column).casefold()

    def cell_role(self, row: StaffRow, column: int, role: int) -> Any:
        if column == self.COL_ACTIVE:
            chip = chip_role(ACTIVE_COLOURS if row.is_active else INACTIVE_COLOURS, role)
            if chip is not None:
                return chip
        if not row.is_active and role == Qt.ItemDataRole.ForegroundRole:
            # A deactivated account stays listed (its history stays), but recedes.
            return QBrush(QColor("#7b8794"))
        return None
