"""Local days: wall-clock seconds to real instants on one date in one zone, DST included."""

from datetime import date, datetime
from functools import lru_cache
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo

from desktop_app.availability.slot_engine.seconds import DAY_S, EPOCH_ORDINAL, INF, ONE_DAY, SECOND

# Offset changes are never closer than this in the tz database; the frame
# sampler relies on it to find every change on a day.
_SAMPLE_STEP_S: Final = 3_600


class Frame(NamedTuple):
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
    return delta // SECOND


def _midnight_offsets(tz: ZoneInfo, day: date) -> tuple[int, int]:
    out = []
    for fold in (0, 1):
        delta = datetime(day.year, day.month, day.day, fold=fold, tzinfo=tz).utcoffset()
        assert delta is not None
        out.append(delta // SECOND)
    return out[0], out[1]


def first_at_or_after(fr: Frame, wall: int) -> int:
    """First instant whose wall reading is `wall` or later."""
    if fr.offset is not None:
        return wall - fr.offset
    starts, offsets = fr.seg_starts, fr.seg_offsets
    last = len(starts) - 1
    for i, off in enumerate(offsets):
        seg_end = starts[i + 1] if i < last else INF
        if seg_end + off > wall:
            return max(starts[i], wall - off)
    return INF


def settled_at(fr: Frame, wall: int) -> int:
    """Instant from which the wall clock reads `wall` or later for good."""
    if fr.offset is not None:
        return wall - fr.offset
    starts, offsets = fr.seg_starts, fr.seg_offsets
    last = len(starts) - 1
    for i in range(last, -1, -1):
        off = offsets[i]
        if starts[i] + off < wall:
            seg_end = starts[i + 1] if i < last else INF
            return min(seg_end, wall - off)
    return starts[0]


def instants_of(fr: Frame, wall: int) -> list[int]:
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
def frame(tz: ZoneInfo, ordinal: int) -> Frame:
    day = date.fromordinal(ordinal)
    w0 = (ordinal - EPOCH_ORDINAL) * DAY_S
    lo = w0 - max(_midnight_offsets(tz, day)) - _SAMPLE_STEP_S
    hi = w0 + DAY_S - min(_midnight_offsets(tz, day + ONE_DAY)) + _SAMPLE_STEP_S
    samples = list(range(lo, hi, _SAMPLE_STEP_S))
    samples.append(hi)
    offsets = [_offset_at(tz, t) for t in samples]
    first = offsets[0]
    if all(o == first for o in offsets):
        return Frame(w0, w0 - first, w0 + DAY_S - first, first, (), ())
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
    probe = Frame(w0, 0, 0, None, tuple(seg_starts), tuple(seg_offsets))
    return probe._replace(
        start=first_at_or_after(probe, w0), end=first_at_or_after(probe, w0 + DAY_S)
    )


def clear_frame_cache() -> None:
    """Drop the cached day frames."""
    frame.cache_clear()
