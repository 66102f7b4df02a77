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

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from itertools import accumulate
from operator import attrgetter, itemgetter
from typing import Final, NamedTuple, overload
from uuid import UUID
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

__all__ = [
    "Busy",
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

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_SECOND: Final = timedelta(seconds=1)
_DAY_S: Final = 86_400
_ONE_DAY: Final = timedelta(days=1)
_INF: Final = 1 << 62
# Offset changes are never closer than this in the tz database; the frame
# sampler relies on it to find every change on a day.
_SAMPLE_STEP_S: Final = 3_600

WallRange = tuple[int, int]  # seconds after local midnight, start < end


# --------------------------------------------------------------------------
# input validation helpers


def _check_aware(value: datetime, what: str) -> None:
    tz = value.tzinfo
    if tz is not UTC and (tz is None or value.utcoffset() is None):
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")


# Busy objects are built by the ten thousand, so these avoid timedelta
# arithmetic when they can: timestamp() is exact for whole seconds.


def _epoch_floor(value: datetime, what: str) -> int:
    _check_aware(value, what)
    if value.microsecond:
        return (value - _EPOCH) // _SECOND
    return int(value.timestamp())


def _epoch_ceil(value: datetime, what: str) -> int:
    _check_aware(value, what)
    if value.microsecond:
        return -((_EPOCH - value) // _SECOND)
    return int(value.timestamp())


def _span_seconds(value: timedelta, what: str, *, positive: bool = False) -> int:
    if not value and not positive:
        return 0
    if value.microseconds:
        raise ValueError(f"{what} must be a whole number of seconds, got {value!r}")
    seconds = value.days * _DAY_S + value.seconds
    if seconds < 0 or (positive and seconds == 0):
        kind = "positive" if positive else "zero or more"
        raise ValueError(f"{what} must be {kind}, got {value!r}")
    return seconds


def _wall_seconds(value: time, what: str) -> int:
    if value.tzinfo is not None:
        raise ValueError(f"{what} is a wall-clock time and must not carry a timezone")
    if value.microsecond:
        raise ValueError(f"{what} must be a whole second, got {value!r}")
    return value.hour * 3600 + value.minute * 60 + value.second


def _wall_range(start: time, end: time, what: str) -> WallRange:
    a = _wall_seconds(start, f"{what} start")
    b = _wall_seconds(end, f"{what} end")
    if b <= a:
        raise ValueError(f"{what} must end after it starts on the same day: {start} to {end}")
    return a, b


# --------------------------------------------------------------------------
# inputs


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
    _range: WallRange = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_range", _wall_range(self.start, self.end, "time block"))


@dataclass(frozen=True, slots=True)
class WeeklyBlock:
    """Weekly opening hours: `weekday` 0 = Monday; several blocks per day allowed."""

    weekday: int
    start: time
    end: time
    service_ids: frozenset[UUID] | None = None
    _range: WallRange = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")
        object.__setattr__(self, "_range", _wall_range(self.start, self.end, "weekly block"))


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


_RULE_FREQS: Final = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})


def _normalise_rrule(text: str) -> tuple[str, str, int, bool]:
    """Return (rule text, FREQ, INTERVAL, has COUNT) or raise ValueError."""
    if "\n" in text or "\r" in text:
        raise ValueError("a recurring exception takes one RRULE line, not a calendar")
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts: list[str] = []
    found: dict[str, str] = {}
    for part in body.split(";"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"not an RRULE: {text!r}")
        key, value = key.strip().upper(), value.strip().upper()
        if key in found:
            raise ValueError(f"{key} appears twice in RRULE {text!r}")
        # Occurrences are whole local dates, so a UTC UNTIL is read as a date-time
        # in the practitioner's calendar; dateutil would refuse it with a date DTSTART.
        if key == "UNTIL" and value.endswith("Z"):
            value = value[:-1]
        found[key] = value
        parts.append(f"{key}={value}")
    freq = found.get("FREQ")
    if freq not in _RULE_FREQS:
        raise ValueError(f"RRULE FREQ must be one of {sorted(_RULE_FREQS)}, got {freq!r}")
    try:
        interval = int(found.get("INTERVAL", "1"))
    except ValueError:
        raise ValueError(f"RRULE INTERVAL must be a number in {text!r}") from None
    if interval < 1:
        raise ValueError(f"RRULE INTERVAL must be at least 1 in {text!r}")
    return ";".join(parts), freq, interval, "COUNT" in found


