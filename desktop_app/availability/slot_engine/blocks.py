"""Opening hours as wall-clock blocks: weekly blocks, one-day overrides, merging."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from uuid import UUID

from desktop_app.availability.slot_engine.seconds import WallRange, wall_range


@dataclass(frozen=True, slots=True)
class TimeBlock:
    """A wall-clock range within one day, `start < end` (it cannot cross midnight).

    `service_ids` limits the block to those services when it is a date
    override's block; None means every service. Exceptions close every
    service, so a `RecurringException` block must leave it None.
    """

    start: time
    end: time
    service_ids: frozenset[UUID] | None = None
    seconds: WallRange = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "seconds", wall_range(self.start, self.end, "time block"))


@dataclass(frozen=True, slots=True)
class WeeklyBlock:
    """Weekly opening hours: `weekday` 0 = Monday; several blocks per day allowed."""

    weekday: int
    start: time
    end: time
    service_ids: frozenset[UUID] | None = None
    seconds: WallRange = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")
        object.__setattr__(self, "seconds", wall_range(self.start, self.end, "weekly block"))


@dataclass(frozen=True, slots=True)
class DateOverride:
    """Replaces all weekly blocks of one local date; no blocks means closed."""

    day: date
    blocks: tuple[TimeBlock, ...]
    reason: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.day, datetime):
            raise ValueError("an override belongs to a calendar date, not a datetime")
        object.__setattr__(self, "blocks", tuple(self.blocks))


def merge_walls(ranges: Iterable[WallRange]) -> tuple[WallRange, ...]:
    """Merge overlapping or touching wall ranges."""
    merged: list[WallRange] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return tuple(merged)


def offers(service_ids: frozenset[UUID] | None, service_id: UUID) -> bool:
    return service_ids is None or service_id in service_ids
