"""Read side of staff: accounts and practitioners, as plain frozen rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from desktop_app.infra.database import Database
from models import (
    Practitioner,
    PractitionerStatus,
    Role,
    StaffAccount,
    StaffRole,
)


def has_manager(db: Database) -> bool:
    with db.read_sessions() as s:
        return bool(s.scalar(select(exists().where(StaffRole.role == Role.MANAGER))))


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
