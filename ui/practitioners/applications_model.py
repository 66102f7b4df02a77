"""The application queue: who applied, as what, when, with how many documents."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt

from ui.kit.formatting import local_datetime, short_date
from ui.kit.table_model import ZonedRowTableModel


@dataclass(frozen=True)
class ApplicationRow:
    id: uuid.UUID
    name: str
    email: str
    profession: str
    applied_at: datetime
    documents: int


class ApplicationTableModel(ZonedRowTableModel[ApplicationRow]):
    COL_NAME = 0
    COL_PROFESSION = 1
    COL_APPLIED = 2
    COL_DOCUMENTS = 3
    COL_EMAIL = 4
    TIME_COLUMNS = (COL_APPLIED,)
    HEADERS = ("Name", "Profession", "Applied", "Docs", "E-mail")

    def display(self, row: ApplicationRow, column: int) -> str:
        match column:
            case self.COL_NAME:
                return row.name
            case self.COL_PROFESSION:
                return row.profession
            case self.COL_APPLIED:
                return short_date(row.applied_at.astimezone(self._tz).date())
            case self.COL_DOCUMENTS:
                return str(row.documents) if row.documents else "None"
            case self.COL_EMAIL:
                return row.email
        return ""

    def sort_value(self, row: ApplicationRow, column: int) -> Any:
        if column == self.COL_APPLIED:
            return row.applied_at.timestamp()
        if column == self.COL_DOCUMENTS:
            return row.documents
        return self.display(row, column).casefold()

    def cell_role(self, row: ApplicationRow, column: int, role: int) -> Any:
        if column == self.COL_DOCUMENTS and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if column == self.COL_APPLIED and role == Qt.ItemDataRole.ToolTipRole:
            return local_datetime(row.applied_at, self._tz)
        if column == self.COL_DOCUMENTS and role == Qt.ItemDataRole.ToolTipRole:
            return None if row.documents else "No documents were sent: ask for them before deciding"
        return None
