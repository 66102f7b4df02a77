"""How the week grid looks: hour lines, day headers with each day's total,
blocks in the practitioner's colour, problems outlined in red."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)

from desktop_app.availability.weekly_blocks import (
    hm_minutes,
)
from ui.kit.resources import ACCENT
from ui.schedule.week_layout import (
    GRID_BACKGROUND,
    GUTTER,
    HEADER,
    HOUR_LINE,
    MUTED,
    PROBLEM,
    SLOT_LINE,
    TEXT,
    WEEKDAY_NAMES,
    WEEKDAY_SHORT,
    WEEKEND_BACKGROUND,
    Block,
    WeekGridState,
    duration_text,
)


class WeekGridCanvas(WeekGridState):
    """Paints the hours, the day headers with their totals, and the blocks."""

    def sizeHint(self) -> QSize:
        return QSize(900, 560)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            self._paint_background(painter)
            self._paint_header(painter)
            self._paint_blocks(painter)
            if not self._blocks and self._drag is None:
                self._paint_hint(painter)
        finally:
            painter.end()

    def _paint_background(self, painter: QPainter) -> None:
        outline = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        path = QPainterPath()
        path.addRoundedRect(outline, 8, 8)
        painter.fillPath(path, GRID_BACKGROUND)
        border = QColor(ACCENT) if self.hasFocus() else HOUR_LINE
        painter.setPen(QPen(border, 1))
        painter.drawPath(path)

        first, last = self.visible_range()
        top, bottom = self.y_of(first), self.y_of(last)
        width = self.column_width()
        for weekday in (5, 6):
            painter.fillRect(
                QRectF(self.x_of(weekday), top, width, bottom - top), WEEKEND_BACKGROUND
            )

        left, right = float(GUTTER), self.x_of(7)
        if self._interval * self.pixels_per_minute() >= 5:
            painter.setPen(QPen(SLOT_LINE, 1))
            for minute in range(first, last, self._interval):
                if minute % 60:
                    y = round(self.y_of(minute)) + 0.5
                    painter.drawLine(QPointF(left, y), QPointF(right, y))

        label_font = QFont(self.font())
        label_font.setPointSizeF(max(7.0, label_font.pointSizeF() - 1.5))
        painter.setFont(label_font)
        label_height = QFontMetrics(label_font).height()
        for minute in range(first, last + 1, 60):
            y = round(self.y_of(minute)) + 0.5
            painter.setPen(QPen(HOUR_LINE, 1))
            painter.drawLine(QPointF(left - 6, y), QPointF(right, y))
            if minute < last:
                painter.setPen(MUTED)
                painter.drawText(
                    QRectF(4, y + 1, GUTTER - 14, label_height),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                    hm_minutes(minute),
                )
        painter.setPen(QPen(HOUR_LINE, 1))
        for weekday in range(8):
            x = round(self.x_of(weekday)) + 0.5
            painter.drawLine(QPointF(x, HEADER - 8), QPointF(x, bottom))

    def _paint_header(self, painter: QPainter) -> None:
        width = self.column_width()
        name_font = QFont(self.font())
        name_font.setBold(True)
        total_font = QFont(self.font())
        total_font.setPointSizeF(max(7.0, total_font.pointSizeF() - 1.5))
        long_names = QFontMetrics(name_font).horizontalAdvance("Wednesday") + 12 <= width
        totals = [0] * 7
        for block in self._blocks:
            if 0 <= block.weekday <= 6 and block.end > block.start:
                totals[block.weekday] += block.duration
        for weekday in range(7):
            rect = QRectF(self.x_of(weekday), 6, width, 20)
            painter.setFont(name_font)
            painter.setPen(TEXT)
            name = WEEKDAY_NAMES[weekday] if long_names else WEEKDAY_SHORT[weekday]
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, name)
            painter.setFont(total_font)
            painter.setPen(MUTED)
            total = duration_text(totals[weekday]) if totals[weekday] else "No hours"
            painter.drawText(rect.translated(0, 17), Qt.AlignmentFlag.AlignCenter, total)

    def _block_colours(self) -> tuple[QColor, QColor, QColor]:
        base = self._colour
        fill = QColor(
            round(base.red() * 0.22 + 255 * 0.78),
            round(base.green() * 0.22 + 255 * 0.78),
            round(base.blue() * 0.22 + 255 * 0.78),
        )
        text = base.darker(190)
        return base, fill, text

    def _paint_blocks(self, painter: QPainter) -> None:
        problems = self.problems()
        drag = self._drag
        moving = drag.index if drag is not None and drag.started else None
        for index in self._paint_order():
            block = self._blocks[index]
            rect = self.block_rect(index)
            if index == moving and drag is not None and drag.candidate is not None:
                self._paint_ghost(painter, rect)
                continue
            self._paint_block(
                painter, block, rect, selected=index == self._selected, problem=index in problems
            )
        if drag is not None and drag.started and drag.candidate is not None:
            others = [b for i, b in enumerate(self._blocks) if i != drag.index]
            clash = any(drag.candidate.overlaps(b) for b in others)
            self._paint_block(
                painter,
                drag.candidate,
                self.block_rect(drag.candidate),
                selected=drag.index is not None,
                problem=clash,
                live=True,
            )

    def _paint_ghost(self, painter: QPainter, rect: QRectF) -> None:
        base, _, _ = self._block_colours()
        pen = QPen(base, 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, 5, 5)

    def _paint_block(
        self,
        painter: QPainter,
        block: Block,
        rect: QRectF,
        *,
        selected: bool,
        problem: bool,
        live: bool = False,
    ) -> None:
        base, fill, text = self._block_colours()
        if problem:
            fill = QColor("#fdecec")
            text = PROBLEM
        outline = QPainterPath()
        outline.addRoundedRect(rect, 5, 5)
        painter.fillPath(outline, fill)
        # The practitioner's colour as a strip down the left edge.
        painter.save()
        painter.setClipPath(outline)
        painter.fillRect(
            QRectF(rect.left(), rect.top(), 4, rect.height()), PROBLEM if problem else base
        )
        painter.restore()

        if problem:
            pen = QPen(PROBLEM, 2, Qt.PenStyle.DashLine)
        elif live:
            pen = QPen(base, 1.5, Qt.PenStyle.DashLine)
        elif selected:
            pen = QPen(base.darker(130), 2)
        else:
            pen = QPen(base, 1)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, 5, 5)

        if selected and not live and rect.height() >= 14:
            painter.setPen(QPen(GRID_BACKGROUND, 1))
            painter.setBrush(base.darker(130))
            handle = min(28.0, rect.width() / 3)
            centre = rect.center().x()
            # Grabbers astride the top and bottom edges: dragging those resizes.
            for y in (rect.top() - 2.5, rect.bottom() - 2.5):
                painter.drawRoundedRect(QRectF(centre - handle / 2, y, handle, 5), 2, 2)

        badge = problem and rect.width() >= 36 and rect.height() >= 16
        # In a narrow block the text needs the width: the badge goes to the bottom.
        badge_on_top = badge and (rect.width() >= 90 or rect.height() < 40)
        if badge:
            self._paint_badge(painter, rect, top=badge_on_top)
        self._paint_block_text(
            painter, block, rect.adjusted(0, 0, -14 if badge_on_top else 0, 0), text
        )

    def _paint_badge(self, painter: QPainter, rect: QRectF, *, top: bool) -> None:
        """A red "!" in a corner: this block is why Save will be refused."""
        centre = QPointF(rect.right() - 9, rect.top() + 9 if top else rect.bottom() - 9)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PROBLEM)
        painter.drawEllipse(centre, 6.5, 6.5)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(7.5)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(
            QRectF(centre.x() - 6, centre.y() - 7, 12, 14), Qt.AlignmentFlag.AlignCenter, "!"
        )

    def _paint_block_text(
        self, painter: QPainter, block: Block, rect: QRectF, colour: QColor
    ) -> None:
        inner = rect.adjusted(9, 2, -3, -2)
        times_font = QFont(self.font())
        times_font.setBold(True)
        times_font.setPointSizeF(max(7.0, times_font.pointSizeF() - 1))
        metrics = QFontMetrics(times_font)
        if inner.height() < metrics.height() - 4:
            # A short block still says its times, smaller.
            times_font.setPointSizeF(7.0)
            metrics = QFontMetrics(times_font)
            inner = rect.adjusted(10, 0, -4, 0)
            if inner.height() < metrics.height() - 5:
                return
        painter.setFont(times_font)
        painter.setPen(colour)
        times = [block.times]
        # Too narrow for "09:00–12:30" (blocks side by side): start and end on two lines.
        fits = metrics.horizontalAdvance(block.times) <= inner.width()
        if not fits and inner.height() >= 2 * metrics.height() - 4:
            times = [hm_minutes(block.start), f"–{hm_minutes(block.end)}"]
        y = inner.top()
        for text in times:
            painter.drawText(
                QRectF(inner.left(), y, inner.width(), metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(text, Qt.TextElideMode.ElideRight, round(inner.width())),
            )
            y += metrics.height()
        details = [text for text in (self._services_text(block), block.room or "") if text]
        if not details:
            return
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1.5))
        small_metrics = QFontMetrics(small)
        painter.setFont(small)
        for text in details:
            if y + small_metrics.height() > inner.bottom() + 2:
                break
            painter.drawText(
                QRectF(inner.left(), y, inner.width(), small_metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                small_metrics.elidedText(text, Qt.TextElideMode.ElideRight, round(inner.width())),
            )
            y += small_metrics.height()

    def _services_text(self, block: Block) -> str:
        if not block.service_ids:
            return ""
        names = sorted(self._service_names.get(s, "a removed service") for s in block.service_ids)
        return "Only " + ", ".join(names)

    def _paint_hint(self, painter: QPainter) -> None:
        painter.setPen(MUTED)
        area = QRectF(GUTTER, HEADER, self.column_width() * 7, self.height() - HEADER)
        text = "No weekly hours yet."
        if not self._read_only:
            text += " Drag down a day's column to add a block of working hours."
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
