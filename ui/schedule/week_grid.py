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

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import time
from enum import Enum, auto

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop_app.availability import weekly_blocks
from desktop_app.availability.weekly_blocks import (
    MINUTES_PER_DAY,
    WEEKDAYS,
    Problem,
    WeekBlock,
    hm_minutes,
    minutes_of,
)
from ui.kit.resources import ACCENT

WEEKDAY_NAMES = WEEKDAYS
WEEKDAY_SHORT = tuple(name[:3] for name in WEEKDAY_NAMES)

# The hours shown when no block lies outside them: a clinic's ordinary day.
DEFAULT_FIRST_HOUR = 7
DEFAULT_LAST_HOUR = 21

GUTTER = 58  # time labels
HEADER = 46  # day names and each day's total
RIGHT_MARGIN = 6
BOTTOM_MARGIN = 6
BLOCK_INSET = 4
# How close to a block's top or bottom edge the pointer resizes instead of moving.
EDGE = 6
# A press that moves less than this is a click, not a drag.
DRAG_THRESHOLD = 4

GRID_BACKGROUND = QColor("#ffffff")
WEEKEND_BACKGROUND = QColor("#f8fafb")
HOUR_LINE = QColor("#dfe4ea")
SLOT_LINE = QColor("#f0f3f6")
TEXT = QColor("#1f2933")
MUTED = QColor("#66788a")
PROBLEM = QColor("#c0392b")


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


# One block of weekly hours: the core's (its rules are the core's too).
Block = WeekBlock


def sorted_blocks(blocks: Iterable[Block]) -> tuple[Block, ...]:
    """A canonical order, so two edits that give the same week compare equal."""
    return weekly_blocks.canonical(blocks)


class _Zone(Enum):
    BODY = auto()
    TOP = auto()
    BOTTOM = auto()


class _Drag(Enum):
    CREATE = auto()
    MOVE = auto()
    RESIZE_TOP = auto()
    RESIZE_BOTTOM = auto()


@dataclass
class _DragState:
    kind: _Drag
    index: int | None  # the block moved or resized; None while creating
    press: QPointF
    press_minute: float
    press_weekday: int
    candidate: Block | None = None
    started: bool = False


