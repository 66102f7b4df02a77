"""What the calendar draws: its measures and colours, the columns and
appointments it is given, and the pure helpers that place them."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
)

from desktop_app.booking.queries import AppointmentRow

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
class Placed:
    row: AppointmentRow
    column: int
    lane: int
    start_min: float  # minutes after local midnight, clipped to the grid
    end_min: float
    sub: int = 0  # side by side inside the lane when they overlap
    subs: int = 1


@dataclass
class Press:
    row: AppointmentRow | None
    pos: QPointF
    # Minutes between the block's start and where it was grabbed.
    grab_offset: float = 0.0
    dragging: bool = False
    target: tuple[int, uuid.UUID, int] | None = None  # (column, practitioner, start minute)


@dataclass
class Content:
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


def fitting(width: int, choices: Sequence[tuple[QFont, str]]) -> tuple[QFont, str]:
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


def tint(colour: str, amount: float) -> QColor:
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
