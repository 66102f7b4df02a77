"""A practitioner's availability: weekly rules, date overrides, recurring
exceptions and settings; plus clinic holidays and short slot holds.

Rules are wall-clock times in the practitioner's zone; holds are instants.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, IdMixin
from models.service import Service

weekly_rule_service = Table(
    "weekly_rule_service",
    Base.metadata,
    Column("rule_id", ForeignKey("weekly_rule.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class WeeklyRule(IdMixin, Base):
    """One block of weekly hours; several per day are allowed."""

    __tablename__ = "weekly_rule"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
    )

    practitioner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practitioner.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]  # 0 = Monday
    start_time: Mapped[time]
    end_time: Mapped[time]
    room: Mapped[str | None] = mapped_column(String(50))
    # Empty: every service the practitioner offers.
    services: Mapped[list[Service]] = relationship(secondary=weekly_rule_service, lazy="selectin")


class DateOverride(IdMixin, Base):
    """Replaces all weekly blocks of one local date: closed, or custom blocks."""

    __tablename__ = "date_override"
    __table_args__ = (UniqueConstraint("practitioner_id", "day"),)

    practitioner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practitioner.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    # No blocks: closed all day.
    blocks: Mapped[list[OverrideBlock]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OverrideBlock.start_time"
    )


class OverrideBlock(IdMixin, Base):
    __tablename__ = "override_block"
    __table_args__ = (CheckConstraint("end_time > start_time", name="ends_after_start"),)

    override_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("date_override.id", ondelete="CASCADE"), index=True
    )
    start_time: Mapped[time]
    end_time: Mapped[time]


class RecurringException(IdMixin, Base):
    """E.g. closed every first Monday of the month (an RFC 5545 RRULE)."""

    __tablename__ = "recurring_exception"
    __table_args__ = (
        CheckConstraint(
            "(start_time IS NULL AND end_time IS NULL) OR end_time > start_time",
            name="whole_day_or_range",
        ),
    )

    practitioner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practitioner.id", ondelete="CASCADE"), index=True
    )
    rrule: Mapped[str] = mapped_column(String(500))
    starts_on: Mapped[date]
    # Both None: the whole day is closed.
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    reason: Mapped[str] = mapped_column(Text, default="")


class ScheduleSettings(Base):
    __tablename__ = "schedule_settings"
    __table_args__ = (
        CheckConstraint("slot_interval_min > 0", name="interval_positive"),
        CheckConstraint("buffer_before_min >= 0 AND buffer_after_min >= 0", name="buffers"),
        CheckConstraint("min_notice_min >= 0", name="notice_not_negative"),
        CheckConstraint("horizon_days > 0", name="horizon_positive"),
        CheckConstraint("max_per_day IS NULL OR max_per_day > 0", name="max_positive"),
    )

    practitioner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practitioner.id", ondelete="CASCADE"), primary_key=True
    )
    slot_interval_min: Mapped[int] = mapped_column(default=15)
    buffer_before_min: Mapped[int] = mapped_column(default=0)
    buffer_after_min: Mapped[int] = mapped_column(default=0)
    min_notice_min: Mapped[int] = mapped_column(default=0)
    horizon_days: Mapped[int] = mapped_column(default=90)
    max_per_day: Mapped[int | None]


class ClinicHoliday(IdMixin, Base):
    __tablename__ = "clinic_holiday"

    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(100))


class SlotHold(IdMixin, Base):
    """Keeps a slot from being offered elsewhere while a desk is booking it."""

    __tablename__ = "slot_hold"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    practitioner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("practitioner.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    held_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
    purpose: Mapped[str] = mapped_column(String(30), default="booking")
