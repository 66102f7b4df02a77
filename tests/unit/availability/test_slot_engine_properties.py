"""Property tests: the slot engine against an independent brute-force model.

The model below shares no code with the engine. It reads wall clocks only
through zoneinfo (UTC -> local, on a 5-minute scan of real time), computes
recurring dates by calendar arithmetic rather than dateutil, and checks every
rule slot by slot. Everything the strategies draw is on a 5-minute grid, and
so are the zones' offset changes, so a 5-minute scan sees availability exactly.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.availability.slot_engine import (
    Busy,
    DateOverride,
    PractitionerSchedule,
    RecurringException,
    ScheduleSettings,
    Slot,
    TimeBlock,
    WeeklyBlock,
    days_with_room,
    next_free_slot,
    open_slots,
    open_slots_many,
)

STEP = timedelta(minutes=5)
SERVICE = uuid.UUID(int=1)
OTHER_SERVICE = uuid.UUID(int=2)
ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "America/Santiago"]
CALLER_ZONES = [UTC, ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles")]


def _short_or_long_days(zone: str) -> list[date]:
    """Local dates in 2024-2026 that are not 24 hours long: the clock changed on them."""
    tz = ZoneInfo(zone)
    out = []
    day = date(2024, 1, 1)
    while day < date(2027, 1, 1):
        start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        if end - start != timedelta(days=1):
            out.append(day)
        day += timedelta(days=1)
    return out


CHANGE_DAYS = {zone: _short_or_long_days(zone) for zone in ZONES}
assert all(len(days) == 6 for days in CHANGE_DAYS.values()), CHANGE_DAYS


# --------------------------------------------------------------------------
# strategies


def minutes(lo: int, hi: int) -> st.SearchStrategy[int]:
    """Multiples of 5 in [lo, hi]."""
    return st.integers(lo // 5, hi // 5).map(lambda k: 5 * k)


def _t(m: int) -> time:
    return time(m // 60, m % 60)


# Starts cluster where the offset changes happen (small hours, late evening).
block_start = st.one_of(minutes(0, 1430), minutes(0, 240), minutes(1260, 1430))


@st.composite
def wall_range(draw: st.DrawFn) -> tuple[time, time]:
    a = draw(block_start)
    b = min(1435, a + draw(st.one_of(minutes(5, 360), minutes(120, 600))))
    return _t(a), _t(b)


services = st.sampled_from([None, None, frozenset({SERVICE}), frozenset({OTHER_SERVICE})])


@st.composite
def recurring_rule(draw: st.DrawFn, first: date) -> tuple[str, date]:
    kind = draw(st.sampled_from(["weekly", "nth", "monthday", "daily", "monthly", "yearly"]))
    dtstart = first + timedelta(days=draw(st.integers(-1200, 3)))
    day_codes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    if kind == "weekly":
        n = draw(st.integers(1, 3))
        wd = draw(st.integers(0, 6))
        return f"FREQ=WEEKLY;INTERVAL={n};BYDAY={day_codes[wd]}", dtstart
    if kind == "nth":
        nth = draw(st.sampled_from([1, 2, 3, 4, -1]))
        wd = draw(st.integers(0, 6))
        return f"FREQ=MONTHLY;BYDAY={nth}{day_codes[wd]}", dtstart
    if kind == "monthday":
        n = draw(st.integers(1, 2))
        return f"FREQ=MONTHLY;INTERVAL={n};BYMONTHDAY={draw(st.integers(1, 31))}", dtstart
    if kind == "daily":
        return f"FREQ=DAILY;INTERVAL={draw(st.integers(1, 4))}", dtstart
    if kind == "monthly":  # day of month taken from DTSTART
        return "FREQ=MONTHLY", dtstart
    return "FREQ=YEARLY", dtstart


@dataclass
class Case:
    schedule: PractitionerSchedule
    duration: timedelta
    day_from: date
    day_to: date
    now: datetime
    holidays: frozenset[date]


@st.composite
def schedules(
    draw: st.DrawFn, first: date, last: date, zone: str, focus: bool = False
) -> PractitionerSchedule:
    tz = ZoneInfo(zone)
    window = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    weekly = []
    if focus:  # a block across the small hours or late evening, where clocks change
        opens = draw(st.one_of(minutes(0, 120), minutes(1200, 1380)))
        closes = min(1435, opens + draw(minutes(60, 300)))
        weekly.append(WeeklyBlock(first.weekday(), _t(opens), _t(closes)))
    for _ in range(draw(st.sampled_from([3, 0, 1, 2, 4, 5, 6]))):
        a, b = draw(wall_range())
        wd = draw(st.sampled_from([d.weekday() for d in window] * 4 + list(range(7))))
        weekly.append(WeeklyBlock(wd, a, b, draw(services)))
        b_min = b.hour * 60 + b.minute
        if b_min <= 1430 and draw(st.integers(0, 3)) == 3:  # another block touching it
            weekly.append(WeeklyBlock(wd, b, _t(min(1435, b_min + draw(minutes(5, 120))))))
    overrides = []
    for day in draw(st.lists(st.sampled_from(window), max_size=2, unique=True)):
        blocks = tuple(
            TimeBlock(*draw(wall_range()), service_ids=draw(services))
            for _ in range(draw(st.sampled_from([1, 2, 0, 3])))
        )
        overrides.append(DateOverride(day, blocks, "override"))
    recurring = []
    for _ in range(draw(st.integers(0, 2))):
        text, dtstart = draw(recurring_rule(first))
        block = draw(st.one_of(st.none(), st.builds(lambda r: TimeBlock(*r), wall_range())))
        recurring.append(RecurringException(text, dtstart, block))
    base = datetime.combine(first, time(0), tzinfo=UTC)
    span_min = ((last - first).days + 3) * 1440
    busy = []
    for _ in range(draw(st.integers(0, 3 if focus else 10))):
        start = base + timedelta(minutes=draw(minutes(-1440, span_min)))
        busy.append(
            Busy(
                start,
                start + timedelta(minutes=draw(minutes(0, 240))),
                timedelta(minutes=draw(minutes(0, 30))),
                timedelta(minutes=draw(minutes(0, 30))),
                draw(st.booleans()),
            )
        )
    settings_ = ScheduleSettings(
        slot_interval=timedelta(minutes=draw(st.sampled_from([5, 10, 15, 20, 30, 45, 60, 90]))),
        buffer_before=timedelta(minutes=draw(minutes(0, 30))),
        buffer_after=timedelta(minutes=draw(minutes(0, 30))),
        min_notice=timedelta(
            minutes=draw(st.one_of(st.just(0), minutes(0, 240), minutes(0, 3000)))
        ),
        horizon_days=draw(st.one_of(st.integers(0, 8), st.just(60))),
        max_per_day=draw(st.one_of(st.none(), st.none(), st.integers(1, 3))),
    )
    return PractitionerSchedule(
        practitioner_id=uuid.UUID(int=draw(st.integers(100, 10**6))),
        tz=tz,
        weekly=tuple(weekly),
        overrides=tuple(overrides),
        recurring=tuple(recurring),
        settings=settings_,
        busy=tuple(draw(st.permutations(busy))),
    )


@st.composite
def windows(draw: st.DrawFn) -> tuple[str, date, date]:
    zone = draw(st.sampled_from(ZONES))
    if draw(st.integers(0, 4)):
        first = draw(st.sampled_from(CHANGE_DAYS[zone])) + timedelta(days=draw(st.integers(-2, 1)))
    else:
        first = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 1000)))
    return zone, first, first + timedelta(days=draw(st.integers(0, 3)))


@st.composite
def now_near(draw: st.DrawFn, first: date, last: date) -> datetime:
    base = datetime.combine(first, time(0), tzinfo=UTC)
    later = ((last - first).days + 1) * 1440
    now = base + timedelta(minutes=draw(st.one_of(minutes(-2880, 0), minutes(-4 * 1440, later))))
    now += timedelta(seconds=draw(st.sampled_from([0, 0, 1, 59, 299])))
    return now.astimezone(draw(st.sampled_from(CALLER_ZONES)))


@st.composite
def cases(draw: st.DrawFn, focus: bool = False) -> Case:
    """A random practitioner and window; with `focus`, the window is one day with an
    offset change, the blocks cover the change and `now` is two days earlier."""
    if focus:
        zone = draw(st.sampled_from(ZONES))
        first = last = draw(st.sampled_from(CHANGE_DAYS[zone]))
        now = datetime.combine(first - timedelta(days=2), time(12), tzinfo=UTC)
    else:
        zone, first, last = draw(windows())
        now = draw(now_near(first, last))
    schedule = draw(schedules(first, last, zone, focus))
    window = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return Case(
        schedule=schedule,
        duration=timedelta(minutes=draw(st.one_of(minutes(5, 60), minutes(5, 180)))),
        day_from=first,
        day_to=last,
        now=now,
        holidays=frozenset(d for d in window if draw(st.integers(0, 9)) == 7),
    )


# --------------------------------------------------------------------------
# the brute-force model


def occurs(rx: RecurringException, day: date) -> bool:
    """Whether `day` is an occurrence, by calendar arithmetic (no dateutil)."""
    if day < rx.dtstart:
        return False
    parts = dict(p.split("=") for p in rx.rrule.split(";"))
    freq, n = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    s = rx.dtstart
    months = (day.year - s.year) * 12 + day.month - s.month
    codes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    if freq == "DAILY":
        return (day - s).days % n == 0
    if freq == "WEEKLY":
        weeks = ((day - timedelta(days=day.weekday())) - (s - timedelta(days=s.weekday()))).days
        return day.weekday() == codes.index(parts["BYDAY"]) and (weeks // 7) % n == 0
    if freq == "MONTHLY" and "BYDAY" in parts:
        nth, code = int(parts["BYDAY"][:-2]), parts["BYDAY"][-2:]
        if day.weekday() != codes.index(code):
            return False
        if nth > 0:
            return (day.day - 1) // 7 == nth - 1
        return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    if freq == "MONTHLY":
        wanted = int(parts.get("BYMONTHDAY", s.day))
        return day.day == wanted and months % n == 0
    assert freq == "YEARLY"
    return (day.month, day.day) == (s.month, s.day) and (day.year - s.year) % n == 0


def offers(ids: frozenset[uuid.UUID] | None) -> bool:
    return ids is None or SERVICE in ids


def merge(ranges: list[tuple[time, time]]) -> list[tuple[time, time]]:
    out: list[tuple[time, time]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class Model:
    """What a slot must satisfy, checked the slow and obvious way."""

    def __init__(
        self,
        schedule: PractitionerSchedule,
        duration: timedelta,
        now: datetime,
        holidays: frozenset[date],
    ) -> None:
        self.s = schedule
        self.tz = schedule.tz
        self.duration = duration
        self.now = now
        self.holidays = holidays
        self.today = now.astimezone(self.tz).date()
        self._avail: dict[date, set[datetime]] = {}

    def day_rules(self, day: date) -> tuple[list[tuple[time, time]], list[tuple[time, time]]]:
        """(merged blocks, exception ranges) for a local date; no blocks = closed."""
        if day in self.holidays:
            return [], []
        for o in self.s.overrides:
            if o.day == day:
                return merge([(b.start, b.end) for b in o.blocks if offers(b.service_ids)]), []
        blocks = [
            (b.start, b.end)
            for b in self.s.weekly
            if b.weekday == day.weekday() and offers(b.service_ids)
        ]
        cuts = []
        for rx in self.s.recurring:
            if occurs(rx, day):
                if rx.block is None:
                    return [], []
                cuts.append((rx.block.start, rx.block.end))
        return merge(blocks), cuts

    def available(self, day: date) -> set[datetime]:
        """5-minute instants inside the day's availability: a range covers real time from
        the first instant the clock reads its start (or later) until the last reading
        before its end."""
        if day not in self._avail:
            blocks, cuts = self.day_rules(day)
            lo = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=16)
            scan = [lo + STEP * i for i in range(12 * 56)]
            walls = [(u, u.astimezone(self.tz).replace(tzinfo=None)) for u in scan]

            def hull(a: time, b: time) -> tuple[datetime, datetime]:
                wa, wb = datetime.combine(day, a), datetime.combine(day, b)
                first = next((u for u, w in walls if w >= wa), scan[-1])
                before = [u for u, w in walls if w < wb]
                return first, (before[-1] + STEP if before else scan[0])

            block_hulls = [hull(a, b) for a, b in blocks]
            cut_hulls = [hull(a, b) for a, b in cuts]
            self._avail[day] = {
                u
                for u in scan
                if any(s <= u < e for s, e in block_hulls)
                and not any(s <= u < e for s, e in cut_hulls)
            }
        return self._avail[day]

    def violations(self, start: datetime) -> list[str]:
        s, tz = self.s, self.tz
        problems = []
        if start.utcoffset() != timedelta(0):
            problems.append("not UTC")
        local = start.astimezone(tz)
        day, wall = local.date(), local.time().replace(tzinfo=None)
        if day > self.today + timedelta(days=s.settings.horizon_days):
            problems.append("beyond horizon")
        blocks, _ = self.day_rules(day)
        step = s.settings.slot_interval
        on_grid = any(
            a <= wall < b
            and (datetime.combine(day, wall) - datetime.combine(day, a)) % step == timedelta(0)
            for a, b in blocks
        )
        if not on_grid:
            problems.append("not on a block's grid")
        avail = self.available(day)
        n = self.duration // STEP
        if not all(start + STEP * k in avail for k in range(n)):
            problems.append("outside availability")
        if start < self.now + s.settings.min_notice:
            problems.append("inside minimum notice")
        mine = (start - s.settings.buffer_before, start + self.duration + s.settings.buffer_after)
        for b in s.busy:
            theirs = (b.start - b.pad_before, b.end + b.pad_after)
            if theirs[0] < theirs[1] and mine[0] < theirs[1] and theirs[0] < mine[1]:
                problems.append(f"overlaps {b}")
        limit = s.settings.max_per_day
        if limit is not None:
            count = sum(
                1 for b in s.busy if b.counts_for_day_limit and b.start.astimezone(tz).date() == day
            )
            if count >= limit:
                problems.append("daily maximum reached")
        return problems

    def candidates(self, day: date) -> list[datetime]:
        """Every real instant of every wall-clock grid time of the day's blocks."""
        blocks, _ = self.day_rules(day)
        out: set[datetime] = set()
        step = self.s.settings.slot_interval
        for a, b in blocks:
            wall = datetime.combine(day, a)
            while wall < datetime.combine(day, b):
                for fold in (0, 1):
                    real = wall.replace(tzinfo=self.tz, fold=fold).astimezone(UTC)
                    if real.astimezone(self.tz).replace(tzinfo=None) == wall:
                        out.add(real)
                wall += step
        return sorted(out)

    def expected(self, first: date, last: date) -> list[datetime]:
        out: list[datetime] = []
        day = first
        while day <= last:
            out.extend(t for t in self.candidates(day) if not self.violations(t))
            day += timedelta(days=1)
        return sorted(out)


