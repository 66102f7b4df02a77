"""Appointments over several days (a suspended practitioner's future ones), with dates."""

from __future__ import annotations

from typing import Any

from desktop_app.booking.queries import AppointmentRow
from ui.kit.formatting import APPOINTMENT_STATUS_LABELS, time_range
from ui.kit.table_model import ZonedRowTableModel


class UpcomingAppointmentsModel(ZonedRowTableModel[AppointmentRow]):
    COL_WHEN = 0
    COL_CLIENT = 1
    COL_SERVICE = 2
    COL_STATUS = 3
    COL_REFERENCE = 4
    TIME_COLUMNS = (COL_WHEN,)
    HEADERS = ("When", "Client", "Service", "Status", "Reference")

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
