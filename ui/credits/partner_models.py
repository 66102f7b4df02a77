"""Partner organisations, their allocations, a CSV import's rows, a usage
report's sessions and the credit packs, as table models."""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.credits.ledger import PackRow
from desktop_app.credits.receipts import format_money
from desktop_app.partners.csv_import import CsvRow
from desktop_app.partners.queries import AllocationRow, OrganisationRow
from desktop_app.partners.usage_report import OrganisationTotals, UsageRow
from models.enums import AllocationStatus
from ui.kit.formatting import BLUE, GREEN, GREY, RED
from ui.kit.table_model import RowTableModel, chip_role

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
MUTED = "#7b8794"

ALLOCATION_STATUS_LABELS: dict[AllocationStatus, str] = {
    AllocationStatus.ACTIVE: "Active",
    AllocationStatus.USED: "Used up",
    AllocationStatus.EXPIRED: "Expired",
    AllocationStatus.REVOKED: "Revoked",
}
# (background, text), as the status chips elsewhere.
ALLOCATION_STATUS_COLOURS: dict[AllocationStatus, tuple[str, str]] = {
    AllocationStatus.ACTIVE: GREEN,
    AllocationStatus.USED: BLUE,
    AllocationStatus.EXPIRED: GREY,
    AllocationStatus.REVOKED: RED,
}
BAD_ROW_COLOURS = ("#fdecec", "#a02828")
OK_TEXT = "#24703a"
ACTIVE_COLOURS = GREEN
INACTIVE_COLOURS = GREY


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- organisations --------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationItem:
    """An organisation with its all-time totals, as the list shows it."""

    organisation: OrganisationRow
    totals: OrganisationTotals

    @property
    def id(self) -> uuid.UUID:
        return self.organisation.id

    @property
    def name(self) -> str:
        return self.organisation.name


NO_TOTALS = OrganisationTotals(0, 0, 0)


class OrganisationTableModel(RowTableModel[OrganisationItem]):
    COL_NAME = 0
    COL_EMPLOYEES = 1
    COL_ALLOCATED = 2
    COL_USED = 3
    COL_LEFT = 4
    HEADERS = ("Organisation", "Employees", "Allocated", "Used", "Left")
    _NUMBERS = (COL_EMPLOYEES, COL_ALLOCATED, COL_USED, COL_LEFT)
    _TIPS: ClassVar[dict[int, str]] = {
        COL_EMPLOYEES: "Employees who were given credits (revoked allocations left out)",
        COL_ALLOCATED: "Credits allocated, revoked allocations left out",
        COL_USED: "Credits held by sessions, net of refunds",
        COL_LEFT: "Credits still available on active allocations",
    }

    def _value(self, row: OrganisationItem, column: int) -> int:
        match column:
            case self.COL_EMPLOYEES:
                return row.totals.employees
            case self.COL_ALLOCATED:
                return row.totals.credits_allocated
            case self.COL_USED:
                return row.totals.credits_used
            case self.COL_LEFT:
                return row.organisation.credits_left
        return 0

    def display(self, row: OrganisationItem, column: int) -> str:
        if column == self.COL_NAME:
            return row.name
        return str(self._value(row, column))

    def sort_value(self, row: OrganisationItem, column: int) -> Any:
        if column == self.COL_NAME:
            return row.name.casefold()
        return self._value(row, column)

    def cell_role(self, row: OrganisationItem, column: int, role: int) -> Any:
        if column in self._NUMBERS and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT)
        return None

    def header_alignment(self, section: int) -> Qt.AlignmentFlag | None:
        return RIGHT if section in self._NUMBERS else None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return self._TIPS.get(section)
        return super().headerData(section, orientation, role)


# --- allocations ----------------------------------------------------------------------


