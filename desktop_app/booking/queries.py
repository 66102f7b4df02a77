"""Read side of booking: appointments as plain frozen rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from desktop_app.infra.database import Database
from models import (
    LIVE_APPOINTMENT_STATUSES,
    Appointment,
    AppointmentStatus,
    Client,
    Practitioner,
    Service,
    StaffAccount,
)


@dataclass(frozen=True)
class AppointmentRow:
    id: uuid.UUID
    reference: str
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    client_name: str
    practitioner_id: uuid.UUID
    practitioner_name: str
    service_name: str
    colour: str
    client_id: uuid.UUID | None = None
    service_id: uuid.UUID | None = None
    source: str = ""
    video_link: str | None = None
    room: str | None = None
    cancel_reason: str | None = None


def appointments_on(db: Database, day: date, tz: ZoneInfo) -> list[AppointmentRow]:
    """Every appointment whose start falls on the local date `day` in `tz`."""
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    with db.read_sessions() as s:
        where = and_(Appointment.starts_at >= start, Appointment.starts_at < end)
        return appointment_rows(s, where, [Appointment.starts_at, StaffAccount.name])


@dataclass(frozen=True)
class ClinicOverview:
    practitioners: int
    clients: int
    upcoming_appointments: int
    staff: int


def clinic_overview(db: Database, now: datetime) -> ClinicOverview:
    with db.read_sessions() as s:
        return ClinicOverview(
            practitioners=s.scalar(select(func.count()).select_from(Practitioner)) or 0,
            clients=s.scalar(
                select(func.count()).select_from(Client).where(Client.archived_at.is_(None))
            )
            or 0,
            upcoming_appointments=s.scalar(
                select(func.count())
                .select_from(Appointment)
                .where(
                    Appointment.starts_at >= now,
                    Appointment.status.in_(LIVE_APPOINTMENT_STATUSES),
                )
            )
            or 0,
            staff=s.scalar(select(func.count()).select_from(StaffAccount)) or 0,
        )


def appointment_rows(s: Session, where: Any, order: Any) -> list[AppointmentRow]:
    stmt = (
        select(Appointment, Client.full_name, StaffAccount.name, Service.name, Service.colour)
        .join(Client, Client.id == Appointment.client_id)
        .join(Practitioner, Practitioner.id == Appointment.practitioner_id)
        .join(StaffAccount, StaffAccount.id == Practitioner.account_id)
        .join(Service, Service.id == Appointment.service_id)
        .where(where)
        .order_by(*order)
    )
    return [
        AppointmentRow(
            a.id,
            a.reference,
            a.starts_at,
            a.ends_at,
            a.status,
            client,
            a.practitioner_id,
            practitioner,
            service,
            colour,
            client_id=a.client_id,
            service_id=a.service_id,
            source=a.source.value,
            video_link=a.video_link,
            room=a.room,
            cancel_reason=a.cancel_reason,
        )
        for a, client, practitioner, service, colour in s.execute(stmt)
    ]


def appointments_between(
    db: Database,
    start: datetime,
    end: datetime,
    practitioner_ids: list[uuid.UUID] | None = None,
) -> list[AppointmentRow]:
    """Appointments starting in [start, end), for calendars (all statuses)."""
    with db.read_sessions() as s:
        where = and_(Appointment.starts_at >= start, Appointment.starts_at < end)
        if practitioner_ids is not None:
            where = and_(where, Appointment.practitioner_id.in_(practitioner_ids))
        return appointment_rows(s, where, [Appointment.starts_at, StaffAccount.name])
