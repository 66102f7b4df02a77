"""Which workstations are running over this database, from their heartbeats."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from desktop_app.infra.database import Database, upsert
from models import Workstation

# How often a running app says it is still there.
HEARTBEAT_S = 10.0
# Connected now: a heartbeat within this (a few missed beats are forgiven).
CONNECTED_WITHIN = timedelta(seconds=3 * HEARTBEAT_S)
# A row not heard from for this long is removed by whoever trims.
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class WorkstationRow:
    id: uuid.UUID
    name: str
    user_name: str | None
    started_at: datetime
    last_seen: datetime


def beat(
    db: Database,
    origin: uuid.UUID,
    *,
    name: str,
    user_name: str | None,
    started_at: datetime,
    now: datetime,
) -> None:
    with db.write_sessions() as session, session.begin():
        upsert(
            session,
            Workstation.__table__,
            {
                "id": origin,
                "name": name[:100],
                "user_name": user_name[:200] if user_name else None,
                "started_at": started_at,
                "last_seen": now,
            },
            ["id"],
        )


def leave(db: Database, origin: uuid.UUID) -> None:
    with db.write_sessions() as session, session.begin():
        session.execute(delete(Workstation).where(Workstation.id == origin))


def forget_silent(db: Database, now: datetime) -> None:
    with db.write_sessions() as session, session.begin():
        session.execute(delete(Workstation).where(Workstation.last_seen < now - FORGET_AFTER))


def connected_workstations(db: Database, now: datetime) -> list[WorkstationRow]:
    """Workstations heard from recently, longest connected first."""
    with db.read_sessions() as session:
        rows = session.scalars(
            select(Workstation)
            .where(Workstation.last_seen >= now - CONNECTED_WITHIN)
            .order_by(Workstation.started_at, Workstation.name)
        ).all()
        return [WorkstationRow(r.id, r.name, r.user_name, r.started_at, r.last_seen) for r in rows]
