"""Read side: functions that return plain, frozen objects, never ORM rows.

Views call these (off the GUI thread where they may be slow); nothing here
writes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, selectinload

from desktop_app.clinic_settings import ClinicSettings
from desktop_app.database import Database
from desktop_app.text_search import search_terms
from models import (
    LIVE_APPOINTMENT_STATUSES,
    Appointment,
    AppointmentStatus,
    AuditEntry,
    Client,
    ClinicSetting,
    CreditEntry,
    Practitioner,
    PractitionerStatus,
    Role,
    Service,
    StaffAccount,
    StaffRole,
)


def has_manager(db: Database) -> bool:
    with db.read_sessions() as s:
        return bool(s.scalar(select(exists().where(StaffRole.role == Role.MANAGER))))


def clinic_settings(db: Database) -> ClinicSettings:
    with db.read_sessions() as s:
        stored = {row.key: row.value for row in s.scalars(select(ClinicSetting))}
    return ClinicSettings.from_mapping(stored)


@dataclass(frozen=True)
class StaffRow:
    id: uuid.UUID
    email: str
    name: str
    roles: frozenset[Role]
    is_active: bool
    phone: str | None = None


def staff_accounts(db: Database) -> list[StaffRow]:
    with db.read_sessions() as s:
        accounts = s.scalars(
            select(StaffAccount)
            .options(selectinload(StaffAccount.roles))
            .order_by(StaffAccount.name)
        )
        return [StaffRow(a.id, a.email, a.name, a.role_set, a.is_active, a.phone) for a in accounts]


@dataclass(frozen=True)
class PractitionerRow:
    id: uuid.UUID
    name: str
    email: str
    profession: str
    status: PractitionerStatus
    colour: str
    specialisations: tuple[str, ...]


def practitioners(db: Database, *, bookable_only: bool = False) -> list[PractitionerRow]:
    with db.read_sessions() as s:
        stmt = (
            select(Practitioner, Practitioner.status)  # type: ignore[attr-defined]
            .join(Practitioner.account)
            .order_by(StaffAccount.name)
        )
        if bookable_only:
            stmt = stmt.where(
                Practitioner.status == PractitionerStatus.APPROVED,  # type: ignore[attr-defined]
                StaffAccount.is_active.is_(True),
            )
        return [
            PractitionerRow(
                p.id,
                p.account.name,
                p.account.email,
                p.profession,
                PractitionerStatus(status),
                p.colour,
                tuple(p.specialisations),
            )
            for p, status in s.execute(stmt)
        ]


@dataclass(frozen=True)
class ServiceRow:
    id: uuid.UUID
    name: str
    duration_min: int
    price_cents: int
    currency: str
    price_credits: int | None
    colour: str
    is_online: bool


def services(db: Database) -> list[ServiceRow]:
    with db.read_sessions() as s:
        rows = s.scalars(select(Service).where(Service.is_active).order_by(Service.name))
        return [
            ServiceRow(
                r.id,
                r.name,
                r.duration_min,
                r.price_cents,
                r.currency,
                r.price_credits,
                r.colour,
                r.is_online,
            )
            for r in rows
        ]


@dataclass(frozen=True)
class ClientRow:
    id: uuid.UUID
    full_name: str
    email: str | None
    phone: str | None
    date_of_birth: date | None
    balance: int


def clients(db: Database, *, limit: int = 200) -> list[ClientRow]:
    """The first clients by name with their credit balance (the ledger's sum)."""
    with db.read_sessions() as s:
        balance = (
            select(func.coalesce(func.sum(CreditEntry.amount), 0))
            .where(CreditEntry.client_id == Client.id)
            .correlate(Client)
            .scalar_subquery()
        )
        stmt = (
            select(Client, balance)
            .where(Client.archived_at.is_(None))
            .order_by(Client.full_name)
            .limit(limit)
        )
        return [
            ClientRow(c.id, c.full_name, c.email, c.phone, c.date_of_birth, int(b))
            for c, b in s.execute(stmt)
        ]


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
        return _appointment_rows(s, where, [Appointment.starts_at, StaffAccount.name])


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


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime
    actor_name: str | None
    workstation: str
    command: str
    target: str | None


def recent_audit(db: Database, limit: int = 200) -> list[AuditRow]:
    with db.read_sessions() as s:
        stmt = (
            select(AuditEntry, StaffAccount.name)
            .outerjoin(StaffAccount, StaffAccount.id == AuditEntry.actor_id)
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        )
        return [
            AuditRow(e.seq, e.at, name, e.workstation, e.command, e.target)
            for e, name in s.execute(stmt)
        ]


def search_clients(db: Database, typed: str, *, limit: int = 25) -> list[ClientRow]:
    """Clients matching every typed term in name, e-mail or phone digits,
    case- and accent-insensitively; archived clients are left out."""
    terms = search_terms(typed)
    with db.read_sessions() as s:
        stmt = select(Client).where(Client.archived_at.is_(None))
        for term in terms:
            stmt = stmt.where(Client.search_key.contains(term, autoescape=True))
        found = s.scalars(stmt.order_by(Client.full_name).limit(limit)).all()
        balances = _balances(s, [c.id for c in found])
        return [
            ClientRow(c.id, c.full_name, c.email, c.phone, c.date_of_birth, balances.get(c.id, 0))
            for c in found
        ]


def _balances(s: Session, client_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not client_ids:
        return {}
    rows = s.execute(
        select(CreditEntry.client_id, func.sum(CreditEntry.amount))
        .where(CreditEntry.client_id.in_(client_ids))
        .group_by(CreditEntry.client_id)
    )
    return {cid: int(total) for cid, total in rows}


@dataclass(frozen=True)
class ClientRecord:
    id: uuid.UUID
    full_name: str
    email: str | None
    phone: str | None
    date_of_birth: date | None
    notes: str
    emergency_contact_name: str | None
    emergency_contact_phone: str | None
    archived: bool
    balance: int
    appointments: tuple[AppointmentRow, ...]


def _appointment_rows(s: Session, where: Any, order: Any) -> list[AppointmentRow]:
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


def client_record(db: Database, client_id: uuid.UUID) -> ClientRecord | None:
    with db.read_sessions() as s:
        c = s.get(Client, client_id)
        if c is None:
            return None
        history = _appointment_rows(
            s, Appointment.client_id == client_id, [Appointment.starts_at.desc()]
        )
        return ClientRecord(
            c.id,
            c.full_name,
            c.email,
            c.phone,
            c.date_of_birth,
            c.notes,
            c.emergency_contact_name,
            c.emergency_contact_phone,
            c.archived_at is not None,
            _balances(s, [c.id]).get(c.id, 0),
            tuple(history),
        )


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
        return _appointment_rows(s, where, [Appointment.starts_at, StaffAccount.name])
