"""Read side of a practitioner's schedule, as the schedule editor shows it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import (
    select,
)

from desktop_app.availability.slot_queries import DEFAULT_SETTINGS, clinic_zone
from desktop_app.infra.database import Database
from desktop_app.kernel.errors import NotFound
from models import (
    ClinicHoliday,
    DateOverride,
    Practitioner,
    RecurringException,
    ScheduleSettings,
    WeeklyRule,
)


@dataclass(frozen=True)
class WeeklyBlockRow:
    id: uuid.UUID
    weekday: int
    start: time
    end: time
    service_ids: frozenset[uuid.UUID]
    room: str | None


@dataclass(frozen=True)
class OverrideRow:
    day: date
    blocks: tuple[tuple[time, time], ...]  # empty: closed all day
    reason: str


@dataclass(frozen=True)
class RecurringRow:
    id: uuid.UUID
    rrule: str
    starts_on: date
    start: time | None
    end: time | None
    reason: str


@dataclass(frozen=True)
class SettingsRow:
    slot_interval_min: int
    buffer_before_min: int
    buffer_after_min: int
    min_notice_min: int
    horizon_days: int
    max_per_day: int | None


@dataclass(frozen=True)
class HolidayRow:
    day: date
    name: str


@dataclass(frozen=True)
class ScheduleView:
    practitioner_id: uuid.UUID
    practitioner_name: str
    timezone: str
    weekly: tuple[WeeklyBlockRow, ...]
    overrides: tuple[OverrideRow, ...]
    recurring: tuple[RecurringRow, ...]
    settings: SettingsRow
    holidays: tuple[HolidayRow, ...]


def schedule_of(db: Database, practitioner_id: uuid.UUID, today: date) -> ScheduleView:
    """A practitioner's rules as the editor shows them: overrides and holidays
    from `today` on (past ones are history, not editable)."""
    with db.read_sessions() as s:
        p = s.get(Practitioner, practitioner_id)
        if p is None:
            raise NotFound("That practitioner does not exist.")
        rules = s.scalars(
            select(WeeklyRule)
            .where(WeeklyRule.practitioner_id == practitioner_id)
            .order_by(WeeklyRule.weekday, WeeklyRule.start_time)
        ).all()
        overrides = s.scalars(
            select(DateOverride)
            .where(DateOverride.practitioner_id == practitioner_id, DateOverride.day >= today)
            .order_by(DateOverride.day)
        ).all()
        recurring = s.scalars(
            select(RecurringException)
            .where(RecurringException.practitioner_id == practitioner_id)
            .order_by(RecurringException.starts_on)
        ).all()
        st = s.get(ScheduleSettings, practitioner_id)
        defaults = DEFAULT_SETTINGS
        settings = SettingsRow(
            st.slot_interval_min if st else int(defaults.slot_interval.total_seconds() // 60),
            st.buffer_before_min if st else 0,
            st.buffer_after_min if st else 0,
            st.min_notice_min if st else 0,
            st.horizon_days if st else defaults.horizon_days,
            st.max_per_day if st else None,
        )
        holidays = s.scalars(
            select(ClinicHoliday).where(ClinicHoliday.day >= today).order_by(ClinicHoliday.day)
        ).all()
        return ScheduleView(
            practitioner_id=p.id,
            practitioner_name=p.account.name,
            timezone=p.timezone or str(clinic_zone(s)),
            weekly=tuple(
                WeeklyBlockRow(
                    r.id,
                    r.weekday,
                    r.start_time,
                    r.end_time,
                    frozenset(svc.id for svc in r.services),
                    r.room,
                )
                for r in rules
            ),
            overrides=tuple(
                OverrideRow(o.day, tuple((b.start_time, b.end_time) for b in o.blocks), o.reason)
                for o in overrides
            ),
            recurring=tuple(
                RecurringRow(x.id, x.rrule, x.starts_on, x.start_time, x.end_time, x.reason)
                for x in recurring
            ),
            settings=settings,
            holidays=tuple(HolidayRow(h.day, h.name) for h in holidays),
        )


def practitioner_id_of_account(db: Database, account_id: uuid.UUID) -> uuid.UUID | None:
    with db.read_sessions() as s:
        return s.scalar(select(Practitioner.id).where(Practitioner.account_id == account_id))
