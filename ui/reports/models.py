"""Qt models over a report's table and over the appointments behind a figure."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from desktop_app.credits.receipts import format_money
from desktop_app.reports.export import format_cell
from desktop_app.reports.model import Kind, Table
from desktop_app.reports.selection import AppointmentRow
from ui.kit.table_model import SORT_ROLE, RowTableModel

Index = QModelIndex | QPersistentModelIndex


class ReportTableModel(QAbstractTableModel):
    """One table of a report, its values formatted as the report says."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.table: Table | None = None
        self.currency = "EUR"

    def show_table(self, table: Table | None, currency: str) -> None:
        self.beginResetModel()
        self.table = table
        self.currency = currency
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt)
        return 0 if self.table is None or parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt)
        return 0 if self.table is None or parent.isValid() else len(self.table.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.table is None or orientation != Qt.Orientation.Horizontal:
            return None
        column = self.table.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind is not Kind.TEXT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.table is None or not index.isValid():
            return None
        row = self.table.rows[index.row()]
        column = self.table.columns[index.column()]
        value = row.cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return format_cell(value, column.kind, self.currency)
        if role == SORT_ROLE:
            return value if value is not None else -1
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind is not Kind.TEXT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.total:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and row.drill_for(index.column()) is not None:
            return "Double-click to see the appointments behind this figure"
        return None


class AppointmentsModel(RowTableModel[AppointmentRow]):
    HEADERS: ClassVar[tuple[str, ...]] = (
        "Date",
        "Time",
        "Reference",
        "Client",
        "Practitioner",
        "Service",
        "Status",
        "Source",
        "Price",
        "Paid",
    )

    currency = "EUR"

    def display(self, row: AppointmentRow, column: int) -> str:
        return (
            f"{row.starts_at:%a %d %b %Y}",
            f"{row.starts_at:%H:%M}",
            row.reference,
            row.client,
            row.practitioner,
            row.service,
            row.status.value.replace("_", " ").capitalize(),
            row.source.value.replace("_", " ").capitalize(),
            format_money(row.price_cents, self.currency),
            format_money(row.paid_cents, self.currency),
        )[column]

    def sort_value(self, row: AppointmentRow, column: int) -> Any:
        if column in (0, 1):
            return row.starts_at
        if column == 8:
            return row.price_cents
        if column == 9:
            return row.paid_cents
        return self.display(row, column)
