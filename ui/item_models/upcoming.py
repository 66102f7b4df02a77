"""Appointments over several days (a suspended practitioner's future ones), with dates."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Any

from desktop_app.queries import AppointmentRow
from ui.formatting import APPOINTMENT_STATUS_LABELS, time_range
from ui.item_models.base import RowTableModel


class UpcomingAppointmentsModel(RowTableModel[AppointmentRow]):
    COL_WHEN = 0
    COL_CLIENT = 1
    COL_SERVICE = 2
    COL_STATUS = 3
    COL_REFERENCE = 4
    HEADERS = ("When", "Client", "Service", "Status", "Reference")

    def __init__(self, parent: Any = None, tz: tzinfo = UTC) -> None:
        super().__init__(parent)
        self._tz = tz

    def set_timezone(self, tz: tzinfo) -> None:
        self._tz = tz
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.COL_WHEN), self.index(len(self._rows) - 1, self.COL_WHEN)
            )

    def display(self, row: AppointmentRow, column: int) -> str:
        match column:
            case self.COL_WHEN:
                start = row.starts_at.astimezone(self._tz)
                day = f"{start:%a} {start.day} {start:%b %Y}"
                return f"{day}, {time_range(row.starts_at, row.ends_at, self._tz)}"
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
        if column == self.COL_WHEN:
            return row.starts_at.timestamp()
        return self.display(row, column).casefold()
