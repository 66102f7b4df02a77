"""A report table's chart, drawn with QPainter: bars, or a heat map.

The same painting draws the widget on screen and the image in the PDF, so
the printed chart is the one the manager looked at. Clicking a bar or a cell
says which row and column of the table it stands for (for the drill-down).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.reports.export import format_cell
from desktop_app.reports.model import ChartKind, Kind, Row, Table

SERIES_COLOURS = ("#3b7dd8", "#e4892b", "#4caf7a", "#b0479e")
HEAT_LOW = QColor("#eef4fb")
HEAT_HIGH = QColor("#1f5fae")
# A bar chart of more rows than this shows the largest ones.
MAX_BARS = 25

Hit = tuple[QRectF, int, int]  # area, row index in the table, column index


def _value(v: object) -> float:
    return float(v) if isinstance(v, int | float) else 0.0


def _mix(low: QColor, high: QColor, t: float) -> QColor:
    t = max(0.0, min(1.0, t))
    return QColor(
        round(low.red() + (high.red() - low.red()) * t),
        round(low.green() + (high.green() - low.green()) * t),
        round(low.blue() + (high.blue() - low.blue()) * t),
    )


def paint_chart(painter: QPainter, area: QRect, table: Table, currency: str) -> list[Hit]:
    """Draw the table's chart into `area`; return where each bar or cell is."""
    chart = table.chart
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(area, QColor("white"))
    hits: list[Hit] = []
    if chart is None:
        painter.restore()
        return hits
    font = QFont(painter.font())
    font.setPointSizeF(max(7.0, area.height() / 45))
    painter.setFont(font)
    metrics = painter.fontMetrics()
    title_h = metrics.height() + 6
    painter.setPen(QColor("#333333"))
    painter.drawText(
        QRect(area.left() + 6, area.top() + 2, area.width() - 12, title_h),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        chart.title or table.title,
    )
    body = area.adjusted(6, title_h + 4, -6, -6)
    rows = [(i, r) for i, r in enumerate(table.rows) if not r.total]
    if not rows:
        painter.drawText(body, Qt.AlignmentFlag.AlignCenter, "Nothing in this period")
        painter.restore()
        return hits
    if chart.kind is ChartKind.HEAT:
        hits = _heat(painter, body, table, rows, currency)
    else:
        hits = _bars(painter, body, table, rows, currency)
    painter.restore()
    return hits


