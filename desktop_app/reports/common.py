"""Pieces the figure modules share: who the practitioners are, names, labels."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_app.infra.database import Database
from desktop_app.reports.period import Scope
from models import (
    Practitioner,
    PractitionerStatus,
    Service,
    StaffAccount,
    service_practitioner,
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    name: str
    timezone: str | None
    bookable: bool


def practitioners(
    session: Session, scope: Scope, also: set[uuid.UUID] | frozenset[uuid.UUID] = frozenset()
) -> list[Person]:
    """Bookable practitioners in the scope, plus `also` (who had sessions), by name."""
    query = select(
        Practitioner.id,
        StaffAccount.name,
        Practitioner.timezone,
        Practitioner.status.label("status"),  # type: ignore[attr-defined]
        StaffAccount.is_active,
    ).join(StaffAccount, StaffAccount.id == Practitioner.account_id)
    if scope.practitioner_id is not None:
        query = query.where(Practitioner.id == scope.practitioner_id)
    if scope.service_id is not None:
        offers = Practitioner.id.in_(
            select(service_practitioner.c.practitioner_id).where(
                service_practitioner.c.service_id == scope.service_id
            )
        )
        query = query.where(or_(offers, Practitioner.id.in_(list(also))) if also else offers)
    out = []
    for pid, name, tz, status, active in session.execute(query):
        bookable = status == PractitionerStatus.APPROVED and bool(active)
        if bookable or pid in also:
            out.append(Person(pid, name, tz, bookable))
    out.sort(key=lambda p: (p.name.lower(), str(p.id)))
    return out


def names(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return dict(
        session.execute(
            select(Practitioner.id, StaffAccount.name)
            .join(StaffAccount, StaffAccount.id == Practitioner.account_id)
            .where(Practitioner.id.in_(list(ids)))
        ).all()
    )


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Choice:
    id: uuid.UUID
    name: str


def filter_choices(db: Database) -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
    """Practitioners (approved ones) and services, by name, for a report's filters."""
    with db.read_sessions() as s:
        people = practitioners(s, Scope())
        services = s.execute(select(Service.id, Service.name).order_by(Service.name)).all()
    return (
        tuple(Choice(p.id, p.name) for p in people),
        tuple(Choice(sid, name) for sid, name in services),
    )
