"""Whole seconds: the engine's one unit, and the checks on the way in.

Instants become epoch seconds, wall-clock times seconds after local midnight,
spans whole seconds; anything else (a naive datetime, a fractional second, a
range that ends before it starts) is refused with ValueError.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Final

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
SECOND: Final = timedelta(seconds=1)
DAY_S: Final = 86_400
ONE_DAY: Final = timedelta(days=1)
INF: Final = 1 << 62

WallRange = tuple[int, int]  # seconds after local midnight, start < end


def check_aware(value: datetime, what: str) -> None:
    tz = value.tzinfo
    if tz is not UTC and (tz is None or value.utcoffset() is None):
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")


# Busy objects are built by the ten thousand, so these avoid timedelta
# arithmetic when they can: timestamp() is exact for whole seconds.


def epoch_floor(value: datetime, what: str) -> int:
    check_aware(value, what)
    if value.microsecond:
        return (value - EPOCH) // SECOND
    return int(value.timestamp())


def epoch_ceil(value: datetime, what: str) -> int:
    check_aware(value, what)
    if value.microsecond:
        return -((EPOCH - value) // SECOND)
    return int(value.timestamp())


def span_seconds(value: timedelta, what: str, *, positive: bool = False) -> int:
    if not value and not positive:
        return 0
    if value.microseconds:
        raise ValueError(f"{what} must be a whole number of seconds, got {value!r}")
    seconds = value.days * DAY_S + value.seconds
    if seconds < 0 or (positive and seconds == 0):
        kind = "positive" if positive else "zero or more"
        raise ValueError(f"{what} must be {kind}, got {value!r}")
    return seconds


def wall_seconds(value: time, what: str) -> int:
    if value.tzinfo is not None:
        raise ValueError(f"{what} is a wall-clock time and must not carry a timezone")
    if value.microsecond:
        raise ValueError(f"{what} must be a whole second, got {value!r}")
    return value.hour * 3600 + value.minute * 60 + value.second


def wall_range(start: time, end: time, what: str) -> WallRange:
    a = wall_seconds(start, f"{what} start")
    b = wall_seconds(end, f"{what} end")
    if b <= a:
        raise ValueError(f"{what} must end after it starts on the same day: {start} to {end}")
    return a, b
