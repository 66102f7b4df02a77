"""The change feed: written in each command's transaction, read by every other workstation.

Writing (`ChangeRecorder`, called by the message bus after the handler ran
and before commit): one `change_log` row per committed command with the
events it raised, at the next position; on PostgreSQL also
`pg_notify(CHANNEL, position)` in the same transaction, which PostgreSQL
delivers only if, and when, the transaction commits. A rolled-back command
leaves neither a row nor an announcement.

Positions are consecutive and commit in order: the writer takes a lock held
until commit (PostgreSQL: an advisory transaction lock; SQLite: its one
writer, BEGIN IMMEDIATE) before reading the last position. A reader that has
seen position N has therefore seen everything before it, and a reader whose
next row is not N + 1 knows that rows it never saw were trimmed.

Reading (`read_since`) is plain SQL on the reader's own DB-API connection
(psycopg or sqlite3), so the listener and the poller share it.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.events import Event
from desktop_app.live.codec import EventCodec, UnknownEvent
from models import ChangeEntry

log = logging.getLogger(__name__)

# LISTEN/NOTIFY channel of every Clinicdesk database.
CHANNEL = "clinicdesk_changes"
# Serialises change-log writers on PostgreSQL until commit; any constant will do.
_FEED_LOCK_KEY = 0x0C11_FEED
# How many rows one read takes; a reader far behind reads again at once.
READ_BATCH = 500


class ChangeRecorder:
    """Writes the change row (and the announcement) inside the command's transaction."""

    def __init__(self, codec: EventCodec, origin: uuid.UUID) -> None:
        self.codec = codec
        self.origin = origin

    def record(
        self,
        session: Session,
        *,
        at: datetime,
        command: Command,
        actor: Actor,
        events: Sequence[Event],
    ) -> int:
        postgresql = session.get_bind().dialect.name == "postgresql"
        if postgresql:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _FEED_LOCK_KEY})
        last = session.execute(select(func.max(ChangeEntry.position))).scalar()
        position = (last or 0) + 1
        encoded: list[dict[str, Any]] = []
        for event in events:
            try:
                encoded.append(self.codec.encode(event))
            except UnknownEvent:
                log.error("%s is missing from the change feed's event types", type(event))
        session.execute(
            insert(ChangeEntry).values(
                position=position,
                at=at,
                command_id=command.command_id,
                command=command.kind(),
                actor_id=actor.account_id,
                workstation=actor.workstation[:100],
                origin=self.origin,
                events=encoded,
            )
        )
        if postgresql:
            session.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": CHANNEL, "payload": str(position)},
            )
        return position


@dataclass(frozen=True)
class Change:
    """One committed command as another workstation reads it."""

    position: int
    origin: uuid.UUID
    command: str
    events: tuple[Event, ...]


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def decode_row(codec: EventCodec, row: Sequence[Any]) -> Change:
    position, origin, command, raw = row
    data = json.loads(raw) if isinstance(raw, str | bytes) else raw
    events: list[Event] = []
    for item in data or []:
        try:
            events.append(codec.decode(item))
        except (UnknownEvent, KeyError, TypeError, ValueError):
            # Written by a newer Clinicdesk: nothing this one shows depends on it.
            log.warning("change %s: skipped an event this version does not know", position)
    return Change(int(position), _as_uuid(origin), str(command), tuple(events))


def read_since(cursor: Any, paramstyle: str, position: int, limit: int = READ_BATCH) -> list[Any]:
    """Rows after `position`, in order, on a DB-API cursor ("format" or "qmark")."""
    mark = "%s" if paramstyle == "format" else "?"
    cursor.execute(
        "SELECT position, origin, command, events FROM change_log "
        f"WHERE position > {mark} ORDER BY position LIMIT {int(limit)}",
        (position,),
    )
    return list(cursor.fetchall())


def last_position(cursor: Any) -> int:
    cursor.execute("SELECT max(position) FROM change_log")
    row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0
