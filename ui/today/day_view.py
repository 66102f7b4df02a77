"""The resource day view: practitioners as columns, the day's hours as rows.

A `DayGrid` paints a `DayLayout` (ui.day_layout) onto its viewport: the
column headers stay at the top and the hour labels at the left while the
body scrolls under them. Only what is exposed is painted, from plain rows,
so a day with a hundred practitioners scrolls and switches quickly.

Appointments are blocks coloured by status; the open starts for the chosen
service are light outlined cells; the current time is a red line. Clicking a
free cell asks for a booking there; Up/Down walk through the appointments;
Enter acts on the selection (the view decides what that means).
"""

from __future__ import annotations

import math
from datetime import date, datetime, tzinfo

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QToolTip, QWidget

from models.enums import AppointmentStatus
from ui.kit.formatting import APPOINTMENT_STATUS_COLOURS, APPOINTMENT_STATUS_LABELS, time_range
from ui.kit.resources import ACCENT
from ui.today.day_layout import Block, BlockKind, DayLayout, local_minutes

GUTTER = 58
HEADER = 50
# Room above the first hour line for its label.
TOP_PAD = 10
BOTTOM = 10
COLUMN_MIN_WIDTH = 156
PX_PER_MIN = 1.4  # 15 minutes = 21 px: room for one line of text in a free cell
INSET = 3

BACKGROUND = QColor("#ffffff")
OFF_COLUMN = QColor("#f7f8fa")  # a practitioner who is not taking bookings
HOUR_LINE = QColor("#dfe4ea")
HALF_LINE = QColor("#eceff3")
QUARTER_LINE = QColor("#f5f7f9")
COLUMN_LINE = QColor("#e4e8ec")
HEADER_BACKGROUND = QColor("#fbfcfd")
TEXT = QColor("#1f2933")
MUTED = QColor("#66788a")
FREE_FILL = QColor("#f1f9f4")
FREE_HOVER = QColor("#dff1e6")
FREE_BORDER = QColor("#a7d3b8")
FREE_TEXT = QColor("#2d7a52")
NOW = QColor("#d64545")


def _status_colours(status: AppointmentStatus) -> tuple[QColor, QColor]:
    background, text = APPOINTMENT_STATUS_COLOURS[status]
    return QColor(background), QColor(text)