def starts(slots: Sequence[Slot]) -> list[datetime]:
    return [s.start for s in slots]


FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.one_of(cases(), cases(focus=True)))
def test_open_slots_equal_the_brute_force_model(case: Case) -> None:
    slots = open_slots(
        case.schedule, SERVICE, case.duration, case.day_from, case.day_to, case.now, case.holidays
    )
    model = Model(case.schedule, case.duration, case.now, case.holidays)
    # Sound: every slot obeys every rule.
    for slot in slots:
        assert slot.practitioner_id == case.schedule.practitioner_id
        assert slot.end - slot.start == case.duration
        assert not model.violations(slot.start), (slot, model.violations(slot.start))
        assert case.day_from <= slot.start.astimezone(case.schedule.tz).date() <= case.day_to
    got = starts(slots)
    assert got == sorted(set(got)), "sorted, no duplicates"
    # Complete: nothing the model allows is missing.
    assert got == model.expected(case.day_from, case.day_to)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_next_free_slot_is_the_first_slot_within_the_horizon(
    case: Case, data: st.DataObject
) -> None:
    model = Model(case.schedule, case.duration, case.now, case.holidays)
    last = model.today + timedelta(days=case.schedule.settings.horizon_days)
    after = data.draw(st.one_of(st.none(), now_near(case.day_from, case.day_to)))
    expected = [
        t
        for t in model.expected(model.today - timedelta(days=1), last)
        if after is None or t >= after
    ]
    got = next_free_slot([case.schedule], SERVICE, case.duration, case.now, case.holidays, after)
    assert (got.start if got else None) == (expected[0] if expected else None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_many_practitioners_agree_with_each_alone(data: st.DataObject) -> None:
    zone, first, last = data.draw(windows())
    group = [
        data.draw(schedules(first, last, z)) for z in (zone, data.draw(st.sampled_from(ZONES)))
    ]
    duration = timedelta(minutes=data.draw(minutes(5, 120)))
    now = data.draw(now_near(first, last))
    alone = [
        slot
        for s in group
        for slot in open_slots(s, SERVICE, duration, first, last, now, frozenset())
    ]
    order = {s.practitioner_id: i for i, s in enumerate(group)}
    together = open_slots_many(group, SERVICE, duration, first, last, now, frozenset())
    assert together == sorted(alone, key=lambda s: (s.start, order[s.practitioner_id]))
    nxt = next_free_slot(group, SERVICE, duration, now, frozenset())
    horizon = [
        slot
        for s in group
        for slot in open_slots(
            s,
            SERVICE,
            duration,
            now.astimezone(s.tz).date() - timedelta(days=1),
            now.astimezone(s.tz).date() + timedelta(days=s.settings.horizon_days),
            now,
            frozenset(),
        )
    ]
    horizon.sort(key=lambda s: (s.start, order[s.practitioner_id]))
    assert nxt == (horizon[0] if horizon else None)
    month_days = days_with_room(group, SERVICE, duration, first.year, first.month, now, frozenset())
    month_end = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    in_month = {
        slot.start.astimezone(s.tz).date()
        for s in group
        for slot in open_slots(s, SERVICE, duration, first.replace(day=1), month_end, now, ())
    }
    assert month_days == in_month
