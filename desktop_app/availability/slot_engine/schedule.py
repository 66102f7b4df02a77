"""One practitioner's schedule: settings, rules, busy times and what derives from them."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple
from uuid import UUID
from zoneinfo import ZoneInfo

from desktop_app.availability.slot_engine.blocks import (
    DateOverride,
    WeeklyBlock,
    merge_walls,
    offers,
)
from desktop_app.availability.slot_engine.busy import Busy, BusyIndex, BusySeconds
from desktop_app.availability.slot_engine.recurrence import RecurringException
from desktop_app.availability.slot_engine.seconds import WallRange, span_seconds


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """Per-practitioner booking settings. Spans are whole seconds."""

    slot_interval: timedelta
    buffer_before: timedelta
    buffer_after: timedelta
    min_notice: timedelta
    horizon_days: int
    max_per_day: int | None
    seconds: tuple[int, int, int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        interval = span_seconds(self.slot_interval, "slot_interval", positive=True)
        before = span_seconds(self.buffer_before, "buffer_before")
        after = span_seconds(self.buffer_after, "buffer_after")
        notice = span_seconds(self.min_notice, "min_notice")
        if self.horizon_days < 0:
            raise ValueError(f"horizon_days must be zero or more, got {self.horizon_days}")
        if self.max_per_day is not None and self.max_per_day < 1:
            raise ValueError(
                f"max_per_day must be at least 1, or None for no limit, got {self.max_per_day}"
            )
        object.__setattr__(self, "seconds", (interval, before, after, notice))


class ServiceRules(NamedTuple):
    """Wall-clock blocks offered for one service: per weekday, and per override date."""

    weekly: tuple[tuple[WallRange, ...], ...]
    overrides: dict[date, tuple[WallRange, ...]]


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
    def busy_index(self) -> BusyIndex:
        """Every busy interval, widened by the buffers and sorted (built once, then cached)."""
        _, before, after, _ = self.settings.seconds
        return BusyIndex(self.busy, before, after, None)

    @property
    def busy_indexed(self) -> bool:
        """Whether `busy_index` has been built already."""
        return "busy_index" in self.__dict__

    def busy_index_before(self, limit: int) -> BusyIndex:
        """The busy intervals whose padded start is before `limit`, not cached."""
        _, before, after, _ = self.settings.seconds
        return BusyIndex(self.busy, before, after, limit)

    def rules_for(self, service_id: UUID) -> ServiceRules:
        """The wall-clock blocks offered for one service (cached per service)."""
        cache = self._rules
        rules = cache.get(service_id)
        if rules is None:
            weekly = tuple(
                merge_walls(
                    b.seconds
                    for b in self.weekly
                    if b.weekday == wd and offers(b.service_ids, service_id)
                )
                for wd in range(7)
            )
            overrides = {
                o.day: merge_walls(b.seconds for b in o.blocks if offers(b.service_ids, service_id))
                for o in self.overrides
            }
            rules = cache[service_id] = ServiceRules(weekly, overrides)
        return rules

    @cached_property
    def _rules(self) -> dict[UUID, ServiceRules]:
        return {}
