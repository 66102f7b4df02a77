"""Small widgets shared by several views."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.kit.table_model import SORT_ROLE, RowTableModel


def sorting_proxy(model: RowTableModel[Any], parent: QWidget) -> QSortFilterProxyModel:
    """A proxy that sorts by the model's sort role and filters on every column."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    # Keep the sort applied when rows change after a refresh.
    proxy.setDynamicSortFilter(True)
    return proxy


def table_view(
    proxy: QSortFilterProxyModel,
    *,
    sort_column: int = 0,
    sort_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
    stretch_column: int | None = None,
) -> QTableView:
    table = QTableView()
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(sort_column, sort_order)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(32)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_column is None)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return table


def fit_columns(table: QTableView, minimum: int = 64, maximum: int = 360) -> None:
    """Size columns to their content within sensible bounds (after data arrived)."""
    header = table.horizontalHeader()
    for column in range(header.count()):
        if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
            continue
        table.resizeColumnToContents(column)
        width = header.sectionSize(column) + 16
        header.resizeSection(column, max(minimum, min(maximum, width)))


def paint_list_row(painter: QPainter, option: QStyleOptionViewItem) -> QRect:
    """The background (selected or not) and separator of a drawn list row
    (client history, ledger); returns the row's rectangle."""
    rect = QRect(option.rect)
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    painter.fillRect(rect, QColor("#d6e8f1") if selected else QColor("#ffffff"))
    painter.setPen(QColor("#eef1f4"))
    painter.drawLine(rect.bottomLeft(), rect.bottomRight())
    return rect


class CaptionedValue(QWidget):
    """A caption over a value, as a record's fields read; the value can be
    selected for copying, and shows greyed `missing` text when there is none."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.caption = QLabel(caption)
        self.caption.setObjectName("fieldCaption")
        self.value = QLabel()
        self.value.setObjectName("fieldValue")
        self.value.setWordWrap(True)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set(self, text: str | None, missing: str = "—", *, negative: bool = False) -> None:
        self.value.setText(text or missing)
        self.value.setProperty("missing", not text)
        self.value.setProperty("negative", negative)
        self.value.style().unpolish(self.value)
        self.value.style().polish(self.value)


class ElidedLabel(QLabel):
    """One line that ends in "…" when it does not fit, the whole text in its
    tooltip; `full_text()` is what was set."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(40)
        self.set_full_text(text)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.minimumWidth(), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, max(0, self.contentsRect().width())
        )
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")
