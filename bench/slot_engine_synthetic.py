"""Micro-benchmark of the slot engine on synthetic data shaped like a large clinic.

100 practitioners in Europe/London, a 60-day window that contains the spring
DST change, weekly hours of two blocks a day on five days, a 15-minute grid,
a 50-minute service and about 30 000 live appointments (plus holds and
external busy times), recurring exceptions, overrides and clinic holidays.

Run:  python bench/slot_engine_synthetic.py [--repeat N] [--seed S]

Prints a table and, on its last line, a JSON object of the figures in ms.
"cold" means fresh schedule objects and empty module caches (first query after
start); "fresh" means fresh schedule objects with warm module caches (what the
app sees when it reloads busy times for each query); "warm" reuses the same
schedule objects (their per-schedule indexes are cached).
"""

import argparse
import dataclasses
import json
import random
import statistics
import sys
import time as clock
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.availability.slot_engine import (
    Busy,
    DateOverride,
    PractitionerSchedule,
    RecurringException,
    ScheduleSettings,
    TimeBlock,
    WeeklyBlock,
    clear_caches,
    next_free_slot,
    open_slots_many,
)

TZ = ZoneInfo("Europe/London")
PRACTITIONERS = 100
DAYS = 60
FIRST_DAY = date(2025, 3, 3)  # a Monday; 2025-03-30 is the spring DST change
SERVICE = uuid.UUID(int=1)
DURATION = timedelta(minutes=50)
BUFFER_AFTER = timedelta(minutes=10)
BLOCKS = ((time(8, 0), time(12, 30)), (time(13, 30), time(19, 0)))
APPOINTMENTS_PER_WORKDAY = 7.5
HOLIDAYS = frozenset({date(2025, 4, 18), date(2025, 4, 21)})


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=TZ).astimezone(UTC)


