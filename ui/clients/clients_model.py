"""Clients with their credit balance."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.clients.queries import ClientRow
from ui.kit.formatting import short_date
from ui.kit.table_model import RowTableModel


class ClientTableModel(RowTableModel[ClientRow]):
    COL_NAME = 0
    COL_EMAIL = 1
    COL_PHONE = 2
    COL_BIRTH = 3
    COL_BALANCE = 4
    HEADERS = ("Name", "E-mail", "Phone", "Date of birth", "Credits")

    def display(self, row: ClientRow, column: int) -> str:
        match column:
            case self.COL_NAME:
                return row.full_name
            case self.COL_EMAIL:
                return row.email or ""
            case self.COL_PHONE:
                return row.phone or ""
            case self.COL_BIRTH:
                return short_date(row.date_of_birth)
            case self.COL_BALANCE:
                return str(row.balance)
        return ""

    def sort_value(self, row: ClientRow, column: int) -> Any:
        if column == self.COL_BALANCE:
            return row.balance
        if column == self.COL_BIRTH:
            return row.date_of_birth.toordinal() if row.date_of_birth else 0
        return self.display(row, column).casefold()

    def header_alignment(self, section: int) -> Qt.AlignmentFlag | None:
        return Qt.AlignmentFlag.AlignRight if section == self.COL_BALANCE else None

    def cell_role(self, row: ClientRow, column: int, role: int) -> Any:
        if column == self.COL_BALANCE:
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ForegroundRole and row.balance < 0:
                return QBrush(QColor("#a02828"))
        return None
