"""Busy intervals in, and the sorted index of them that days are looked up in."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from operator import attrgetter, itemgetter
from typing import Final, overload

from desktop_app.availability.slot_engine.seconds import INF, epoch_ceil, epoch_floor, span_seconds


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
    start_s: int = field(init=False, repr=False, compare=False)
    padded_start: int = field(init=False, repr=False, compare=False)
    padded_end: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        start = epoch_floor(self.start, "busy start")
        end = epoch_ceil(self.end, "busy end")
        if end < start:
            raise ValueError(f"busy interval ends before it starts: {self.start} to {self.end}")
        lo = start - span_seconds(self.pad_before, "pad_before")
        hi = end + span_seconds(self.pad_after, "pad_after")
        object.__setattr__(self, "start_s", start)
        object.__setattr__(self, "padded_start", lo)
        # An empty interval overlaps nothing, even once the new booking's buffers
        # widen it; an end far in the past keeps it out of every lookup while it
        # still counts for the daily limit.
        object.__setattr__(self, "padded_end", hi if hi > lo else -INF)


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

    @property
    def rows(self) -> tuple[BusyRow, ...]:
        return self._rows

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


_BY_LO: Final = attrgetter("padded_start")
_BY_HI: Final = attrgetter("padded_end")
_FIRST: Final = itemgetter(0)


class BusyIndex:
    """Busy intervals widened by a schedule's buffers (seconds), sorted for bisect.

    With a `limit`, only intervals whose padded start is before it are kept:
    enough for days ending at `limit - buffer_after` or earlier. The next-free
    search uses that to avoid sorting weeks of appointments it will not reach.
    """

    __slots__ = ("bounds", "counted", "his", "limit", "los")

    def __init__(self, busy: Sequence[Busy], before: int, after: int, limit: int | None) -> None:
        if isinstance(busy, BusySeconds):
            los, his, counted = _widened_rows(busy.rows, limit)
        else:
            if limit is not None:
                busy = [b for b in busy if b.padded_start < limit]
            live = sorted(busy, key=_BY_LO)
            los = list(map(_BY_LO, live))
            his = list(map(_BY_HI, live))
            counted = [b.start_s for b in live if b.counts_for_day_limit]
        # A busy interval [lo, hi) meets the new booking [s - before, s + d + after)
        # exactly when the slot body [s, s + d) meets [lo - after, hi + before).
        self.los = [x - after for x in los] if after else los
        self.his = [x + before for x in his] if before else his
        # Running maximum of the ends: monotone, so bisect can skip every
        # interval that ends before a day starts even when long ones overlap.
        self.bounds = list(accumulate(self.his, max))
        counted.sort()
        self.counted = counted
        self.limit = INF if limit is None else limit - after


def _widened_rows(
    rows: tuple[BusyRow, ...], limit: int | None
) -> tuple[list[int], list[int], list[int]]:
    """What `Busy` derives per interval, for trusted rows: padded starts and
    ends in the order of the padded start, and the starts that count."""
    if limit is None:
        limit = INF
    spans = [
        (start - before, end + after if end + after > start - before else -INF)
        for start, end, before, after, _ in rows
        if start - before < limit
    ]
    counted = [r[0] for r in rows if r[4] and r[0] - r[2] < limit]
    spans.sort(key=_FIRST)
    return [s[0] for s in spans], [s[1] for s in spans], counted