def build_clinic(seed: int) -> tuple[list[PractitionerSchedule], int]:
    """The practitioners' schedules and the number of appointments."""
    rng = random.Random(seed)
    settings = ScheduleSettings(
        slot_interval=timedelta(minutes=15),
        buffer_before=timedelta(0),
        buffer_after=BUFFER_AFTER,
        min_notice=timedelta(hours=2),
        horizon_days=90,
        max_per_day=9,
    )
    weekly = tuple(WeeklyBlock(wd, a, b) for wd in range(5) for a, b in BLOCKS)
    first_monday = RecurringException("FREQ=MONTHLY;BYDAY=1MO", date(2023, 1, 2), None)
    friday_pm = RecurringException(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", date(2024, 1, 5), TimeBlock(time(13, 0), time(17, 0))
    )
    schedules = []
    total = 0
    for p in range(PRACTITIONERS):
        busy: list[Busy] = []
        external: list[Busy] = []
        for offset in range(DAYS):
            day = FIRST_DAY + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            taken: list[tuple[datetime, datetime]] = []
            want = round(rng.uniform(APPOINTMENTS_PER_WORKDAY - 3, APPOINTMENTS_PER_WORKDAY + 3))
            for _ in range(want * 6):
                if len(taken) >= want:
                    break
                a, b = rng.choice(BLOCKS)
                span = (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute) - 50
                minute = a.hour * 60 + a.minute + 15 * rng.randint(0, span // 15)
                start = _local(day, time(minute // 60, minute % 60))
                end = start + DURATION
                if all(end + BUFFER_AFTER <= s or e + BUFFER_AFTER <= start for s, e in taken):
                    taken.append((start, end))
            for start, end in sorted(taken):
                busy.append(Busy(start, end, timedelta(0), BUFFER_AFTER, True))
            total += len(taken)
            if rng.random() < 0.1:  # an external calendar event
                start = _local(day, time(rng.randint(8, 17), 0))
                external.append(Busy(start, start + timedelta(minutes=45)))
        # As the booking side assembles it: appointments in time order from the
        # database, then external busy times; overall not sorted.
        busy.extend(external)
        overrides = (
            DateOverride(FIRST_DAY + timedelta(days=7 * rng.randint(0, 7) + rng.randint(0, 4)), ()),
            DateOverride(
                FIRST_DAY + timedelta(days=7 * rng.randint(0, 7) + 5),
                (TimeBlock(time(9, 0), time(13, 0)),),
                "Saturday clinic",
            ),
        )
        recurring = (first_monday,) if p % 2 else (friday_pm,)
        schedules.append(
            PractitionerSchedule(
                uuid.UUID(int=1000 + p), TZ, weekly, overrides, recurring, settings, tuple(busy)
            )
        )
    return schedules, total


def fresh(clinic: list[PractitionerSchedule]) -> list[PractitionerSchedule]:
    """Equal schedules as new objects, without the indexes the engine caches on them."""
    return [dataclasses.replace(s) for s in clinic]


def measure(
    fn: Callable[[list[PractitionerSchedule]], object],
    clinic: list[PractitionerSchedule],
    repeat: int,
    mode: str,
) -> list[float]:
    times = []
    shared = fresh(clinic)
    fn(shared)  # warms module caches for "fresh" and the schedule indexes for "warm"
    for _ in range(repeat):
        schedules = shared if mode == "warm" else fresh(clinic)
        if mode == "cold":
            clear_caches()
        t0 = clock.perf_counter()
        fn(schedules)
        times.append((clock.perf_counter() - t0) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    t0 = clock.perf_counter()
    clinic, appointments = build_clinic(args.seed)
    build_ms = (clock.perf_counter() - t0) * 1000
    busy_items = sum(len(s.busy) for s in clinic)
    sample = [b for s in clinic for b in s.busy][:5000]
    t0 = clock.perf_counter()
    for b in sample:
        Busy(b.start, b.end, b.pad_before, b.pad_after, b.counts_for_day_limit)
    busy_us = (clock.perf_counter() - t0) * 1e6 / len(sample)

    now = _local(FIRST_DAY, time(7, 30))
    last_day = FIRST_DAY + timedelta(days=DAYS - 1)

    def all_slots(schedules: list[PractitionerSchedule]) -> object:
        return open_slots_many(schedules, SERVICE, DURATION, FIRST_DAY, last_day, now, HOLIDAYS)

    def next_free(schedules: list[PractitionerSchedule]) -> object:
        return next_free_slot(schedules, SERVICE, DURATION, now, HOLIDAYS)

    # The desk at closing time: today is over, tomorrow decides.
    late = _local(FIRST_DAY, time(18, 45))

    def next_free_late(schedules: list[PractitionerSchedule]) -> object:
        return next_free_slot(schedules, SERVICE, DURATION, late, HOLIDAYS)

    slot_count = len(open_slots_many(clinic, SERVICE, DURATION, FIRST_DAY, last_day, now, HOLIDAYS))
    rows = []
    figures: dict[str, float | int] = {
        "practitioners": PRACTITIONERS,
        "days": DAYS,
        "appointments": appointments,
        "busy_items": busy_items,
        "open_slots_found": slot_count,
        "busy_construct_us_each": round(busy_us, 2),
    }
    for label, key, fn, repeat in (
        ("open slots, 100 x 60 days", "open_slots", all_slots, args.repeat),
        ("next free slot, anyone", "next_free", next_free, args.repeat * 4),
        ("next free slot, after hours", "next_free_late", next_free_late, args.repeat * 4),
    ):
        for mode in ("cold", "fresh", "warm"):
            times = measure(fn, clinic, repeat, mode)
            best, med, worst = min(times), statistics.median(times), max(times)
            rows.append((label, mode, best, med, worst))
            figures[f"{key}_{mode}_min_ms"] = round(best, 2)
            figures[f"{key}_{mode}_median_ms"] = round(med, 2)
            figures[f"{key}_{mode}_max_ms"] = round(worst, 2)

    print(f"synthetic clinic built in {build_ms:.0f} ms (not measured below)")
    print(
        f"{PRACTITIONERS} practitioners, {DAYS} days, {appointments} appointments, "
        f"{busy_items} busy items, {slot_count} open slots; "
        f"Busy() construction {busy_us:.2f} us each (caller side)"
    )
    print()
    print(f"| {'what':<30} | {'mode':<5} | {'min ms':>8} | {'median ms':>9} | {'max ms':>8} |")
    print(f"| {'-' * 30} | {'-' * 5} | {'-' * 7}: | {'-' * 8}: | {'-' * 7}: |")
    for label, mode, best, med, worst in rows:
        print(f"| {label:<30} | {mode:<5} | {best:>8.2f} | {med:>9.2f} | {worst:>8.2f} |")
    print()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
