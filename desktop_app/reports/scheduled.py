"""Scheduled hours: the practitioners' weekly rules and exceptions, expanded over a period.

The same precedence as the slot engine (desktop_app.availability.slot_engine):
a clinic holiday closes the day; a date override replaces all of that day's
weekly blocks (no blocks: closed); otherwise the weekday's blocks apply, minus
the recurring exceptions falling on that date. Blocks restricted to other
services do not count when the report is about one service. Hours are real
elapsed time in the practitioner's zone (a block across a clock change is
an hour shorter or longer); the heat map reads them on the clinic's clock.

Rules have no history: the current weekly rules are applied to past periods.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.reports.period import Period
from models import (
    ClinicHoliday,
    DateOverride,
    OverrideBlock,
    RecurringException,
    WeeklyRule,
)
from models.availability import weekly_rule_service

Wall = tuple[int, int]  # seconds after local midnight

HOURS = 24


@dataclass
class Scheduled:
    """Scheduled seconds per practitioner, and per (weekday, hour) of the clinic's clock."""

    seconds: dict[uuid.UUID, float] = field(default_factory=lambda: defaultdict(float))
    # heat[weekday][hour] in seconds, summed over practitioners.
    heat: list[list[float]] = field(default_factory=lambda: [[0.0] * HOURS for _ in range(7)])


