"""Audit entries as the audit queries return them (with their changes), newest first."""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Mapping
from datetime import UTC, tzinfo
from typing import Any

from PySide6.QtCore import Qt

from desktop_app.audit.queries import AuditLine
from ui.kit.formatting import command_label, local_datetime
from ui.kit.table_model import ZonedRowTableModel

# How a target's kind reads ("practitioner:<id>" → "Practitioner …").
TARGET_KINDS = {
    "staff": "Staff",
    "practitioner": "Practitioner",
    "client": "Client",
    "appointment": "Appointment",
    "login": "Login",
}


def target_text(target: str | None, names: Mapping[str, str]) -> str:
    """A person's name where it is known, else the kind and a short id."""
    if not target:
        return ""
    if target in names:
        return names[target]
    kind, _, rest = target.partition(":")
    label = TARGET_KINDS.get(kind, kind.capitalize())
    try:
        uuid.UUID(rest)
    except ValueError:
        return f"{label} {rest}".strip()
    return f"{label} {rest[:8]}"


class AuditLineTableModel(ZonedRowTableModel[AuditLine]):
    COL_SEQ = 0
    COL_TIME = 1
    COL_ACTOR = 2
    COL_COMMAND = 3
    COL_TARGET = 4
    COL_WORKSTATION = 5
    HEADERS = ("#", "When", "Who", "What", "About", "Workstation")

    def __init__(self, parent: Any = None, tz: tzinfo = UTC) -> None:
        super().__init__(parent, tz)
        self._names: Mapping[str, str] = {}

    def set_context(self, tz: tzinfo, names: Mapping[str, str]) -> None:
        """The clinic's zone for times and the names targets refer to."""
        changed = tz != self._tz or names != self._names
        self._tz = tz
        self._names = names
        if changed and self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1)
            )

    def row_key(self, row: AuditLine) -> Hashable:
        return row.seq

    def display(self, row: AuditLine, column: int) -> str:
        match column:
            case self.COL_SEQ:
                return str(row.seq)
            case self.COL_TIME:
                return local_datetime(row.at, self._tz)
            case self.COL_ACTOR:
                return row.actor or "System"
            case self.COL_COMMAND:
                return command_label(row.command)
            case self.COL_TARGET:
                return target_text(row.target, self._names)
            case self.COL_WORKSTATION:
                return row.workstation
        return ""

    def sort_value(self, row: AuditLine, column: int) -> Any:
        if column in (self.COL_SEQ, self.COL_TIME):
            return row.seq
        return self.display(row, column).casefold()

    def cell_role(self, row: AuditLine, column: int, role: int) -> Any:
        if column == self.COL_SEQ and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_COMMAND:
                return row.command
            if column == self.COL_TARGET:
                return row.target
        return None
