"""Read side of clients: lists, search-as-you-type and one client's record."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.booking.queries import AppointmentRow, appointment_rows
from desktop_app.infra.database import Database
from desktop_app.kernel.text_search import search_terms
from models import (
    Appointment,
    Client,
    CreditEntry,
)


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


def client_record(db: Database, client_id: uuid.UUID) -> ClientRecord | None:
    with db.read_sessions() as s:
        c = s.get(Client, client_id)
        if c is None:
            return None
        history = appointment_rows(
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