class DayGrid(QAbstractScrollArea):
    selection_changed = Signal(object)  # Block | None
    # A free cell was clicked: book there.
    free_clicked = Signal(object)  # Block
    # Enter or a double click on the selection.
    activated = Signal(object)  # Block
    menu_requested = Signal(object, QPoint)  # Block | None, global position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dayGrid")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.layout_: DayLayout | None = None
        self._tz: tzinfo | None = None
        self._now: datetime | None = None
        self._selected: tuple[object, ...] | None = None
        self._hover: tuple[object, ...] | None = None
        self._empty_text = ""
        self.paint_count = 0

        base = QFont(self.font())
        self._font_small = QFont(base)
        self._font_small.setPointSizeF(max(base.pointSizeF() - 1.5, 7.5))
        self._font_small_bold = QFont(self._font_small)
        self._font_small_bold.setWeight(QFont.Weight.DemiBold)
        self._font_bold = QFont(base)
        self._font_bold.setPointSizeF(max(base.pointSizeF() - 0.5, 8.0))
        self._font_bold.setWeight(QFont.Weight.DemiBold)
        self._font_header = QFont(base)
        self._font_header.setWeight(QFont.Weight.DemiBold)

    # --- data ------------------------------------------------------------

    def set_layout(self, layout: DayLayout, tz: tzinfo, now: datetime) -> None:
        day_changed = self.layout_ is None or self.layout_.day != layout.day
        self.layout_ = layout
        self._tz = tz
        self._now = now
        if layout.find(self._selected) is None:
            self._selected = None
            self.selection_changed.emit(None)
        else:
            self.selection_changed.emit(layout.find(self._selected))
        self._hover = None
        self._update_scrollbars()
        if day_changed:
            self._scroll_to_start()
        self.viewport().update()

    def set_now(self, now: datetime) -> None:
        self._now = now
        self.viewport().update()

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.viewport().update()

    def selected_block(self) -> Block | None:
        return self.layout_.find(self._selected) if self.layout_ else None

    def select_key(self, key: tuple[object, ...] | None, *, reveal: bool = True) -> Block | None:
        block = self.layout_.find(key) if self.layout_ else None
        self._selected = block.key if block else None
        if block is not None and reveal:
            self.reveal(block)
        self.selection_changed.emit(block)
        self.viewport().update()
        return block

    # --- geometry --------------------------------------------------------

    def column_width(self) -> float:
        if self.layout_ is None or not self.layout_.columns:
            return COLUMN_MIN_WIDTH
        room = self.viewport().width() - GUTTER
        return max(COLUMN_MIN_WIDTH, room / len(self.layout_.columns))

    def content_size(self) -> QSize:
        if self.layout_ is None:
            return QSize(0, 0)
        width = GUTTER + self.column_width() * len(self.layout_.columns)
        height = (
            HEADER
            + TOP_PAD
            + (self.layout_.last_min - self.layout_.first_min) * PX_PER_MIN
            + BOTTOM
        )
        return QSize(math.ceil(width), math.ceil(height))

    def _origin(self) -> QPointF:
        """Where column 0 at the grid's first minute is, in viewport coordinates."""
        return QPointF(
            GUTTER - self.horizontalScrollBar().value(),
            HEADER + TOP_PAD - self.verticalScrollBar().value(),
        )

    def _y(self, minutes: int) -> float:
        assert self.layout_ is not None
        return self._origin().y() + (minutes - self.layout_.first_min) * PX_PER_MIN

    def block_rect(self, block: Block) -> QRectF:
        """The block's rectangle in viewport coordinates."""
        width = self.column_width()
        lane_width = (width - 2 * INSET) / block.lanes
        x = self._origin().x() + block.column * width + INSET + block.lane * lane_width
        top = self._y(block.start_min) + 1
        bottom = self._y(block.end_min) - 1
        return QRectF(x, top, lane_width - (2 if block.lanes > 1 else 0), max(bottom - top, 4))

    def block_at(self, pos: QPoint | QPointF) -> Block | None:
        if self.layout_ is None or pos.x() < GUTTER or pos.y() < HEADER:
            return None
        width = self.column_width()
        column = int((pos.x() - self._origin().x()) // width)
        if not 0 <= column < len(self.layout_.blocks):
            return None
        # Appointments lie over free cells; the last drawn wins.
        hit = None
        for block in self.layout_.blocks[column]:
            if self.block_rect(block).contains(QPointF(pos)) and (
                hit is None or block.kind is BlockKind.APPOINTMENT
            ):
                hit = block
        return hit

    def reveal(self, block: Block) -> None:
        rect = self.block_rect(block)
        view = self.viewport().rect()
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        if rect.top() < HEADER:
            vbar.setValue(vbar.value() - int(HEADER - rect.top()) - 20)
        elif rect.bottom() > view.height():
            vbar.setValue(vbar.value() + int(rect.bottom() - view.height()) + 20)
        if rect.left() < GUTTER:
            hbar.setValue(hbar.value() - int(GUTTER - rect.left()) - 8)
        elif rect.right() > view.width():
            hbar.setValue(hbar.value() + int(rect.right() - view.width()) + 8)

    def _update_scrollbars(self) -> None:
        size = self.content_size()
        view = self.viewport().size()
        self.horizontalScrollBar().setRange(0, max(0, size.width() - view.width()))
        self.horizontalScrollBar().setPageStep(view.width())
        self.horizontalScrollBar().setSingleStep(int(self.column_width() / 3))
        self.verticalScrollBar().setRange(0, max(0, size.height() - view.height()))
        self.verticalScrollBar().setPageStep(view.height())
        self.verticalScrollBar().setSingleStep(int(15 * PX_PER_MIN))

    def _scroll_to_start(self) -> None:
        """Show the present hour when looking at today, else the day's first item."""
        layout = self.layout_
        if layout is None:
            return
        starts = [column[0].start_min for column in layout.blocks if column]
        target = (min(starts) if starts else 8 * 60) - 30
        minutes = self._now_minutes(layout)
        if minutes is not None and layout.first_min <= minutes <= layout.last_min:
            target = minutes - 60
        target = max(target, layout.first_min)
        self.verticalScrollBar().setValue(int((target - layout.first_min) * PX_PER_MIN))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scrollbars()

    def sizeHint(self) -> QSize:
        return QSize(900, 560)

    # --- painting --------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paint_count += 1
        painter = QPainter(self.viewport())
        view = QRectF(self.viewport().rect())
        painter.fillRect(view, BACKGROUND)
        layout = self.layout_
        if layout is None or not layout.columns:
            painter.setPen(MUTED)
            painter.drawText(view, int(Qt.AlignmentFlag.AlignCenter), self._empty_text)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        width = self.column_width()
        origin = self._origin()
        first_col = max(0, int((GUTTER - origin.x()) // width))
        last_col = min(len(layout.columns) - 1, int((view.width() - origin.x()) // width))
        columns = range(first_col, last_col + 1)

        body = QRectF(GUTTER, HEADER, view.width() - GUTTER, view.height() - HEADER)
        painter.save()
        painter.setClipRect(body)
        self._paint_lines(painter, layout, columns, width, origin, view)
        visible_top = self._minute_at(HEADER)
        visible_bottom = self._minute_at(view.height())
        for c in columns:
            for block in layout.blocks[c]:
                if block.end_min < visible_top or block.start_min > visible_bottom:
                    continue
                if block.kind is BlockKind.FREE:
                    self._paint_free(painter, block)
                else:
                    self._paint_appointment(painter, block)
        self._paint_now_line(painter, layout, body)
        painter.restore()

        self._paint_header(painter, layout, columns, width, origin, view)
        self._paint_gutter(painter, layout, view)
        painter.fillRect(QRectF(0, 0, GUTTER, HEADER), HEADER_BACKGROUND)
        painter.setPen(HOUR_LINE)
        painter.drawLine(QPointF(0, HEADER - 0.5), QPointF(GUTTER, HEADER - 0.5))
        painter.drawLine(QPointF(GUTTER - 0.5, 0), QPointF(GUTTER - 0.5, HEADER))

    def _minute_at(self, y: float) -> float:
        assert self.layout_ is not None
        return self.layout_.first_min + (y - self._origin().y()) / PX_PER_MIN

    def _paint_lines(
        self,
        painter: QPainter,
        layout: DayLayout,
        columns: range,
        width: float,
        origin: QPointF,
        view: QRectF,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for c in columns:
            if not layout.columns[c].bookable:
                x = origin.x() + c * width
                painter.fillRect(QRectF(x, HEADER, width, view.height()), OFF_COLUMN)
        right = min(view.width(), origin.x() + width * len(layout.columns))
        for minute in range(layout.first_min, layout.last_min + 1, 15):
            y = round(self._y(minute)) + 0.5
            if y < HEADER or y > view.height():
                continue
            painter.setPen(
                HOUR_LINE if minute % 60 == 0 else HALF_LINE if minute % 30 == 0 else QUARTER_LINE
            )
            painter.drawLine(QPointF(GUTTER, y), QPointF(right, y))
        painter.setPen(COLUMN_LINE)
        bottom = min(view.height(), self._y(layout.last_min))
        for c in range(columns.start, columns.stop + 1):
            x = round(origin.x() + c * width) - 0.5
            painter.drawLine(QPointF(x, HEADER), QPointF(x, bottom))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    def _paint_free(self, painter: QPainter, block: Block) -> None:
        rect = self.block_rect(block).adjusted(0, 0.5, 0, -0.5)
        selected = block.key == self._selected
        hovered = block.key == self._hover
        painter.setBrush(FREE_HOVER if hovered or selected else FREE_FILL)
        painter.setPen(QPen(QColor(ACCENT) if selected else FREE_BORDER, 2 if selected else 1))
        painter.drawRoundedRect(rect, 3, 3)
        if rect.height() >= 13 and block.slot is not None and self._tz is not None:
            painter.setFont(self._font_small)
            painter.setPen(FREE_TEXT)
            label = block.slot.start.astimezone(self._tz).strftime("%H:%M")
            if hovered or selected:
                label += "  book"
            painter.drawText(
                rect.adjusted(6, 0, -4, 0),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                label,
            )

    def _paint_appointment(self, painter: QPainter, block: Block) -> None:
        row = block.appointment
        assert row is not None and self._tz is not None
        rect = self.block_rect(block)
        background, text = _status_colours(row.status)
        cancelled = row.status is AppointmentStatus.CANCELLED
        selected = block.key == self._selected
        painter.save()
        if cancelled:
            painter.setOpacity(0.6)
        painter.setBrush(background)
        border = QColor(text)
        border.setAlpha(90)
        pen = QPen(QColor(ACCENT) if selected else border, 2 if selected else 1)
        if cancelled and not selected:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 5, 5)
        # The service's colour as a bar on the left edge.
        bar = QRectF(rect.left() + 2, rect.top() + 3, 4, max(rect.height() - 6, 2))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(row.colour) if row.colour else border)
        painter.drawRoundedRect(bar, 2, 2)

        inner = rect.adjusted(10, 3, -5, -2)
        painter.setClipRect(rect.adjusted(1, 1, -1, -1), Qt.ClipOperation.IntersectClip)
        when = time_range(row.starts_at, row.ends_at, self._tz)
        status = APPOINTMENT_STATUS_LABELS[row.status]
        small = QFontMetrics(self._font_small)
        bold = QFontMetrics(self._font_bold)
        y = inner.top()
        one_line = inner.height() < small.height() + bold.height()
        if one_line:
            painter.setFont(self._font_bold)
            painter.setPen(text)
            line = f"{when[:5]}  {row.client_name}"
            painter.drawText(
                QRectF(inner.left(), y, inner.width(), inner.height()),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                bold.elidedText(line, Qt.TextElideMode.ElideRight, int(inner.width())),
            )
            painter.restore()
            return
        time_font = QFont(self._font_small_bold)
        time_font.setStrikeOut(cancelled)
        painter.setFont(time_font)
        painter.setPen(text)
        painter.drawText(QPointF(inner.left(), y + small.ascent()), when)
        status_width = small.horizontalAdvance(status)
        if small.horizontalAdvance(when) + status_width + 12 <= inner.width():
            painter.setFont(self._font_small)
            painter.drawText(
                QPointF(inner.right() - status_width, y + small.ascent()),
                status,
            )
        y += small.height() + 1
        painter.setFont(self._font_bold)
        painter.setPen(TEXT)
        painter.drawText(
            QPointF(inner.left(), y + bold.ascent()),
            bold.elidedText(row.client_name, Qt.TextElideMode.ElideRight, int(inner.width())),
        )
        y += bold.height()
        if y + small.height() <= inner.bottom() + 2:
            painter.setFont(self._font_small)
            painter.setPen(MUTED)
            painter.drawText(
                QPointF(inner.left(), y + small.ascent()),
                small.elidedText(row.service_name, Qt.TextElideMode.ElideRight, int(inner.width())),
            )
        painter.restore()

    def _paint_now_line(self, painter: QPainter, layout: DayLayout, body: QRectF) -> None:
        minutes = self._now_minutes(layout)
        if minutes is None:
            return
        y = self._y(minutes)
        if not body.top() <= y <= body.bottom():
            return
        right = min(body.right(), self._origin().x() + self.column_width() * len(layout.columns))
        painter.setPen(QPen(NOW, 2))
        painter.drawLine(QPointF(GUTTER, y), QPointF(right, y))
        painter.setBrush(NOW)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QPointF(GUTTER + 1, y), 4, 4)

    def _now_minutes(self, layout: DayLayout) -> int | None:
        if self._now is None or self._tz is None:
            return None
        if self._now.astimezone(self._tz).date() != layout.day:
            return None
        return local_minutes(self._now, layout.day, self._tz)

    def _paint_header(
        self,
        painter: QPainter,
        layout: DayLayout,
        columns: range,
        width: float,
        origin: QPointF,
        view: QRectF,
    ) -> None:
        area = QRectF(GUTTER, 0, view.width() - GUTTER, HEADER)
        painter.save()
        painter.setClipRect(area)
        painter.fillRect(area, HEADER_BACKGROUND)
        name_metrics = QFontMetrics(self._font_header)
        small = QFontMetrics(self._font_small)
        for c in columns:
            column = layout.columns[c]
            x = origin.x() + c * width
            cell = QRectF(x + 10, 7, width - 18, HEADER - 12)
            dot = QColor(column.colour) if column.colour else MUTED
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(dot)
            painter.drawEllipse(
                QPointF(cell.left() + 4, cell.top() + name_metrics.ascent() / 2 + 2), 4, 4
            )
            painter.setFont(self._font_header)
            painter.setPen(TEXT)
            painter.drawText(
                QPointF(cell.left() + 14, cell.top() + name_metrics.ascent()),
                name_metrics.elidedText(
                    column.name, Qt.TextElideMode.ElideRight, int(cell.width() - 14)
                ),
            )
            painter.setFont(self._font_small)
            painter.setPen(MUTED)
            painter.drawText(
                QPointF(cell.left() + 14, cell.top() + name_metrics.height() + small.ascent() + 1),
                small.elidedText(
                    column_caption(column.appointments, column.free, column.bookable),
                    Qt.TextElideMode.ElideRight,
                    int(cell.width() - 14),
                ),
            )
        painter.setPen(HOUR_LINE)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.drawLine(QPointF(GUTTER, HEADER - 0.5), QPointF(view.width(), HEADER - 0.5))
        for c in range(columns.start, columns.stop + 1):
            x = round(origin.x() + c * width) - 0.5
            painter.drawLine(QPointF(x, 8), QPointF(x, HEADER - 8))
        painter.restore()

    def _paint_gutter(self, painter: QPainter, layout: DayLayout, view: QRectF) -> None:
        area = QRectF(0, HEADER, GUTTER, view.height() - HEADER)
        painter.save()
        painter.setClipRect(area)
        painter.fillRect(area, BACKGROUND)
        painter.setFont(self._font_small)
        metrics = QFontMetrics(self._font_small)
        painter.setPen(MUTED)
        for minute in range(layout.first_min, layout.last_min + 1, 60):
            y = self._y(minute)
            if y < HEADER - metrics.height() or y > view.height() + metrics.height():
                continue
            label = f"{minute // 60:02d}:00"
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, GUTTER - 10, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label,
            )
        minutes = self._now_minutes(layout)
        if minutes is not None and self._now is not None and self._tz is not None:
            y = self._y(minutes)
            label = self._now.astimezone(self._tz).strftime("%H:%M")
            pill = QRectF(4, y - 9, GUTTER - 10, 18)
            if HEADER <= y <= view.height():
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(NOW)
                painter.drawRoundedRect(pill, 9, 9)
                painter.setPen(QColor("#ffffff"))
                painter.setFont(self._font_small_bold)
                painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), label)
        painter.setPen(HOUR_LINE)
        painter.drawLine(QPointF(GUTTER - 0.5, HEADER), QPointF(GUTTER - 0.5, view.height()))
        painter.restore()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    # --- interaction -----------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        block = self.block_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton:
            self.select_key(block.key if block else None, reveal=False)
            if block is not None and block.kind is BlockKind.FREE:
                self.free_clicked.emit(block)
        elif event.button() == Qt.MouseButton.RightButton and block is not None:
            self.select_key(block.key, reveal=False)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        block = self.block_at(event.position())
        if block is not None and block.kind is BlockKind.APPOINTMENT:
            self.activated.emit(block)
        else:
            super().mouseDoubleClickEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        block = self.block_at(event.position())
        key = block.key if block is not None and block.kind is BlockKind.FREE else None
        if key != self._hover:
            self._hover = key
            self.viewport().setCursor(
                Qt.CursorShape.PointingHandCursor if key else Qt.CursorShape.ArrowCursor
            )
            self.viewport().update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover is not None:
            self._hover = None
            self.viewport().update()
        super().leaveEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        # Like every mouse event of a scroll area, in viewport coordinates.
        block = self.block_at(event.pos())
        if block is not None:
            self.select_key(block.key, reveal=False)
        self.menu_requested.emit(block, event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.layout_ is not None:
            self._step(1 if key == Qt.Key.Key_Down else -1)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            block = self.selected_block()
            if block is not None:
                self.activated.emit(block)
                return
        super().keyPressEvent(event)

    def _step(self, step: int) -> None:
        assert self.layout_ is not None
        order = self.layout_.appointment_order
        if not order:
            return
        current = self.selected_block()
        keys = [b.key for b in order]
        if current is not None and current.key in keys:
            index = min(max(keys.index(current.key) + step, 0), len(order) - 1)
        else:
            at = current.start_min if current is not None else self._default_minute()
            after = [i for i, b in enumerate(order) if b.start_min >= at]
            if step > 0:
                index = after[0] if after else len(order) - 1
            else:
                index = (
                    (after[0] - 1) if after and after[0] > 0 else (0 if after else len(order) - 1)
                )
        self.select_key(order[index].key)

    def _default_minute(self) -> int:
        layout = self.layout_
        assert layout is not None
        minutes = self._now_minutes(layout)
        return minutes if minutes is not None else 0

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            block = self.block_at(event.pos())
            if block is not None and self._tz is not None:
                QToolTip.showText(event.globalPos(), block_tooltip(block, self._tz), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)


def column_caption(appointments: int, free: int, bookable: bool) -> str:
    if not bookable:
        return f"{appointments} booked · not taking bookings"
    booked = f"{appointments} booked"
    return f"{booked} · {free} free" if free else booked


def block_tooltip(block: Block, tz: tzinfo) -> str:
    row = block.appointment
    if row is not None:
        lines = [
            f"{time_range(row.starts_at, row.ends_at, tz)}  {row.client_name}",
            f"{row.service_name} with {row.practitioner_name}",
            f"{APPOINTMENT_STATUS_LABELS[row.status]} · {row.reference}",
        ]
        if row.cancel_reason:
            lines.append(f"Cancelled: {row.cancel_reason}")
        return "\n".join(lines)
    assert block.slot is not None
    start = block.slot.start.astimezone(tz)
    return f"Free at {start:%H:%M}: click (or Enter) to book"


def day_label(day: date, today: date) -> str:
    delta = (day - today).days
    if delta == 0:
        return "Today"
    if delta == 1:
        return "Tomorrow"
    if delta == -1:
        return "Yesterday"
    return f"{day:%A}"
