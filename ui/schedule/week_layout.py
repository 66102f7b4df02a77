"""The week grid's measures, its blocks (the core's WeekBlock) and the state
the editor keeps: selection, the drag in progress, and where each day and
minute lies on screen."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from enum import Enum, auto

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.availability import weekly_blocks
from desktop_app.availability.weekly_blocks import (
    MINUTES_PER_DAY,
    WEEKDAYS,
    Problem,
    WeekBlock,
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


class Zone(Enum):
    BODY = auto()
    TOP = auto()
    BOTTOM = auto()


class Drag(Enum):
    CREATE = auto()
    MOVE = auto()
    RESIZE_TOP = auto()
    RESIZE_BOTTOM = auto()


@dataclass
class DragState:
    kind: Drag
    index: int | None  # the block moved or resized; None while creating
    press: QPointF
    press_minute: float
    press_weekday: int
    candidate: Block | None = None
    started: bool = False


class WeekGridState(QWidget):
    """The week's blocks, selection and drag state, and where each minute and day is."""

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
        self._drag: DragState | None = None
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

    def _hit(self, pos: QPointF) -> tuple[int, Zone] | None:
        for index in reversed(self._paint_order()):
            rect = self.block_rect(index)
            if not rect.adjusted(0, -2, 0, 2).contains(pos):
                continue
            edge = min(EDGE, rect.height() / 4)
            if pos.y() <= rect.top() + edge:
                return index, Zone.TOP
            if pos.y() >= rect.bottom() - edge:
                return index, Zone.BOTTOM
            return index, Zone.BODY
        return None

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
