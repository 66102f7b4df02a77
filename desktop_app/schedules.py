"""Open slots from the database: loads the slot engine's inputs, asks the engine.

The engine (desktop_app.slot_engine) is pure; this module is the only place
that turns stored rules, exceptions, appointments and holds into its inputs.
Only approved practitioners with an active account who offer the service are
considered.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.orm import Session

from desktop_app import slot_engine as engine
from desktop_app.clinic_settings import ClinicSettings
from desktop_app.database import Database
from desktop_app.errors import NotFound
from models import (
    LIVE_APPOINTMENT_STATUSES,
    Appointment,
    ClinicHoliday,
    ClinicSetting,
    DateOverride,
    OverrideBlock,
    Practitioner,
    PractitionerStatus,
    RecurringException,
    ScheduleSettings,
    Service,
    SlotHold,
    StaffAccount,
    WeeklyRule,
    service_practitioner,
)
from models.availability import weekly_rule_service

DEFAULT_SETTINGS = engine.ScheduleSettings(
    slot_interval=timedelta(minutes=15),
    buffer_before=timedelta(0),
    buffer_after=timedelta(0),
    min_notice=timedelta(0),
    horizon_days=90,
    max_per_day=None,
)
# Busy times are loaded a little beyond the asked window: buffers and local
# days in far-off zones reach past its edges.
_MARGIN = timedelta(days=2)


@dataclass(frozen=True)
class ServiceInfo:
    id: uuid.UUID
    name: str
    duration: timedelta


@dataclass(frozen=True)
class Inputs:
    service: ServiceInfo
    schedules: tuple[engine.PractitionerSchedule, ...]
    holidays: frozenset[date]


def _clinic_zone(session: Session) -> ZoneInfo:
    stored = session.get(ClinicSetting, "timezone")
    return ZoneInfo(
        ClinicSettings.from_mapping({"timezone": stored.value} if stored else {}).timezone
    )


@lru_cache(maxsize=2048)
def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# Statements are built once: constructing SQLAlchemy constructs costs more
# than running these small indexed queries, and a booking runs all of them.
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_WHO = (
    select(Practitioner.id, Practitioner.timezone, Practitioner.status)  # type: ignore[attr-defined]
    .join(StaffAccount, StaffAccount.id == Practitioner.account_id)
    .join(service_practitioner, service_practitioner.c.practitioner_id == Practitioner.id)
    .where(service_practitioner.c.service_id == bindparam("service_id"))
    .add_columns(StaffAccount.is_active)
    .order_by(StaffAccount.name)
)
_SETTINGS = select(ScheduleSettings).where(ScheduleSettings.practitioner_id.in_(_IDS))
_RULES = (
    select(
        WeeklyRule.id,
        WeeklyRule.practitioner_id,
        WeeklyRule.weekday,
        WeeklyRule.start_time,
        WeeklyRule.end_time,
        weekly_rule_service.c.service_id,
    )
    .outerjoin(weekly_rule_service, weekly_rule_service.c.rule_id == WeeklyRule.id)
    .where(WeeklyRule.practitioner_id.in_(_IDS))
)
_OVERRIDES = (
    select(
        DateOverride.id,
        DateOverride.practitioner_id,
        DateOverride.day,
        DateOverride.reason,
        OverrideBlock.start_time,
        OverrideBlock.end_time,
    )
    .outerjoin(OverrideBlock, OverrideBlock.override_id == DateOverride.id)
    .where(
        DateOverride.practitioner_id.in_(_IDS),
        DateOverride.day.between(bindparam("first_day"), bindparam("last_day")),
    )
)
_RECURRING = select(
    RecurringException.practitioner_id,
    RecurringException.rrule,
    RecurringException.starts_on,
    RecurringException.start_time,
    RecurringException.end_time,
    RecurringException.reason,
).where(RecurringException.practitioner_id.in_(_IDS))
_APPOINTMENTS = select(
    Appointment.id,
    Appointment.practitioner_id,
    Appointment.starts_at,
    Appointment.ends_at,
    Appointment.buffer_before_min,
    Appointment.buffer_after_min,
).where(
    Appointment.practitioner_id.in_(_IDS),
    Appointment.status.in_(LIVE_APPOINTMENT_STATUSES),
    Appointment.starts_at < bindparam("hi"),
    Appointment.ends_at > bindparam("lo"),
)
_HOLDS = select(SlotHold.practitioner_id, SlotHold.starts_at, SlotHold.ends_at).where(
    SlotHold.practitioner_id.in_(_IDS),
    SlotHold.expires_at > bindparam("now"),
    SlotHold.starts_at < bindparam("hi"),
    SlotHold.ends_at > bindparam("lo"),
)
_HOLIDAYS = select(ClinicHoliday.day).where(
    ClinicHoliday.day.between(bindparam("first_day"), bindparam("last_day"))
)


def load_inputs(
    session: Session,
    service_id: uuid.UUID,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    practitioner_ids: Collection[uuid.UUID] | None = None,
    *,
    ignore_appointment: uuid.UUID | None = None,
    require_bookable: bool = True,
) -> Inputs:
    """Everything the engine needs to answer for `service_id` within the window.

    `ignore_appointment` leaves one appointment out of the busy times (the one
    being rescheduled). `require_bookable=False` also loads practitioners who
    are not approved, for checks that only need their rules.
    """
    service = session.get(Service, service_id)
    if service is None or not service.is_active:
        raise NotFound("That service does not exist or is no longer offered.")
    info = ServiceInfo(service.id, service.name, _minutes(service.duration_min))
    clinic_tz = _clinic_zone(session)

    wanted = set(practitioner_ids) if practitioner_ids is not None else None
    people = [
        p
        for p in session.execute(_WHO, {"service_id": service_id})
        if (wanted is None or p.id in wanted)
        and (not require_bookable or (p.status == PractitionerStatus.APPROVED and p.is_active))
    ]
    ids = [p.id for p in people]
    if not ids:
        return Inputs(info, (), frozenset())
    by_ids = {"ids": ids}

    settings = {
        s.practitioner_id: engine.ScheduleSettings(
            slot_interval=_minutes(s.slot_interval_min),
            buffer_before=_minutes(s.buffer_before_min),
            buffer_after=_minutes(s.buffer_after_min),
            min_notice=_minutes(s.min_notice_min),
            horizon_days=s.horizon_days,
            max_per_day=s.max_per_day,
        )
        for s in session.scalars(_SETTINGS, by_ids)
    }

    rule_rows: dict[uuid.UUID, Any] = {}
    rule_services: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for r in session.execute(_RULES, by_ids):
        rule_rows[r.id] = r
        if r.service_id is not None:
            rule_services[r.id].add(r.service_id)
    weekly: dict[uuid.UUID, list[engine.WeeklyBlock]] = defaultdict(list)
    for rule_id, r in rule_rows.items():
        only = rule_services.get(rule_id)
        weekly[r.practitioner_id].append(
            engine.WeeklyBlock(
                r.weekday, r.start_time, r.end_time, frozenset(only) if only else None
            )
        )

    days = {
        "first_day": (window_start - _MARGIN).date(),
        "last_day": (window_end + _MARGIN).date(),
    }
    override_heads: dict[uuid.UUID, Any] = {}
    override_blocks: dict[uuid.UUID, list[engine.TimeBlock]] = defaultdict(list)
    for o in session.execute(_OVERRIDES, {**by_ids, **days}):
        override_heads[o.id] = o
        if o.start_time is not None:
            override_blocks[o.id].append(engine.TimeBlock(o.start_time, o.end_time))
    overrides: dict[uuid.UUID, list[engine.DateOverride]] = defaultdict(list)
    for oid, o in override_heads.items():
        blocks = tuple(sorted(override_blocks.get(oid, []), key=lambda b: b.start))
        overrides[o.practitioner_id].append(engine.DateOverride(o.day, blocks, o.reason))

    recurring: dict[uuid.UUID, list[engine.RecurringException]] = defaultdict(list)
    for x in session.execute(_RECURRING, by_ids):
        block = (
            engine.TimeBlock(x.start_time, x.end_time)
            if x.start_time is not None and x.end_time is not None
            else None
        )
        recurring[x.practitioner_id].append(
            engine.RecurringException(x.rrule, x.starts_on, block, x.reason)
        )

    span = {**by_ids, "lo": window_start - _MARGIN, "hi": window_end + _MARGIN}
    # Each appointment keeps the buffers it was booked with (the database's
    # overlap check uses the same), so the engine and the database agree.
    busy: dict[uuid.UUID, list[engine.Busy]] = defaultdict(list)
    for a in session.execute(_APPOINTMENTS, span):
        if a.id != ignore_appointment:
            busy[a.practitioner_id].append(
                engine.Busy(
                    a.starts_at,
                    a.ends_at,
                    _minutes(a.buffer_before_min),
                    _minutes(a.buffer_after_min),
                    True,
                )
            )
    for h in session.execute(_HOLDS, {**span, "now": now}):
        # A hold becomes an appointment with the practitioner's buffers.
        s = settings.get(h.practitioner_id, DEFAULT_SETTINGS)
        busy[h.practitioner_id].append(
            engine.Busy(h.starts_at, h.ends_at, s.buffer_before, s.buffer_after, True)
        )

    holidays = frozenset(session.scalars(_HOLIDAYS, days))

    schedules = tuple(
        engine.PractitionerSchedule(
            practitioner_id=p.id,
            tz=_zone(p.timezone) if p.timezone else clinic_tz,
            weekly=tuple(weekly.get(p.id, ())),
            overrides=tuple(overrides.get(p.id, ())),
            recurring=tuple(recurring.get(p.id, ())),
            settings=settings.get(p.id, DEFAULT_SETTINGS),
            busy=tuple(busy.get(p.id, ())),
        )
        for p in people
    )
    return Inputs(info, schedules, holidays)


def _day_window(day_from: date, day_to: date) -> tuple[datetime, datetime]:
    # Generous in UTC: a local date can start up to 14 hours either side.
    return (
        datetime.combine(day_from, time(0), UTC) - timedelta(hours=14),
        datetime.combine(day_to + timedelta(days=1), time(0), UTC) + timedelta(hours=14),
    )


def _ids(practitioner_id: uuid.UUID | Iterable[uuid.UUID] | None) -> list[uuid.UUID] | None:
    if practitioner_id is None:
        return None
    if isinstance(practitioner_id, uuid.UUID):
        return [practitioner_id]
    return list(practitioner_id)


def open_slots(
    db: Database,
    service_id: uuid.UUID,
    day_from: date,
    day_to: date,
    now: datetime,
    practitioner_id: uuid.UUID | Iterable[uuid.UUID] | None = None,
) -> list[engine.Slot]:
    """Open slots for the service on local dates day_from..day_to, for one
    practitioner, several, or (None) anyone who offers it."""
    start, end = _day_window(day_from, day_to)
    with db.read_sessions() as session:
        inputs = load_inputs(session, service_id, start, end, now, _ids(practitioner_id))
    return engine.open_slots_many(
        inputs.schedules,
        service_id,
        inputs.service.duration,
        day_from,
        day_to,
        now,
        inputs.holidays,
    )


def days_with_room(
    db: Database,
    service_id: uuid.UUID,
    year: int,
    month: int,
    now: datetime,
    practitioner_id: uuid.UUID | Iterable[uuid.UUID] | None = None,
) -> set[date]:
    """Local dates of the month with at least one open slot (for a date picker)."""
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start, end = _day_window(first, last)
    with db.read_sessions() as session:
        inputs = load_inputs(session, service_id, start, end, now, _ids(practitioner_id))
    return engine.days_with_room(
        inputs.schedules, service_id, inputs.service.duration, year, month, now, inputs.holidays
    )


def next_free_slot(
    db: Database,
    service_id: uuid.UUID,
    now: datetime,
    practitioner_id: uuid.UUID | Iterable[uuid.UUID] | None = None,
    after: datetime | None = None,
) -> engine.Slot | None:
    """The earliest open slot with the practitioner(s), or with anyone.

    Looks two weeks ahead first (the usual answer), then out to the longest
    booking horizon, so the common case loads little.
    """
    from_instant = max(now, after) if after else now
    with db.read_sessions() as session:
        for span in (timedelta(days=14), None):
            if span is None:
                horizon = max(
                    (s.horizon_days for s in session.scalars(select(ScheduleSettings))),
                    default=DEFAULT_SETTINGS.horizon_days,
                )
                span = timedelta(days=horizon + 1)
            inputs = load_inputs(
                session, service_id, from_instant, from_instant + span, now, _ids(practitioner_id)
            )
            slot = engine.next_free_slot(
                inputs.schedules, service_id, inputs.service.duration, now, inputs.holidays, after
            )
            if slot is not None and slot.start <= from_instant + span:
                return slot
    return None


# --- what the schedule editor shows ------------------------------------------


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
            timezone=p.timezone or str(_clinic_zone(s)),
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
