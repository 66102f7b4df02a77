"""The demo clinic: realistic, consistent, deterministic, and never over real data."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from sqlalchemy import func, select

from desktop_app.audit import queries as audit_queries
from desktop_app.booking import queries as booking_queries
from desktop_app.bootstrap import AppContext, build_bus
from desktop_app.clients import queries as client_queries
from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.demo.seed import database_is_empty, seed_demo
from desktop_app.infra.doctor import run_checks
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import FixedClock
from desktop_app.kernel.errors import Conflict, ValidationError
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.auth import login
from desktop_app.staff.commands import CreateFirstManager
from models import (
    LIVE_APPOINTMENT_STATUSES,
    Appointment,
    AppointmentStatus,
    AuditEntry,
    Client,
    ClinicHoliday,
    DateOverride,
    RecurringException,
    StaffAccount,
    WeeklyRule,
)

LONDON = ZoneInfo("Europe/London")
# A Tuesday morning; the four weeks around it hold no clock change.
TUESDAY = datetime(2026, 11, 24, 10, 7, tzinfo=UTC)
# The clocks go back on Sunday 25 October 2026, inside this demo's window.
AROUND_DST = datetime(2026, 10, 27, 15, 40, tzinfo=UTC)


def at(app: AppContext, now: datetime) -> AppContext:
    """The same database, with the clock stopped at `now`."""
    clock = FixedClock(now)
    return AppContext(choice=app.choice, db=app.db, bus=build_bus(app.db, clock), clock=clock)


def test_demo_clinic_is_usable_and_doctor_finds_it_clean(app: AppContext) -> None:
    ctx = at(app, TUESDAY)
    assert database_is_empty(ctx)

    summary = seed_demo(ctx, size="small", seed=1)

    assert [f for f in run_checks(app.db) if not f.ok] == []
    assert (summary.practitioners, summary.bookable_practitioners, summary.clients) == (10, 8, 300)
    assert summary.appointments > 600
    emails = [login.email for login in summary.logins]
    assert emails[:3] == [
        "manager@demo.clinicdesk.test",
        "desk1@demo.clinicdesk.test",
        "desk2@demo.clinicdesk.test",
    ]
    assert "p01@demo.clinicdesk.test" in emails
    assert "demo-password" in summary.describe()
    manager = login(app.db, "manager@demo.clinicdesk.test", "demo-password")
    assert manager.name == "Morgan Ellis"
    login(app.db, "p01@demo.clinicdesk.test", "demo-password")

    settings = clinic_queries.clinic_settings(app.db)
    assert (settings.timezone, settings.currency) == ("Europe/London", "GBP")
    assert settings.clinic_name == summary.clinic_name
    assert len(staff_queries.practitioners(app.db, bookable_only=True)) == 8
    professions = {p.profession for p in staff_queries.practitioners(app.db)}
    assert {"Psychotherapist", "Counsellor", "Dentist", "Physiotherapist"} <= professions
    assert {s.name for s in clinic_queries.services(app.db)} >= {
        "Intake assessment",
        "Dental check-up",
    }

    # The front desk's day is busy, with something already done and more to come.
    today = booking_queries.appointments_on(app.db, TUESDAY.astimezone(LONDON).date(), LONDON)
    assert len(today) > 15
    assert {AppointmentStatus.COMPLETED, AppointmentStatus.BOOKED} <= {a.status for a in today}
    assert not database_is_empty(ctx)

    # Names people really have, accents included; balances never negative.
    clients = client_queries.clients(app.db, limit=1000)
    assert any(not c.full_name.isascii() for c in clients)
    assert all(c.balance >= 0 for c in clients)
    assert sum(c.balance > 0 for c in clients) > 10

    # One command, one audit entry (the logins above are audited too).
    audit = [a for a in audit_queries.recent_audit(app.db) if a.command != "LoggedIn"]
    assert [(a.command, a.target) for a in audit] == [("SeedDemoClinic", "clinic:demo")]
    with app.db.read_sessions() as s:
        changes = s.scalars(
            select(AuditEntry.changes).where(AuditEntry.command == "SeedDemoClinic")
        ).one()
    assert changes["size"] == "small"
    assert changes["appointments"] == summary.appointments


def _inside(
    start: time, end: time, blocks: list[tuple[time, time]], closed: list[tuple[time, time]]
) -> bool:
    in_block = any(a <= start and end <= b for a, b in blocks)
    return in_block and not any(start < b and a < end for a, b in closed)


def test_appointments_keep_to_opening_hours_across_a_clock_change(app: AppContext) -> None:
    ctx = at(app, AROUND_DST)
    seed_demo(ctx, size="small", seed=3)
    now = AROUND_DST

    with app.db.read_sessions() as s:
        rules: dict[tuple[object, int], list[tuple[time, time]]] = {}
        for r in s.scalars(select(WeeklyRule)):
            rules.setdefault((r.practitioner_id, r.weekday), []).append((r.start_time, r.end_time))
        overrides = {
            (o.practitioner_id, o.day): [(b.start_time, b.end_time) for b in o.blocks]
            for o in s.scalars(select(DateOverride))
        }
        holidays = set(s.scalars(select(ClinicHoliday.day)))
        first, last = date(2026, 10, 1), date(2026, 12, 1)
        closed: dict[tuple[object, date], list[tuple[time, time]]] = {}
        for x in s.scalars(select(RecurringException)):
            rule = rrulestr(x.rrule, dtstart=datetime.combine(x.starts_on, time()))
            for hit in rule.between(
                datetime.combine(first, time()), datetime.combine(last, time())
            ):
                span = (x.start_time or time(0), x.end_time or time(23, 59, 59))
                closed.setdefault((x.practitioner_id, hit.date()), []).append(span)
        appointments = list(s.scalars(select(Appointment)))

    assert len(appointments) > 600
    days = {a.starts_at.astimezone(LONDON).date() for a in appointments}
    assert min(days) < date(2026, 10, 25) < max(days)
    for a in appointments:
        local_start, local_end = a.starts_at.astimezone(LONDON), a.ends_at.astimezone(LONDON)
        day = local_start.date()
        assert local_end.date() == day
        assert day not in holidays
        key = (a.practitioner_id, day)
        if key in overrides:
            blocks, exceptions = overrides[key], []
        else:
            blocks, exceptions = (
                rules.get((a.practitioner_id, day.weekday()), []),
                closed.get(key, []),
            )
        assert _inside(local_start.time(), local_end.time(), blocks, exceptions), (
            f"{a.reference} at {local_start:%a %d %b %H:%M} is outside its practitioner's hours"
        )
        # Statuses agree with the clock: nothing in the future is done already.
        if a.starts_at > now:
            assert a.status in {
                AppointmentStatus.BOOKED,
                AppointmentStatus.CHECKED_IN,
                AppointmentStatus.CANCELLED,
            }
        if a.ends_at <= now:
            assert a.status in {
                AppointmentStatus.COMPLETED,
                AppointmentStatus.NO_SHOW,
                AppointmentStatus.CANCELLED,
            }
        cancelled = a.status is AppointmentStatus.CANCELLED
        assert cancelled == (a.cancelled_at is not None) == (a.cancel_reason is not None)
        if a.cancelled_at is not None:
            assert a.cancelled_by_id is not None
            assert a.created_at <= a.cancelled_at <= min(a.starts_at, now)
        assert a.created_at <= now
    statuses = Counter(a.status for a in appointments if a.ends_at <= now)
    assert statuses[AppointmentStatus.COMPLETED] > 0.75 * sum(statuses.values())
    assert statuses[AppointmentStatus.NO_SHOW] and statuses[AppointmentStatus.CANCELLED]
    live = [a for a in appointments if a.status in LIVE_APPOINTMENT_STATUSES]
    assert len({a.reference for a in appointments}) == len(appointments) > len(live)
    assert all(f.ok for f in run_checks(app.db))


def _fingerprint(app: AppContext) -> tuple[list[str], list[tuple[str, datetime]]]:
    with app.db.read_sessions() as s:
        names = list(s.scalars(select(Client.full_name).order_by(Client.full_name)))
        times = [
            (str(p), t)
            for p, t in s.execute(
                select(Appointment.practitioner_id, Appointment.starts_at).order_by(
                    Appointment.starts_at, Appointment.practitioner_id
                )
            )
        ]
    return names, times


def test_same_seed_gives_the_same_clinic_and_another_seed_another(app: AppContext) -> None:
    ctx = at(app, TUESDAY)
    seed_demo(ctx, size="small", seed=7)
    first = _fingerprint(app)

    seed_demo(ctx, size="small", seed=7, force=True)
    assert _fingerprint(app) == first

    seed_demo(ctx, size="small", seed=8, force=True)
    names, times = _fingerprint(app)
    assert names != first[0]
    assert [t for _, t in times] != [t for _, t in first[1]]


def test_demo_refuses_a_database_in_use_unless_forced(app: AppContext) -> None:
    ctx = at(app, TUESDAY)
    ctx.bus.handle(
        CreateFirstManager(email="boss@clinic.test", name="Real Boss", password="s3cret-pass"),
        Actor.system(),
    )

    with pytest.raises(Conflict, match="--force") as refused:
        seed_demo(ctx, size="small", seed=1)
    assert "1 staff account" in str(refused.value)
    assert [s.email for s in staff_queries.staff_accounts(app.db)] == ["boss@clinic.test"]
    assert [a.command for a in audit_queries.recent_audit(app.db)] == ["CreateFirstManager"]

    summary = seed_demo(ctx, size="small", seed=1, force=True)
    with app.db.read_sessions() as s:
        staff = s.scalar(select(func.count()).select_from(StaffAccount))
        assert (
            s.scalar(select(StaffAccount).where(StaffAccount.email == "boss@clinic.test")) is None
        )
    assert staff == summary.staff_accounts
    # The old audit log went with the old data; the new one starts a fresh chain.
    assert [a.command for a in audit_queries.recent_audit(app.db)] == ["SeedDemoClinic"]
    assert all(f.ok for f in run_checks(app.db))


def test_unknown_size_is_refused_before_anything_happens(app: AppContext) -> None:
    with pytest.raises(ValidationError, match="small"):
        seed_demo(at(app, TUESDAY), size="huge", seed=1, force=True)
    assert audit_queries.recent_audit(app.db) == []


def test_settings_alone_do_not_make_a_database_in_use(app: AppContext) -> None:
    ctx = at(app, TUESDAY)
    ctx.bus.handle(UpdateClinicSettings(values={"clinic_name": "Not yet"}), Actor.system())
    assert database_is_empty(ctx)

    summary = seed_demo(ctx, size="small", seed=1)

    assert clinic_queries.clinic_settings(app.db).clinic_name == summary.clinic_name
    assert [a.command for a in audit_queries.recent_audit(app.db)] == [
        "SeedDemoClinic",
        "UpdateClinicSettings",
    ]


def test_reference_alphabet_is_unambiguous() -> None:
    from desktop_app.booking.references import ALPHABET, new_reference, normalise_reference

    assert not set("ILOU") & set(ALPHABET)
    ref = new_reference()
    assert len(ref) == 6 and set(ref) <= set(ALPHABET)
    assert normalise_reference("k7q-2xo") == "K7Q2X0"
    assert normalise_reference("too long") is None
