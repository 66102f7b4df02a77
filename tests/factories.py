"""Small builders of stored data for tests that are not about creating it."""

from __future__ import annotations

import uuid
from datetime import datetime, time

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor, workstation_name
from models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Client,
    Practitioner,
    PractitionerDecision,
    PractitionerStatus,
    Role,
    ScheduleSettings,
    Service,
    StaffAccount,
    StaffRole,
    WeeklyRule,
)

# Any string will do where no test logs in with a password.
UNUSABLE_HASH = "!"


def staff(app: AppContext, name: str, *roles: Role) -> Actor:
    email = name.lower().replace(" ", ".") + f".{uuid.uuid4().hex[:6]}@clinic.test"
    account = StaffAccount(
        email=email,
        name=name,
        password_hash=UNUSABLE_HASH,
        roles=[StaffRole(role=r) for r in roles],
    )
    with app.db.write_sessions.begin() as s:
        s.add(account)
    return Actor(account.id, name, frozenset(roles), workstation_name())


def practitioner(
    app: AppContext,
    name: str = "Dr Test",
    *,
    status: PractitionerStatus = PractitionerStatus.APPROVED,
    services: tuple[uuid.UUID, ...] = (),
    timezone: str | None = None,
    interval_min: int = 15,
    buffer_before_min: int = 0,
    buffer_after_min: int = 0,
    weekly: tuple[tuple[int, time, time], ...] = (),
) -> tuple[Actor, uuid.UUID]:
    actor = staff(app, name, Role.PRACTITIONER)
    with app.db.write_sessions.begin() as s:
        p = Practitioner(account_id=actor.account_id, profession="Therapist", timezone=timezone)
        s.add(p)
        s.flush()
        s.add(PractitionerDecision(practitioner_id=p.id, seq=1, status=PractitionerStatus.APPLIED))
        if status != PractitionerStatus.APPLIED:
            s.add(PractitionerDecision(practitioner_id=p.id, seq=2, status=status))
        s.add(
            ScheduleSettings(
                practitioner_id=p.id,
                slot_interval_min=interval_min,
                buffer_before_min=buffer_before_min,
                buffer_after_min=buffer_after_min,
                min_notice_min=0,
                horizon_days=90,
            )
        )
        for sid in services:
            svc = s.get(Service, sid)
            assert svc is not None
            svc.practitioners.append(p)
        for weekday, start, end in weekly:
            s.add(WeeklyRule(practitioner_id=p.id, weekday=weekday, start_time=start, end_time=end))
        pid = p.id
    return actor, pid


def service(app: AppContext, name: str = "Individual", minutes: int = 50) -> uuid.UUID:
    with app.db.write_sessions.begin() as s:
        svc = Service(name=f"{name} {uuid.uuid4().hex[:4]}", duration_min=minutes, price_cents=6000)
        s.add(svc)
        s.flush()
        return svc.id


def client(app: AppContext, name: str = "Cli Ent") -> uuid.UUID:
    with app.db.write_sessions.begin() as s:
        c = Client(full_name=name, phone="+44 20 7946 0000")
        s.add(c)
        s.flush()
        return c.id


def appointment(
    app: AppContext,
    practitioner_id: uuid.UUID,
    service_id: uuid.UUID,
    starts_at: datetime,
    ends_at: datetime,
    *,
    status: AppointmentStatus = AppointmentStatus.BOOKED,
) -> uuid.UUID:
    client_id = client(app)
    with app.db.write_sessions.begin() as s:
        a = Appointment(
            reference=uuid.uuid4().hex[:8].upper(),
            client_id=client_id,
            practitioner_id=practitioner_id,
            service_id=service_id,
            starts_at=starts_at,
            ends_at=ends_at,
            status=status,
            source=AppointmentSource.FRONT_DESK,
            cancelled_at=starts_at if status == AppointmentStatus.CANCELLED else None,
        )
        s.add(a)
        s.flush()
        return a.id
