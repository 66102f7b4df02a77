"""The calendar's content (columns, appointments, moves in flight) and its
geometry: which rectangle is which column, lane, minute and block."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.booking import lifecycle
from desktop_app.booking.queries import AppointmentRow
from models.enums import AppointmentStatus
from ui.calendar.calendar_items import (
    BLOCK_INSET,
    BOTTOM_MARGIN,
    FIRST_HOUR,
    GUTTER,
    HEADER,
    LAST_HOUR,
    MIN_COLUMN_WIDTH,
    MIN_HOUR_HEIGHT,
    RIGHT_MARGIN,
    SNAP_MIN,
    CalendarColumn,
    CalendarPractitioner,
    Content,
    Placed,
    Press,
    local_minutes,
    side_by_side,
)


class CalendarGeometry(QWidget):
    """The calendar's content and where everything is on screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarGrid")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Calendar")
        self._content = Content()
        self._placed: list[Placed] = []
        self._first_hour = FIRST_HOUR
        self._last_hour = LAST_HOUR
        self._press: Press | None = None
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
        self._content = Content(
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

        placed: list[Placed] = []
        lanes: dict[tuple[int, int], list[Placed]] = {}
        for row in rows:
            starts_at, pid = self._where(row)
            day, start = local_minutes(starts_at, tz)
            duration = (row.ends_at - row.starts_at).total_seconds() / 60
            for ci, column in enumerate(self._content.columns):
                if column.day == day and pid in column.practitioner_ids:
                    lane = column.practitioner_ids.index(pid)
                    item = Placed(
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
                    Placed(
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

    def _rect_of(self, placed: Placed) -> QRectF:
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

    def _placed_at(self, pos: QPointF) -> Placed | None:
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

    def _target(self, press: Press, pos: QPointF) -> tuple[int, uuid.UUID, int] | None:
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

    def _name(self, pid: uuid.UUID) -> str:
        p = self._content.practitioners.get(pid)
        return p.name if p else ""
