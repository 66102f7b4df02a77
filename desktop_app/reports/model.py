"""What a report is: plain frozen data that the page, the CLI and the exports read.

A report has headline figures and one or more tables. A table's chart is
drawn from the table's own columns (the chart cannot say something else than
the table beside it), and each row, or a single cell, can name the
`Selection` of appointments behind it for the drill-down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from desktop_app.reports.selection import Selection

Cell = str | int | float | None


class Kind(StrEnum):
    """How a column's values read; the raw value is what CSV and JSON get."""

    TEXT = "text"
    COUNT = "count"
    HOURS = "hours"  # a float of hours
    PERCENT = "percent"  # a fraction, 0.25 = 25 %
    MONEY = "money"  # whole cents in the report's currency
    CREDITS = "credits"


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    # The appointments behind the whole row, and behind single cells (by
    # column index) where a cell counts something narrower than its row.
    drill: Selection | None = None
    cell_drills: tuple[tuple[int, Selection], ...] = ()
    # A total row: drawn in bold, left out of charts.
    total: bool = False

    def drill_for(self, column: int) -> Selection | None:
        for index, selection in self.cell_drills:
            if index == column:
                return selection
        return self.drill


class ChartKind(StrEnum):
    BAR = "bar"  # one bar per row (a group of bars with several value columns)
    HEAT = "heat"  # rows × value columns, shaded by value


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    value_columns: tuple[int, ...]
    label_column: int = 0
    title: str = ""


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    chart: Chart | None = None
    note: str = ""

    def chart_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.total)


@dataclass(frozen=True)
class Figure:
    label: str
    value: Cell
    kind: Kind = Kind.COUNT


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    start: date
    end: date
    timezone: str
    currency: str
    scope: str  # "Whole clinic", "Dr Ada", "Dr Ada · Individual"
    figures: tuple[Figure, ...]
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def period_label(self) -> str:
        if self.start == self.end:
            return f"{self.start:%d %b %Y}"
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"
