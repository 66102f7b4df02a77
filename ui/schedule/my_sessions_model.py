"""A practitioner's own appointments, one row each, in time order."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.booking.queries import AppointmentRow
from models.enums import AppointmentStatus
from ui.kit.formatting import APPOINTMENT_STATUS_COLOURS, APPOINTMENT_STATUS_LABELS, time_range
from ui.kit.table_model import RowTableModel, chip_role


class SessionTableModel(RowTableModel[AppointmentRow]):
    COL_DATE = 0
    COL_TIME = 1
    COL_CLIENT = 2
    COL_SERVICE = 3
    COL_STATUS = 4
    HEADERS = ("Date", "Time", "Client", "Service", "Status")

    def __init__(self, parent: Any = None, tz: tzinfo = UTC) -> None:
        super().__init__(parent)
        self.tz = tz

    def display(self, row: AppointmentRow, column: int) -> str:
        match column:
            case self.COL_DATE:
                day = row.starts_at.astimezone(self.tz)
                return f"{day:%a} {day.day} {day:%b %Y}"
            case self.COL_TIME:
                return time_range(row.starts_at, row.ends_at, self.tz)
            case self.COL_CLIENT:
                return row.client_name
            case self.COL_SERVICE:
                return row.service_name
            case self.COL_STATUS:
                return APPOINTMENT_STATUS_LABELS[row.status]
        return ""

    def sort_value(self, row: AppointmentRow, column: int) -> Any:
        if column in (self.COL_DATE, self.COL_TIME):
            return row.starts_at.timestamp()
        return self.display(row, column).casefold()

    def cell_role(self, row: AppointmentRow, column: int, role: int) -> Any:
        if column == self.COL_STATUS:
            chip = chip_role(APPOINTMENT_STATUS_COLOURS[row.status], role)
            if chip is not None:
                return chip
        cancelled = row.status is AppointmentStatus.CANCELLED
        if role == Qt.ItemDataRole.ForegroundRole and cancelled:
            return QBrush(QColor(APPOINTMENT_STATUS_COLOURS[row.status][1]))
        if role == Qt.ItemDataRole.FontRole and cancelled and column == self.COL_TIME:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_SERVICE:
            return QColor(row.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.reference}: {row.client_name}, {row.service_name}"
        return None
