"""The change feed and the workstations reading it (DESIGN §5 "Realtime", §9).

`change_log`: one row per committed command, written in the command's own
transaction: what it was (command id and kind), who and where (actor,
workstation, the process that committed it) and the domain events it raised,
serialised. `position` is the command's audit sequence number: both are
assigned under the audit log's lock, which is held until commit, so positions
become visible in increasing order and a reader that has seen position N has
seen every committed change before it. Other workstations refresh from it,
one that slept or lost its server catches up from it, and the reception
replica will be fed from it. Old rows are trimmed; the audit log keeps the
history.

`workstation`: every running app, with a heartbeat; "connected now" is a
heartbeat seen within a few intervals.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ChangeEntry(Base):
    __tablename__ = "change_log"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)
    command_id: Mapped[uuid.UUID]
    command: Mapped[str] = mapped_column(String(100))
    actor_id: Mapped[uuid.UUID | None]
    workstation: Mapped[str] = mapped_column(String(100))
    # The running app (one per process and database) that committed it.
    origin: Mapped[uuid.UUID]
    # [{"type": "AppointmentChanged", "appointment_id": "...", ...}, ...]
    events: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class Workstation(Base):
    __tablename__ = "workstation"

    # The running app's origin, as in change_log.origin.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    user_name: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime]
    last_seen: Mapped[datetime] = mapped_column(index=True)
