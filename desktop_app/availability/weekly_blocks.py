"""What makes a block of hours valid, and how a week of blocks is put in order.

One rule for the core and the schedule editor: the handlers refuse a week (or
a date's custom hours, or a recurring exception's times) with these words, and
the editor outlines the same blocks in red, snaps to the same grid and compares
weeks in the same canonical order before anything is sent. Pure functions of
minutes after local midnight (and wall-clock `time`s); no database, no Qt.
"""

from __future__ import annotations

import enum
import itertools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, time

from desktop_app.availability.commands import WeeklyBlockInput

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Problem(enum.Enum):
    """Why one block would be refused on its own."""

    EMPTY = "empty"  # the end is not after the start
    OFF_GRID = "off_grid"  # a time off the practitioner's slot grid


@dataclass(frozen=True)
class WeekBlock:
    """One block of weekly hours, in minutes after local midnight: what the
    editor draws and what SetWeeklyRules stores (as WeeklyBlockInput)."""

    weekday: int  # 0 = Monday
    start: int
    end: int
    # Empty: every service the practitioner offers.
    service_ids: frozenset[uuid.UUID] = frozenset()
    room: str | None = None

    @property
    def duration(self) -> int:
        return self.end - self.start

    @property
    def times(self) -> str:
        return f"{hm_minutes(self.start)}–{hm_minutes(self.end)}"

    def overlaps(self, other: WeekBlock) -> bool:
        """Two blocks on one day that share time (touching is fine)."""
        return self.weekday == other.weekday and self.start < other.end and other.start < self.end

    def normalised(self) -> WeekBlock:
        """Equal to what the core stores for it (a blank room is no room)."""
        return replace(self, room=normalised_room(self.room))

    def as_input(self) -> WeeklyBlockInput:
        """The command's block; an end at midnight is sent as 23:59."""
        return WeeklyBlockInput(
            self.weekday,
            time_of(self.start),
            time_of(min(self.end, MINUTES_PER_DAY - 1)),
            self.service_ids,
            self.room,
        )

    @classmethod
    def of(cls, b: WeeklyBlockInput) -> WeekBlock:
        return cls(b.weekday, minutes_of(b.start), minutes_of(b.end), b.service_ids, b.room)


def minutes_of(t: time) -> int:
    return t.hour * 60 + t.minute


def time_of(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def hm(t: time) -> str:
    return t.strftime("%H:%M")


def hm_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def on_grid(t: time, interval_min: int) -> bool:
    return not (t.second or t.microsecond or minutes_of(t) % interval_min)


def grid_floor(minutes: int, interval_min: int) -> int:
    return minutes // interval_min * interval_min


def latest_end(interval_min: int) -> int:
    """The last grid point of a day: a weekly block ends on the same day, and
    24:00 is not a wall-clock time."""
    return grid_floor(MINUTES_PER_DAY - 1, interval_min)


def range_problem(start: time, end: time, interval_min: int) -> Problem | None:
    if end <= start:
        return Problem.EMPTY
    if not (on_grid(start, interval_min) and on_grid(end, interval_min)):
        return Problem.OFF_GRID
    return None


def minutes_problem(start: int, end: int, interval_min: int) -> Problem | None:
    """`range_problem` for times in minutes (24:00 and later count as off the day)."""
    if end <= start:
        return Problem.EMPTY
    if start % interval_min or end % interval_min:
        return Problem.OFF_GRID
    return None


def end_before_start_text(start: time, end: time) -> str | None:
    """The words for hours that end before they start (None when they do not)."""
    if end <= start:
        return f"The end ({hm(end)}) must be after the start ({hm(start)})."
    return None


def range_error(start: time, end: time, interval_min: int, where: str) -> str | None:
    """The core's refusal of one block, or None when it is fine."""
    problem = range_problem(start, end, interval_min)
    if problem is Problem.EMPTY:
        return f"{where}: the end ({hm(end)}) must be after the start ({hm(start)})."
    if problem is Problem.OFF_GRID:
        off = next(t for t in (start, end) if not on_grid(t, interval_min))
        floor = time_of(grid_floor(minutes_of(off), interval_min))
        return (
            f"{where}: {hm(off)} is off the {interval_min}-minute slot grid; "
            f"use a time on the grid (e.g. {hm(floor)})."
        )
    return None


def first_overlap(
    ranges: Iterable[tuple[time, time]],
) -> tuple[tuple[time, time], tuple[time, time]] | None:
    """The first two ranges of one day that overlap, in time order (touching is fine)."""
    for (s1, e1), (s2, e2) in itertools.pairwise(sorted(ranges)):
        if s2 < e1:
            return (s1, e1), (s2, e2)
    return None


def overlap_error(ranges: Iterable[tuple[time, time]], where: str) -> str | None:
    found = first_overlap(ranges)
    if found is None:
        return None
    (s1, e1), (s2, e2) = found
    return (
        f"{where}: {hm(s1)}–{hm(e1)} and {hm(s2)}–{hm(e2)} overlap; "
        "join them into one block or move one."
    )


def problem_blocks(blocks: Sequence[WeekBlock], interval_min: int) -> set[int]:
    """Indexes of the blocks the core would refuse: empty, off the grid, or
    overlapping another on the same day."""
    bad: set[int] = set()
    for i, block in enumerate(blocks):
        if minutes_problem(block.start, block.end, interval_min) is not None:
            bad.add(i)
        for j in range(i + 1, len(blocks)):
            if block.overlaps(blocks[j]):
                bad.update((i, j))
    return bad


def normalised_room(room: str | None) -> str | None:
    """What is stored for a room: a blank one is no room."""
    stripped = room.strip() if room else ""
    return stripped or None


def order_key(block: WeekBlock) -> tuple[int, int, int, list[str], str]:
    """The canonical order of a week's blocks, so two edits that give the same
    week compare equal (and are stored in the same order)."""
    return (
        block.weekday,
        block.start,
        block.end,
        sorted(map(str, block.service_ids)),
        block.room or "",
    )


def canonical(blocks: Iterable[WeekBlock]) -> tuple[WeekBlock, ...]:
    """A week's blocks normalised and in the canonical order."""
    return tuple(sorted((b.normalised() for b in blocks), key=order_key))


def canonical_inputs(blocks: Iterable[WeeklyBlockInput]) -> list[WeeklyBlockInput]:
    """The command's blocks in the order they are stored."""
    return sorted(blocks, key=lambda b: order_key(WeekBlock.of(b)))


def past_exception_error(day: date, today: date) -> str | None:
    """Exceptions are for today or later, in the practitioner's zone."""
    if day < today:
        return f"{day.isoformat()} is in the past; exceptions are for today or later."
    return None


PAST_EXCEPTION_HINT = "This date has passed; exceptions are for today or later."
