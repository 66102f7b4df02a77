"""A week of working hours drawn as a grid, edited with the mouse and keyboard.

Drag on free time to add a block, drag a block to move it (to another day
too), drag its top or bottom edge to resize it, Delete removes the selected
block, double-click (or Enter) asks for its details. Every edit snaps to the
practitioner's slot interval.

The grid edits a local list only; saving is the view's business (one command
with every block, so a week is stored whole or not at all). It refuses edits
it can see are wrong as they happen (an overlap snaps back, with a message);
the core's validation stays the authority, and blocks that arrive off the
grid or overlapping (typed in the details dialog) are outlined in red until
saved or fixed.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import (
    QCursor,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
)
from PySide6.QtWidgets import QToolTip

from ui.schedule.week_grid_painting import WeekGridCanvas
from ui.schedule.week_layout import (
    DRAG_THRESHOLD,
    GUTTER,
    HEADER,
    WEEKDAY_NAMES,
    Block,
    Drag,
    DragState,
    Zone,
)


class WeekGrid(WeekGridCanvas):
    """Monday to Sunday columns, time rows, the practitioner's blocks on top."""

    # --- mouse -------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._read_only:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        weekday = self.weekday_at(pos.x())
        if weekday is None or pos.y() < HEADER:
            self._set_selected(None)
            return
        hit = self._hit(pos)
        minute = self.minute_at(pos.y())
        if hit is None:
            self._set_selected(None)
            self._drag = DragState(Drag.CREATE, None, pos, minute, weekday)
        else:
            index, zone = hit
            self._set_selected(index)
            kind = {
                Zone.BODY: Drag.MOVE,
                Zone.TOP: Drag.RESIZE_TOP,
                Zone.BOTTOM: Drag.RESIZE_BOTTOM,
            }[zone]
            self._drag = DragState(kind, index, pos, minute, weekday)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag is None:
            self._update_cursor(pos)
            return
        if not self._drag.started:
            distance = (pos - self._drag.press).manhattanLength()
            if distance < DRAG_THRESHOLD:
                return
            self._drag.started = True
        self._drag.candidate = self._candidate(self._drag, pos)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag = self._drag
        if drag is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        self._drag = None
        pos = event.position()
        if not drag.started and (pos - drag.press).manhattanLength() >= DRAG_THRESHOLD:
            drag.started = True
        if drag.started:
            self._finish(drag, self._candidate(drag, pos))
        self._update_cursor(pos)
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._read_only:
            return
        pos = event.position()
        hit = self._hit(pos)
        self._drag = None
        if hit is not None:
            self._set_selected(hit[0])
            self.details_requested.emit(hit[0])
            return
        weekday = self.weekday_at(pos.x())
        if weekday is None or pos.y() < HEADER:
            return
        # Free time: an hour from the slot under the pointer, as a drag would make.
        start = min(self._floor(self.minute_at(pos.y())), self._max_end() - self._interval)
        end = min(start + max(60, self._interval), self._max_end())
        self._finish(
            DragState(Drag.CREATE, None, pos, start, weekday, started=True),
            Block(weekday, start, end),
        )

    def _candidate(self, drag: DragState, pos: QPointF) -> Block | None:
        minute = self.minute_at(pos.y())
        first = self.visible_range()[0]
        last = self._max_end()
        step = self._interval
        if drag.kind is Drag.CREATE:
            low, high = sorted((drag.press_minute, minute))
            start = max(first, min(self._floor(low), last - step))
            end = min(last, max(self._ceil(high), start + step))
            return Block(drag.press_weekday, start, end)
        assert drag.index is not None
        original = self._blocks[drag.index]
        if drag.kind is Drag.MOVE:
            weekday = self.weekday_at(pos.x())
            if weekday is None:
                weekday = 0 if pos.x() < GUTTER else 6
            length = original.duration
            start = self._round(original.start + minute - drag.press_minute)
            start = max(first, min(start, last - length))
            return replace(original, weekday=weekday, start=start, end=start + length)
        if drag.kind is Drag.RESIZE_TOP:
            start = max(first, min(self._round(minute), original.end - step))
            return replace(original, start=start)
        end = min(last, max(self._round(minute), original.start + step))
        return replace(original, end=end)

    def _finish(self, drag: DragState, candidate: Block | None) -> None:
        if candidate is None:
            return
        others = [b for i, b in enumerate(self._blocks) if i != drag.index]
        clash = next((b for b in others if candidate.overlaps(b)), None)
        if clash is not None:
            day = WEEKDAY_NAMES[candidate.weekday]
            outcome = (
                "nothing was added"
                if drag.kind is Drag.CREATE
                else "the block went back where it was"
            )
            self.update()
            self.edit_refused.emit(
                f"{day}: {candidate.times} would overlap {clash.times}. Blocks on one day "
                f"cannot overlap, so {outcome}; join them into one block or move the other first."
            )
            return
        if drag.kind is Drag.CREATE:
            self.add_block(candidate)
            return
        assert drag.index is not None
        if candidate != self._blocks[drag.index]:
            self.replace_block(drag.index, candidate)

    def _update_cursor(self, pos: QPointF) -> None:
        if self._read_only:
            self.unsetCursor()
            return
        hit = self._hit(pos)
        if hit is None:
            inside = self.weekday_at(pos.x()) is not None and pos.y() >= HEADER
            shape = Qt.CursorShape.CrossCursor if inside else Qt.CursorShape.ArrowCursor
        elif hit[1] is Zone.BODY:
            shape = Qt.CursorShape.SizeAllCursor
        else:
            shape = Qt.CursorShape.SizeVerCursor
        self.setCursor(QCursor(shape))

    # --- keyboard -------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and self._drag is not None:
            self._drag = None
            self.update()
            return
        if self._read_only or not self._blocks:
            super().keyPressEvent(event)
            return
        arrows = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right)
        index = self._selected
        if index is None:
            if key in arrows:
                self._set_selected(0)
                return
            super().keyPressEvent(event)
            return
        block = self._blocks[index]
        step = self._interval
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_block(index)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.details_requested.emit(index)
        elif key == Qt.Key.Key_Escape:
            self._set_selected(None)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            delta = -step if key == Qt.Key.Key_Up else step
            if shift:  # Shift: the end moves, the block grows or shrinks.
                self._nudge(index, replace(block, end=max(block.start + step, block.end + delta)))
            else:
                self._nudge(index, replace(block, start=block.start + delta, end=block.end + delta))
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            weekday = block.weekday + (-1 if key == Qt.Key.Key_Left else 1)
            if 0 <= weekday <= 6:
                self._nudge(index, replace(block, weekday=weekday))
        elif key == Qt.Key.Key_Tab and not event.modifiers():
            # Tab walks the blocks; leaving the grid is Ctrl+Tab or the mouse.
            self._set_selected((index + 1) % len(self._blocks))
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        if self._selected is not None and next and self._blocks:
            return False  # Tab is handled in keyPressEvent
        return super().focusNextPrevChild(next)

    def _nudge(self, index: int, moved: Block) -> None:
        # Past the visible hours is fine (the grid widens); past midnight is not.
        if moved.start < 0 or moved.end > self._max_end(extend=True):
            return
        clash = next(
            (b for i, b in enumerate(self._blocks) if i != index and moved.overlaps(b)), None
        )
        if clash is not None:
            self.edit_refused.emit(
                f"{WEEKDAY_NAMES[moved.weekday]}: {moved.times} would overlap {clash.times}; "
                "the block stays where it was."
            )
            return
        self.replace_block(index, moved)

    # --- tooltips and focus ------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            hit = self._hit(QPointF(event.pos()))
            if hit is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self._tooltip(hit[0]), self)
            return True
        return super().event(event)

    def _tooltip(self, index: int) -> str:
        block = self._blocks[index]
        lines = [f"{WEEKDAY_NAMES[block.weekday]} {block.times}"]
        lines.append(self._services_text(block) or "All services")
        if block.room:
            lines.append(f"Room: {block.room}")
        if problem := self.problem_text(index):
            lines.append(problem)
        lines.append("Drag to move, drag an edge to resize, double-click for details.")
        return "\n".join(lines)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()