class AllocationTableModel(RowTableModel[AllocationRow]):
    COL_EMAIL = 0
    COL_NAME = 1
    COL_CLIENT = 2
    COL_CREDITS = 3
    COL_USED = 4
    COL_LEFT = 5
    COL_EXPIRES = 6
    COL_STATUS = 7
    HEADERS = ("Employee e-mail", "Name", "Client", "Credits", "Used", "Left", "Expires", "Status")
    NUMBER_COLUMNS = (COL_CREDITS, COL_USED, COL_LEFT)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.tz: tzinfo = ZoneInfo("UTC")

    def display(self, row: AllocationRow, column: int) -> str:
        match column:
            case self.COL_EMAIL:
                return row.employee_email
            case self.COL_NAME:
                return row.employee_name or ""
            case self.COL_CLIENT:
                return row.client_name or "Not linked"
            case self.COL_CREDITS:
                return str(row.credits)
            case self.COL_USED:
                return str(row.used)
            case self.COL_LEFT:
                return str(row.left)
            case self.COL_EXPIRES:
                return _day(row.expires_at, self.tz)
            case self.COL_STATUS:
                return ALLOCATION_STATUS_LABELS[row.status]
        return ""

    def sort_value(self, row: AllocationRow, column: int) -> Any:
        match column:
            case self.COL_CREDITS:
                return row.credits
            case self.COL_USED:
                return row.used
            case self.COL_LEFT:
                return row.left
            case self.COL_EXPIRES:
                return row.expires_at.timestamp()
            case self.COL_STATUS:
                order = list(AllocationStatus).index(row.status)
                return f"{order} {row.employee_email}"
        return self.display(row, column).casefold()

    def cell_role(self, row: AllocationRow, column: int, role: int) -> Any:
        if column == self.COL_STATUS:
            return chip_role(ALLOCATION_STATUS_COLOURS[row.status], role)
        if column in self.NUMBER_COLUMNS and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and (
            (column == self.COL_CLIENT and row.client_name is None)
            or row.status in (AllocationStatus.REVOKED, AllocationStatus.EXPIRED)
        ):
            return QBrush(QColor(MUTED))
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.status is AllocationStatus.REVOKED and row.revoke_reason:
                return f"Revoked: {row.revoke_reason}"
            if column == self.COL_CLIENT and row.client_name is None:
                return (
                    "No client has this e-mail yet; the credits go to the client with it "
                    "who books first"
                )
        return None

    def header_alignment(self, section: int) -> Qt.AlignmentFlag | None:
        return RIGHT if section in self.NUMBER_COLUMNS else None


def _day(instant: datetime, tz: tzinfo) -> str:
    local = instant.astimezone(tz)
    return f"{local.day} {local:%b %Y}"


# --- a CSV import's preview -----------------------------------------------------------


class ImportPreviewModel(RowTableModel[CsvRow]):
    COL_LINE = 0
    COL_EMAIL = 1
    COL_NAME = 2
    COL_CREDITS = 3
    COL_RESULT = 4
    HEADERS = ("Line", "E-mail", "Name", "Credits", "Check")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # Shown for a row without credits: what the organisation gives by default.
        self.default_credits = 1

    def row_key(self, row: CsvRow) -> Hashable:
        return row.line

    def display(self, row: CsvRow, column: int) -> str:
        match column:
            case self.COL_LINE:
                return str(row.line)
            case self.COL_EMAIL:
                return row.email
            case self.COL_NAME:
                return row.name or ""
            case self.COL_CREDITS:
                if row.credits is None:
                    return f"{self.default_credits} (default)"
                return str(row.credits)
            case self.COL_RESULT:
                return "OK" if row.ok else "; ".join(row.errors)
        return ""

    def sort_value(self, row: CsvRow, column: int) -> Any:
        match column:
            case self.COL_LINE:
                return row.line
            case self.COL_CREDITS:
                return row.credits if row.credits is not None else self.default_credits
            case self.COL_RESULT:
                # Problems first when sorted ascending, then in file order.
                return (0 if row.errors else 1) * 1_000_000 + row.line
        return self.display(row, column).casefold()

    def cell_role(self, row: CsvRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_CREDITS:
            return int(RIGHT)
        if not row.ok:
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(row.errors)
            return chip_role(BAD_ROW_COLOURS, role)
        if column == self.COL_RESULT and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(OK_TEXT))
        if (
            column == self.COL_CREDITS
            and row.credits is None
            and role == Qt.ItemDataRole.ForegroundRole
        ):
            return QBrush(QColor(MUTED))
        return None

    def header_alignment(self, section: int) -> Qt.AlignmentFlag | None:
        return RIGHT if section == self.COL_CREDITS else None


