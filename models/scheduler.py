"""Claims of due work: the rows that make each due item happen exactly once.

Every workstation runs the same timer over one database. A job does a due
item only after inserting its claim row in the same transaction as the work;
the primary key lets exactly one such insert commit, so a second workstation
racing for the same item finds the row and skips it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ReminderClaim(Base):
    """One reminder of one appointment at one start time: done once.

    The start time is part of the key, so a moved appointment is reminded
    again for its new time, and never twice for the same one.
    """

    __tablename__ = "reminder_claim"
    __table_args__ = (CheckConstraint("offset_min > 0", name="offset_positive"),)

    appointment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appointment.id"), primary_key=True
    )
    offset_min: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(primary_key=True)
    claimed_at: Mapped[datetime]
    workstation: Mapped[str] = mapped_column(String(100))
    # The e-mail queued for it; None when none was needed: a nearer reminder
    # or the booking confirmation already told the client.
    message_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("outgoing_message.id", ondelete="SET NULL"), index=True
    )


class JobClaim(Base):
    """A one-off due item of a job (e.g. "appointment X overdue at its end Y"): done once."""

    __tablename__ = "job_claim"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    item: Mapped[str] = mapped_column(String(200), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(index=True)
    workstation: Mapped[str] = mapped_column(String(100))
