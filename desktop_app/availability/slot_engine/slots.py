"""The engine's questions: open slots, days with room, the next free slot."""

import calendar
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final
from uuid import UUID

from desktop_app.availability.slot_engine.day_plan import DayPlan, candidate_days
from desktop_app.availability.slot_engine.local_days import clear_frame_cache, frame
from desktop_app.availability.slot_engine.recurrence import clear_rule_caches
from desktop_app.availability.slot_engine.schedule import PractitionerSchedule
from desktop_app.availability.slot_engine.seconds import epoch_ceil, span_seconds


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable start for one practitioner; instants in UTC."""

    practitioner_id: UUID
    start: datetime
    end: datetime


def _check_common(
    duration: timedelta, now: datetime, after: datetime | None = None
) -> tuple[int, int, int | None]:
    dur = span_seconds(duration, "duration", positive=True)
    now_s = epoch_ceil(now, "now")
    after_s = None if after is None else epoch_ceil(after, "after")
    return dur, now_s, after_s


def _as_list(
    schedules: PractitionerSchedule | Iterable[PractitionerSchedule],
) -> list[PractitionerSchedule]:
    if isinstance(schedules, PractitionerSchedule):
        return [schedules]
    return list(schedules)


def _make_slots(entries: Iterable[tuple[int, UUID]], dur: int) -> list[Slot]:
    """Slots for (start, practitioner) pairs, sharing one datetime per distinct instant."""
    cache: dict[int, datetime] = {}
    out = []
    for t, pid in entries:
        start = cache.get(t)
        if start is None:
            start = cache[t] = datetime.fromtimestamp(t, UTC)
        end = cache.get(t + dur)
        if end is None:
            end = cache[t + dur] = datetime.fromtimestamp(t + dur, UTC)
        out.append(Slot(pid, start, end))
    return out


def open_slots(
    schedule: PractitionerSchedule,
    service_id: UUID,
    duration: timedelta,
    day_from: date,
    day_to: date,
    now: datetime,
    holidays: Collection[date],
) -> list[Slot]:
    """Every open slot of one practitioner on local dates `day_from`..`day_to` inclusive.

    Dates are in the practitioner's zone; slots are UTC and sorted by start.
    Raises ValueError for naive datetimes, a non-positive or fractional-second
    duration, or `day_from` after `day_to`.
    """
    return open_slots_many([schedule], service_id, duration, day_from, day_to, now, holidays)


def open_slots_many(
    schedules: Iterable[PractitionerSchedule],
    service_id: UUID,
    duration: timedelta,
    day_from: date,
    day_to: date,
    now: datetime,
    holidays: Collection[date],
) -> list[Slot]:
    """Open slots of several practitioners ("anyone"), merged.

    Each practitioner's dates are read in their own zone. Sorted by start,
    then by the practitioner's position in `schedules`.
    """
    if day_from > day_to:
        raise ValueError(f"day_from {day_from} is after day_to {day_to}")
    dur, now_s, _ = _check_common(duration, now)
    per: list[tuple[UUID, list[int]]] = []
    for schedule in schedules:
        plan = DayPlan(schedule, service_id, dur, now, now_s, None, holidays)
        starts: list[int] = []
        for day in candidate_days(plan, day_from, day_to):
            found = plan.day_starts(day, False)
            if found:
                starts.extend(found)
        per.append((plan.pid, starts))
    if len(per) == 1:
        pid, starts = per[0]
        return _make_slots(((t, pid) for t in starts), dur)
    # Each list is sorted already; one sort of (start, position) keys packed
    # into ints is cheaper than merging tuples.
    n = len(per)
    keys = [t * n + i for i, (_, starts) in enumerate(per) for t in starts]
    keys.sort()
    pids = [pid for pid, _ in per]
    return _make_slots(((key // n, pids[key % n]) for key in keys), dur)


def days_with_room(
    schedules: PractitionerSchedule | Iterable[PractitionerSchedule],
    service_id: UUID,
    duration: timedelta,
    year: int,
    month: int,
    now: datetime,
    holidays: Collection[date],
) -> set[date]:
    """Local dates of `year`-`month` on which at least one practitioner has a slot."""
    dur, now_s, _ = _check_common(duration, now)
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    found: set[date] = set()
    for schedule in _as_list(schedules):
        plan = DayPlan(schedule, service_id, dur, now, now_s, None, holidays)
        for day in candidate_days(plan, first, last):
            if day not in found and plan.day_starts(day, True):
                found.add(day)
    return found


# Most next-free searches end within days; a week of busy times is indexed first.
_LOOKAHEAD_DAYS: Final = 7


def next_free_slot(
    schedules: PractitionerSchedule | Iterable[PractitionerSchedule],
    service_id: UUID,
    duration: timedelta,
    now: datetime,
    holidays: Collection[date],
    after: datetime | None = None,
) -> Slot | None:
    """The earliest slot of any practitioner, starting at or after `after` if given.

    Searches each practitioner day by day up to their horizon and stops at
    their first slot, or as soon as their days start later than the best slot
    found so far. Ties go to the practitioner listed first. None if nobody has
    room within their horizon.
    """
    dur, now_s, after_s = _check_common(duration, now, after)
    best: tuple[int, UUID] | None = None  # (start, practitioner)
    for schedule in _as_list(schedules):
        plan = DayPlan(schedule, service_id, dur, now, now_s, after_s, holidays, _LOOKAHEAD_DAYS)
        for day in candidate_days(plan, plan.first_day, plan.last_day):
            if best is not None and frame(plan.tz, day.toordinal()).start >= best[0]:
                break
            starts = plan.day_starts(day, True)
            if starts:
                if best is None or starts[0] < best[0]:
                    best = (starts[0], plan.pid)
                break
    if best is None:
        return None
    return _make_slots([best], dur)[0]


def clear_caches() -> None:
    """Drop module-level caches (zone day frames, expanded rules); for benchmarks."""
    clear_frame_cache()
    clear_rule_caches()
