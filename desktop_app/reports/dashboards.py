"""Dashboards: what each role sees first.

- the front desk: today's arrivals, who is waiting, completed sessions not yet paid;
- a practitioner: their week, their utilisation, sessions to write notes for;
- a manager: the clinic's week against last week.

They are built from the same selections and reports as the Reports page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from desktop_app.infra.database import Database
from desktop_app.reports.attendance import no_shows
from desktop_app.reports.clients import new_and_returning
from desktop_app.reports.model import Figure, Kind, Report
from desktop_app.reports.period import Period, Scope, clinic, week_of
from desktop_app.reports.revenue import revenue
from desktop_app.reports.selection import LIVE, AppointmentRow, Selection, appointments
from desktop_app.reports.utilisation import utilisation
from models import AppointmentStatus, Practitioner, SessionNote

NOTES_LOOKBACK_DAYS = 14


def _figure(report: Report, label: str) -> Figure:
    for f in report.figures:
        if f.label == label:
            return f
    raise KeyError(label)


@dataclass(frozen=True)
class DeskDashboard:
    day: date
    arrivals: tuple[AppointmentRow, ...]  # booked, not yet arrived
    waiting: tuple[AppointmentRow, ...]  # checked in or in progress
    unpaid: tuple[AppointmentRow, ...]  # completed today, money still due
    currency: str


def desk_dashboard(db: Database, now: datetime) -> DeskDashboard:
    with db.read_sessions() as s:
        c = clinic(s)
    today = now.astimezone(c.tz).date()
    since, until = Period(today, today).bounds(c.tz)
    day = Selection("Today", since, until, c.timezone)
    arrivals = appointments(
        db, day.narrowed("Arrivals", statuses=frozenset({AppointmentStatus.BOOKED}))
    ).rows
    waiting = appointments(
        db,
        day.narrowed(
            "Waiting",
            statuses=frozenset({AppointmentStatus.CHECKED_IN, AppointmentStatus.IN_PROGRESS}),
        ),
    ).rows
    unpaid = appointments(db, day.narrowed("Unpaid", unpaid=True)).rows
    return DeskDashboard(today, arrivals, waiting, unpaid, c.currency)


@dataclass(frozen=True)
class PractitionerDashboard:
    week: Period
    sessions: tuple[AppointmentRow, ...]
    utilisation: Figure
    booked_hours: Figure
    scheduled_hours: Figure
    to_write: tuple[AppointmentRow, ...]  # completed lately, no note of theirs yet
    currency: str


def practitioner_dashboard(
    db: Database, practitioner_id: uuid.UUID, now: datetime
) -> PractitionerDashboard:
    with db.read_sessions() as s:
        c = clinic(s)
        account_id = s.scalar(
            select(Practitioner.account_id).where(Practitioner.id == practitioner_id)
        )
    today = now.astimezone(c.tz).date()
    week = week_of(today)
    since, until = week.bounds(c.tz)
    mine = Selection("This week", since, until, c.timezone, practitioner_id=practitioner_id)
    sessions = appointments(db, mine.narrowed("This week", statuses=LIVE)).rows
    report = utilisation(db, week, Scope(practitioner_id=practitioner_id))
    back_since, _ = Period(today - timedelta(days=NOTES_LOOKBACK_DAYS), today).bounds(c.tz)
    done = appointments(
        db,
        Selection(
            "Notes to write",
            back_since,
            until,
            c.timezone,
            practitioner_id=practitioner_id,
            statuses=frozenset({AppointmentStatus.COMPLETED}),
        ),
    ).rows
    with db.read_sessions() as s:
        noted = set(
            s.scalars(
                select(SessionNote.appointment_id).where(
                    SessionNote.appointment_id.in_([r.id for r in done]),
                    SessionNote.author_id == account_id,
                )
            )
        )
    return PractitionerDashboard(
        week,
        sessions,
        _figure(report, "Utilisation"),
        _figure(report, "Booked hours"),
        _figure(report, "Scheduled hours"),
        tuple(r for r in done if r.id not in noted),
        c.currency,
    )


@dataclass(frozen=True)
class Comparison:
    label: str
    kind: Kind
    this_week: float | int | None
    last_week: float | int | None

    @property
    def change(self) -> float | None:
        if self.this_week is None or self.last_week in (None, 0):
            return None
        assert self.last_week is not None
        return (float(self.this_week) - float(self.last_week)) / abs(float(self.last_week))


@dataclass(frozen=True)
class ManagerDashboard:
    week: Period
    currency: str
    figures: tuple[Comparison, ...]


def manager_dashboard(db: Database, now: datetime) -> ManagerDashboard:
    with db.read_sessions() as s:
        c = clinic(s)
    week = week_of(now.astimezone(c.tz).date())
    last = week.previous()
    pairs: list[Comparison] = []
    for build, labels in (
        (utilisation, ("Utilisation", "Booked hours", "Sessions")),
        (revenue, ("Net revenue", "Outstanding")),
        (no_shows, ("No-shows", "Late cancellations")),
        (new_and_returning, ("New clients", "Clients seen")),
    ):
        now_r, then_r = build(db, week, None), build(db, last, None)
        for label in labels:
            a, b = _figure(now_r, label), _figure(then_r, label)
            pairs.append(Comparison(label, a.kind, a.value, b.value))  # type: ignore[arg-type]
    return ManagerDashboard(week, c.currency, tuple(pairs))
