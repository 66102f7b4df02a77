"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models import AuditEntry

GENESIS_HASH = "0" * 64
# Any constant will do: it only has to be the same for every workstation.
_AUDIT_LOCK_KEY = 0x0C11_41C0


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_id: uuid.UUID | None,
    workstation: str,
    command: str,
    target: str | None,
    changes: dict[str, Any],
) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "seq": seq,
            "at": at.isoformat(),
            "actor": str(actor_id) if actor_id else None,
            "workstation": workstation,
            "command": command,
            "target": target,
            "changes": changes,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def append(
    session: Session,
    *,
    at: datetime,
    actor_id: uuid.UUID | None,
    workstation: str,
    command: str,
    target: str | None,
    changes: dict[str, Any],
) -> AuditEntry:
    """Add the next entry of the chain inside the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise appends so two transactions cannot both extend the same
        # tail; held until commit. SQLite's BEGIN IMMEDIATE already does this.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor_id=actor_id,
        workstation=workstation,
        command=command,
        target=target,
        changes=changes,
        prev_hash=prev,
        hash=entry_hash(
            prev_hash=prev,
            seq=seq,
            at=at,
            actor_id=actor_id,
            workstation=workstation,
            command=command,
            target=target,
            changes=changes,
        ),
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(session: Session, limit_problems: int = 20) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    prev = GENESIS_HASH
    expected_seq = 1
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    for e in rows:
        if e.seq != expected_seq:
            problems.append(ChainProblem(e.seq, f"entry {expected_seq} is missing"))
        if e.prev_hash != prev:
            problems.append(ChainProblem(e.seq, "does not link to the entry before it"))
        actual = entry_hash(
            prev_hash=e.prev_hash,
            seq=e.seq,
            at=e.at,
            actor_id=e.actor_id,
            workstation=e.workstation,
            command=e.command,
            target=e.target,
            changes=e.changes,
        )
        if actual != e.hash:
            problems.append(ChainProblem(e.seq, "was modified after it was written"))
        prev = e.hash
        expected_seq = e.seq + 1
        if len(problems) >= limit_problems:
            break
    return problems
