"""One practitioner's rules resolved for one query, and the slot starts of each local day."""

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from uuid import UUID

from desktop_app.availability.slot_engine.busy import BusyIndex
from desktop_app.availability.slot_engine.local_days import (
    Frame,
    first_at_or_after,
    frame,
    instants_of,
    settled_at,
)
from desktop_app.availability.slot_engine.recurrence import rule_dates_in_month
from desktop_app.availability.slot_engine.schedule import PractitionerSchedule
from desktop_app.availability.slot_engine.seconds import DAY_S, WallRange

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


class DayPlan:
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
        interval, _, _, notice = schedule.settings.seconds
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
        if lookahead_days is None or schedule.busy_indexed:
            self._use(schedule.busy_index)
        else:
            # Local midnights are never more than a day and a bit apart in real time.
            self._use(schedule.busy_index_before(self.earliest + (lookahead_days + 2) * DAY_S))
        self.weekly, self.overrides = schedule.rules_for(service_id)
        self.holidays = _as_set(holidays)
        self.recurring = schedule.recurring
        self.months: set[int] = set()
        self.closed: set[date] = set()
        self.partial: dict[date, list[WallRange]] = {}

    def _use(self, index: BusyIndex) -> None:
        self.los, self.his, self.bounds = index.los, index.his, index.bounds
        self.counted, self.limit = index.counted, index.limit

    def _load_month(self, year: int, month: int) -> None:
        self.months.add(year * 12 + month)
        touched = set()
        for rx in self.recurring:
            for day in rule_dates_in_month(rx, year, month):
                if rx.block is None:
                    self.closed.add(day)
                else:
                    self.partial.setdefault(day, []).append(rx.block.seconds)
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
        fr = frame(self.tz, day.toordinal())
        if fr.end > self.limit:
            self._use(self.schedule.busy_index)
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
        fr: Frame,
        blocks: tuple[WallRange, ...],
        cuts: list[WallRange] | None,
        first_only: bool,
    ) -> list[int]:
        # Blocks far apart on the wall clock can overlap in real time around a
        # repeated hour, so availability is the union of the real ranges, while
        # each block keeps its own wall-clock grid.
        w0 = fr.w0
        real = sorted((first_at_or_after(fr, w0 + a), settled_at(fr, w0 + b)) for a, b in blocks)
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
                (first_at_or_after(fr, w0 + a), settled_at(fr, w0 + b)) for a, b in cuts
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
                for t in instants_of(fr, wall):
                    if t < earliest:
                        continue
                    i = bisect_right(starts, t) - 1
                    if i >= 0 and t + dur <= spans[i][1]:
                        out.append(t)
        out.sort()
        return out[:1] if first_only else out


def _as_set(holidays: Collection[date]) -> Collection[date]:
    # Looked up once per candidate day: a list would make that linear.
    return holidays if isinstance(holidays, set | frozenset) else frozenset(holidays)


def candidate_days(plan: DayPlan, day_from: date, day_to: date) -> Iterable[date]:
    """Local dates worth looking at: inside the window, the notice and the horizon."""
    first = max(day_from, plan.first_day)
    last = min(day_to, plan.last_day)
    if not any(plan.weekly):
        # Only override dates can open; skip the empty weeks in between (a
        # practitioner without hours for this service costs nothing).
        return sorted(d for d in plan.overrides if first <= d <= last)
    return (first + timedelta(days=i) for i in range((last - first).days + 1))
