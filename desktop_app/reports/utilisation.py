"""Utilisation: booked hours ÷ scheduled hours, per practitioner and by weekday and hour.

Booked: live and completed appointments (booked, checked in, in progress,
completed) starting in the period, for their whole length. Scheduled: the
practitioners' opening hours over the period (desktop_app.reports.scheduled).
The heat map reads both on the clinic's clock, split hour by hour.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from desktop_app.infra.database import Database
from desktop_app.reports.common import WEEKDAYS, practitioners, ratio
from desktop_app.reports.model import Chart, ChartKind, Column, Figure, Kind, Report, Row, Table
from desktop_app.reports.period import Period, Scope, clinic, scope_label
from desktop_app.reports.scheduled import HOURS, scheduled, split_hours
from desktop_app.reports.selection import LIVE, Selection
from desktop_app.reports.sql import minute_of_week, whole_seconds_between
from models import Appointment

HOUR_S = 3600.0


def booked_selection(since: datetime, until: datetime, tz: str, scope: Scope) -> Selection:
    """The one definition of booked time."""
    return Selection(
        "Booked sessions",
        since,
        until,
        tz,
        practitioner_id=scope.practitioner_id,
        service_id=scope.service_id,
        statuses=LIVE,
    )


def booked_by_practitioner(
    session: Session, booked: Selection
) -> dict[uuid.UUID, tuple[int, float]]:
    """Practitioner -> (sessions, booked seconds)."""
    rows = session.execute(
        select(
            Appointment.practitioner_id,
            func.count(),
            func.sum(whole_seconds_between(Appointment.starts_at, Appointment.ends_at)),
        )
        .where(*booked.where())
        .group_by(Appointment.practitioner_id)
    ).all()
    return {pid: (int(n), float(secs or 0)) for pid, n, secs in rows}


Span = tuple[datetime, datetime, int]


def steady_spans(since: datetime, until: datetime, tz: ZoneInfo) -> list[Span]:
    """[since, until) cut where the zone's UTC offset changes: (start, end, offset seconds)."""
    spans: list[Span] = []
    start = since.astimezone(UTC)
    end = until.astimezone(UTC)
    cursor = start
    offset = _offset(cursor, tz)
    probe = cursor
    while probe < end:
        step = min(probe + timedelta(hours=1), end)
        if _offset(step, tz) != offset and step < end:
            spans.append((cursor, step, offset))
            cursor, offset = step, _offset(step, tz)
        probe = step
    spans.append((cursor, end, offset))
    return spans


def _offset(instant: datetime, tz: ZoneInfo) -> int:
    delta = instant.astimezone(tz).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def _booked_heat(session: Session, booked: Selection, tz: ZoneInfo) -> list[list[float]]:
    """Booked seconds per (weekday, hour) of the clinic's clock.

    Grouped in the database by minute of the week and length, within spans of
    one UTC offset, so a year of sessions comes back as a few thousand rows."""
    heat = [[0.0] * HOURS for _ in range(7)]
    length = whole_seconds_between(Appointment.starts_at, Appointment.ends_at)
    for lo, hi, offset in steady_spans(booked.since, booked.until, tz):
        minute = minute_of_week(Appointment.starts_at, literal(offset))
        rows = session.execute(
            select(minute, length, func.count())
            .where(*booked.where(), Appointment.starts_at >= lo, Appointment.starts_at < hi)
            .group_by(minute, length)
        )
        for m, secs, n in rows:
            m = int(m)
            weekday, within = divmod(m, 1440)
            base = within * 60
            split_hours(heat, weekday, base, base + int(secs), n)
    return heat


def utilisation(db: Database, period: Period, scope: Scope | None = None) -> Report:
    scope = scope or Scope()
    with db.read_sessions() as s:
        c = clinic(s)
        since, until = period.bounds(c.tz)
        label = scope_label(s, scope)
        booked = booked_selection(since, until, c.timezone, scope)
        per = booked_by_practitioner(s, booked)
        people = practitioners(s, scope, set(per))
        plan = scheduled(
            s, period, {p.id: p.timezone for p in people if p.bookable}, c.tz, scope.service_id
        )
        booked_heat = _booked_heat(s, booked, c.tz)

    rows: list[Row] = []
    total_sched = total_booked = 0.0
    total_sessions = 0
    for p in people:
        sessions, secs = per.get(p.id, (0, 0.0))
        sched = plan.seconds.get(p.id, 0.0)
        total_sched += sched
        total_booked += secs
        total_sessions += sessions
        rows.append(
            Row(
                (p.name, sched / HOUR_S, secs / HOUR_S, ratio(secs, sched), sessions),
                drill=booked.narrowed(f"Booked sessions — {p.name}", practitioner_id=p.id),
            )
        )
    rows.append(
        Row(
            (
                label,
                total_sched / HOUR_S,
                total_booked / HOUR_S,
                ratio(total_booked, total_sched),
                total_sessions,
            ),
            drill=booked,
            total=True,
        )
    )
    by_practitioner = Table(
        "By practitioner",
        (
            Column("Practitioner"),
            Column("Scheduled hours", Kind.HOURS),
            Column("Booked hours", Kind.HOURS),
            Column("Utilisation", Kind.PERCENT),
            Column("Sessions", Kind.COUNT),
        ),
        tuple(rows),
        Chart(ChartKind.BAR, (3,), title="Utilisation by practitioner"),
    )

    used_hours = [
        h for h in range(HOURS) if any(plan.heat[d][h] or booked_heat[d][h] for d in range(7))
    ]
    hours = list(range(min(used_hours), max(used_hours) + 1)) if used_hours else list(range(8, 18))
    heat_rows = []
    for d, day in enumerate(WEEKDAYS):
        cells: list[str | float | None] = [day]
        drills = []
        for i, h in enumerate(hours, start=1):
            cells.append(ratio(booked_heat[d][h], plan.heat[d][h]))
            drills.append(
                (i, booked.narrowed(f"Booked sessions — {day}s {h:02d}:00", weekday=d, hour=h))
            )
        heat_rows.append(Row(tuple(cells), cell_drills=tuple(drills)))
    by_hour = Table(
        "By weekday and hour",
        (Column("Weekday"), *(Column(f"{h:02d}:00", Kind.PERCENT) for h in hours)),
        tuple(heat_rows),
        Chart(
            ChartKind.HEAT, tuple(range(1, len(hours) + 1)), title="Utilisation by weekday and hour"
        ),
        note="Booked ÷ scheduled time in each hour of the clinic's clock; a session is split "
        "over the hours it covers. Clicking a cell lists the sessions starting in that hour.",
    )
    return Report(
        "utilisation",
        "Utilisation",
        period.start,
        period.end,
        c.timezone,
        c.currency,
        label,
        (
            Figure("Scheduled hours", total_sched / HOUR_S, Kind.HOURS),
            Figure("Booked hours", total_booked / HOUR_S, Kind.HOURS),
            Figure("Utilisation", ratio(total_booked, total_sched), Kind.PERCENT),
            Figure("Sessions", total_sessions, Kind.COUNT),
        ),
        (by_practitioner, by_hour),
        (
            "Scheduled hours come from today's weekly rules, date overrides, recurring "
            "exceptions and clinic holidays; booked hours from live and completed sessions.",
        ),
    )
