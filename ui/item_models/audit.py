"""The latest audit entries, newest first."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, tzinfo
from typing import Any

from PySide6.QtCore import Qt

from desktop_app.queries import AuditRow
from ui.formatting import command_label, local_datetime
from ui.item_models.base import RowTableModel


class AuditTableModel(RowTableModel[AuditRow]):
    COL_SEQ = 0
    COL_TIME = 1
    COL_ACTOR = 2
    COL_COMMAND = 3
    COL_TARGET = 4
    COL_WORKSTATION = 5
    HEADERS = ("#", "When", "Who", "What", "Target", "Workstation")

    def __init__(self, parent: Any = None, tz: tzinfo = UTC) -> None:
        super().__init__(parent)
        self._tz = tz

    def set_timezone(self, tz: tzinfo) -> None:
        if tz != self._tz:
            self._tz = tz
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, self.COL_TIME), self.index(len(self._rows) - 1, self.COL_TIME)
                )

    def row_key(self, row: AuditRow) -> Hashable:
        return row.seq

    def display(self, row: AuditRow, column: int) -> str:
        match column:
            case self.COL_SEQ:
                return str(row.seq)
            case self.COL_TIME:
                return local_datetime(row.at, self._tz)
            case self.COL_ACTOR:
                return row.actor_name or "System"
            case self.COL_COMMAND:
                return command_label(row.command)
            case self.COL_TARGET:
                return row.target or ""
            case self.COL_WORKSTATION:
                return row.workstation
        return ""

    def sort_value(self, row: AuditRow, column: int) -> Any:
        if column in (self.COL_SEQ, self.COL_TIME):
            return row.seq
        return self.display(row, column).casefold()

    def header_alignment(self, section: int) -> Qt.AlignmentFlag | None:
        return Qt.AlignmentFlag.AlignRight if section == self.COL_SEQ else None

    def cell_role(self, row: AuditRow, column: int, role: int) -> Any:
        if column == self.COL_SEQ and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_COMMAND:
                return row.command
            if column == self.COL_TARGET:
                return row.target
        return None
