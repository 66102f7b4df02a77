"""Slot engine: availability rules plus busy intervals in, bookable slots out.

A pure function of its inputs: no database, no Qt, no clock, no I/O. The
booking side loads a `PractitionerSchedule` per practitioner and asks
`open_slots`, `open_slots_many`, `days_with_room` or `next_free_slot`.
Busy times come as `Busy` objects, or, from a loader with thousands of them,
as trusted `BusySeconds` rows of epoch seconds; both give the same answers.

How a local day's availability is decided, for one service
-----------------------------------------------------------
Precedence, strongest first:

1. A clinic holiday closes the day (a date override does not reopen it).
2. A date override replaces *all* of that day's weekly blocks, and recurring
   exceptions do not apply to that date: the override is the more specific
   rule. An override with no blocks closes the day; an override on a weekday
   without weekly hours opens it.
3. Otherwise the weekday's weekly blocks apply, minus the recurring exceptions
   that fall on that date (a whole day, or one wall-clock range).

Blocks restricted to other services are ignored. Blocks that overlap or touch
are merged into one block (the rules editor validates overlaps; the engine only
has to stay sensible), and a merged block's grid starts at its start. A block
is `start < end` on one day: it cannot run past midnight.

Candidate starts are the block's wall-clock grid: `block start + k * slot
interval`, before the block's end. A candidate is a slot when

* the slot `[start, start + duration)` lies inside the day's availability and
  outside every exception;
* the slot widened by the service's `buffer_before`/`buffer_after` does not
  overlap any busy interval widened by that interval's own pads (so both the
  existing appointment's and the new booking's buffers count; a busy interval
  that is empty even after its pads blocks nothing);
* `start >= now + min_notice`;
* its local date is at most `today + horizon_days` (today in the
  practitioner's zone);
* the local day has fewer than `max_per_day` busy items that count for the
  daily limit (a busy item belongs to the local date of its start).

All dates (overrides, holidays, exceptions, `day_from`/`day_to`, months) are
local calendar dates in the practitioner's zone, whatever zone the caller's
datetimes are in.

Daylight saving (the documented rule)
-------------------------------------
Wall-clock times are read in the practitioner's zone. Durations, buffers and
minimum notice are real elapsed time, so a DST change inside a window shifts
nothing.

* Skipped hour: a grid time that does not exist on that day (the clock jumps
  over it) is not a slot; the grid is not re-anchored. A block or exception
  whose start or end falls in the skipped hour begins or ends at the jump.
* Repeated hour: a grid time that occurs twice yields a candidate for each of
  its two real instants; each real instant is offered at most once.
* A wall-clock range (block or exception) covers the real time from the
  first moment the clock shows its start time (or later) until the moment
  from which the clock shows its end time or later for the rest of the day.
  So a range touching a repeated hour covers both passes through it.
* A slot ends at `start + duration` in real time and must not end after its
  block's end instant: a 50-minute slot at 01:30 on a night the clock goes
  back needs 50 real minutes, however the wall clock reads meanwhile.

Implementation notes
--------------------
Everything runs on integer epoch seconds. A local day is a "frame": on days
without a UTC offset change wall time maps to instants by one subtraction and
slot starts are enumerated arithmetically; days with a change take a careful
path that maps each grid time through the day's offset segments. Busy
intervals are sorted once per schedule (cached on the schedule object) and
looked up per day with bisect; `next_free_slot` first indexes only the coming
week of them, as most searches end there.
"""

from desktop_app.availability.slot_engine.blocks import DateOverride, TimeBlock, WeeklyBlock
from desktop_app.availability.slot_engine.busy import Busy, BusyRow, BusySeconds
from desktop_app.availability.slot_engine.recurrence import RecurringException
from desktop_app.availability.slot_engine.schedule import PractitionerSchedule, ScheduleSettings
from desktop_app.availability.slot_engine.slots import (
    Slot,
    clear_caches,
    days_with_room,
    next_free_slot,
    open_slots,
    open_slots_many,
)

__all__ = [
    "Busy",
    "BusyRow",
    "BusySeconds",
    "DateOverride",
    "PractitionerSchedule",
    "RecurringException",
    "ScheduleSettings",
    "Slot",
    "TimeBlock",
    "WeeklyBlock",
    "clear_caches",
    "days_with_room",
    "next_free_slot",
    "open_slots",
    "open_slots_many",
]
