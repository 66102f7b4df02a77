"""Read side of the clinic: its settings and the services it offers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.clinic.settings import ClinicSettings
from desktop_app.infra.database import Database
from models import (
    ClinicSetting,
    Service,
)


def stored_settings(session: Session) -> ClinicSettings:
    """The clinic's settings as stored, read in the caller's session (or transaction)."""
    return ClinicSettings.from_mapping(
        {row.key: row.value for row in session.scalars(select(ClinicSetting))}
    )


def clinic_settings(db: Database) -> ClinicSettings:
    with db.read_sessions() as s:
        return stored_settings(s)


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
