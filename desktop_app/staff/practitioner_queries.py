"""Read side for practitioners: the application queue, profiles, documents."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import undefer

from desktop_app.infra.database import Database
from models import (
    Practitioner,
    PractitionerDecision,
    PractitionerDocument,
    PractitionerStatus,
    StaffAccount,
)


@dataclass(frozen=True)
class DocumentRow:
    id: uuid.UUID
    kind: str
    filename: str
    content_type: str
    size_bytes: int
    uploaded_at: datetime


@dataclass(frozen=True)
class DecisionRow:
    status: PractitionerStatus
    decided_at: datetime
    decided_by: str | None
    reason: str


@dataclass(frozen=True)
class PractitionerProfile:
    id: uuid.UUID
    account_id: uuid.UUID
    name: str
    email: str
    phone: str | None
    is_active: bool
    status: PractitionerStatus
    profession: str
    bio: str
    specialisations: tuple[str, ...]
    languages: tuple[str, ...]
    experience_years: int | None
    licence_number: str | None
    colour: str
    photo: bytes | None
    documents: tuple[DocumentRow, ...]
    decisions: tuple[DecisionRow, ...]


def profile(db: Database, practitioner_id: uuid.UUID) -> PractitionerProfile | None:
    with db.read_sessions() as s:
        row = s.execute(
            select(Practitioner, Practitioner.status).where(Practitioner.id == practitioner_id)  # type: ignore[attr-defined]
        ).first()
        if row is None:
            return None
        p, status = row
        account = s.scalars(
            select(StaffAccount)
            .options(undefer(StaffAccount.photo))
            .where(StaffAccount.id == p.account_id)
        ).one()
        docs = s.scalars(
            select(PractitionerDocument)
            .where(PractitionerDocument.practitioner_id == p.id)
            .order_by(PractitionerDocument.uploaded_at, PractitionerDocument.filename)
        ).all()
        deciders = {a.id: a.name for a in s.scalars(select(StaffAccount))}
        decisions = s.scalars(
            select(PractitionerDecision)
            .where(PractitionerDecision.practitioner_id == p.id)
            .order_by(PractitionerDecision.seq)
        ).all()
        return PractitionerProfile(
            id=p.id,
            account_id=account.id,
            name=account.name,
            email=account.email,
            phone=account.phone,
            is_active=account.is_active,
            status=PractitionerStatus(status),
            profession=p.profession,
            bio=p.bio,
            specialisations=tuple(p.specialisations),
            languages=tuple(p.languages),
            experience_years=p.experience_years,
            licence_number=p.licence_number,
            colour=p.colour,
            photo=account.photo,
            documents=tuple(
                DocumentRow(d.id, d.kind, d.filename, d.content_type, d.size_bytes, d.uploaded_at)
                for d in docs
            ),
            decisions=tuple(
                DecisionRow(
                    d.status,
                    d.decided_at,
                    deciders.get(d.decided_by_id) if d.decided_by_id else None,
                    d.reason,
                )
                for d in decisions
            ),
        )


def applications(db: Database) -> list[uuid.UUID]:
    """Practitioners waiting for a decision, oldest application first."""
    with db.read_sessions() as s:
        first = (
            select(PractitionerDecision.decided_at)
            .where(
                PractitionerDecision.practitioner_id == Practitioner.id,
                PractitionerDecision.seq == 1,
            )
            .correlate(Practitioner)
            .scalar_subquery()
        )
        return list(
            s.scalars(
                select(Practitioner.id)
                .where(Practitioner.status == PractitionerStatus.APPLIED)  # type: ignore[attr-defined]
                .order_by(first)
            )
        )


def document_content(db: Database, document_id: uuid.UUID) -> tuple[str, str, bytes] | None:
    """(filename, content type, bytes) of one document, for viewing in the app."""
    with db.read_sessions() as s:
        d = s.scalars(
            select(PractitionerDocument)
            .options(undefer(PractitionerDocument.data))
            .where(PractitionerDocument.id == document_id)
        ).first()
        return (d.filename, d.content_type, d.data) if d else None


def practitioner_of_account(db: Database, account_id: uuid.UUID) -> uuid.UUID | None:
    with db.read_sessions() as s:
        return s.scalar(select(Practitioner.id).where(Practitioner.account_id == account_id))
