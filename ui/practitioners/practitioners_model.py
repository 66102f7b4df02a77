"""Practitioners with their current status."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop_app.staff.queries import PractitionerRow
from ui.kit.formatting import PRACTITIONER_STATUS_COLOURS, PRACTITIONER_STATUS_LABELS
from ui.kit.table_model import RowTableModel, chip_role


class PractitionerTableModel(RowTableModel[PractitionerRow]):
    COL_NAME = 0
    COL_PROFESSION = 1
    COL_SPECIALISATIONS = 2
    COL_EMAIL = 3
    COL_STATUS = 4
    HEADERS = ("Name", "Profession", "Specialisations", "E-mail", "Status")

    def display(self, row: PractitionerRow, column: int) -> str:
        match column:
            case self.COL_NAME:
                return row.name
            case self.COL_PROFESSION:
                return row.profession
            case self.COL_SPECIALISATIONS:
                return ", ".join(row.specialisations)
            case self.COL_EMAIL:
                return row.email
            case self.COL_STATUS:
                return PRACTITIONER_STATUS_LABELS[row.status]
        return ""

    def sort_value(self, row: PractitionerRow, column: int) -> Any:
        return self.display(row, column).casefold()

    def cell_role(self, row: PractitionerRow, column: int, role: int) -> Any:
        if column == self.COL_NAME and role == Qt.ItemDataRole.DecorationRole:
            return QColor(row.colour)
        if column == self.COL_SPECIALISATIONS and role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(row.specialisations) or None
        if column == self.COL_STATUS:
            chip = chip_role(PRACTITIONER_STATUS_COLOURS[row.status], role)
            if chip is not None:
                return chip
        return None
