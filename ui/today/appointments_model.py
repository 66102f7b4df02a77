"""A day's appointments, one row each, coloured by status."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.booking.queries import AppointmentRow
from models.enums import AppointmentStatus
from ui.kit.formatting import APPOINTMENT_STATUS_COLOURS, APPOINTMENT_STATUS_LABELS, time_range
from ui.kit.table_model import ZonedRowTableModel, chip_role


class AppointmentTableModel(ZonedRowTableModel[AppointmentRow]):
    COL_TIME = 0
    COL_PRACTITIONER = 1
    COL_CLIENT = 2
    COL_SERVICE = 3
    COL_STATUS = 4
    COL_REFERENCE = 5
    TIME_COLUMNS = (COL_TIME,)
    HEADERS = ("Time", "Practitioner", "Client", "Service", "Status", "Reference")

    def display(self, row: AppointmentRow, column: int) -> str:
        match column:
            case self.COL_TIME:
                return time_range(row.starts_at, row.ends_at, self._tz)
            case self.COL_PRACTITIONER:
                return row.practitioner_name
            case self.COL_CLIENT:
                return row.client_name
            case self.COL_SERVICE:
                return row.service_name
            case self.COL_STATUS:
                return APPOINTMENT_STATUS_LABELS[row.status]
            case self.COL_REFERENCE:
                return row.reference
        return ""

    def sort_value(self, row: AppointmentRow, column: int) -> Any:
        if column == self.COL_TIME:
            return row.starts_at.timestamp()
        if column == self.COL_PRACTITIONER:
            # Grouped by practitioner, in time order within each.
            return f"{row.practitioner_name.casefold()}\x00{row.starts_at.timestamp():020.3f}"
        return self.display(row, column).casefold()

    def cell_role(self, row: AppointmentRow, column: int, role: int) -> Any:
        cancelled = row.status is AppointmentStatus.CANCELLED
        if column == self.COL_STATUS:
            chip = chip_role(APPOINTMENT_STATUS_COLOURS[row.status], role)
            if chip is not None:
                return chip
        elif role == Qt.ItemDataRole.ForegroundRole and cancelled:
            return QBrush(QColor(APPOINTMENT_STATUS_COLOURS[row.status][1]))
        if role == Qt.ItemDataRole.FontRole and cancelled and column == self.COL_TIME:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_SERVICE:
            return QColor(row.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.reference}: {row.client_name} with {row.practitioner_name}"
        return None
