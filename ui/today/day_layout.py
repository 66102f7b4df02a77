"""Where things go in the resource day view, without Qt.

`build_layout` turns the day's plain rows (practitioners, appointments, open
slots) into columns and blocks positioned in minutes from local midnight, with
overlapping blocks side by side in lanes. The widget (ui.day_view) only
multiplies by pixels and paints; keeping this part free of Qt lets it be
tested without a window and keeps a day switch cheap.

Positions are wall-clock minutes in the clinic's zone: on the night the
clocks change, the repeated or skipped hour is drawn as the wall clock reads.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import Enum
from itertools import pairwise

from desktop_app.availability.slot_engine import Slot
from desktop_app.booking.queries import AppointmentRow
from desktop_app.staff.queries import PractitionerRow
from models.enums import AppointmentStatus

MINUTES_PER_DAY = 24 * 60
# The hours shown when nothing lies outside them: an ordinary clinic day.
DEFAULT_FIRST_HOUR = 7
DEFAULT_LAST_HOUR = 20
# A free cell covers its start up to the next start; the last start of a run
# gets this many minutes unless the practitioner's own step is known.
DEFAULT_STEP_MIN = 15


class BlockKind(Enum):
    APPOINTMENT = "appointment"
    FREE = "free"


@dataclass(frozen=True)
class Column:
    practitioner_id: uuid.UUID
    name: str
    colour: str
    bookable: bool
    appointments: int = 0  # not cancelled
    free: int = 0  # open starts for the chosen service


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    column: int
    start_min: int
    end_min: int
    lane: int = 0
    lanes: int = 1
    appointment: AppointmentRow | None = None
    slot: Slot | None = None

    @property
    def key(self) -> tuple[object, ...]:
        """What identifies the block across reloads (for the selection)."""
        if self.appointment is not None:
            return ("appointment", self.appointment.id)
        assert self.slot is not None
        return ("free", self.slot.practitioner_id, self.slot.start)


@dataclass(frozen=True)
class DayLayout:
    day: date
    columns: tuple[Column, ...]
    # One tuple per column, sorted by start.
    blocks: tuple[tuple[Block, ...], ...]
    first_min: int
    last_min: int
    # Appointments in the order Up/Down walks through them: by time, then column.
    appointment_order: tuple[Block, ...] = field(default=())

    def find(self, key: tuple[object, ...] | None) -> Block | None:
        if key is None:
            return None
        for column in self.blocks:
            for block in column:
                if block.key == key:
                    return block
        return None

    def free_blocks(self) -> list[Block]:
        return [b for column in self.blocks for b in column if b.kind is BlockKind.FREE]


def local_minutes(instant: datetime, day: date, tz: tzinfo) -> int:
    """Minutes from local midnight of `day` to `instant` as the wall clock reads.

    Instants on another local date land before 0 or after 24:00, so callers
    can clip them.
    """
    local = instant.astimezone(tz)
    days = (local.date() - day).days
    return days * MINUTES_PER_DAY + local.hour * 60 + local.minute


def assign_lanes(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(lane, lanes) for each (start, end): overlapping spans sit side by side.

    Spans that overlap, directly or through others, form a cluster; each
    takes the lowest lane free at its start, and the whole cluster shares the
    width equally, so blocks in a cluster line up.
    """
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1]))
    out: list[tuple[int, int]] = [(0, 1)] * len(spans)
    cluster: list[int] = []
    lane_ends: list[int] = []
    cluster_end = 0

    def close() -> None:
        for j in cluster:
            out[j] = (out[j][0], len(lane_ends))

    for i in order:
        start, end = spans[i]
        if cluster and start >= cluster_end:
            close()
            cluster, lane_ends = [], []
        if not cluster:
            cluster_end = end
        lane = next((n for n, e in enumerate(lane_ends) if e <= start), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(end)
        else:
            lane_ends[lane] = end
        out[i] = (lane, 0)
        cluster.append(i)
        cluster_end = max(cluster_end, end)
    if cluster:
        close()
    return out


def _usual_step(starts: Sequence[int]) -> int:
    gaps = Counter(b - a for a, b in pairwise(starts) if b > a)
    return gaps.most_common(1)[0][0] if gaps else DEFAULT_STEP_MIN


def free_spans(starts: Sequence[int], duration_min: int) -> list[tuple[int, int]]:
    """The cell each open start is drawn as: one step of the practitioner's grid.

    Consecutive starts overlap as bookings (a 50-minute session can start at
    09:00 or 09:15), so drawing each at its full length would stack them; a
    step-high cell per start shows where free time is and where each booking
    can begin. The step is the usual gap between starts, never more than the
    session itself.
    """
    ordered = sorted(set(starts))
    step = min(_usual_step(ordered), duration_min)
    spans = []
    for i, start in enumerate(ordered):
        following = ordered[i + 1] if i + 1 < len(ordered) else None
        end = start + step if following is None else min(start + step, following)
        spans.append((start, max(end, start + 1)))
    return spans


def choose_columns(
    practitioners: Iterable[PractitionerRow], rows: Iterable[AppointmentRow]
) -> list[Column]:
    """Bookable practitioners, and anyone else with an appointment that day, by name."""
    by_id: dict[uuid.UUID, Column] = {}
    for p in practitioners:
        by_id[p.id] = Column(p.id, p.name, p.colour, bookable=True)
    for r in rows:
        if r.practitioner_id not in by_id:
            by_id[r.practitioner_id] = Column(r.practitioner_id, r.practitioner_name, "", False)
    return sorted(by_id.values(), key=lambda c: (c.name.casefold(), str(c.practitioner_id)))


def build_layout(
    day: date,
    tz: tzinfo,
    practitioners: Iterable[PractitionerRow],
    rows: Iterable[AppointmentRow],
    slots: Iterable[Slot] = (),
    *,
    duration_min: int = 0,
    show_cancelled: bool = True,
    first_hour: int = DEFAULT_FIRST_HOUR,
    last_hour: int = DEFAULT_LAST_HOUR,
) -> DayLayout:
    rows = list(rows)
    columns = choose_columns(practitioners, rows)
    index = {c.practitioner_id: i for i, c in enumerate(columns)}
    first_min, last_min = first_hour * 60, last_hour * 60

    per_column: dict[int, list[Block]] = defaultdict(list)
    booked: Counter[int] = Counter()
    for r in rows:
        col = index[r.practitioner_id]
        cancelled = r.status is AppointmentStatus.CANCELLED
        if not cancelled:
            booked[col] += 1
        if cancelled and not show_cancelled:
            continue
        start = max(local_minutes(r.starts_at, day, tz), 0)
        end = min(local_minutes(r.ends_at, day, tz), MINUTES_PER_DAY)
        end = max(end, start + 5)
        first_min, last_min = min(first_min, start), max(last_min, end)
        per_column[col].append(Block(BlockKind.APPOINTMENT, col, start, end, appointment=r))

    starts_by_column: dict[int, list[tuple[int, Slot]]] = defaultdict(list)
    for s in slots:
        col_or_none = index.get(s.practitioner_id)
        if col_or_none is None:
            continue
        start = local_minutes(s.start, day, tz)
        if 0 <= start < MINUTES_PER_DAY:
            starts_by_column[col_or_none].append((start, s))
    free_count: Counter[int] = Counter()
    for col, found in starts_by_column.items():
        found.sort(key=lambda pair: pair[0])
        length = duration_min or int((found[0][1].end - found[0][1].start).total_seconds() // 60)
        spans = free_spans([m for m, _ in found], length)
        slot_at = {m: s for m, s in found}
        for start, end in spans:
            end = min(end, MINUTES_PER_DAY)
            first_min, last_min = min(first_min, start), max(last_min, end)
            per_column[col].append(Block(BlockKind.FREE, col, start, end, slot=slot_at[start]))
        free_count[col] = len(spans)

    blocks: list[tuple[Block, ...]] = []
    for col in range(len(columns)):
        items = per_column.get(col, [])
        lanes = assign_lanes([(b.start_min, b.end_min) for b in items])
        placed = [
            Block(b.kind, b.column, b.start_min, b.end_min, lane, n, b.appointment, b.slot)
            for b, (lane, n) in zip(items, lanes, strict=True)
        ]
        placed.sort(key=lambda b: (b.start_min, b.kind is BlockKind.APPOINTMENT, b.lane))
        blocks.append(tuple(placed))
    columns = [
        Column(c.practitioner_id, c.name, c.colour, c.bookable, booked[i], free_count[i])
        for i, c in enumerate(columns)
    ]
    order = sorted(
        (b for column in blocks for b in column if b.kind is BlockKind.APPOINTMENT),
        key=lambda b: (b.start_min, b.column, b.lane),
    )
    # Whole hours, so the grid starts and ends on a labelled line.
    first_min = (first_min // 60) * 60
    last_min = min(-(-last_min // 60) * 60, MINUTES_PER_DAY)
    return DayLayout(day, tuple(columns), tuple(blocks), first_min, last_min, tuple(order))


def status_counts(rows: Iterable[AppointmentRow]) -> Counter[AppointmentStatus]:
    return Counter(r.status for r in rows)


def local_instant(day: date, minutes: int, tz: tzinfo) -> datetime:
    """The instant at `minutes` past local midnight of `day` (wall clock)."""
    base = datetime.combine(day, time(0), tz)
    return base + timedelta(minutes=minutes)
