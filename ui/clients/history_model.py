"""A client's appointments: the coming ones first (soonest first), then the past
(most recent first), which is the order a desk reads a history in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.booking.queries import AppointmentRow
from models.enums import AppointmentStatus
from ui.kit.formatting import APPOINTMENT_STATUS_COLOURS, APPOINTMENT_STATUS_LABELS
from ui.kit.table_model import ZonedRowTableModel, chip_role


def history_order(
    rows: Sequence[AppointmentRow], now: datetime
) -> tuple[list[AppointmentRow], list[AppointmentRow]]:
    """(upcoming soonest first, past most recent first)."""
    upcoming = sorted((r for r in rows if r.ends_at > now), key=lambda r: r.starts_at)
    past = sorted((r for r in rows if r.ends_at <= now), key=lambda r: r.starts_at, reverse=True)
    return upcoming, past


class ClientHistoryModel(ZonedRowTableModel[AppointmentRow]):
    COL_WHEN = 0
    COL_PRACTITIONER = 1
    COL_SERVICE = 2
    COL_STATUS = 3
    COL_REFERENCE = 4
    HEADERS = ("When", "Practitioner", "Service", "Status", "Reference")

    def __init__(self, parent: Any = None, tz: tzinfo = UTC) -> None:
        super().__init__(parent, tz)
        self._now = datetime.now(UTC)
        self.upcoming_count = 0

    def set_history(self, rows: Sequence[AppointmentRow], now: datetime, tz: tzinfo) -> None:
        upcoming, past = history_order(rows, now)
        if tz != self._tz or now != self._now:
            self._tz, self._now = tz, now
            # Times and the upcoming mark depend on both: redraw every row.
            self.beginResetModel()
            self._rows = []
            self.endResetModel()
        self.upcoming_count = len(upcoming)
        self.set_rows(upcoming + past)

    def is_upcoming(self, row: AppointmentRow) -> bool:
        return row.ends_at > self._now

    def display(self, row: AppointmentRow, column: int) -> str:
        match column:
            case self.COL_WHEN:
                local = row.starts_at.astimezone(self._tz)
                return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"
            case self.COL_PRACTITIONER:
                return row.practitioner_name
            case self.COL_SERVICE:
                return row.service_name
            case self.COL_STATUS:
                return APPOINTMENT_STATUS_LABELS[row.status]
            case self.COL_REFERENCE:
                return row.reference
        return ""

    def sort_value(self, row: AppointmentRow, column: int) -> Any:
        if column == self.COL_WHEN:
            return row.starts_at.timestamp()
        return self.display(row, column).casefold()

    def cell_role(self, row: AppointmentRow, column: int, role: int) -> Any:
        if column == self.COL_STATUS:
            chip = chip_role(APPOINTMENT_STATUS_COLOURS[row.status], role)
            if chip is not None:
                return chip
        elif role == Qt.ItemDataRole.ForegroundRole and row.status is AppointmentStatus.CANCELLED:
            return QBrush(QColor(APPOINTMENT_STATUS_COLOURS[row.status][1]))
        if role == Qt.ItemDataRole.FontRole and column == self.COL_WHEN and self.is_upcoming(row):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_SERVICE:
            return QColor(row.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{row.reference}: {row.service_name} with {row.practitioner_name}"
            if row.cancel_reason:
                tip += f"\nCancelled: {row.cancel_reason}"
            return tip
        return None
