"""How the calendar looks: columns, hour lines, headers, blocks coloured by
status, the now line and the ghost of a block being dragged."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPen,
)

from desktop_app.booking.queries import AppointmentRow
from models.enums import AppointmentStatus
from ui.calendar.calendar_geometry import CalendarGeometry
from ui.calendar.calendar_items import (
    BACKGROUND,
    COLUMN_LINE,
    GUTTER,
    HEADER,
    HOUR_LINE,
    MUTED,
    NOW_LINE,
    QUARTER_LINE,
    TEXT,
    TODAY_BACKGROUND,
    WEEKEND_BACKGROUND,
    Placed,
    fitted_title,
    fitting,
    local_minutes,
    tint,
)
from ui.kit.formatting import APPOINTMENT_STATUS_COLOURS, APPOINTMENT_STATUS_LABELS, time_range
from ui.kit.resources import ACCENT


class CalendarCanvas(CalendarGeometry):
    """Paints the columns, hours, blocks, the now line and a dragged block's ghost."""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), BACKGROUND)
        self._paint_columns(painter)
        self._paint_hours(painter)
        self._paint_header(painter)
        for placed in self._placed:
            self._paint_block(painter, placed)
        self._paint_now(painter)
        self._paint_ghost(painter)
        painter.end()

    def _paint_columns(self, painter: QPainter) -> None:
        today = self._content.today
        for i, column in enumerate(self._content.columns):
            rect = self.column_rect(i)
            if column.day == today and len({c.day for c in self._content.columns}) > 1:
                painter.fillRect(rect, TODAY_BACKGROUND)
            elif column.day.weekday() >= 5:
                painter.fillRect(rect, WEEKEND_BACKGROUND)

    def _paint_hours(self, painter: QPainter) -> None:
        body = self._body()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1.5))
        painter.setFont(small)
        metrics = QFontMetrics(small)
        quarter = self.hour_height() / 4
        for hour in range(self._first_hour, self._last_hour + 1):
            y = self.y_for(hour * 60)
            painter.setPen(QPen(HOUR_LINE, 1))
            painter.drawLine(QPointF(body.left() - 6, y), QPointF(body.right(), y))
            if hour < self._last_hour and quarter >= 6:
                painter.setPen(QPen(QUARTER_LINE, 1))
                for q in (1, 2, 3):
                    yq = y + q * quarter
                    painter.drawLine(QPointF(body.left(), yq), QPointF(body.right(), yq))
            painter.setPen(MUTED)
            label = f"{hour:02d}:00"
            text_y = y - metrics.height() / 2
            if hour == self._first_hour:
                text_y = y + 1
            painter.drawText(
                QRectF(0, text_y, GUTTER - 10, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        painter.setPen(QPen(COLUMN_LINE, 1))
        for i in range(len(self._content.columns) + 1):
            x = body.left() + i * self._column_width()
            painter.drawLine(QPointF(x, HEADER - 8), QPointF(x, body.bottom()))
        for i, column in enumerate(self._content.columns):
            lanes = len(column.practitioner_ids)
            if lanes > 1:
                painter.setPen(QPen(QUARTER_LINE, 1, Qt.PenStyle.DashLine))
                for lane in range(1, lanes):
                    x = self.lane_rect(i, lane).left()
                    painter.drawLine(QPointF(x, body.top()), QPointF(x, body.bottom()))

    def _paint_header(self, painter: QPainter) -> None:
        title_font = QFont(self.font())
        title_font.setBold(True)
        sub_font = QFont(self.font())
        sub_font.setPointSizeF(max(7.0, self.font().pointSizeF() - 1.5))
        title_metrics = QFontMetrics(title_font)
        sub_metrics = QFontMetrics(sub_font)
        today = self._content.today
        several_days = len({c.day for c in self._content.columns}) > 1
        for i, column in enumerate(self._content.columns):
            rect = self.column_rect(i)
            inner = QRectF(rect.left() + 6, 6, rect.width() - 12, HEADER - 12)
            is_today = several_days and column.day == today
            if len(column.practitioner_ids) == 1 and not several_days:
                p = self._content.practitioners.get(column.practitioner_ids[0])
                if p is not None:
                    painter.setBrush(QColor(p.colour))
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.drawRoundedRect(QRectF(inner.left(), 10, 4, HEADER - 22), 2, 2)
                    inner.adjust(10, 0, 0, 0)
            painter.setFont(title_font)
            painter.setPen(QColor(ACCENT) if is_today else TEXT)
            painter.drawText(
                QRectF(inner.left(), inner.top(), inner.width(), title_metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fitted_title(column.title, title_metrics, int(inner.width())),
            )
            if column.subtitle:
                painter.setFont(sub_font)
                painter.setPen(QColor(ACCENT) if is_today else MUTED)
                painter.drawText(
                    QRectF(
                        inner.left(),
                        inner.top() + title_metrics.height() + 1,
                        inner.width(),
                        sub_metrics.height(),
                    ),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    sub_metrics.elidedText(
                        column.subtitle, Qt.TextElideMode.ElideRight, int(inner.width())
                    ),
                )
        painter.setPen(QPen(HOUR_LINE, 1))
        painter.drawLine(QPointF(GUTTER, HEADER - 1), QPointF(self._body().right(), HEADER - 1))

    def _colours(self, row: AppointmentRow, lanes: int) -> tuple[QColor, QColor, QColor]:
        """(fill, text, accent stripe) for a block."""
        background, text = APPOINTMENT_STATUS_COLOURS[row.status]
        practitioner = self._content.practitioners.get(row.practitioner_id)
        if lanes > 1 and practitioner is not None and row.status is AppointmentStatus.BOOKED:
            # Several people side by side: the person is what the eye looks for.
            return tint(practitioner.colour, 0.22), TEXT, QColor(practitioner.colour)
        stripe = QColor(practitioner.colour if lanes > 1 and practitioner else row.colour)
        return QColor(background), QColor(text), stripe

    def _paint_block(self, painter: QPainter, placed: Placed) -> None:
        row = placed.row
        rect = self._rect_of(placed)
        lanes = len(self._content.columns[placed.column].practitioner_ids)
        fill, text, stripe = self._colours(row, lanes)
        cancelled = row.status is AppointmentStatus.CANCELLED
        pending = row.id in self._pending
        dragged = (
            self._press is not None
            and self._press.dragging
            and self._press.row is not None
            and self._press.row.id == row.id
        )
        painter.save()
        if cancelled:
            painter.setOpacity(0.55)
        elif dragged:
            painter.setOpacity(0.35)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setBrush(stripe)
        painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 4, rect.height()), 2, 2)
        if pending:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(ACCENT), 1.5, Qt.PenStyle.DashLine))
            painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        elif row.id == self.selected_id:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(ACCENT), 2))
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
        starts_at, _pid = self._where(row)
        ends_at = starts_at + (row.ends_at - row.starts_at)
        self._paint_label(
            painter,
            rect,
            text,
            (starts_at, ends_at),
            row,
            cancelled=cancelled,
            note="moving…" if pending else "",
        )
        painter.restore()

    def _paint_label(
        self,
        painter: QPainter,
        rect: QRectF,
        colour: QColor,
        span: tuple[datetime, datetime],
        row: AppointmentRow,
        *,
        cancelled: bool = False,
        note: str = "",
    ) -> None:
        """Time, client, service and status, as many lines as the block holds.

        A narrow block gets the start time only; a low one a single line,
        time and client together.
        """
        inner = rect.adjusted(7 if rect.width() > 50 else 6, 1, -1, -1)
        if inner.width() < 10:
            return
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1.5))
        bold = QFont(small)
        bold.setBold(True)
        bold.setStrikeOut(cancelled)
        tiny = QFont(small)
        tiny.setPointSizeF(max(6.5, small.pointSizeF() - 1))
        line = QFontMetrics(small).height()
        tz = self._content.tz
        start = span[0].astimezone(tz).strftime("%H:%M")
        time_font, times = fitting(
            int(inner.width()),
            [
                (bold, time_range(span[0], span[1], tz)),
                (bold, start),
                # A lane of a busy week: "9:30" or a lighter "10:30" still read; "10:…" does not.
                (bold, start.removeprefix("0")),
                (small, start.removeprefix("0")),
                (tiny, start.removeprefix("0")),
            ],
        )
        bold_metrics = QFontMetrics(time_font)
        start = times if len(times) <= 5 else start
        if note:
            times = f"{times} {note}"
        painter.save()
        painter.setClipRect(rect)
        painter.setPen(colour)
        if inner.height() < 2 * line:
            # One line: time and client side by side, centred in the block.
            top = rect.center().y() - line / 2
            painter.setFont(time_font)
            lead = bold_metrics.elidedText(start, Qt.TextElideMode.ElideRight, int(inner.width()))
            painter.drawText(
                QRectF(inner.left(), top, inner.width(), line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                lead,
            )
            rest = inner.width() - bold_metrics.horizontalAdvance(lead + " ")
            if rest > 12:
                painter.setFont(small)
                name = QFontMetrics(small).elidedText(
                    note or row.client_name, Qt.TextElideMode.ElideRight, int(rest)
                )
                painter.drawText(
                    QRectF(inner.right() - rest, top, rest, line),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    name,
                )
            painter.restore()
            return
        lines: list[tuple[QFont, str]] = [
            (time_font, times),
            (small, row.client_name),
            (small, row.service_name),
        ]
        if row.status is not AppointmentStatus.BOOKED:
            lines.append((small, APPOINTMENT_STATUS_LABELS[row.status]))
        y = inner.top()
        for font, text in lines[: int(inner.height() // line)]:
            painter.setFont(font)
            elided = QFontMetrics(font).elidedText(
                text, Qt.TextElideMode.ElideRight, int(inner.width())
            )
            painter.drawText(
                QRectF(inner.left(), y, inner.width(), line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                elided,
            )
            y += line
        painter.restore()

    def _paint_now(self, painter: QPainter) -> None:
        now, tz = self._content.now, self._content.tz
        if now is None:
            return
        day, minutes = local_minutes(now, tz)
        if not self._first_hour * 60 <= minutes <= self._last_hour * 60:
            return
        y = self.y_for(minutes)
        columns = [i for i, c in enumerate(self._content.columns) if c.day == day]
        if not columns:
            return
        left = self.column_rect(columns[0]).left()
        right = self.column_rect(columns[-1]).right()
        painter.save()
        painter.setPen(QPen(NOW_LINE, 2))
        painter.drawLine(QPointF(left, y), QPointF(right, y))
        painter.setBrush(NOW_LINE)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QPointF(left, y), 4, 4)
        painter.restore()

    def _paint_ghost(self, painter: QPainter) -> None:
        press = self._press
        if press is None or not press.dragging or press.row is None or press.target is None:
            return
        column_index, pid, minute = press.target
        column = self._content.columns[column_index]
        if pid not in column.practitioner_ids:
            return
        row = press.row
        duration = (row.ends_at - row.starts_at).total_seconds() / 60
        ghost = Placed(
            row,
            column_index,
            column.practitioner_ids.index(pid),
            minute,
            min(minute + duration, self._last_hour * 60),
        )
        rect = self._rect_of(ghost)
        fill, text, _stripe = self._colours(row, len(column.practitioner_ids))
        painter.save()
        fill.setAlpha(215)
        painter.setBrush(fill)
        painter.setPen(QPen(QColor(ACCENT), 2, Qt.PenStyle.DashLine))
        painter.drawRoundedRect(rect, 4, 4)
        starts_at = self._instant(column.day, minute)
        note = f"· {self._name(pid)}" if pid != row.practitioner_id else ""
        span = (starts_at, starts_at + (row.ends_at - row.starts_at))
        self._paint_label(painter, rect, text, span, row, note=note)
        painter.restore()
