"""The availability commands: plain data, handled in desktop_app.availability.handlers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time

from desktop_app.kernel.commands import Command


@dataclass(frozen=True)
class WeeklyBlockInput:
    """One block of weekly hours as the editor sends it (wall-clock times)."""

    weekday: int  # 0 = Monday
    start: time
    end: time
    # Empty: every service the practitioner offers.
    service_ids: frozenset[uuid.UUID] = frozenset()
    room: str | None = None


@dataclass(frozen=True, kw_only=True)
class SetWeeklyRules(Command):
    """Replace all of a practitioner's weekly blocks at once."""

    practitioner_id: uuid.UUID
    blocks: tuple[WeeklyBlockInput, ...]


@dataclass(frozen=True, kw_only=True)
class SetDateOverride(Command):
    """Closed (no blocks) or custom hours on one local date; replaces any earlier one."""

    practitioner_id: uuid.UUID
    day: date
    blocks: tuple[tuple[time, time], ...] = ()
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RemoveDateOverride(Command):
    practitioner_id: uuid.UUID
    day: date


@dataclass(frozen=True, kw_only=True)
class AddRecurringException(Command):
    """E.g. rrule "FREQ=MONTHLY;BYDAY=1MO": closed every first Monday."""

    practitioner_id: uuid.UUID
    rrule: str
    starts_on: date
    # Both None: the whole day.
    start: time | None = None
    end: time | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RemoveRecurringException(Command):
    exception_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class UpdateScheduleSettings(Command):
    practitioner_id: uuid.UUID
    slot_interval_min: int
    buffer_before_min: int
    buffer_after_min: int
    min_notice_min: int
    horizon_days: int
    max_per_day: int | None


@dataclass(frozen=True, kw_only=True)
class AddClinicHoliday(Command):
    day: date
    name: str


@dataclass(frozen=True, kw_only=True)
class RemoveClinicHoliday(Command):
    day: date
