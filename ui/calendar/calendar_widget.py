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

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import (
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
)
from PySide6.QtWidgets import QToolTip

from desktop_app.booking.queries import AppointmentRow
from ui.calendar.calendar_items import (
    DRAG_THRESHOLD,
    SNAP_MIN,
    MoveRequest,
    Press,
    hm,
)
from ui.calendar.calendar_painting import CalendarCanvas
from ui.kit.formatting import APPOINTMENT_STATUS_LABELS, time_range


class CalendarWidget(CalendarCanvas):
    """Columns of time with appointment blocks; drag to move, click free time to book."""

    move_requested = Signal(object)  # MoveRequest
    # Free time clicked: (practitioner id, starts_at in UTC).
    slot_clicked = Signal(object, object)
    block_clicked = Signal(object)  # AppointmentRow

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
            self._press = Press(placed.row, pos, offset)
            self.selected_id = placed.row.id
            self.update()
        else:
            self._press = Press(None, pos)

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

    # --- for tests -------------------------------------------------------

    def ghost(self) -> tuple[int, uuid.UUID, int] | None:
        """(column, practitioner, start minute) of the ghost while dragging."""
        press = self._press
        return press.target if press is not None and press.dragging else None