# --- a usage report's sessions --------------------------------------------------------


class UsageTableModel(RowTableModel[UsageRow]):
    COL_WHEN = 0
    COL_EMAIL = 1
    COL_EMPLOYEE = 2
    COL_SERVICE = 3
    COL_REFERENCE = 4
    COL_STATUS = 5
    COL_CREDITS = 6
    HEADERS = ("When", "Employee e-mail", "Employee", "Service", "Reference", "Status", "Credits")

    def row_key(self, row: UsageRow) -> Hashable:
        return row.reference

    def display(self, row: UsageRow, column: int) -> str:
        match column:
            case self.COL_WHEN:
                return f"{row.starts_at.day} {row.starts_at:%b %Y %H:%M}"
            case self.COL_EMAIL:
                return row.employee_email
            case self.COL_EMPLOYEE:
                return row.employee_name
            case self.COL_SERVICE:
                return row.service
            case self.COL_REFERENCE:
                return row.reference
            case self.COL_STATUS:
                return row.status_label
            case self.COL_CREDITS:
                return str(row.credits)
        return ""

    def sort_value(self, row: UsageRow, column: int) -> Any:
        if column == self.COL_WHEN:
            return row.starts_at.timestamp()
        if column == self.COL_CREDITS:
            return row.credits
        return self.display(row, column).casefold()

    def cell_role(self, row: UsageRow, column: int, role: int) -> Any:
        if column == self.COL_CREDITS and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT)
        return None

    def header_alignment(self, section: int) -> Qt.AlignmentFlag | None:
        return RIGHT if section == self.COL_CREDITS else None


# --- credit packs ---------------------------------------------------------------------


class PackTableModel(RowTableModel[PackRow]):
    COL_NAME = 0
    COL_CREDITS = 1
    COL_PRICE = 2
    COL_VALIDITY = 3
    COL_ACTIVE = 4
    HEADERS = ("Pack", "Credits", "Price", "Valid for", "Status")
    _NUMBERS = (COL_CREDITS, COL_PRICE)

    def display(self, row: PackRow, column: int) -> str:
        match column:
            case self.COL_NAME:
                return row.name
            case self.COL_CREDITS:
                return str(row.credits)
            case self.COL_PRICE:
                return format_money(row.price_cents, row.currency)
            case self.COL_VALIDITY:
                return plural(row.validity_months, "month")
            case self.COL_ACTIVE:
                return "Active" if row.is_active else "Inactive"
        return ""

    def sort_value(self, row: PackRow, column: int) -> Any:
        match column:
            case self.COL_CREDITS:
                return row.credits
            case self.COL_PRICE:
                return row.price_cents
            case self.COL_VALIDITY:
                return row.validity_months
            case self.COL_ACTIVE:
                return f"{0 if row.is_active else 1} {row.name.casefold()}"
        return self.display(row, column).casefold()

    def cell_role(self, row: PackRow, column: int, role: int) -> Any:
        if column == self.COL_ACTIVE:
            return chip_role(ACTIVE_COLOURS if row.is_active else INACTIVE_COLOURS, role)
        if column in self._NUMBERS and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT)
        if not row.is_active and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(MUTED))
        return None

    def header_alignment(self, section: int) -> Qt.AlignmentFlag | None:
        return RIGHT if section in self._NUMBERS else None