def _bars(
    painter: QPainter, body: QRect, table: Table, rows: list[tuple[int, Row]], currency: str
) -> list[Hit]:
    chart = table.chart
    assert chart is not None
    columns = chart.value_columns
    shown = rows
    if len(shown) > MAX_BARS:
        shown = sorted(
            rows,
            key=lambda ir: -max(_value(ir[1].cells[c]) for c in columns),
        )[:MAX_BARS]
    metrics = painter.fontMetrics()
    labels = [str(r.cells[chart.label_column]) for _, r in shown]
    label_w = min(body.width() // 3, max(metrics.horizontalAdvance(t) for t in labels) + 8)
    legend_h = metrics.height() + 4 if len(columns) > 1 else 0
    kind = table.columns[columns[0]].kind
    value_w = (
        max(
            metrics.horizontalAdvance(format_cell(r.cells[columns[0]], kind, currency))
            for _, r in shown
        )
        + 12
        if len(columns) == 1
        else 8
    )
    plot = body.adjusted(label_w, 0, -value_w, -legend_h)
    values = [_value(r.cells[c]) for _, r in shown for c in columns]
    low = min(0.0, min(values))
    high = max([*values, 0.0])
    span = (high - low) or 1.0
    band = plot.height() / len(shown)
    bar_h = max(2.0, band * 0.8 / len(columns))
    zero_x = plot.left() + (0 - low) / span * plot.width()
    hits: list[Hit] = []
    for n, (index, row) in enumerate(shown):
        top = plot.top() + n * band + band * 0.1
        painter.setPen(QColor("#333333"))
        painter.drawText(
            QRect(body.left(), int(plot.top() + n * band), label_w - 6, int(band)),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(labels[n], Qt.TextElideMode.ElideRight, label_w - 6),
        )
        for k, column in enumerate(columns):
            v = _value(row.cells[column])
            x = plot.left() + (v - low) / span * plot.width()
            rect = QRectF(min(zero_x, x), top + k * bar_h, abs(x - zero_x), bar_h - 1)
            painter.fillRect(rect, QColor(SERIES_COLOURS[k % len(SERIES_COLOURS)]))
            hits.append((QRectF(plot.left(), top + k * bar_h, plot.width(), bar_h), index, column))
            if band >= metrics.height() * 0.9 and len(columns) == 1:
                text = format_cell(row.cells[column], kind, currency)
                painter.setPen(QColor("#333333"))
                painter.drawText(
                    QRectF(rect.right() + 4, rect.top(), 200, rect.height()),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    text,
                )
    painter.setPen(QPen(QColor("#999999"), 1))
    painter.drawLine(QPoint(int(zero_x), plot.top()), QPoint(int(zero_x), plot.bottom()))
    if legend_h:
        x = plot.left()
        for k, column in enumerate(columns):
            painter.fillRect(
                QRectF(x, body.bottom() - legend_h + 4, 10, 10),
                QColor(SERIES_COLOURS[k % len(SERIES_COLOURS)]),
            )
            title = table.columns[column].title
            painter.setPen(QColor("#333333"))
            painter.drawText(QPoint(int(x) + 14, body.bottom() - 2), title)
            x += metrics.horizontalAdvance(title) + 30
    return hits


def _heat(
    painter: QPainter, body: QRect, table: Table, rows: list[tuple[int, Row]], currency: str
) -> list[Hit]:
    chart = table.chart
    assert chart is not None
    columns = chart.value_columns
    metrics = painter.fontMetrics()
    labels = [str(r.cells[chart.label_column]) for _, r in rows]
    label_w = max(metrics.horizontalAdvance(t) for t in labels) + 10
    header_h = metrics.height() + 4
    grid = body.adjusted(label_w, header_h, 0, 0)
    cell_w = grid.width() / len(columns)
    cell_h = grid.height() / len(rows)
    values = [_value(r.cells[c]) for _, r in rows for c in columns if r.cells[c] is not None]
    high = max([*values, 0.0]) or 1.0
    hits: list[Hit] = []
    painter.setPen(QColor("#333333"))
    for k, column in enumerate(columns):
        painter.drawText(
            QRectF(grid.left() + k * cell_w, body.top(), cell_w, header_h),
            Qt.AlignmentFlag.AlignCenter,
            table.columns[column].title[:2],
        )
    kind = table.columns[columns[0]].kind
    for n, (index, row) in enumerate(rows):
        painter.setPen(QColor("#333333"))
        painter.drawText(
            QRectF(body.left(), grid.top() + n * cell_h, label_w - 6, cell_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            labels[n][:3] if label_w > body.width() / 4 else labels[n],
        )
        for k, column in enumerate(columns):
            value = row.cells[column]
            rect = QRectF(grid.left() + k * cell_w, grid.top() + n * cell_h, cell_w - 1, cell_h - 1)
            if value is None:
                painter.fillRect(rect, QColor("#f4f4f4"))
            else:
                t = _value(value) / high
                painter.fillRect(rect, _mix(HEAT_LOW, HEAT_HIGH, t))
                if cell_w > metrics.horizontalAdvance("100 %") and cell_h > metrics.height():
                    painter.setPen(QColor("white" if t > 0.55 else "#333333"))
                    text = format_cell(value, kind, currency).replace(".0 %", " %")
                    if kind is Kind.PERCENT:
                        text = f"{round(_value(value) * 100)}%"
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            hits.append((rect, index, column))
    return hits


CHART_SIZE = (1600, 900)


def chart_image(table: Table, currency: str, size: QSize | None = None) -> QImage:
    """The chart as a picture (for the PDF)."""
    size = size or QSize(*CHART_SIZE)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        paint_chart(painter, QRect(0, 0, size.width(), size.height()), table, currency)
    finally:
        painter.end()
    return image


class ChartView(QWidget):
    """Shows one table's chart; `picked(row, column)` when a bar or cell is clicked."""

    picked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportChart")
        self.setMinimumSize(360, 260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.table: Table | None = None
        self.currency = "EUR"
        self.hits: list[Hit] = []
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def show_table(self, table: Table | None, currency: str) -> None:
        self.table = table
        self.currency = currency
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            if self.table is None:
                painter.fillRect(self.rect(), QColor("white"))
                self.hits = []
            else:
                self.hits = paint_chart(painter, self.rect(), self.table, self.currency)
        finally:
            painter.end()

    def hit_at(self, point: QPoint) -> tuple[int, int] | None:
        for rect, row, column in self.hits:
            if rect.contains(point.toPointF()):
                return row, column
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.hit_at(event.position().toPoint())
        if found is not None:
            self.picked.emit(*found)
        super().mousePressEvent(event)
