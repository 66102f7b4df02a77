"""A person's notifications and the e-mail outbox, as the notification queries return them."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from desktop_app.messaging.queries import NotificationRow, OutboxRow
from ui.kit.formatting import local_datetime
from ui.kit.table_model import RowTableModel


def kind_label(kind: str) -> str:
    """ "exchange_requested" → "Exchange requested"."""
    return kind.replace("_", " ").replace(".", " ").strip().capitalize()


class NotificationTableModel(RowTableModel[NotificationRow]):
    COL_TIME = 0
    COL_KIND = 1
    COL_TEXT = 2
    HEADERS = ("When", "Kind", "Notification")

    def __init__(self, parent: Any = None, tz: tzinfo = UTC) -> None:
        super().__init__(parent)
        self.tz = tz

    def display(self, row: NotificationRow, column: int) -> str:
        match column:
            case self.COL_TIME:
                return local_datetime(row.created_at, self.tz)
            case self.COL_KIND:
                return kind_label(row.kind)
            case _:
                return row.text

    def sort_value(self, row: NotificationRow, column: int) -> Any:
        if column == self.COL_TIME:
            return row.created_at.isoformat()
        return self.display(row, column)

    def cell_role(self, row: NotificationRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and not row.is_read:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_TEXT:
            return row.text
        return None


class OutboxTableModel(RowTableModel[OutboxRow]):
    COL_TIME = 0
    COL_TO = 1
    COL_SUBJECT = 2
    COL_STATUS = 3
    COL_ATTEMPTS = 4
    COL_ERROR = 5
    HEADERS = ("Queued", "To", "Subject", "Status", "Attempts", "Last error")

    def __init__(self, parent: Any = None, tz: tzinfo = UTC) -> None:
        super().__init__(parent)
        self.tz = tz

    def display(self, row: OutboxRow, column: int) -> str:
        match column:
            case self.COL_TIME:
                return local_datetime(row.created_at, self.tz)
            case self.COL_TO:
                return row.recipient
            case self.COL_SUBJECT:
                return row.subject
            case self.COL_STATUS:
                return str(row.status).capitalize()
            case self.COL_ATTEMPTS:
                return str(row.attempts)
            case _:
                return row.reason or ""

    def sort_value(self, row: OutboxRow, column: int) -> Any:
        if column == self.COL_TIME:
            return row.created_at.isoformat()
        if column == self.COL_ATTEMPTS:
            return row.attempts
        return self.display(row, column)

    def cell_role(self, row: OutboxRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_ERROR and row.reason:
            return row.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_ATTEMPTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