def _wall(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _merge(ranges: list[Wall]) -> list[Wall]:
    out: list[Wall] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _subtract(ranges: list[Wall], cuts: list[Wall]) -> list[Wall]:
    out: list[Wall] = []
    for a, b in ranges:
        cur = a
        for ca, cb in sorted(cuts):
            if cb <= cur or ca >= b:
                continue
            if ca > cur:
                out.append((cur, ca))
            cur = max(cur, cb)
        if cur < b:
            out.append((cur, b))
    return out


def _rule_dates(text: str, starts_on: date, first: date, last: date) -> set[date]:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts = []
    for part in body.split(";"):
        key, _, value = part.partition("=")
        if key.strip().upper() == "UNTIL" and value.strip().upper().endswith("Z"):
            value = value.strip()[:-1]
        parts.append(f"{key}={value}")
    rule = rrulestr(";".join(parts), dtstart=datetime.combine(starts_on, time()))
    assert isinstance(rule, rrule)
    hits = rule.between(datetime.combine(first, time()), datetime.combine(last, time.max), True)
    return {h.date() for h in hits}


def split_hours(heat: list[list[float]], weekday: int, a: int, b: int, times: float) -> None:
    """Add the wall range [a, b) of `weekday` to the hour cells it covers."""
    while a < b:
        day_shift, within = divmod(a, 86_400)
        hour = within // 3600
        edge = a - within + (hour + 1) * 3600
        end = min(b, edge)
        heat[(weekday + day_shift) % 7][hour] += (end - a) * times
        a = end


def scheduled(
    session: Session,
    period: Period,
    practitioners: dict[uuid.UUID, str | None],
    clinic_tz: ZoneInfo,
    service_id: uuid.UUID | None = None,
) -> Scheduled:
    """Scheduled time of `practitioners` (id -> own zone or None) over the period."""
    out = Scheduled()
    if not practitioners:
        return out
    ids = list(practitioners)
    first, last = period.start, period.end

    weekly: dict[uuid.UUID, list[list[Wall]]] = {p: [[] for _ in range(7)] for p in ids}
    rule_services: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    rules = session.execute(
        select(
            WeeklyRule.id,
            WeeklyRule.practitioner_id,
            WeeklyRule.weekday,
            WeeklyRule.start_time,
            WeeklyRule.end_time,
            weekly_rule_service.c.service_id,
        )
        .outerjoin(weekly_rule_service, weekly_rule_service.c.rule_id == WeeklyRule.id)
        .where(WeeklyRule.practitioner_id.in_(ids))
    ).all()
    heads = {}
    for rid, pid, weekday, start, end, sid in rules:
        heads[rid] = (pid, weekday, start, end)
        if sid is not None:
            rule_services[rid].add(sid)
    for rid, (pid, weekday, start, end) in heads.items():
        only = rule_services.get(rid)
        if service_id is not None and only and service_id not in only:
            continue
        weekly[pid][weekday].append((_wall(start), _wall(end)))
    merged_weekly = {p: [_merge(w) for w in days] for p, days in weekly.items()}

    overrides: dict[uuid.UUID, dict[date, list[Wall]]] = defaultdict(dict)
    for pid, day, start, end in session.execute(
        select(
            DateOverride.practitioner_id,
            DateOverride.day,
            OverrideBlock.start_time,
            OverrideBlock.end_time,
        )
        .outerjoin(OverrideBlock, OverrideBlock.override_id == DateOverride.id)
        .where(DateOverride.practitioner_id.in_(ids), DateOverride.day.between(first, last))
    ):
        blocks = overrides[pid].setdefault(day, [])
        if start is not None:
            blocks.append((_wall(start), _wall(end)))

    closed: dict[uuid.UUID, set[date]] = defaultdict(set)
    cuts: dict[uuid.UUID, dict[date, list[Wall]]] = defaultdict(lambda: defaultdict(list))
    for pid, text, starts_on, start, end in session.execute(
        select(
            RecurringException.practitioner_id,
            RecurringException.rrule,
            RecurringException.starts_on,
            RecurringException.start_time,
            RecurringException.end_time,
        ).where(RecurringException.practitioner_id.in_(ids))
    ):
        for day in _rule_dates(text, starts_on, first, last):
            if start is None or end is None:
                closed[pid].add(day)
            else:
                cuts[pid][day].append((_wall(start), _wall(end)))

    holidays = set(
        session.scalars(select(ClinicHoliday.day).where(ClinicHoliday.day.between(first, last)))
    )

    days = period.dates()
    for pid in ids:
        own = practitioners[pid]
        tz = ZoneInfo(own) if own else clinic_tz
        same_clock = tz.key == clinic_tz.key
        p_weekly, p_over, p_closed, p_cuts = (
            merged_weekly[pid],
            overrides.get(pid, {}),
            closed.get(pid, set()),
            cuts.get(pid, {}),
        )
        # Days with the same blocks add the same cells: count them, split once.
        repeats: dict[tuple[int, tuple[Wall, ...]], int] = defaultdict(int)
        total = 0.0
        for day in days:
            if day in holidays:
                continue
            walls: list[Wall]
            override = p_over.get(day)
            if override is not None:
                walls = _merge(override)
            else:
                walls = p_weekly[day.weekday()]
                if not walls or day in p_closed:
                    continue
                if day in p_cuts:
                    walls = _subtract(walls, p_cuts[day])
            if not walls:
                continue
            midnight = datetime.combine(day, time(0), tz)
            next_midnight = datetime.combine(day + timedelta(days=1), time(0), tz)
            steady = midnight.utcoffset() == next_midnight.utcoffset()
            if steady and same_clock:
                total += sum(b - a for a, b in walls)
                repeats[(day.weekday(), tuple(walls))] += 1
                continue
            for a, b in walls:
                start = datetime.combine(day, _clock(a), tz)
                end = datetime.combine(day, _clock(b), tz) if b < 86_400 else next_midnight
                seconds = (end - start).total_seconds()
                if seconds <= 0:
                    continue
                total += seconds
                local = start.astimezone(clinic_tz)
                base = local.hour * 3600 + local.minute * 60 + local.second
                split_hours(out.heat, local.weekday(), base, base + int(seconds), 1)
        for (weekday, repeated), times in repeats.items():
            for a, b in repeated:
                split_hours(out.heat, weekday, a, b, times)
        out.seconds[pid] += total
    return out


def _clock(seconds: int) -> time:
    return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