class WeekGrid(QWidget):
    """Monday to Sunday columns, time rows, the practitioner's blocks on top."""

    # The local list changed (not emitted by set_blocks).
    blocks_changed = Signal()
    # An edit was refused locally; the text says why.
    edit_refused = Signal(str)
    # Double-click or Enter on a block: show its details (index into blocks()).
    details_requested = Signal(int)
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekGrid")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(560, 300))
        self.setAccessibleName("Weekly hours")
        self._blocks: list[Block] = []
        self._selected: int | None = None
        self._interval = 15
        self._colour = QColor(ACCENT)
        self._service_names: dict[uuid.UUID, str] = {}
        self._drag: _DragState | None = None
        self._read_only = False

    # --- data ------------------------------------------------------------

    def blocks(self) -> tuple[Block, ...]:
        return tuple(self._blocks)

    def set_blocks(self, blocks: Iterable[Block]) -> None:
        self._blocks = list(sorted_blocks(blocks))
        self._drag = None
        self._set_selected(None)
        self.update()

    def replace_block(self, index: int, block: Block) -> None:
        """Put `block` in place of the one at `index` (from the details dialog)."""
        self._blocks[index] = block
        self._changed()

    def add_block(self, block: Block) -> None:
        self._blocks.append(block)
        self._set_selected(len(self._blocks) - 1)
        self._changed()

    def remove_block(self, index: int) -> None:
        del self._blocks[index]
        self._set_selected(None)
        self._changed()

    def selected_index(self) -> int | None:
        return self._selected

    def select(self, index: int | None) -> None:
        self._set_selected(index)

    def interval(self) -> int:
        return self._interval

    def set_interval(self, minutes: int) -> None:
        self._interval = max(1, minutes)
        self.update()

    def set_colour(self, colour: str) -> None:
        candidate = QColor(colour)
        self._colour = candidate if candidate.isValid() else QColor(ACCENT)
        self.update()

    def set_service_names(self, names: dict[uuid.UUID, str]) -> None:
        self._service_names = dict(names)
        self.update()

    def set_read_only(self, read_only: bool) -> None:
        if read_only != self._read_only:
            self._read_only = read_only
            self._drag = None
            self.update()

    def is_dragging(self) -> bool:
        return self._drag is not None and self._drag.started

    def problems(self) -> set[int]:
        """Blocks the core would refuse: overlapping another, off the grid, or empty."""
        return weekly_blocks.problem_blocks(self._blocks, self._interval)

    def problem_text(self, index: int) -> str:
        block = self._blocks[index]
        problem = weekly_blocks.minutes_problem(block.start, block.end, self._interval)
        if problem is Problem.EMPTY:
            return "The end must be after the start."
        if problem is Problem.OFF_GRID:
            return f"Off the {self._interval}-minute slot grid."
        for j, other in enumerate(self._blocks):
            if j != index and block.overlaps(other):
                return f"Overlaps {other.times}."
        return ""

    # --- geometry (public so tests can aim the mouse) -----------------------

    def visible_range(self) -> tuple[int, int]:
        """First and last minute shown: the ordinary day, widened to every block."""
        first = DEFAULT_FIRST_HOUR * 60
        last = DEFAULT_LAST_HOUR * 60
        for block in self._blocks:
            first = min(first, block.start // 60 * 60)
            last = max(last, -(-block.end // 60) * 60)
        return max(0, first), min(MINUTES_PER_DAY, last)

    def column_width(self) -> float:
        return max(1.0, (self.width() - GUTTER - RIGHT_MARGIN) / 7)

    def pixels_per_minute(self) -> float:
        first, last = self.visible_range()
        return max(0.05, (self.height() - HEADER - BOTTOM_MARGIN) / max(1, last - first))

    def x_of(self, weekday: int) -> float:
        return GUTTER + weekday * self.column_width()

    def y_of(self, minute: float) -> float:
        return HEADER + (minute - self.visible_range()[0]) * self.pixels_per_minute()

    def minute_at(self, y: float) -> float:
        return self.visible_range()[0] + (y - HEADER) / self.pixels_per_minute()

    def weekday_at(self, x: float) -> int | None:
        column = math.floor((x - GUTTER) / self.column_width())
        return column if 0 <= column <= 6 else None

    def point_for(self, weekday: int, at: time | int) -> QPoint:
        """The point in the middle of `weekday`'s column at the given wall time."""
        minute = minutes_of(at) if isinstance(at, time) else at
        x = self.x_of(weekday) + self.column_width() / 2
        return QPoint(round(x), round(self.y_of(minute)))

    def block_rect(self, block: Block | int) -> QRectF:
        lane, lanes = 0, 1
        if isinstance(block, int):
            lane, lanes = self._lanes().get(block, (0, 1))
            block = self._blocks[block]
        top = self.y_of(block.start)
        bottom = self.y_of(max(block.end, block.start + 1))
        width = (self.column_width() - 2 * BLOCK_INSET) / lanes
        return QRectF(
            self.x_of(block.weekday) + BLOCK_INSET + lane * width,
            top + 1,
            width - (2 if lanes > 1 else 0),
            max(3.0, bottom - top - 2),
        )

    def _lanes(self) -> dict[int, tuple[int, int]]:
        """(lane, lanes) per block: overlapping blocks (refused on save, but
        typed in the dialog) stand side by side, so each stays visible and
        can be grabbed."""
        found: dict[int, tuple[int, int]] = {}
        for weekday in range(7):
            day = sorted(
                (i for i, b in enumerate(self._blocks) if b.weekday == weekday),
                key=lambda i: (self._blocks[i].start, self._blocks[i].end),
            )
            cluster: list[int] = []
            lane_ends: list[int] = []
            cluster_end = -1
            for i in [*day, -1]:
                block = self._blocks[i] if i >= 0 else None
                if cluster and (block is None or block.start >= cluster_end):
                    for member in cluster:
                        found[member] = (found[member][0], len(lane_ends))
                    cluster, lane_ends = [], []
                if block is None:
                    break
                lane = next((k for k, end in enumerate(lane_ends) if end <= block.start), None)
                if lane is None:
                    lane = len(lane_ends)
                    lane_ends.append(block.end)
                else:
                    lane_ends[lane] = block.end
                found[i] = (lane, 1)
                cluster.append(i)
                cluster_end = max(cluster_end, block.end)
        return found

    # --- snapping ----------------------------------------------------------

    def _max_end(self, *, extend: bool = False) -> int:
        last_point = weekly_blocks.latest_end(self._interval)
        return last_point if extend else min(self.visible_range()[1], last_point)

    def _floor(self, minute: float) -> int:
        return math.floor(minute / self._interval + 1e-6) * self._interval

    def _ceil(self, minute: float) -> int:
        return math.ceil(minute / self._interval - 1e-6) * self._interval

    def _round(self, minute: float) -> int:
        return round(minute / self._interval) * self._interval

    # --- hit testing ---------------------------------------------------------

    def _paint_order(self) -> list[int]:
        order = [i for i in range(len(self._blocks)) if i != self._selected]
        if self._selected is not None:
            order.append(self._selected)
        return order

    def _hit(self, pos: QPointF) -> tuple[int, _Zone] | None:
        for index in reversed(self._paint_order()):
            rect = self.block_rect(index)
            if not rect.adjusted(0, -2, 0, 2).contains(pos):
                continue
            edge = min(EDGE, rect.height() / 4)
            if pos.y() <= rect.top() + edge:
                return index, _Zone.TOP
            if pos.y() >= rect.bottom() - edge:
                return index, _Zone.BOTTOM
            return index, _Zone.BODY
        return None

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
            self._drag = _DragState(_Drag.CREATE, None, pos, minute, weekday)
        else:
            index, zone = hit
            self._set_selected(index)
            kind = {
                _Zone.BODY: _Drag.MOVE,
                _Zone.TOP: _Drag.RESIZE_TOP,
                _Zone.BOTTOM: _Drag.RESIZE_BOTTOM,
            }[zone]
            self._drag = _DragState(kind, index, pos, minute, weekday)
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
            _DragState(_Drag.CREATE, None, pos, start, weekday, started=True),
            Block(weekday, start, end),
        )

    def _candidate(self, drag: _DragState, pos: QPointF) -> Block | None:
        minute = self.minute_at(pos.y())
        first = self.visible_range()[0]
        last = self._max_end()
        step = self._interval
        if drag.kind is _Drag.CREATE:
            low, high = sorted((drag.press_minute, minute))
            start = max(first, min(self._floor(low), last - step))
            end = min(last, max(self._ceil(high), start + step))
            return Block(drag.press_weekday, start, end)
        assert drag.index is not None
        original = self._blocks[drag.index]
        if drag.kind is _Drag.MOVE:
            weekday = self.weekday_at(pos.x())
            if weekday is None:
                weekday = 0 if pos.x() < GUTTER else 6
            length = original.duration
            start = self._round(original.start + minute - drag.press_minute)
            start = max(first, min(start, last - length))
            return replace(original, weekday=weekday, start=start, end=start + length)
        if drag.kind is _Drag.RESIZE_TOP:
            start = max(first, min(self._round(minute), original.end - step))
            return replace(original, start=start)
        end = min(last, max(self._round(minute), original.start + step))
        return replace(original, end=end)

    def _finish(self, drag: _DragState, candidate: Block | None) -> None:
        if candidate is None:
            return
        others = [b for i, b in enumerate(self._blocks) if i != drag.index]
        clash = next((b for b in others if candidate.overlaps(b)), None)
        if clash is not None:
            day = WEEKDAY_NAMES[candidate.weekday]
            outcome = (
                "nothing was added"
                if drag.kind is _Drag.CREATE
                else "the block went back where it was"
            )
            self.update()
            self.edit_refused.emit(
                f"{day}: {candidate.times} would overlap {clash.times}. Blocks on one day "
                f"cannot overlap, so {outcome}; join them into one block or move the other first."
            )
            return
        if drag.kind is _Drag.CREATE:
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
        elif hit[1] is _Zone.BODY:
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

    # --- painting --------------------------------------------------------------

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

    # --- selection -------------------------------------------------------------

    def _set_selected(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self._blocks):
            index = None
        if index != self._selected:
            self._selected = index
            self.selection_changed.emit()
        self.update()

    def _changed(self) -> None:
        self.update()
        self.blocks_changed.emit()
