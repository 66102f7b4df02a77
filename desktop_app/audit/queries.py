"""Reading and exporting the audit log, filtered the way a manager asks."""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, or_, select

from desktop_app.infra.database import Database
from models import (
    AuditEntry,
    StaffAccount,
)


@dataclass(frozen=True)
class AuditFilter:
    actor_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    command: str | None = None  # exact command name, e.g. "BookAppointment"
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class AuditLine:
    seq: int
    at: datetime
    actor: str | None
    workstation: str
    command: str
    target: str | None
    changes: dict[str, Any]


def entries(db: Database, f: AuditFilter, limit: int = 1000) -> list[AuditLine]:
    """Newest first. A client filter matches entries about that client: their
    record, or any command that names them (a booking for them, say)."""
    stmt = (
        select(AuditEntry, StaffAccount.name)
        .outerjoin(StaffAccount, StaffAccount.id == AuditEntry.actor_id)
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
    )
    if f.actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == f.actor_id)
    if f.command:
        stmt = stmt.where(AuditEntry.command == f.command)
    if f.start is not None:
        stmt = stmt.where(AuditEntry.at >= f.start)
    if f.end is not None:
        stmt = stmt.where(AuditEntry.at < f.end)
    if f.client_id is not None:
        cid = str(f.client_id)
        stmt = stmt.where(
            or_(
                AuditEntry.target == f"client:{cid}",
                cast(AuditEntry.changes, String).contains(cid),
            )
        )
    with db.read_sessions() as s:
        return [
            AuditLine(e.seq, e.at, name, e.workstation, e.command, e.target, e.changes)
            for e, name in s.execute(stmt)
        ]


def commands(db: Database) -> list[str]:
    with db.read_sessions() as s:
        return list(s.scalars(select(AuditEntry.command).distinct().order_by(AuditEntry.command)))


def to_csv(lines: list[AuditLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["seq", "at (UTC)", "person", "workstation", "action", "target", "changes"])
    for line in lines:
        writer.writerow(
            [
                line.seq,
                line.at.isoformat(),
                line.actor or "system",
                line.workstation,
                line.command,
                line.target or "",
                json.dumps(line.changes, sort_keys=True, ensure_ascii=False),
            ]
        )
    return out.getvalue()


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
