"""A calendar of appointments: columns of days or practitioners, rows of time.

The widget draws what it is given and turns the mouse into requests; it
never talks to the database. A column is one local date for one or several
practitioners; with several, each has a lane of its own, side by side. Drag
a booked appointment to move it (a ghost, snapped to 15 minutes, shows where
it would land), click free time to ask for a booking there. The owner sends
the command and either refreshes the content or puts the block back.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop_app.booking import lifecycle
from desktop_app.booking.queries import AppointmentRow
from models.enums import AppointmentStatus
from ui.kit.formatting import APPOINTMENT_STATUS_COLOURS, APPOINTMENT_STATUS_LABELS, time_range
from ui.kit.resources import ACCENT

SNAP_MIN = 15
FIRST_HOUR = 7
LAST_HOUR = 20

GUTTER = 56  # time labels
HEADER = 50  # column titles
RIGHT_MARGIN = 8
BOTTOM_MARGIN = 8
# Below these the grid scrolls rather than squeezing blocks into illegibility.
MIN_HOUR_HEIGHT = 40
MIN_COLUMN_WIDTH = 45
BLOCK_INSET = 2
# A press that moves less than this is a click, not a drag.
DRAG_THRESHOLD = 4

BACKGROUND = QColor("#ffffff")
TODAY_BACKGROUND = QColor("#f4f9fc")
WEEKEND_BACKGROUND = QColor("#fafbfc")
HOUR_LINE = QColor("#dfe4ea")
QUARTER_LINE = QColor("#f1f4f7")
COLUMN_LINE = QColor("#dfe4ea")
TEXT = QColor("#1f2933")
MUTED = QColor("#66788a")
NOW_LINE = QColor("#d64545")


@dataclass(frozen=True)
class CalendarPractitioner:
    id: uuid.UUID
    name: str
    colour: str


@dataclass(frozen=True)
class CalendarColumn:
    """One local date for the practitioners in `practitioner_ids` (one lane each)."""

    day: date
    practitioner_ids: tuple[uuid.UUID, ...]
    title: str
    subtitle: str = ""


@dataclass(frozen=True)
class MoveRequest:
    appointment: AppointmentRow
    starts_at: datetime  # UTC
    # None: the same practitioner as before.
    practitioner_id: uuid.UUID | None


@dataclass(frozen=True)
class _Placed:
    row: AppointmentRow
    column: int
    lane: int
    start_min: float  # minutes after local midnight, clipped to the grid
    end_min: float
    sub: int = 0  # side by side inside the lane when they overlap
    subs: int = 1


@dataclass
class _Press:
    row: AppointmentRow | None
    pos: QPointF
    # Minutes between the block's start and where it was grabbed.
    grab_offset: float = 0.0
    dragging: bool = False
    target: tuple[int, uuid.UUID, int] | None = None  # (column, practitioner, start minute)


@dataclass
class _Content:
    columns: list[CalendarColumn] = field(default_factory=list)
    appointments: list[AppointmentRow] = field(default_factory=list)
    practitioners: dict[uuid.UUID, CalendarPractitioner] = field(default_factory=dict)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    today: date | None = None
    now: datetime | None = None
    show_cancelled: bool = True


def local_minutes(instant: datetime, tz: ZoneInfo) -> tuple[date, float]:
    local = instant.astimezone(tz)
    return local.date(), local.hour * 60 + local.minute + local.second / 60


def hm(minutes: float) -> str:
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _fitting(width: int, choices: Sequence[tuple[QFont, str]]) -> tuple[QFont, str]:
    """The first (font, text) that fits in `width`, else the last."""
    for font, text in choices:
        if QFontMetrics(font).horizontalAdvance(text) <= width:
            return font, text
    return choices[-1]


def fitted_title(title: str, metrics: QFontMetrics, width: int) -> str:
    """The title, or "First L." for a name that does not fit, or elided."""
    if metrics.horizontalAdvance(title) <= width:
        return title
    words = title.split()
    if len(words) > 1:
        short = f"{words[0]} {words[-1][0]}."
        if metrics.horizontalAdvance(short) <= width:
            return short
    return metrics.elidedText(title, Qt.TextElideMode.ElideRight, width)


def _tint(colour: str, amount: float) -> QColor:
    """`colour` mixed with white; `amount` 0 is white, 1 the colour itself."""
    c = QColor(colour)
    return QColor(
        round(255 - (255 - c.red()) * amount),
        round(255 - (255 - c.green()) * amount),
        round(255 - (255 - c.blue()) * amount),
    )


def side_by_side(items: Sequence[tuple[float, float]]) -> list[tuple[int, int]]:
    """For intervals in one lane: (position, count) so overlapping ones share the width."""
    order = sorted(range(len(items)), key=lambda i: (items[i][0], -items[i][1]))
    result: list[tuple[int, int]] = [(0, 1)] * len(items)
    cluster: list[int] = []
    ends: list[float] = []  # where the last interval in each position ends
    cluster_end = -math.inf

    def close() -> None:
        for i in cluster:
            result[i] = (result[i][0], len(ends))

    for i in order:
        start, end = items[i]
        if cluster and start >= cluster_end:
            close()
            cluster, ends, cluster_end = [], [], -math.inf
        position = next((p for p, e in enumerate(ends) if e <= start), len(ends))
        if position == len(ends):
            ends.append(end)
        else:
            ends[position] = end
        result[i] = (position, 1)
        cluster.append(i)
        cluster_end = max(cluster_end, end)
    close()
    return result


class CalendarWidget(QWidget):
    """Columns of time with appointment blocks; drag to move, click free time to book."""

    move_requested = Signal(object)  # MoveRequest
    # Free time clicked: (practitioner id, starts_at in UTC).
    slot_clicked = Signal(object, object)
    block_clicked = Signal(object)  # AppointmentRow

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarGrid")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Calendar")
        self._content = _Content()
        self._placed: list[_Placed] = []
        self._first_hour = FIRST_HOUR
        self._last_hour = LAST_HOUR
        self._press: _Press | None = None
        # Moves sent and not yet confirmed by fresh content: drawn where they go.
        self._pending: dict[uuid.UUID, tuple[datetime, uuid.UUID]] = {}
        self.selected_id: uuid.UUID | None = None
        self.movable = True
        self._update_minimum()

    # --- content ---------------------------------------------------------

    def set_content(
        self,
        columns: Sequence[CalendarColumn],
        appointments: Iterable[AppointmentRow],
        practitioners: Iterable[CalendarPractitioner],
        tz: ZoneInfo,
        *,
        today: date | None = None,
        now: datetime | None = None,
        show_cancelled: bool = True,
    ) -> None:
        self._content = _Content(
            list(columns),
            list(appointments),
            {p.id: p for p in practitioners},
            tz,
            today,
            now,
            show_cancelled,
        )
        if self._press is not None and self._press.row is not None:
            # The block being dragged may have moved or gone: drop the drag.
            self._press = None
            self.unsetCursor()
        self._layout()

    def set_now(self, now: datetime, today: date) -> None:
        self._content.now = now
        self._content.today = today
        self.update()

    def set_show_cancelled(self, show: bool) -> None:
        self._content.show_cancelled = show
        self._layout()

    def set_pending(self, appointment_id: uuid.UUID, starts_at: datetime, pid: uuid.UUID) -> None:
        self._pending[appointment_id] = (starts_at, pid)
        self._layout()

    def clear_pending(self, appointment_id: uuid.UUID | None = None) -> None:
        if appointment_id is None:
            self._pending.clear()
        else:
            self._pending.pop(appointment_id, None)
        self._layout()

    def pending(self) -> dict[uuid.UUID, tuple[datetime, uuid.UUID]]:
        return dict(self._pending)

    @property
    def columns(self) -> list[CalendarColumn]:
        return list(self._content.columns)

    def column_titles(self) -> list[str]:
        return [c.title for c in self._content.columns]

    def appointments(self) -> list[AppointmentRow]:
        return [p.row for p in self._placed]

    def hours(self) -> tuple[int, int]:
        return self._first_hour, self._last_hour

    def _visible(self, row: AppointmentRow) -> bool:
        return self._content.show_cancelled or row.status is not AppointmentStatus.CANCELLED

    def _where(self, row: AppointmentRow) -> tuple[datetime, uuid.UUID]:
        return self._pending.get(row.id, (row.starts_at, row.practitioner_id))

    def _layout(self) -> None:
        tz = self._content.tz
        first, last = FIRST_HOUR, LAST_HOUR
        rows = [r for r in self._content.appointments if self._visible(r)]
        for row in rows:
            starts_at, _pid = self._where(row)
            _d, start = local_minutes(starts_at, tz)
            duration = (row.ends_at - row.starts_at).total_seconds() / 60
            first = min(first, int(start // 60))
            last = max(last, min(24, math.ceil((start + duration) / 60)))
        self._first_hour, self._last_hour = first, last

        placed: list[_Placed] = []
        lanes: dict[tuple[int, int], list[_Placed]] = {}
        for row in rows:
            starts_at, pid = self._where(row)
            day, start = local_minutes(starts_at, tz)
            duration = (row.ends_at - row.starts_at).total_seconds() / 60
            for ci, column in enumerate(self._content.columns):
                if column.day == day and pid in column.practitioner_ids:
                    lane = column.practitioner_ids.index(pid)
                    item = _Placed(
                        row,
                        ci,
                        lane,
                        max(start, first * 60),
                        min(start + duration, last * 60),
                    )
                    lanes.setdefault((ci, lane), []).append(item)
                    break
        for items in lanes.values():
            positions = side_by_side([(p.start_min, p.end_min) for p in items])
            for item, (sub, subs) in zip(items, positions, strict=True):
                placed.append(
                    _Placed(
                        item.row, item.column, item.lane, item.start_min, item.end_min, sub, subs
                    )
                )
        # Cancelled ones first, so live appointments are drawn over them.
        placed.sort(key=lambda p: (p.row.status is not AppointmentStatus.CANCELLED, p.start_min))
        self._placed = placed
        self._update_minimum()
        self.update()

    def _update_minimum(self) -> None:
        hours = self._last_hour - self._first_hour
        columns = max(1, len(self._content.columns))
        self.setMinimumSize(
            QSize(
                GUTTER + columns * MIN_COLUMN_WIDTH + RIGHT_MARGIN,
                HEADER + hours * MIN_HOUR_HEIGHT + BOTTOM_MARGIN,
            )
        )

    def sizeHint(self) -> QSize:
        return QSize(900, HEADER + (self._last_hour - self._first_hour) * 52 + BOTTOM_MARGIN)

    # --- geometry --------------------------------------------------------

    def _body(self) -> QRectF:
        return QRectF(
            GUTTER,
            HEADER,
            max(1.0, self.width() - GUTTER - RIGHT_MARGIN),
            max(1.0, self.height() - HEADER - BOTTOM_MARGIN),
        )

    def hour_height(self) -> float:
        return self._body().height() / max(1, self._last_hour - self._first_hour)

    def _column_width(self) -> float:
        return self._body().width() / max(1, len(self._content.columns))

    def column_rect(self, column: int) -> QRectF:
        body = self._body()
        width = self._column_width()
        return QRectF(body.left() + column * width, body.top(), width, body.height())

    def lane_rect(self, column: int, lane: int) -> QRectF:
        rect = self.column_rect(column)
        lanes = max(1, len(self._content.columns[column].practitioner_ids))
        width = rect.width() / lanes
        return QRectF(rect.left() + lane * width, rect.top(), width, rect.height())

    def y_for(self, minutes: float) -> float:
        return HEADER + (minutes - self._first_hour * 60) / 60 * self.hour_height()

    def minutes_at(self, y: float) -> float:
        return self._first_hour * 60 + (y - HEADER) / self.hour_height() * 60

    def column_at(self, x: float) -> tuple[int, int] | None:
        """(column, lane) under x, or None outside the columns."""
        body = self._body()
        if not self._content.columns or not body.left() <= x < body.right():
            return None
        column = min(int((x - body.left()) // self._column_width()), len(self._content.columns) - 1)
        lanes = max(1, len(self._content.columns[column].practitioner_ids))
        offset = x - self.column_rect(column).left()
        lane = min(int(offset // (self._column_width() / lanes)), lanes - 1)
        return column, lane

    def point_for(self, column: int, when: datetime | time, lane: int = 0) -> QPoint:
        """A point inside `column` (its lane `lane`) just after the local time `when`.

        For tests and keyboard helpers: press there, drag there, click there.
        """
        if isinstance(when, datetime):
            _day, minutes = local_minutes(when, self._content.tz)
        else:
            minutes = when.hour * 60 + when.minute
        rect = self.lane_rect(column, lane)
        # A pixel or two below the line lands in the intended quarter hour.
        return QPoint(round(rect.center().x()), math.floor(self.y_for(minutes)) + 2)

    def block_rect(self, appointment_id: uuid.UUID) -> QRectF | None:
        for placed in self._placed:
            if placed.row.id == appointment_id:
                return self._rect_of(placed)
        return None

    def _rect_of(self, placed: _Placed) -> QRectF:
        lane = self.lane_rect(placed.column, placed.lane)
        width = (lane.width() - 2 * BLOCK_INSET) / placed.subs
        top = self.y_for(placed.start_min)
        bottom = self.y_for(placed.end_min)
        return QRectF(
            lane.left() + BLOCK_INSET + placed.sub * width,
            top + 1,
            max(4.0, width - 1),
            max(6.0, bottom - top - 2),
        )

    def _placed_at(self, pos: QPointF) -> _Placed | None:
        for placed in reversed(self._placed):
            if self._rect_of(placed).contains(pos):
                return placed
        return None

    def _is_movable(self, row: AppointmentRow) -> bool:
        return self.movable and lifecycle.is_movable(row.status) and row.id not in self._pending

    def _slot_at(self, pos: QPointF) -> tuple[int, int, float] | None:
        """(column, lane, minute) of a point in the grid."""
        where = self.column_at(pos.x())
        if where is None or not HEADER <= pos.y() < self._body().bottom():
            return None
        return where[0], where[1], self.minutes_at(pos.y())

    def _instant(self, day: date, minutes: float) -> datetime:
        whole = int(minutes)
        local = datetime.combine(day, time(whole // 60, whole % 60), self._content.tz)
        return local.astimezone(UTC)

    # --- mouse -----------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        placed = self._placed_at(pos)
        if placed is not None:
            offset = self.minutes_at(pos.y()) - placed.start_min
            self._press = _Press(placed.row, pos, offset)
            self.selected_id = placed.row.id
            self.update()
        else:
            self._press = _Press(None, pos)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        press = self._press
        if press is None:
            self._hover(pos)
            return
        if press.row is None or not self._is_movable(press.row):
            return
        if not press.dragging:
            if (pos - press.pos).manhattanLength() < DRAG_THRESHOLD:
                return
            press.dragging = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        press.target = self._target(press, pos)
        self.update()

    def _target(self, press: _Press, pos: QPointF) -> tuple[int, uuid.UUID, int] | None:
        assert press.row is not None
        where = self.column_at(pos.x())
        if where is None:
            return None
        column_index, lane = where
        column = self._content.columns[column_index]
        row = press.row
        # A column of several practitioners is one day of a week: the move
        # changes the time, not the person; a column of one is that person.
        if len(column.practitioner_ids) == 1:
            pid = column.practitioner_ids[0]
        elif row.practitioner_id in column.practitioner_ids:
            pid = row.practitioner_id
        else:
            pid = column.practitioner_ids[lane]
        duration = (row.ends_at - row.starts_at).total_seconds() / 60
        start = self.minutes_at(pos.y()) - press.grab_offset
        snapped = round(start / SNAP_MIN) * SNAP_MIN
        lowest = self._first_hour * 60
        highest = self._last_hour * 60 - max(SNAP_MIN, math.ceil(duration / SNAP_MIN) * SNAP_MIN)
        snapped = int(min(max(snapped, lowest), max(lowest, highest)))
        return column_index, pid, snapped

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, self._press = self._press, None
        self.unsetCursor()
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if press.dragging and press.row is not None:
            self.update()
            if press.target is None:
                return
            column_index, pid, minute = press.target
            column = self._content.columns[column_index]
            starts_at = self._instant(column.day, minute)
            row = press.row
            if starts_at == row.starts_at and pid == row.practitioner_id:
                return
            changed = pid if pid != row.practitioner_id else None
            self.set_pending(row.id, starts_at, pid)
            self.move_requested.emit(MoveRequest(row, starts_at, changed))
            return
        if press.row is not None:
            self.block_clicked.emit(press.row)
            return
        slot = self._slot_at(event.position())
        if slot is None:
            return
        column_index, lane, at_minute = slot
        column = self._content.columns[column_index]
        floored = math.floor(at_minute / SNAP_MIN) * SNAP_MIN
        self.slot_clicked.emit(column.practitioner_ids[lane], self._instant(column.day, floored))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._press is not None and self._press.dragging:
            # Put it back where it was: nothing is sent.
            self._press = None
            self.unsetCursor()
            self.update()
            return
        super().keyPressEvent(event)

    def _hover(self, pos: QPointF) -> None:
        placed = self._placed_at(pos)
        if placed is not None and self._is_movable(placed.row):
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        elif placed is None and self._slot_at(pos) is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            placed = self._placed_at(QPointF(event.pos()))
            if placed is not None:
                QToolTip.showText(event.globalPos(), self.tooltip_for(placed.row), self)
            else:
                slot = self._slot_at(QPointF(event.pos()))
                if slot is None:
                    QToolTip.hideText()
                else:
                    column = self._content.columns[slot[0]]
                    name = self._name(column.practitioner_ids[slot[1]])
                    minute = math.floor(slot[2] / SNAP_MIN) * SNAP_MIN
                    QToolTip.showText(
                        event.globalPos(), f"Book {name} at {hm(minute)}: click", self
                    )
            return True
        return super().event(event)

    def tooltip_for(self, row: AppointmentRow) -> str:
        tz = self._content.tz
        local = row.starts_at.astimezone(tz)
        lines = [
            f"{row.client_name} — {row.service_name}",
            f"{local:%a} {local.day} {local:%b}, {time_range(row.starts_at, row.ends_at, tz)}",
            f"With {row.practitioner_name}",
            f"{APPOINTMENT_STATUS_LABELS[row.status]} · {row.reference}",
        ]
        if row.cancel_reason:
            lines.append(f"Cancelled: {row.cancel_reason}")
        if row.room:
            lines.append(f"Room: {row.room}")
        if self._is_movable(row):
            lines.append("Drag to move")
        return "\n".join(lines)

    def _name(self, pid: uuid.UUID) -> str:
        p = self._content.practitioners.get(pid)
        return p.name if p else ""

    # --- painting --------------------------------------------------------

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
            return _tint(practitioner.colour, 0.22), TEXT, QColor(practitioner.colour)
        stripe = QColor(practitioner.colour if lanes > 1 and practitioner else row.colour)
        return QColor(background), QColor(text), stripe

    def _paint_block(self, painter: QPainter, placed: _Placed) -> None:
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
        time_font, times = _fitting(
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
        ghost = _Placed(
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

    # --- for tests -------------------------------------------------------

    def ghost(self) -> tuple[int, uuid.UUID, int] | None:
        """(column, practitioner, start minute) of the ghost while dragging."""
        press = self._press
        return press.target if press is not None and press.dragging else None
