"""A table model over a list of frozen rows, in the style of Vorta's table models.

Subclasses name their columns with constants and say how each cell looks;
this base does the Qt bookkeeping. `set_rows()` keeps selection and scroll
position when a refresh brings the same rows back (the common case after a
bus event): it then emits dataChanged for the rows that differ only, and
resets the model only when rows were added, removed or reordered.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import UTC, tzinfo
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

R = TypeVar("R")

Index = QModelIndex | QPersistentModelIndex

# Values for data(); the sort role gives the proxy something better than text
# to compare (dates, numbers), and the row role hands the whole row to views.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


def chip_role(colours: tuple[str, str], role: int) -> QBrush | None:
    """A status cell drawn as a chip: its (background, text) pair for those two
    roles, None for any other (the caller goes on to its other roles)."""
    background, text = colours
    if role == Qt.ItemDataRole.BackgroundRole:
        return QBrush(QColor(background))
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(QColor(text))
    return None


class RowTableModel(QAbstractTableModel, Generic[R]):
    HEADERS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []

    # --- to override -----------------------------------------------------

    def row_key(self, row: R) -> Hashable:
        """What identifies a row across refreshes (its id)."""
        key: Hashable = getattr(row, "id")  # noqa: B009 (the query rows' convention)
        return key

    def display(self, row: R, column: int) -> str:
        raise NotImplementedError

    def sort_value(self, row: R, column: int) -> Any:
        return self.display(row, column)

    def cell_role(self, row: R, column: int, role: int) -> Any:
        """Any other role (colours, alignment, tooltips); None for the default."""
        return None

    def header_alignment(self, section: int) -> Qt.AlignmentFlag | None:
        """Numbers read better with their header over them, on the right."""
        return None

    # --- rows ------------------------------------------------------------

    @property
    def rows(self) -> Sequence[R]:
        return tuple(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def set_rows(self, rows: Sequence[R]) -> None:
        new = list(rows)
        if [self.row_key(r) for r in new] != [self.row_key(r) for r in self._rows]:
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
            return
        old, self._rows = self._rows, new
        last_column = max(self.columnCount() - 1, 0)
        for i, (before, after) in enumerate(zip(old, new, strict=True)):
            if before != after:
                self.dataChanged.emit(self.index(i, 0), self.index(i, last_column))

    # --- QAbstractTableModel ---------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            alignment = self.header_alignment(section)
            return None if alignment is None else int(alignment | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == SORT_ROLE:
            return self.sort_value(row, column)
        if role == ROW_ROLE:
            return row
        return self.cell_role(row, column, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


class ZonedRowTableModel(RowTableModel[R]):
    """Rows whose times are shown in the clinic's zone; `TIME_COLUMNS` are the
    cells to repaint when the zone changes (the rows themselves stay)."""

    TIME_COLUMNS: ClassVar[tuple[int, ...]] = ()

    def __init__(self, parent: Any = None, tz: tzinfo = UTC) -> None:
        super().__init__(parent)
        self._tz = tz

    def set_timezone(self, tz: tzinfo) -> None:
        if tz == self._tz:
            return
        self._tz = tz
        if self._rows:
            last = len(self._rows) - 1
            for column in self.TIME_COLUMNS:
                self.dataChanged.emit(self.index(0, column), self.index(last, column))