@dataclass(frozen=True, slots=True)
class RecurringException:
    """Closes a whole day (`block` None) or a wall-clock range, on every RRULE date.

    `rrule` is RFC 5545 RRULE text such as "FREQ=MONTHLY;BYDAY=1MO"; `dtstart`
    is the first date the rule may apply. FREQ must be DAILY, WEEKLY, MONTHLY
    or YEARLY.
    """

    rrule: str
    dtstart: date
    block: TimeBlock | None
    reason: str = ""
    _text: str = field(init=False, repr=False, compare=False)
    _freq: str = field(init=False, repr=False, compare=False)
    _interval: int = field(init=False, repr=False, compare=False)
    _counted: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.dtstart, datetime):
            raise ValueError("dtstart of a recurring exception is a date, not a datetime")
        if self.block is not None and self.block.service_ids is not None:
            raise ValueError("a recurring exception closes every service; leave service_ids None")
        text, freq, interval, counted = _normalise_rrule(self.rrule)
        try:
            _parse_rule(text, self.dtstart)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"invalid RRULE {self.rrule!r}: {exc}") from None
        object.__setattr__(self, "_text", text)
        object.__setattr__(self, "_freq", freq)
        object.__setattr__(self, "_interval", interval)
        object.__setattr__(self, "_counted", counted)


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """Per-practitioner booking settings. Spans are whole seconds."""

    slot_interval: timedelta
    buffer_before: timedelta
    buffer_after: timedelta
    min_notice: timedelta
    horizon_days: int
    max_per_day: int | None
    _ints: tuple[int, int, int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        interval = _span_seconds(self.slot_interval, "slot_interval", positive=True)
        before = _span_seconds(self.buffer_before, "buffer_before")
        after = _span_seconds(self.buffer_after, "buffer_after")
        notice = _span_seconds(self.min_notice, "min_notice")
        if self.horizon_days < 0:
            raise ValueError(f"horizon_days must be zero or more, got {self.horizon_days}")
        if self.max_per_day is not None and self.max_per_day < 1:
            raise ValueError(
                f"max_per_day must be at least 1, or None for no limit, got {self.max_per_day}"
            )
        object.__setattr__(self, "_ints", (interval, before, after, notice))


@dataclass(frozen=True, slots=True)
class Busy:
    """A busy interval: an appointment, a slot hold or an external calendar event.

    Live appointments and holds carry the practitioner's buffers as pads and
    count for the daily maximum; external busy times have no pads and do not.
    Instants must be timezone-aware; sub-second parts are rounded outwards.
    """

    start: datetime
    end: datetime
    pad_before: timedelta = timedelta()
    pad_after: timedelta = timedelta()
    counts_for_day_limit: bool = False
    _start_s: int = field(init=False, repr=False, compare=False)
    _lo: int = field(init=False, repr=False, compare=False)
    _hi: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        start = _epoch_floor(self.start, "busy start")
        end = _epoch_ceil(self.end, "busy end")
        if end < start:
            raise ValueError(f"busy interval ends before it starts: {self.start} to {self.end}")
        lo = start - _span_seconds(self.pad_before, "pad_before")
        hi = end + _span_seconds(self.pad_after, "pad_after")
        object.__setattr__(self, "_start_s", start)
        object.__setattr__(self, "_lo", lo)
        # An empty interval overlaps nothing, even once the new booking's buffers
        # widen it; an end far in the past keeps it out of every lookup while it
        # still counts for the daily limit.
        object.__setattr__(self, "_hi", hi if hi > lo else -_INF)


BusyRow = tuple[int, int, int, int, bool]  # start, end, pad before, pad after (seconds), counts


class BusySeconds(Sequence[Busy]):
    """Busy intervals as whole epoch seconds, for callers that load thousands.

    Each row is `(start, end, pad_before, pad_after, counts_for_day_limit)`,
    instants in epoch seconds and pads in seconds. The rows are trusted, not
    checked: `start <= end`, pads zero or more, all ints. That is what a
    database with matching CHECK constraints hands over, and building a
    `Busy` (two aware datetimes and two timedeltas, validated) per row costs
    more than the engine's whole answer.

    Behaves as a sequence of the equivalent `Busy` objects (made on access);
    the engine reads the rows directly.
    """

    __slots__ = ("_rows",)

    def __init__(self, rows: Iterable[BusyRow]) -> None:
        self._rows: tuple[BusyRow, ...] = tuple(rows)

    @staticmethod
    def _busy(row: BusyRow) -> Busy:
        start, end, before, after, counts = row
        return Busy(
            datetime.fromtimestamp(start, UTC),
            datetime.fromtimestamp(end, UTC),
            timedelta(seconds=before),
            timedelta(seconds=after),
            counts,
        )

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Busy: ...

    @overload
    def __getitem__(self, index: slice) -> "Sequence[Busy]": ...

    def __getitem__(self, index: int | slice) -> "Busy | Sequence[Busy]":
        if isinstance(index, slice):
            return tuple(map(self._busy, self._rows[index]))
        return self._busy(self._rows[index])

    def __iter__(self) -> Iterator[Busy]:
        return map(self._busy, self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BusySeconds):
            # A row determines its Busy and back, so rows compare as their Busy would.
            return self._rows == other._rows
        if isinstance(other, Sequence) and not isinstance(other, str):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        # Equal to a tuple of the same Busy objects, so it hashes like one.
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"BusySeconds(<{len(self._rows)} rows>)"


@dataclass(frozen=True)
class PractitionerSchedule:
    """Everything the engine needs about one practitioner.

    Treat it as immutable: the engine caches derived indexes on the object, so
    build a new one when appointments or rules change.
    """

    practitioner_id: UUID
    tz: ZoneInfo
    weekly: tuple[WeeklyBlock, ...]
    overrides: tuple[DateOverride, ...]
    recurring: tuple[RecurringException, ...]
    settings: ScheduleSettings
    busy: Sequence[Busy] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.tz, ZoneInfo):
            raise ValueError(f"tz must be a zoneinfo.ZoneInfo, got {self.tz!r}")
        for name in ("weekly", "overrides", "recurring"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not isinstance(self.busy, BusySeconds):
            object.__setattr__(self, "busy", tuple(self.busy))
        days = [o.day for o in self.overrides]
        if len(set(days)) != len(days):
            dupes = sorted({d for d in days if days.count(d) > 1})
            raise ValueError(f"more than one override for {', '.join(map(str, dupes))}")

    @cached_property
    def _busy_index(self) -> "_BusyIndex":
        return _BusyIndex(self, None)

    @cached_property
    def _rules(self) -> "dict[UUID, _Rules]":
        return {}


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable start for one practitioner; instants in UTC."""

    practitioner_id: UUID
    start: datetime
    end: datetime


# --------------------------------------------------------------------------
# local days


class _Frame(NamedTuple):
    """One local date: wall time <-> instants.

    `offset` is set when the UTC offset is constant across the day (the fast
    path); otherwise `seg_starts`/`seg_offsets` describe the offset in force
    from each instant on.
    """

    w0: int  # local midnight as seconds on the wall-clock epoch
    start: int  # first instant of the local date
    end: int  # first instant of the next local date
    offset: int | None
    seg_starts: tuple[int, ...]
    seg_offsets: tuple[int, ...]


def _offset_at(tz: ZoneInfo, instant: int) -> int:
    delta = datetime.fromtimestamp(instant, tz).utcoffset()
    assert delta is not None  # a ZoneInfo always has an offset
    return delta // _SECOND


def _midnight_offsets(tz: ZoneInfo, day: date) -> tuple[int, int]:
    out = []
    for fold in (0, 1):
        delta = datetime(day.year, day.month, day.day, fold=fold, tzinfo=tz).utcoffset()
        assert delta is not None
        out.append(delta // _SECOND)
    return out[0], out[1]


def _first_at_or_after(fr: _Frame, wall: int) -> int:
    """First instant whose wall reading is `wall` or later."""
    if fr.offset is not None:
        return wall - fr.offset
    starts, offsets = fr.seg_starts, fr.seg_offsets
    last = len(starts) - 1
    for i, off in enumerate(offsets):
        seg_end = starts[i + 1] if i < last else _INF
        if seg_end + off > wall:
            return max(starts[i], wall - off)
    return _INF


def _settled_at(fr: _Frame, wall: int) -> int:
    """Instant from which the wall clock reads `wall` or later for good."""
    if fr.offset is not None:
        return wall - fr.offset
    starts, offsets = fr.seg_starts, fr.seg_offsets
    last = len(starts) - 1
    for i in range(last, -1, -1):
        off = offsets[i]
        if starts[i] + off < wall:
            seg_end = starts[i + 1] if i < last else _INF
            return min(seg_end, wall - off)
    return starts[0]


def _instants_of(fr: _Frame, wall: int) -> list[int]:
    """Every real instant at which the wall clock reads `wall` (0, 1 or 2)."""
    if fr.offset is not None:
        return [wall - fr.offset]
    starts, offsets = fr.seg_starts, fr.seg_offsets
    last = len(starts) - 1
    out = []
    for i, off in enumerate(offsets):
        t = wall - off
        if starts[i] <= t and (i == last or t < starts[i + 1]):
            out.append(t)
    return out


@lru_cache(maxsize=16_384)
def _frame(tz: ZoneInfo, ordinal: int) -> _Frame:
    day = date.fromordinal(ordinal)
    w0 = (ordinal - _EPOCH_ORDINAL) * _DAY_S
    lo = w0 - max(_midnight_offsets(tz, day)) - _SAMPLE_STEP_S
    hi = w0 + _DAY_S - min(_midnight_offsets(tz, day + _ONE_DAY)) + _SAMPLE_STEP_S
    samples = list(range(lo, hi, _SAMPLE_STEP_S))
    samples.append(hi)
    offsets = [_offset_at(tz, t) for t in samples]
    first = offsets[0]
    if all(o == first for o in offsets):
        return _Frame(w0, w0 - first, w0 + _DAY_S - first, first, (), ())
    seg_starts = [lo]
    seg_offsets = [first]
    for i in range(1, len(samples)):
        left, right = samples[i - 1], samples[i]
        current = seg_offsets[-1]
        # Bisect for each change in (left, right]; more than one per step is
        # handled by searching again to the right of the change just found.
        while current != offsets[i]:
            a, b = left, right
            while b - a > 1:
                mid = (a + b) // 2
                if _offset_at(tz, mid) == current:
                    a = mid
                else:
                    b = mid
            current = _offset_at(tz, b)
            seg_starts.append(b)
            seg_offsets.append(current)
            left = b
    probe = _Frame(w0, 0, 0, None, tuple(seg_starts), tuple(seg_offsets))
    return probe._replace(
        start=_first_at_or_after(probe, w0), end=_first_at_or_after(probe, w0 + _DAY_S)
    )


# --------------------------------------------------------------------------
# recurring exceptions


@lru_cache(maxsize=1_024)
def _parse_rule(text: str, dtstart: date) -> rrule:
    parsed = rrulestr(text, dtstart=datetime.combine(dtstart, time()))
    if not isinstance(parsed, rrule):
        raise ValueError(f"not a single RRULE: {text!r}")
    return parsed


def _add_months(day: date, months: int) -> date | None:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    if day.day > calendar.monthrange(year, month + 1)[1]:
        return None
    return date(year, month + 1, day.day)


def _fast_forward(rx: RecurringException, first: date) -> date:
    """A later DTSTART, in phase with the rule, that yields the same dates from `first` on.

    dateutil iterates from DTSTART, which for an old rule costs milliseconds.
    Moving DTSTART by whole rule periods keeps the phase (weekday, week
    alignment, day of month). Rules with COUNT are left alone: their dates
    depend on every earlier occurrence.
    """
    start = rx.dtstart
    if rx._counted or start >= first:
        return start
    n = rx._interval
    if rx._freq in ("DAILY", "WEEKLY"):
        period = n if rx._freq == "DAILY" else 7 * n
        periods = (first - start).days // period - 1
        return start + timedelta(days=periods * period) if periods > 0 else start
    unit = 12 if rx._freq == "YEARLY" else 1
    months = (first.year - start.year) * 12 + first.month - start.month
    periods = months // (n * unit) - 1
    while periods > 0:
        moved = _add_months(start, periods * n * unit)
        if moved is not None:
            return moved
        periods -= 1  # e.g. the 31st in a shorter month: step back one period
    return start


@lru_cache(maxsize=8_192)
def _rule_dates_in_month(rx: RecurringException, year: int, month: int) -> frozenset[date]:
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    rule = _parse_rule(rx._text, rx.dtstart)
    moved = _fast_forward(rx, first)
    if moved != rx.dtstart:
        rule = rule.replace(dtstart=datetime.combine(moved, time()))
    hits = rule.between(datetime.combine(first, time()), datetime.combine(last, time.max), True)
    return frozenset(hit.date() for hit in hits)


# --------------------------------------------------------------------------
# per-schedule index (cached on the schedule object)


def _merge_walls(ranges: Iterable[WallRange]) -> tuple[WallRange, ...]:
    """Merge overlapping or touching wall ranges."""
    merged: list[WallRange] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return tuple(merged)


def _offers(service_ids: frozenset[UUID] | None, service_id: UUID) -> bool:
    return service_ids is None or service_id in service_ids


_BY_LO: Final = attrgetter("_lo")
_BY_HI: Final = attrgetter("_hi")
_FIRST: Final = itemgetter(0)


class _BusyIndex:
    """A schedule's busy intervals, widened by its buffers, sorted for bisect.

    With a `limit`, only intervals whose padded start is before it are kept:
    enough for days ending at `limit - buffer_after` or earlier. The next-free
    search uses that to avoid sorting weeks of appointments it will not reach.
    """

    __slots__ = ("bounds", "counted", "his", "limit", "los")

    def __init__(self, schedule: PractitionerSchedule, limit: int | None) -> None:
        _, before, after, _ = schedule.settings._ints
        busy = schedule.busy
        if isinstance(busy, BusySeconds):
            los, his, counted = _widened_rows(busy._rows, limit)
        else:
            if limit is not None:
                busy = [b for b in busy if b._lo < limit]
            live = sorted(busy, key=_BY_LO)
            los = list(map(_BY_LO, live))
            his = list(map(_BY_HI, live))
            counted = [b._start_s for b in live if b.counts_for_day_limit]
        # A busy interval [lo, hi) meets the new booking [s - before, s + d + after)
        # exactly when the slot body [s, s + d) meets [lo - after, hi + before).
        self.los = [x - after for x in los] if after else los
        self.his = [x + before for x in his] if before else his
        # Running maximum of the ends: monotone, so bisect can skip every
        # interval that ends before a day starts even when long ones overlap.
        self.bounds = list(accumulate(self.his, max))
        counted.sort()
        self.counted = counted
        self.limit = _INF if limit is None else limit - after


def _widened_rows(
    rows: tuple[BusyRow, ...], limit: int | None
) -> tuple[list[int], list[int], list[int]]:
    """What `Busy` derives per interval, for trusted rows: padded starts and
    ends in the order of the padded start, and the starts that count."""
    if limit is None:
        limit = _INF
    spans = [
        (start - before, end + after if end + after > start - before else -_INF)
        for start, end, before, after, _ in rows
        if start - before < limit
    ]
    counted = [r[0] for r in rows if r[4] and r[0] - r[2] < limit]
    spans.sort(key=_FIRST)
    return [s[0] for s in spans], [s[1] for s in spans], counted


class _Rules(NamedTuple):
    """Wall-clock blocks offered for one service: per weekday, and per override date."""

    weekly: tuple[tuple[WallRange, ...], ...]
    overrides: dict[date, tuple[WallRange, ...]]


def _rules_for(schedule: PractitionerSchedule, service_id: UUID) -> _Rules:
    cache = schedule._rules
    rules = cache.get(service_id)
    if rules is None:
        weekly = tuple(
            _merge_walls(
                b._range
                for b in schedule.weekly
                if b.weekday == wd and _offers(b.service_ids, service_id)
            )
            for wd in range(7)
        )
        overrides = {
            o.day: _merge_walls(b._range for b in o.blocks if _offers(b.service_ids, service_id))
            for o in schedule.overrides
        }
        rules = cache[service_id] = _Rules(weekly, overrides)
    return rules


# --------------------------------------------------------------------------
# one practitioner, one query


Span = tuple[int, int, int]  # (start, end, grid anchor) in epoch seconds


def _subtract(spans: list[Span], cuts: list[tuple[int, int]]) -> list[Span]:
    """Remove `cuts` (sorted by start, ends in any order) from disjoint sorted spans."""
    out: list[Span] = []
    for s, e, g in spans:
        cur = s
        for cs, ce in cuts:
            if cs >= e:
                break
            if ce <= cur:
                continue
            if cs > cur:
                out.append((cur, cs, g))
            cur = ce
            if cur >= e:
                break
        if cur < e:
            out.append((cur, e, g))
    return out


class _Plan:
    """One practitioner's rules resolved for one service, duration and `now`."""

    __slots__ = (
        "bounds",
        "closed",
        "counted",
        "dur",
        "earliest",
        "first_day",
        "his",
        "holidays",
        "interval",
        "last_day",
        "limit",
        "los",
        "max_per_day",
        "months",
        "overrides",
        "partial",
        "pid",
        "recurring",
        "schedule",
        "tz",
        "weekly",
    )

    def __init__(
        self,
        schedule: PractitionerSchedule,
        service_id: UUID,
        dur: int,
        now: datetime,
        now_s: int,
        after_s: int | None,
        holidays: Collection[date],
        lookahead_days: int | None = None,
    ) -> None:
        interval, _, _, notice = schedule.settings._ints
        self.schedule = schedule
        self.pid = schedule.practitioner_id
        self.tz = schedule.tz
        self.dur = dur
        self.interval = interval
        self.earliest = now_s + notice if after_s is None else max(now_s + notice, after_s)
        self.first_day = datetime.fromtimestamp(self.earliest, self.tz).date()
        today = now.astimezone(self.tz).date()
        # A horizon of centuries must not overflow the calendar.
        horizon = min(schedule.settings.horizon_days, (date.max - today).days - 1)
        self.last_day = today + timedelta(days=horizon)
        self.max_per_day = schedule.settings.max_per_day
        if lookahead_days is None or "_busy_index" in schedule.__dict__:
            self._use(schedule._busy_index)
        else:
            # Local midnights are never more than a day and a bit apart in real time.
            self._use(_BusyIndex(schedule, self.earliest + (lookahead_days + 2) * _DAY_S))
        self.weekly, self.overrides = _rules_for(schedule, service_id)
        self.holidays = _as_set(holidays)
        self.recurring = schedule.recurring
        self.months: set[int] = set()
        self.closed: set[date] = set()
        self.partial: dict[date, list[WallRange]] = {}

    def _use(self, index: _BusyIndex) -> None:
        self.los, self.his, self.bounds = index.los, index.his, index.bounds
        self.counted, self.limit = index.counted, index.limit

    def _load_month(self, year: int, month: int) -> None:
        self.months.add(year * 12 + month)
        touched = set()
        for rx in self.recurring:
            for day in _rule_dates_in_month(rx, year, month):
                if rx.block is None:
                    self.closed.add(day)
                else:
                    self.partial.setdefault(day, []).append(rx.block._range)
                    touched.add(day)
        for day in touched:
            self.partial[day].sort()

    def _busy_between(self, qs: int, qe: int) -> list[tuple[int, int]]:
        los, his = self.los, self.his
        j = bisect_right(self.bounds, qs)
        k = bisect_left(los, qe, j)
        return [(los[i], his[i]) for i in range(j, k) if his[i] > qs]

    def day_starts(self, day: date, first_only: bool) -> list[int]:
        """Slot starts (epoch seconds, ascending) on one local date."""
        if day in self.holidays:
            return []
        blocks = self.overrides.get(day)
        cuts: list[WallRange] | None = None
        if blocks is None:
            blocks = self.weekly[day.weekday()]
            if not blocks:
                return []
            if self.recurring:
                if day.year * 12 + day.month not in self.months:
                    self._load_month(day.year, day.month)
                if day in self.closed:
                    return []
                cuts = self.partial.get(day)
        elif not blocks:
            return []
        fr = _frame(self.tz, day.toordinal())
        if fr.end > self.limit:
            self._use(self.schedule._busy_index)
        if self.max_per_day is not None:
            counted = self.counted
            if bisect_left(counted, fr.end) - bisect_left(counted, fr.start) >= self.max_per_day:
                return []
        if fr.offset is None:
            return self._transition_day(fr, blocks, cuts, first_only)

        base = fr.w0 - fr.offset
        spans = [(base + a, base + b, base + a) for a, b in blocks]
        if cuts:
            spans = _subtract(spans, [(base + a, base + b) for a, b in cuts])
            if not spans:
                return []
        busy = self._busy_between(spans[0][0], spans[-1][1])
        if busy:
            spans = _subtract(spans, busy)
        out: list[int] = []
        earliest, dur, step = self.earliest, self.dur, self.interval
        for s, e, anchor in spans:
            lo = s if s > earliest else earliest
            hi = e - dur
            if lo > hi:
                continue
            first = anchor - ((anchor - lo) // step) * step  # first grid point >= lo
            if first <= hi:
                if first_only:
                    return [first]
                out.extend(range(first, hi + 1, step))
        return out

    def _transition_day(
        self,
        fr: _Frame,
        blocks: tuple[WallRange, ...],
        cuts: list[WallRange] | None,
        first_only: bool,
    ) -> list[int]:
        # Blocks far apart on the wall clock can overlap in real time around a
        # repeated hour, so availability is the union of the real ranges, while
        # each block keeps its own wall-clock grid.
        w0 = fr.w0
        real = sorted((_first_at_or_after(fr, w0 + a), _settled_at(fr, w0 + b)) for a, b in blocks)
        spans: list[Span] = []
        for s, e in real:
            if s >= e:
                continue
            if spans and s <= spans[-1][1]:
                if e > spans[-1][1]:
                    spans[-1] = (spans[-1][0], e, 0)
            else:
                spans.append((s, e, 0))
        if cuts:
            removed = sorted(
                (_first_at_or_after(fr, w0 + a), _settled_at(fr, w0 + b)) for a, b in cuts
            )
            spans = _subtract(spans, removed)
        if not spans:
            return []
        busy = self._busy_between(spans[0][0], spans[-1][1])
        if busy:
            spans = _subtract(spans, busy)
        starts = [s for s, _, _ in spans]
        earliest, dur = self.earliest, self.dur
        out: list[int] = []
        for a, b in blocks:
            for wall in range(w0 + a, w0 + b, self.interval):
                for t in _instants_of(fr, wall):
                    if t < earliest:
                        continue
                    i = bisect_right(starts, t) - 1
                    if i >= 0 and t + dur <= spans[i][1]:
                        out.append(t)
        out.sort()
        return out[:1] if first_only else out


# --------------------------------------------------------------------------
# public API


def _check_common(
    duration: timedelta, now: datetime, after: datetime | None = None
) -> tuple[int, int, int | None]:
    dur = _span_seconds(duration, "duration", positive=True)
    now_s = _epoch_ceil(now, "now")
    after_s = None if after is None else _epoch_ceil(after, "after")
    return dur, now_s, after_s


def _as_set(holidays: Collection[date]) -> Collection[date]:
    # Looked up once per candidate day: a list would make that linear.
    return holidays if isinstance(holidays, set | frozenset) else frozenset(holidays)


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


def _plan_days(plan: _Plan, day_from: date, day_to: date) -> Iterable[date]:
    """Local dates worth looking at: inside the window, the notice and the horizon."""
    first = max(day_from, plan.first_day)
    last = min(day_to, plan.last_day)
    if not any(plan.weekly):
        # Only override dates can open; skip the empty weeks in between (a
        # practitioner without hours for this service costs nothing).
        return sorted(d for d in plan.overrides if first <= d <= last)
    return (first + timedelta(days=i) for i in range((last - first).days + 1))


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
        plan = _Plan(schedule, service_id, dur, now, now_s, None, holidays)
        starts: list[int] = []
        for day in _plan_days(plan, day_from, day_to):
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
        plan = _Plan(schedule, service_id, dur, now, now_s, None, holidays)
        for day in _plan_days(plan, first, last):
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
        plan = _Plan(schedule, service_id, dur, now, now_s, after_s, holidays, _LOOKAHEAD_DAYS)
        for day in _plan_days(plan, plan.first_day, plan.last_day):
            if best is not None and _frame(plan.tz, day.toordinal()).start >= best[0]:
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
    _frame.cache_clear()
    _parse_rule.cache_clear()
    _rule_dates_in_month.cache_clear()
